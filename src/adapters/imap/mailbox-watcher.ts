/**
 * The watcher (SPEC §7): one IMAP connection in IDLE on the desk's mailbox. On every (re)connect it
 * hands over every mail still in the mailbox that is not already at work (mail only leaves it after its
 * effects are committed, so this is exactly what is unfinished), then each new mail as IDLE announces
 * it, and every RECONCILE_MS it looks again at the whole mailbox: a mail whose job finished but which
 * is still there (its move failed, a Redis restart lost its job) is handed over again; the store's
 * ledger makes that a move, not a second processing. Reconnects with jittered backoff that starts
 * again from its first step once a session has worked. UIDVALIDITY and the last UID seen are kept so
 * a changed mailbox is noticed.
 */
import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import type { ImapFlow } from "imapflow";
import type { Logger } from "pino";
import type { TlsTrust } from "../tls/tls-trust.js";
import type { CredentialSource } from "../auth/credential.js";
import { connectImap, createImapClient } from "./connect.js";
import type { PickupState } from "./pickup-poller.js";
import { PickupPoller } from "./pickup-poller.js";

/** Mails up to this size are fetched in batches into memory; larger ones are streamed one by one. */
const BATCH_FETCH_MAX_MAIL_BYTES = 16 * 1024 * 1024;
/** A batch is at most this many mails and this many bytes (by the sizes the server reports). */
const BATCH_SIZE = 100;
/** A scan's first batch is smaller, so that the first mails of a backlog are at work sooner. */
const FIRST_BATCH_SIZE = 10;
const BATCH_FETCH_MAX_BYTES = 32 * 1024 * 1024;
/** A single new mail is fetched with its size in one command, cut at this many bytes. */
const PEEK_BYTES = 2 * 1024 * 1024;
const DOWNLOAD_CHUNK_BYTES = 4 * 1024 * 1024;
/**
 * Reconnect waits (jittered, backoffWait). Capped at 5 s: a watcher that waited 30 s after a long
 * outage left mail unanswered for as long after the server came back, and a login every 5 s is
 * nothing to a server.
 */
const BACKOFF_MS = [200, 500, 1000, 2000, 5000];
/**
 * A session that opened the mailbox and stayed up this long worked: the next failure is a fresh one
 * (a server restart, a NAT timeout), reconnected after the first backoff step, not the seventh.
 */
export const SESSION_WORKED_MS = 1000;
/** How often the whole mailbox is compared with the queue (mail stranded by a failed move or a lost job). */
export const RECONCILE_MS = 10_000;

/** Full jitter over the upper half: many instances cut at once do not reconnect in step. */
export function backoffWait(attempt: number, random: number = Math.random()): number {
  const base = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 5000;
  return Math.round(base / 2 + (base / 2) * random);
}

export interface NewMail {
  uidValidity: string;
  uid: number;
  /** When IDLE announced it (ms since epoch), for the latency figures. */
  seenAt: number;
  source: Buffer | Readable;
}

export interface WatcherDeps {
  url: string;
  mailbox: string;
  idleDelayMs: number;
  /** NOOP interval: the poll without IDLE, the check that IDLE pushes with it (pickup-poller.ts). */
  pollIntervalMs: number;
  tls?: TlsTrust | undefined;
  /** Asked on every connect; without it, the user and password in `url`. */
  credentials?: CredentialSource | undefined;
  /** The credential source's refresh margin: a token session is renewed this long before its token expires. */
  tokenMarginMs?: number | undefined;
  log: Logger;
  /** Hands mails over (stores them, enqueues them): a fetched batch at once, a large mail alone.
   * Must be idempotent per uidValidity:uid. */
  onMails(mails: NewMail[]): Promise<void>;
  /**
   * Of these UIDs, already seen in an earlier scan, the ones to hand over again: no job at work for
   * them (none at all, or one that finished while the mail stayed in the mailbox). Absent: all.
   */
  reclaim?(uidValidity: string, uids: number[]): Promise<number[]>;
  loadState(): Promise<{ uidValidity: string; lastUid: number } | null>;
  saveState(uidValidity: string, lastUid: number): Promise<void>;
}

export class MailboxWatcher extends EventEmitter {
  private client: ImapFlow | null = null;
  private stopped = false;
  private scanning: Promise<void> | null = null;
  /** When IDLE announced mail while a scan was running; null when nothing is waiting. */
  private rescanSeenAt: number | null = null;
  private uidValidity = "";
  private lastUid = 0;
  private attempt = 0;
  /** The highest UID handed over under `seenValidity`. */
  private maxSeenUid = 0;
  private seenValidity = "";
  /** When the current session opened the mailbox (0: not yet). */
  private watchingSince = 0;
  /** A full look at the mailbox was asked for while a scan was running. */
  private rescanFull = false;
  private reconcileTimer: NodeJS.Timeout | null = null;
  private loop: Promise<void> | null = null;
  /** Set when this watcher ends a session itself to log in again with a fresh token. */
  private plannedReconnect = false;
  private poller: PickupPoller | null = null;
  private pollPickups = 0;
  /** Once found, a server whose IDLE does not push stays known as such across reconnects. */
  private idleSilent = false;

