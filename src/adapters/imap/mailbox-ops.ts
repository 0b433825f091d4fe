/**
 * The workers' IMAP connections: one moves handled mail out of the inbox (to the processed or
 * quarantine folder), one appends sent mail to the Sent folder. An IMAP connection runs one command
 * at a time, so with one connection for both a backlog's moves waited behind its answers' APPENDs
 * (and every ingest job behind its move). Moves are batched for a few milliseconds so a backlog costs
 * one MOVE per batch, not per mail. Sent copies are group-committed: the first goes at once, and the
 * ones that come while an APPEND is on the wire go together in the next, as one MULTIAPPEND
 * (multi-append.ts). The outbox does not wait for its copy (`queueSent`), or a backlog's copies
 * would come one or two at a time, as many as sends are in flight. Each connection reconnects
 * lazily after a drop.
 *
 * Folders are the server's full paths (folders.ts), resolved on the first connect; a move into a
 * folder someone deleted under the running bot re-creates it and moves again, and a move the server
 * refuses is an error naming the folder (imapflow answers a failed MOVE with `false`, not a throw).
 * Every APPEND is CRLF-normalised (crlf.ts).
 */
import type { ImapFlow } from "imapflow";
import type { Logger } from "pino";
import { highestCaseNumber } from "../../core/mail/case-tag.js";
import type { TlsTrust } from "../tls/tls-trust.js";
import type { CredentialSource } from "../auth/credential.js";
import { connectImap, createImapClient } from "./connect.js";
import { toCrlf } from "./crlf.js";
import type { FolderNames, FolderRole, ResolvedFolders } from "./folders.js";
import { FolderError, createFolder, ensureFolders, isMissingFolder } from "./folders.js";
import { canMultiAppend, multiAppend } from "./multi-append.js";

const MOVE_BATCH_WINDOW_MS = 20;
/**
 * A batch of moves not confirmed in this time fails, and its connection is dropped: a server that
 * stopped answering (a cut without a reset) would otherwise hold the jobs for imapflow's 5-minute
 * socket timeout. The mails stay in INBOX and are moved at the watcher's next look.
 */
const MOVE_TIMEOUT_MS = 10_000;
/**
 * The newest mails of Processed and Sent whose subjects are read for the highest case id: the newest
 * case's mails are among the last filed. Bounded so that a start-up on a large mailbox stays quick.
 */
const HISTORY_SCAN_MAILS = 2000;
const HISTORY_RETRY_MS = 1000;
/** Bounds of one MULTIAPPEND: the server holds the whole command's messages in one transaction. */
const SENT_BATCH_MAX_MAILS = 100;
const SENT_BATCH_MAX_BYTES = 8 * 1024 * 1024;
const SENT_FLAGS = ["\\Seen"];
/**
 * Copies waiting for the Sent folder beyond which `queueSent` waits for its own copy to be stored:
 * they are held in memory. Should the process die before they are filed, the store still lists their
 * entries as unfiled, and the leader files them again (app/file-sent-copies.ts).
 */
const SENT_QUEUE_MAX_BYTES = 16 * 1024 * 1024;

export interface MailboxOpsConfig {
  url: string;
  mailbox: string;
  folders: FolderNames;
  tls?: TlsTrust | undefined;
  /** Asked on every connect; without it, the user and password in `url`. */
  credentials?: CredentialSource | undefined;
  log: Logger;
}

type Pending = { uid: number; resolve: () => void; reject: (e: unknown) => void };
type PendingAppend = { raw: Buffer; resolve: () => void; reject: (e: unknown) => void };

/** One IMAP connection, opened on first use and again after a drop. */
class LazyConnection {
  private client: ImapFlow | null = null;
  private connecting: Promise<ImapFlow> | null = null;

  constructor(
    private readonly cfg: MailboxOpsConfig,
    private readonly role: string,
    /** Hears the folders' full paths after each connect. */
    private readonly onFolders: (folders: ResolvedFolders) => void,
  ) {}

