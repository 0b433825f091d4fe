/**
 * Pickup that never silently degrades. imapflow, on a server without IDLE, falls back to a NOOP
 * every two minutes, and a server that advertises IDLE but never pushes (Cyrus without idled,
 * Courier without enhanced IDLE) is not noticed at all: mail then waited one to two minutes, with
 * no warning anywhere. The poller sends a NOOP on the watcher's connection every interval; new mail
 * the NOOP reveals raises the connection's `exists` event, on which the watcher scans as it does
 * for IDLE.
 *
 * With IDLE, a NOOP that reveals mail means IDLE had not announced it yet. Mail that arrived just
 * before the NOOP may simply not have been pushed yet (Dovecot waits 0.5 s, others about a second),
 * so IDLE is called silent the first time a poll finds mail that had been in the mailbox (by its
 * INTERNALDATE) for longer than the push grace; from then on the bot says so (log, `/readyz`
 * details, metric) and keeps polling. A mail moved into the inbox keeps its old INTERNALDATE: a
 * poll that races IDLE on such a mail can call IDLE silent wrongly, which costs nothing but the warning.
 */
import type { ImapFlow } from "imapflow";

export type PickupMode = "idle" | "polling: no IDLE" | "polling: IDLE does not push";

export interface PickupState {
  mode: PickupMode;
  /** Polls that found mail IDLE had not announced (or, without IDLE, any mail). */
  pollPickups: number;
}

export interface PickupPollerDeps {
  intervalMs: number;
  /** IDLE was found silent on an earlier connection to this server: no need to find it again. */
  knownSilent?: boolean;
  /** Called once per connection when IDLE is found not to push. */
  onIdleSilent(): void;
  /** Called when a poll finds mail. */
  onPollPickup(): void;
  onError(err: unknown): void;
}

/** Mail older than this when a poll finds it was not pushed by IDLE: at least 3 s (INTERNALDATE has whole seconds). */
export function idlePushGraceMs(intervalMs: number): number {
  return Math.max(3000, intervalMs / 2);
}

export class PickupPoller {
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private foundByPoll = false;
  private silent = false;
  private readonly hasIdle: boolean;
  private readonly onExists = (ev: { count: number; prevCount: number }) => {
    if (ev.count <= ev.prevCount) return;
    if (this.polling) this.foundByPoll = true;
  };

  constructor(
    private readonly client: ImapFlow,
    private readonly deps: PickupPollerDeps,
  ) {
    this.hasIdle = client.capabilities.has("IDLE");
    this.silent = deps.knownSilent === true;
  }

  get mode(): PickupMode {
    return !this.hasIdle ? "polling: no IDLE" : this.silent ? "polling: IDLE does not push" : "idle";
  }

  start(): void {
    this.client.on("exists", this.onExists);
    this.timer = setInterval(() => void this.poll(), this.deps.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.client.off("exists", this.onExists);
  }

  /** One NOOP; what it reveals reaches the watcher through the `exists` event. */
  async poll(): Promise<void> {
    if (this.polling || !this.client.usable) return;
    this.polling = true;
    this.foundByPoll = false;
    const startedAt = Date.now();
    const before = this.client.mailbox ? this.client.mailbox.exists : 0;
    try {
      await this.client.noop();
    } catch (err) {
      this.deps.onError(err);
    } finally {
      this.polling = false;
    }
    if (!this.foundByPoll) return;
    this.deps.onPollPickup();
    if (!this.hasIdle || this.silent) return;
    if (await this.waitedLongerThanPush(before, startedAt - idlePushGraceMs(this.deps.intervalMs))) {
      this.silent = true;
      this.deps.onIdleSilent();
    }
  }

  /** Whether a mail after sequence number `before` arrived (INTERNALDATE) before `cutoff` (ms). */
  private async waitedLongerThanPush(before: number, cutoff: number): Promise<boolean> {
    const after = this.client.mailbox ? this.client.mailbox.exists : 0;
    if (after <= before) return false;
    try {
      for await (const msg of this.client.fetch(`${before + 1}:${after}`, { internalDate: true })) {
        const at = msg.internalDate ? new Date(msg.internalDate).getTime() : NaN;
        if (at < cutoff) return true;
      }
    } catch (err) {
      this.deps.onError(err);
    }
    return false;
  }
}