  constructor(private readonly deps: WatcherDeps) {
    super();
  }

  /** Starts watching; after stop() it may be started again (the watcher lock can come back). */
  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = this.run().finally(() => {
      this.loop = null;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const client = this.client;
    if (client) await client.logout().catch(() => client.close());
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.watchingSince = 0;
      try {
        await this.session();
        this.attempt = 0;
      } catch (err) {
        if (this.stopped) break;
        if (this.watchingSince > 0 && Date.now() - this.watchingSince >= SESSION_WORKED_MS) this.attempt = 0;
        const wait = backoffWait(this.attempt++);
        this.deps.log.warn({ err, wait, attempt: this.attempt }, "watcher connection failed, reconnecting");
        this.emit("disconnected", err);
        await new Promise((r) => setTimeout(r, wait));
      } finally {
        if (this.reconcileTimer) clearInterval(this.reconcileTimer);
        this.reconcileTimer = null;
      }
    }
  }

  /** Whether the watcher holds a logged-in connection. */
  connected(): boolean {
    return this.client?.usable === true;
  }

  /** How new mail reaches the bot on the current connection, and how often a poll found it. */
  pickup(): PickupState | null {
    return this.poller ? { mode: this.poller.mode, pollPickups: this.pollPickups } : null;
  }

  private startPoller(client: ImapFlow): PickupPoller {
    const poller = new PickupPoller(client, {
      intervalMs: this.deps.pollIntervalMs,
      knownSilent: this.idleSilent,
      onPollPickup: () => {
        this.pollPickups++;
        this.emit("pickup", this.pickup());
      },
      onIdleSilent: () => {
        this.idleSilent = true;
        this.deps.log.warn(
          { mailbox: this.deps.mailbox, intervalMs: this.deps.pollIntervalMs },
          "the IMAP server advertises IDLE but did not announce new mail: polling instead (IMAP_POLL_INTERVAL_MS)",
        );
        this.emit("pickup", this.pickup());
      },
      onError: (err) => this.deps.log.debug({ err }, "pickup poll failed"),
    });
    if (poller.mode !== "idle") this.deps.log.info({ intervalMs: this.deps.pollIntervalMs }, "the IMAP server has no IDLE: polling the mailbox");
    poller.start();
    return poller;
  }

  /** One connection's life: resolves when it closes, rejects when it fails. */
  private async session(): Promise<void> {
    const credential = await this.deps.credentials?.get();
    const client = createImapClient({ url: this.deps.url, idleDelayMs: this.deps.idleDelayMs, autoIdle: true, tls: this.deps.tls, credential });
    this.client = client;
    const closed = new Promise<void>((resolve, reject) => {
      client.on("close", () => (this.stopped || this.plannedReconnect ? resolve() : reject(new Error("IMAP connection closed"))));
      client.on("error", (err: Error) => reject(err));
    });
    closed.catch(() => undefined);
    await connectImap(client, this.deps.url);
    const box = await client.mailboxOpen(this.deps.mailbox).catch(async (err: unknown) => {
      await client.logout().catch(() => client.close());
      throw err;
    });
    this.uidValidity = String(box.uidValidity);
    const saved = await this.deps.loadState();
    if (saved && saved.uidValidity !== this.uidValidity) {
      this.deps.log.warn({ was: saved.uidValidity, now: this.uidValidity }, "UIDVALIDITY changed: rescanning the mailbox");
    }
    this.lastUid = 0; // every connect looks at all mail still in the mailbox (see header)
    // UIDs up to the saved one were handed over before (by this or an earlier process): they go again
    // only if reclaim says no job is at work for them.
    const known = saved && saved.uidValidity === this.uidValidity ? saved.lastUid : 0;
    this.maxSeenUid = this.seenValidity === this.uidValidity ? Math.max(this.maxSeenUid, known) : known;
    this.seenValidity = this.uidValidity;
    client.on("exists", () => this.requestScan(client, false));
    this.watchingSince = Date.now();
    this.emit("connected");
    this.deps.log.info({ mailbox: this.deps.mailbox, uidValidity: this.uidValidity }, "watching mailbox");
    this.requestScan(client, true);
    this.reconcileTimer = setInterval(() => this.requestScan(client, true), RECONCILE_MS);
    this.poller?.stop();
    this.poller = this.startPoller(client);
    this.emit("pickup", this.pickup());
    // A token login ends its session before the token lapses (Exchange ends it with BYE AccessTokenExpired);
    // the next session logs in with a fresh token and rescans the mailbox, so mail that came meanwhile is found.
    const renewAt = credential && "expiresAt" in credential ? credential.expiresAt - (this.deps.tokenMarginMs ?? 0) : null;
    const renew = renewAt === null ? undefined : setTimeout(() => {
      this.plannedReconnect = true;
      this.deps.log.info({ mailbox: this.deps.mailbox }, "reconnecting with a fresh token before the current one expires");
      void client.logout().catch(() => client.close());
    }, Math.max(0, renewAt - Date.now()));
    await closed.finally(() => {
      clearTimeout(renew);
      this.plannedReconnect = false;
      this.poller?.stop();
    });
  }