  async get(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    this.connecting ??= (async () => {
      const credential = await this.cfg.credentials?.get();
      const client = createImapClient({ url: this.cfg.url, idleDelayMs: 0, autoIdle: false, tls: this.cfg.tls, credential });
      client.on("error", (err: Error) => this.cfg.log.warn({ err, role: this.role }, "mailbox ops connection error"));
      await connectImap(client, this.cfg.url);
      try {
        this.onFolders(await ensureFolders(client, this.cfg.folders));
      } catch (err) {
        // A logged-in connection that is not kept is closed, or each retry leaves one open.
        await client.logout().catch(() => client.close());
        throw err;
      }
      this.client = client;
      return client;
    })().finally(() => (this.connecting = null));
    return this.connecting;
  }

  /** Closes the connection at once (it stopped answering); the next get() opens a new one. */
  drop(): void {
    this.client?.close();
    this.client = null;
  }

  get open(): boolean {
    return this.client?.usable === true;
  }

  async close(): Promise<void> {
    const client = this.client;
    await client?.logout().catch(() => client.close());
  }
}

export class MailboxOps {
  private readonly moves: LazyConnection;
  private readonly sent: LazyConnection;
  private queue = new Map<string, Pending[]>();
  private timer: NodeJS.Timeout | null = null;
  private sentQueue: PendingAppend[] = [];
  private sentQueueBytes = 0;
  private appending: Promise<void> | null = null;

  private paths: ResolvedFolders | null = null;

  constructor(private readonly cfg: MailboxOpsConfig) {
    const learn = (folders: ResolvedFolders) => (this.paths = folders);
    this.moves = new LazyConnection(cfg, "moves", learn);
    this.sent = new LazyConnection(cfg, "sent", learn);
  }

  /** Connects, resolves the folders and creates the missing ones; their full paths. */
  async ensureFolders(): Promise<ResolvedFolders> {
    await this.moves.get();
    return this.folders();
  }

  /** Logged-in connections held now (for the metric). */
  connections(): number {
    return Number(this.moves.open) + Number(this.sent.open);
  }

  /** The folders' full paths on the server (known after the first connection). */
  folders(): ResolvedFolders {
    if (!this.paths) throw new Error("MailboxOps: folders not resolved yet (no connection made)");
    return this.paths;
  }

  /**
   * Moves `uids` to the folder of `role`. A refused move is tried once more after re-creating the
   * folder when it is gone; still refused, it is a FolderError naming the folder.
   */
  private async moveTo(client: ImapFlow, uids: number[], role: FolderRole): Promise<void> {
    const path = this.folders()[role];
    if (await client.messageMove(uids, path, { uid: true })) return;
    const exists = (await client.list()).some((m) => m.path === path);
    if (exists) throw new FolderError(role, path, "the move was refused");
    this.cfg.log.warn({ folder: path }, "folder missing (deleted under the running bot?): creating it again");
    await createFolder(client, role, path);
    if (!(await client.messageMove(uids, path, { uid: true }))) throw new FolderError(role, path, "the move was refused after re-creating the folder");
  }

