/**
 * The mailbox read as the desk's record, for `rebuild` (issue 20): the headers of every mail in the
 * Sent folder (Message-ID, In-Reply-To, the case it belongs to, the case record of the copy), and the
 * mails the bot handled or has yet to handle (Processed and the watched folder), oldest first by the
 * time the server received them (INTERNALDATE, which a MOVE keeps), each fetched whole on demand.
 * One connection; nothing is changed in the mailbox.
 */
import type { ImapFlow } from "imapflow";
import type { CredentialSource } from "../auth/credential.js";
import type { TlsTrust } from "../tls/tls-trust.js";
import { CASE_RECORD_HEADER } from "../../core/case/case-record.js";
import { connectImap, createImapClient } from "./connect.js";
import type { FolderNames, ResolvedFolders } from "./folders.js";
import { ensureFolders } from "./folders.js";

/** One mail of the Sent folder, by its headers. */
export interface SentMail {
  uid: number;
  date: Date;
  messageId: string;
  inReplyTo: string;
  /** X-Activation-Case: the case of a mail the bot sent. */
  caseId: string;
  subject: string;
  /** The value of the case record header, unfolded; empty when the copy has none. */
  record: string;
}

/** A mail received into the desk's mailbox: where it is now and when it arrived. */
export interface ReceivedMail {
  folder: "processed" | "inbox";
  uid: number;
  date: Date;
}

export interface MailboxArchiveConfig {
  url: string;
  mailbox: string;
  folders: FolderNames;
  tls?: TlsTrust | undefined;
  credentials?: CredentialSource | undefined;
}

const HEADER_NAMES = ["message-id", "in-reply-to", "x-activation-case", "subject", CASE_RECORD_HEADER.toLowerCase()];

/** Header values of a raw header block, by lower-cased name (the first of each), unfolded. */
export function headerValues(block: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!out.has(name)) out.set(name, line.slice(colon + 1).trim());
  }
  return out;
}

export class MailboxArchive {
  private constructor(
    private readonly client: ImapFlow,
    private readonly paths: ResolvedFolders,
    private readonly inbox: string,
  ) {}

  static async open(cfg: MailboxArchiveConfig): Promise<MailboxArchive> {
    const credential = await cfg.credentials?.get();
    const client = createImapClient({ url: cfg.url, idleDelayMs: 0, autoIdle: false, tls: cfg.tls, credential });
    client.on("error", () => undefined);
    await connectImap(client, cfg.url);
    try {
      return new MailboxArchive(client, await ensureFolders(client, cfg.folders), cfg.mailbox);
    } catch (err) {
      await client.logout().catch(() => client.close());
      throw err;
    }
  }

  /** Every mail of the Sent folder, by its headers, oldest first. */
  async sent(): Promise<SentMail[]> {
    const lock = await this.client.getMailboxLock(this.paths.sent, { readOnly: true });
    const out: SentMail[] = [];
    try {
      if (!this.client.mailbox || this.client.mailbox.exists === 0) return out;
      for await (const msg of this.client.fetch("1:*", { uid: true, internalDate: true, headers: HEADER_NAMES })) {
        const h = headerValues(msg.headers?.toString("utf8") ?? "");
        out.push({
          uid: msg.uid,
          date: new Date(msg.internalDate ?? 0),
          messageId: h.get("message-id") ?? "",
          inReplyTo: h.get("in-reply-to") ?? "",
          caseId: (h.get("x-activation-case") ?? "").toUpperCase(),
          subject: h.get("subject") ?? "",
          record: h.get(CASE_RECORD_HEADER.toLowerCase()) ?? "",
        });
      }
    } finally {
      lock.release();
    }
    return out.sort((a, b) => a.date.getTime() - b.date.getTime() || a.uid - b.uid);
  }

  /** The mails of Processed and the watched folder, in the order they arrived. */
  async received(): Promise<ReceivedMail[]> {
    const out: ReceivedMail[] = [];
    for (const folder of ["processed", "inbox"] as const) {
      const lock = await this.client.getMailboxLock(this.pathOf(folder), { readOnly: true });
      try {
        if (!this.client.mailbox || this.client.mailbox.exists === 0) continue;
        for await (const msg of this.client.fetch("1:*", { uid: true, internalDate: true })) {
          out.push({ folder, uid: msg.uid, date: new Date(msg.internalDate ?? 0) });
        }
      } finally {
        lock.release();
      }
    }
    // Processed before the inbox at the same instant: what was handled came first.
    return out.sort((a, b) => a.date.getTime() - b.date.getTime() || (a.folder === b.folder ? a.uid - b.uid : a.folder === "processed" ? -1 : 1));
  }

  /** One received mail's bytes; null when it is no longer there (handled and moved meanwhile). */
  async source(mail: ReceivedMail): Promise<Buffer | null> {
    const lock = await this.client.getMailboxLock(this.pathOf(mail.folder), { readOnly: true });
    try {
      const msg = await this.client.fetchOne(String(mail.uid), { source: true }, { uid: true });
      return msg && msg.source ? msg.source : null;
    } finally {
      lock.release();
    }
  }

  async close(): Promise<void> {
    await this.client.logout().catch(() => this.client.close());
  }

  private pathOf(folder: ReceivedMail["folder"]): string {
    return folder === "inbox" ? this.inbox : this.paths.processed;
  }
}