  /** `full`: look at every mail in the mailbox (on connect, and to reconcile), not only new UIDs. */
  private requestScan(client: ImapFlow, full: boolean): void {
    if (this.scanning) {
      // Mail announced during a scan is timed from its own announcement, not the running scan's.
      this.rescanSeenAt ??= Date.now();
      this.rescanFull ||= full;
      return;
    }
    let seenAt = Date.now();
    this.scanning = (async () => {
      try {
        for (let all = full; ; ) {
          await this.scan(client, seenAt, all);
          if (this.rescanSeenAt === null || this.stopped) break;
          seenAt = this.rescanSeenAt;
          all = this.rescanFull;
          this.rescanSeenAt = null;
          this.rescanFull = false;
        }
      } catch (err) {
        this.deps.log.error({ err }, "mailbox scan failed; closing the connection to start over");
        client.close();
      } finally {
        this.scanning = null;
      }
    })();
  }

  private async scan(client: ImapFlow, seenAt: number, full: boolean): Promise<void> {
    const from = full ? 1 : this.lastUid + 1;
    const found = await client.search({ uid: `${from}:*` }, { uid: true });
    const uids = (Array.isArray(found) ? found : []).filter((u) => u >= from).sort((a, b) => a - b);
    let handed = 0;
    for (let i = 0; i < uids.length; ) {
      const slice = uids.slice(i, (i += i === 0 ? FIRST_BATCH_SIZE : BATCH_SIZE));
      // Mail handed over before (a full scan) goes again only if no job is at work for it.
      const seen = full && this.deps.reclaim ? slice.filter((u) => u <= this.maxSeenUid) : [];
      const again = seen.length ? new Set(await this.deps.reclaim!(this.uidValidity, seen)) : null;
      const batch = again ? slice.filter((u) => u > this.maxSeenUid || again.has(u)) : slice;
      this.maxSeenUid = Math.max(this.maxSeenUid, ...slice);
      handed += batch.length;
      if (batch.length === 0) continue;
      const sizes = new Map<number, number>();
      const done = new Set<number>();
      if (batch.length === 1) {
        // One mail, what IDLE announces: one round trip, cut at PEEK_BYTES (a larger one is fetched again below).
        const peeked: NewMail[] = [];
        for await (const msg of client.fetch(batch, { uid: true, size: true, source: { maxLength: PEEK_BYTES } }, { uid: true })) {
          sizes.set(msg.uid, msg.size ?? 0);
          if (!msg.source || (msg.size ?? 0) > PEEK_BYTES) continue;
          peeked.push({ uidValidity: this.uidValidity, uid: msg.uid, seenAt, source: msg.source });
          done.add(msg.uid);
        }
        if (peeked.length) await this.deps.onMails(peeked);
      } else {
        // A backlog: sizes first, so that each source is fetched once, in a batch or streamed.
        for await (const msg of client.fetch(batch, { uid: true, size: true }, { uid: true })) sizes.set(msg.uid, msg.size ?? 0);
      }
      const rest = batch.filter((uid) => !done.has(uid));
      const large = rest.filter((uid) => (sizes.get(uid) ?? 0) > BATCH_FETCH_MAX_MAIL_BYTES);
      for (const group of fetchGroups(rest.filter((uid) => !large.includes(uid)), sizes)) {
        const fetched: NewMail[] = [];
        for await (const msg of client.fetch(group, { uid: true, source: true }, { uid: true })) {
          if (msg.source) fetched.push({ uidValidity: this.uidValidity, uid: msg.uid, seenAt, source: msg.source });
        }
        if (fetched.length) await this.deps.onMails(fetched);
      }
      for (const uid of large) {
        // Large chunks: the default 64 KB costs one round trip each (363 ms on a 21 MB mail, 67 ms with 4 MB).
        const download = await client.download(String(uid), undefined, { uid: true, chunkSize: DOWNLOAD_CHUNK_BYTES });
        if ("content" in download && download.content) {
          await this.deps.onMails([{ uidValidity: this.uidValidity, uid, seenAt, source: download.content }]);
        }
      }
      this.lastUid = Math.max(this.lastUid, ...batch);
      await this.deps.saveState(this.uidValidity, this.lastUid);
    }
    if (handed) this.emit("scanned", handed);
  }
}

/** Consecutive runs of `uids` of at most BATCH_FETCH_MAX_BYTES together (a run holds at least one mail). */
function fetchGroups(uids: number[], sizes: Map<number, number>): number[][] {
  const groups: number[][] = [];
  let bytes = 0;
  for (const uid of uids) {
    const size = sizes.get(uid) ?? 0;
    const last = groups.at(-1);
    if (last && bytes + size <= BATCH_FETCH_MAX_BYTES) {
      last.push(uid);
      bytes += size;
    } else {
      groups.push([uid]);
      bytes = size;
    }
  }
  return groups;
}