  /** Moves one mail out of the inbox; resolves once the server confirmed the batch it went in. */
  move(uidValidity: string, uid: number, to: "processed" | "quarantine"): Promise<void> {
    const key = `${uidValidity}\n${to}`;
    return new Promise((resolve, reject) => {
      const list = this.queue.get(key) ?? [];
      list.push({ uid, resolve, reject });
      this.queue.set(key, list);
      this.timer ??= setTimeout(() => void this.flush(), MOVE_BATCH_WINDOW_MS);
    });
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const batches = [...this.queue.entries()];
    this.queue.clear();
    for (const [key, items] of batches) {
      const [uidValidity, to] = key.split("\n") as [string, "processed" | "quarantine"];
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          this.moves.drop();
          reject(new Error(`the IMAP server did not confirm a move within ${MOVE_TIMEOUT_MS} ms`));
        }, MOVE_TIMEOUT_MS);
      });
      try {
        await Promise.race([this.moveBatch(uidValidity, to, items), timeout]);
        items.forEach((i) => i.resolve());
      } catch (err) {
        items.forEach((i) => i.reject(err));
      } finally {
        clearTimeout(timer);
      }
    }
  }

  private async moveBatch(uidValidity: string, to: "processed" | "quarantine", items: Pending[]): Promise<void> {
    const client = await this.moves.get();
    const lock = await client.getMailboxLock(this.cfg.mailbox);
    try {
      // A changed UIDVALIDITY means these UIDs name other mail now: leave it; the watcher rescans.
      if (String(client.mailbox && client.mailbox.uidValidity) === uidValidity) {
        // This connection does not IDLE: a mail that arrived since its last command is not in its
        // view of the mailbox yet, and a UID MOVE of it would silently move nothing. NOOP syncs.
        await client.noop();
        await this.moveTo(client, items.map((i) => i.uid), to);
      }
    } finally {
      lock.release();
    }
  }

  /**
   * A mail still in the watched folder, fetched again (its blob is not in this instance's storage);
   * null when it is no longer there (handled and moved) or UIDVALIDITY changed.
   */
  async fetchRaw(uidValidity: string, uid: number): Promise<Buffer | null> {
    const client = await this.moves.get();
    const lock = await client.getMailboxLock(this.cfg.mailbox);
    try {
      if (String(client.mailbox && client.mailbox.uidValidity) !== uidValidity) return null;
      await client.noop();
      const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
      return msg && msg.source ? msg.source : null;
    } finally {
      lock.release();
    }
  }

  /**
   * A mail found by Message-ID (angle brackets included) in the watched folder, Processed or
   * Quarantine, first hit: another instance's blob fetched again (app/recover-blobs.ts). Null if none holds it.
   */
  async receivedByMessageId(messageId: string): Promise<Buffer | null> {
    const client = await this.moves.get();
    const paths = this.folders();
    for (const path of [this.cfg.mailbox, paths.processed, paths.quarantine]) {
      const lock = await client.getMailboxLock(path);
      try {
        const uids = await client.search({ header: { "message-id": messageId } }, { uid: true });
        const uid = Array.isArray(uids) ? uids[0] : undefined;
        if (uid === undefined) continue;
        const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (msg && msg.source) return msg.source;
      } finally {
        lock.release();
      }
    }
    return null;
  }

  /** The Sent folder's copies of one case's mails (X-Activation-Case), newest first, at most `max`. */
  async caseSentCopies(caseId: string, max: number): Promise<Buffer[]> {
    const client = await this.sent.get();
    const lock = await client.getMailboxLock(this.folders().sent);
    try {
      const uids = await client.search({ header: { "x-activation-case": caseId } }, { uid: true });
      const newest = (Array.isArray(uids) ? uids : []).sort((a, b) => b - a).slice(0, max);
      const out: Buffer[] = [];
      for (const uid of newest) {
        const msg = await client.fetchOne(String(uid), { source: true }, { uid: true });
        if (msg && msg.source) out.push(msg.source);
      }
      return out;
    } finally {
      lock.release();
    }
  }

  /**
   * What the mailbox says of the desk's past: how many mails Processed and Sent hold, and the highest
   * case number tagged in the subjects of their newest HISTORY_SCAN_MAILS.
   */
  async history(): Promise<{ processed: number; sent: number; highestCaseNumber: number }> {
    try {
      return await this.readHistory();
    } catch (err) {
      // Once more on a new connection (a server busy at our start); then the cause, with the server's words.
      this.cfg.log.warn({ err }, "reading the mailbox's history failed; trying again");
      this.moves.drop();
      await new Promise((r) => setTimeout(r, HISTORY_RETRY_MS));
      try {
        return await this.readHistory();
      } catch (again) {
        const said = (again as { responseText?: string }).responseText;
        throw new Error(`cannot read the mailbox's history (Processed and Sent folders): ${said ?? (again as Error).message}`, { cause: again });
      }
    }
  }

  private async readHistory(): Promise<{ processed: number; sent: number; highestCaseNumber: number }> {
    const client = await this.moves.get();
    const counts: number[] = [];
    const subjects: string[] = [];
    const paths = this.folders();
    for (const folder of [paths.processed, paths.sent]) {
      const lock = await client.getMailboxLock(folder, { readOnly: true });
      try {
        const exists = client.mailbox ? client.mailbox.exists : 0;
        counts.push(exists);
        if (exists > 0) {
          const range = `${Math.max(1, exists - HISTORY_SCAN_MAILS + 1)}:*`;
          for await (const msg of client.fetch(range, { envelope: true })) subjects.push(msg.envelope?.subject ?? "");
        }
      } finally {
        lock.release();
      }
    }
    return { processed: counts[0] ?? 0, sent: counts[1] ?? 0, highestCaseNumber: highestCaseNumber(subjects) };
  }

  /** Appends a sent mail to the Sent folder; resolves once the server stored it. */
  appendSent(raw: Buffer): Promise<void> {
    // Servers such as Cyrus refuse bare LF; the copy is stored with CRLF whatever the composer wrote.
    raw = toCrlf(raw);
    return new Promise((resolve, reject) => {
      this.sentQueue.push({ raw, resolve, reject });
      this.sentQueueBytes += raw.length;
      this.appending ??= this.drainSent().finally(() => (this.appending = null));
    });
  }

  /**
   * Files a sent mail in the Sent folder in the background; `done` hears once it is stored, or why
   * it could not be. Resolves at once, or, while more than SENT_QUEUE_MAX_BYTES of copies wait, once
   * this one is filed (or failed): memory stays bounded whatever the backlog.
   */
  queueSent(raw: Buffer, done: (err?: unknown) => void): Promise<void> {
    const filed = this.appendSent(raw).then(() => done(), done);
    return this.sentQueueBytes > SENT_QUEUE_MAX_BYTES ? filed : Promise.resolve();
  }

  /** Whether the Sent folder holds a mail with this Message-ID (angle brackets included). */
  async sentHas(messageId: string): Promise<boolean> {
    const client = await this.sent.get();
    const lock = await client.getMailboxLock(this.folders().sent);
    try {
      const uids = await client.search({ header: { "message-id": messageId } }, { uid: true });
      return Array.isArray(uids) && uids.length > 0;
    } finally {
      lock.release();
    }
  }

  private async drainSent(): Promise<void> {
    while (this.sentQueue.length > 0) {
      // As many as fit the bounds; the first always goes, however large.
      let bytes = 0;
      let n = 0;
      for (const p of this.sentQueue) {
        if (n > 0 && (n === SENT_BATCH_MAX_MAILS || bytes + p.raw.length > SENT_BATCH_MAX_BYTES)) break;
        bytes += p.raw.length;
        n++;
      }
      const batch = this.sentQueue.splice(0, n);
      this.sentQueueBytes -= bytes;
      await this.appendBatch(batch);
    }
  }

  private async appendBatch(batch: PendingAppend[]): Promise<void> {
    if (batch.length > 1) {
      try {
        const client = await this.sent.get();
        const folder = this.folders().sent;
        const messages = batch.map((p) => p.raw);
        if (canMultiAppend(client, messages)) {
          await multiAppend(client, folder, messages, SENT_FLAGS);
          batch.forEach((p) => p.resolve());
          return;
        }
      } catch (err) {
        // None of the batch was stored (RFC 3502): each gets its own APPEND and its own outcome.
        this.cfg.log.warn({ err, mails: batch.length }, "MULTIAPPEND to the Sent folder failed; appending one at a time");
      }
    }
    for (const p of batch) {
      try {
        await this.appendOne(await this.sent.get(), p.raw);
        p.resolve();
      } catch (err) {
        p.reject(err);
      }
    }
  }

  /** One APPEND; a Sent folder deleted under the running bot is created again and the APPEND repeated. */
  private async appendOne(client: ImapFlow, raw: Buffer): Promise<void> {
    const folder = this.folders().sent;
    try {
      await client.append(folder, raw, SENT_FLAGS);
    } catch (err) {
      if (!isMissingFolder(err)) throw err;
      this.cfg.log.warn({ folder }, "Sent folder missing (deleted under the running bot?): creating it again");
      await createFolder(client, "sent", folder);
      await client.append(folder, raw, SENT_FLAGS);
    }
  }

  async close(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      await this.flush();
    }
    await this.appending;
    await Promise.all([this.moves.close(), this.sent.close()]);
  }
}
