/**
 * The watcher (SPEC §7): one IMAP connection in IDLE on the desk's mailbox. On every (re)connect it
 * hands over every mail still in the mailbox (mail only leaves it after its effects are committed, so
 * this is exactly what is unfinished), then each new mail as IDLE announces it. Reconnects with
 * backoff. UIDVALIDITY and the last UID seen are kept so a changed mailbox is noticed.
 */
import { EventEmitter } from "node:events";
import type { Readable } from "node:stream";
import type { ImapFlow } from "imapflow";
import type { Logger } from "pino";
import type { TlsTrust } from "../tls/tls-trust.js";
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
const BACKOFF_MS = [200, 500, 1000, 2000, 5000, 10_000, 30_000];

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
  log: Logger;
  /** Hands mails over (stores them, enqueues them): a fetched batch at once, a large mail alone.
   * Must be idempotent per uidValidity:uid. */
  onMails(mails: NewMail[]): Promise<void>;
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
  private loop: Promise<void> | null = null;
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
      try {
        await this.session();
        this.attempt = 0;
      } catch (err) {
        if (this.stopped) break;
        const wait = BACKOFF_MS[Math.min(this.attempt++, BACKOFF_MS.length - 1)] ?? 30_000;
        this.deps.log.warn({ err, wait }, "watcher connection failed, reconnecting");
        this.emit("disconnected");
        await new Promise((r) => setTimeout(r, wait));
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
    const client = createImapClient({ url: this.deps.url, idleDelayMs: this.deps.idleDelayMs, autoIdle: true, tls: this.deps.tls });
    this.client = client;
    const closed = new Promise<void>((resolve, reject) => {
      client.on("close", () => (this.stopped ? resolve() : reject(new Error("IMAP connection closed"))));
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
    this.lastUid = 0; // every connect hands over all mail still in the mailbox (see header)
    client.on("exists", () => this.requestScan(client));
    this.emit("connected");
    this.deps.log.info({ mailbox: this.deps.mailbox, uidValidity: this.uidValidity }, "watching mailbox");
    this.requestScan(client);
    this.poller?.stop();
    this.poller = this.startPoller(client);
    this.emit("pickup", this.pickup());
    await closed.finally(() => this.poller?.stop());
  }

  private requestScan(client: ImapFlow): void {
    if (this.scanning) {
      // Mail announced during a scan is timed from its own announcement, not the running scan's.
      this.rescanSeenAt ??= Date.now();
      return;
    }
    let seenAt = Date.now();
    this.scanning = (async () => {
      try {
        for (;;) {
          await this.scan(client, seenAt);
          if (this.rescanSeenAt === null || this.stopped) break;
          seenAt = this.rescanSeenAt;
          this.rescanSeenAt = null;
        }
      } catch (err) {
        this.deps.log.error({ err }, "mailbox scan failed; closing the connection to start over");
        client.close();
      } finally {
        this.scanning = null;
      }
    })();
  }

  private async scan(client: ImapFlow, seenAt: number): Promise<void> {
    const found = await client.search({ uid: `${this.lastUid + 1}:*` }, { uid: true });
    const uids = (Array.isArray(found) ? found : []).filter((u) => u > this.lastUid).sort((a, b) => a - b);
    for (let i = 0; i < uids.length; ) {
      const batch = uids.slice(i, (i += i === 0 ? FIRST_BATCH_SIZE : BATCH_SIZE));
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
    if (uids.length) this.emit("scanned", uids.length);
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
