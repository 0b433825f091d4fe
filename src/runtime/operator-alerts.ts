/**
 * The one operator-alert mechanism: a failure an operator must act on is raised here once, by its
 * cause, and shows on every channel — the review desk's banner and /readyz (both read `active()`),
 * the metric `activation_bot_operator_alert{cause,severity}`, one log line when it starts or changes,
 * and for critical alerts a mail to ALERT_EMAIL at most once per ALERT_INTERVAL_MS per cause across
 * every instance of the desk (the claim is a Redis key; see alert-throttle.ts). While an alert stays
 * active it is mailed again after each interval; when its cause is fixed it is cleared, and a process
 * that mailed about it mails once more to say it is resolved (so an operator who was woken up is also
 * told the bot works again), claimed per cause like the alert itself.
 */
import type { Logger } from "pino";
import type { OperatorAlert } from "../app/ports.js";

/** How often active critical alerts are offered to the mailer again (the throttle decides whether one goes out). */
export const ALERT_RECHECK_MS = 30_000;

/** Where alert mail goes: claimed per cause and interval, then sent straight over SMTP. */
export interface AlertMailer {
  /** True when this process may mail about `cause` now (no mail about it within `intervalMs`, on any instance). */
  claim(cause: string, intervalMs: number): Promise<boolean>;
  /** Gives the claim back after a send that failed, so that the next offer tries again. */
  release(cause: string): Promise<void>;
  /** `resolvedAt` (ISO 8601) for the mail that says the alert's cause is fixed. */
  send(alert: OperatorAlert, resolvedAt?: string): Promise<void>;
}

export interface AlertMetrics {
  operatorAlert: { set(labels: { cause: string; severity: string }, value: number): void };
  alertMails: { inc(labels: { cause: string; outcome: string }): void };
}

export interface OperatorAlertsDeps {
  metrics: AlertMetrics;
  log: Logger;
  /** Absent without ALERT_EMAIL: alerts show on the other channels only. */
  mailer?: AlertMailer | undefined;
  intervalMs: number;
  now?: () => number;
  recheckMs?: number;
}

export type RaisedAlert = Omit<OperatorAlert, "since">;

export class OperatorAlerts {
  private readonly alerts = new Map<string, OperatorAlert>();
  private readonly mailing = new Map<string, Promise<void>>();
  /** Causes this process mailed about since they were raised: their clearing is mailed too. */
  private readonly mailed = new Set<string>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: OperatorAlertsDeps) {}

  /** Raises (or keeps) the alert for `a.cause`; logged when it is new or its code or text changed. */
  raise(a: RaisedAlert): void {
    const held = this.alerts.get(a.cause);
    const changed = !held || held.code !== a.code || held.message !== a.message || held.severity !== a.severity;
    if (held && held.severity !== a.severity) this.deps.metrics.operatorAlert.set({ cause: a.cause, severity: held.severity }, 0);
    const alert: OperatorAlert = { ...a, since: held && !changed ? held.since : new Date(this.now()).toISOString() };
    this.alerts.set(a.cause, alert);
    this.deps.metrics.operatorAlert.set({ cause: a.cause, severity: a.severity }, 1);
    if (changed) {
      const line = { alert: a.cause, code: a.code, fix: a.fix };
      if (a.severity === "critical") this.deps.log.error(line, `operator alert: ${a.message}`);
      else this.deps.log.warn(line, `operator warning: ${a.message}`);
    }
    if (a.severity === "critical") void this.offer(alert);
  }

  /** The cause is fixed: the banner and readiness drop it, the metric goes to 0. */
  clear(cause: string): void {
    const held = this.alerts.get(cause);
    if (!held) return;
    this.alerts.delete(cause);
    this.deps.metrics.operatorAlert.set({ cause, severity: held.severity }, 0);
    this.deps.log.info({ alert: cause, code: held.code }, "operator alert cleared");
    if (this.mailed.has(cause) || this.mailing.has(cause)) void this.offerResolved(held);
  }

  active(): OperatorAlert[] {
    return [...this.alerts.values()].sort((a, b) => (a.severity === b.severity ? a.since.localeCompare(b.since) : a.severity === "critical" ? -1 : 1));
  }

  /** Critical alerts make the bot not ready. */
  critical(): OperatorAlert[] {
    return this.active().filter((a) => a.severity === "critical");
  }

  /** Offers active critical alerts to the mailer again every `recheckMs`, so one that lasts is mailed once per interval. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (const a of this.critical()) void this.offer(a);
    }, this.deps.recheckMs ?? ALERT_RECHECK_MS);
    this.timer.unref();
  }

  /** Stops the re-offers and waits for mails on their way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.all(this.mailing.values());
  }

  /** Resolves when the mails begun so far are settled (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.mailing.size) await Promise.all(this.mailing.values());
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** One mail at a time per cause; the claim makes it at most one per interval across instances. */
  private offer(alert: OperatorAlert): Promise<void> {
    const mailer = this.deps.mailer;
    if (!mailer || this.mailing.has(alert.cause)) return Promise.resolve();
    const { metrics, log, intervalMs } = this.deps;
    const run = (async () => {
      let claimed = false;
      try {
        claimed = await mailer.claim(alert.cause, intervalMs);
        if (!claimed) return;
        await mailer.send(alert);
        this.mailed.add(alert.cause);
        metrics.alertMails.inc({ cause: alert.cause, outcome: "sent" });
        log.info({ alert: alert.cause, code: alert.code }, "operator alert mailed to ALERT_EMAIL");
      } catch (err) {
        metrics.alertMails.inc({ cause: alert.cause, outcome: "failed" });
        log.error({ alert: alert.cause, err: err instanceof Error ? err.message : String(err) }, "could not mail the operator alert: tried again shortly");
        if (claimed) await mailer.release(alert.cause).catch(() => undefined);
      }
    })().finally(() => this.mailing.delete(alert.cause));
    this.mailing.set(alert.cause, run);
    return run;
  }

  /**
   * The "resolved" mail, after any alert mail about the cause still on its way. Claimed as
   * `resolved:<cause>` per interval, so instances that all mailed about it say so once; a failed send
   * is logged and counted, not retried (the alert mail told the operator where to look).
   */
  private offerResolved(alert: OperatorAlert): Promise<void> {
    const mailer = this.deps.mailer;
    if (!mailer) return Promise.resolve();
    const { metrics, log, intervalMs } = this.deps;
    const cause = `resolved:${alert.cause}`;
    const before = this.mailing.get(alert.cause) ?? Promise.resolve();
    const resolvedAt = new Date(this.now()).toISOString();
    const run = (async () => {
      await before;
      // Only an alert this process did mail about (the one in flight at the clearing counts) is resolved by mail.
      if (!this.mailed.delete(alert.cause)) return;
      try {
        if (!(await mailer.claim(cause, intervalMs))) return;
        await mailer.send(alert, resolvedAt);
        metrics.alertMails.inc({ cause: alert.cause, outcome: "resolved" });
        log.info({ alert: alert.cause, code: alert.code }, "operator alert resolved: mailed to ALERT_EMAIL");
      } catch (err) {
        metrics.alertMails.inc({ cause: alert.cause, outcome: "failed" });
        log.error({ alert: alert.cause, err: err instanceof Error ? err.message : String(err) }, "could not mail that the operator alert is resolved");
      }
    })().finally(() => this.mailing.delete(cause));
    this.mailing.set(cause, run);
    return run;
  }
}
