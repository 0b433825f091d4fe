/**
 * The case's thread as the desk shows it: every mail in and out, oldest first, with its new text and
 * its quoted history apart, the sender with display name, and its attachments. Mails in are read
 * again from their raw blob (the mail_in event names it), mails out from their outbox entry (the
 * mail_out event names it). A mail whose blob or entry is gone is still listed, with what the timeline
 * knows, so the thread never hides that a mail was there.
 */
import { extractReply } from "../core/mail/reply-text.js";
import type { CaseEvent, CaseId, JsonValue, MailFacts } from "../core/types.js";
import type { CaseRepository } from "./ports.js";

/** A thread shows this many mails at most (the newest); older ones stay in the timeline. */
export const MAX_THREAD_MAILS = 200;

export interface ThreadAttachment {
  filename: string;
  contentType: string;
  size: number;
  blob?: string;
}

export interface ThreadMail {
  direction: "in" | "out";
  at: string;
  from: { address: string; name?: string };
  to: string[];
  subject: string;
  /** The new text of the mail (quoted history and signature apart). */
  text: string;
  signature: string;
  /** The quoted history, folded on the page. */
  quoted: string;
  attachments: ThreadAttachment[];
  /** The raw mail, for the `.eml` download (mails in). */
  blob?: string;
  /** The mail has an HTML part: the desk offers it as sent, sanitised (mails in). */
  hasHtml?: boolean;
  /** Set when the mail could not be read again: the page says so instead of a text. */
  unreadable?: string;
}

export interface CaseThreadDeps {
  store: Pick<CaseRepository, "events" | "outboxEntry">;
  /** Parses a stored raw mail (the ingest parser). */
  readMail(blob: string): Promise<MailFacts>;
}

export async function caseThread(deps: CaseThreadDeps, caseId: CaseId, events?: CaseEvent[]): Promise<ThreadMail[]> {
  const all = events ?? (await deps.store.events(caseId));
  const mails = all.filter((e) => e.kind === "mail_in" || e.kind === "mail_out").slice(-MAX_THREAD_MAILS);
  return Promise.all(mails.map((e) => (e.kind === "mail_in" ? mailIn(deps, e) : mailOut(deps, e))));
}

async function mailIn(deps: CaseThreadDeps, e: CaseEvent): Promise<ThreadMail> {
  const blob = field(e.data, "blob");
  const known: ThreadMail = { direction: "in", at: e.at, from: { address: e.by }, to: [], subject: e.summary, text: "", signature: "", quoted: "", attachments: [] };
  if (!blob) return { ...known, unreadable: "the raw mail was not kept for this entry" };
  try {
    const mail = await deps.readMail(blob);
    const parts = extractReply(mail.text);
    return {
      ...known,
      from: mail.from ?? known.from,
      to: [...mail.to, ...mail.cc].map((a) => a.address),
      subject: mail.subject,
      text: parts.reply,
      signature: parts.signature,
      quoted: parts.quoted,
      attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, ...(a.blob ? { blob: a.blob } : {}) })),
      blob,
      ...(mail.hasHtml ? { hasHtml: true } : {}),
    };
  } catch (err) {
    return { ...known, blob, unreadable: `the stored mail could not be read: ${err instanceof Error ? err.message : String(err)}` };
  }
}

async function mailOut(deps: CaseThreadDeps, e: CaseEvent): Promise<ThreadMail> {
  const key = field(e.data, "outbox");
  const entry = key ? await deps.store.outboxEntry(key) : null;
  if (!entry) {
    return { direction: "out", at: e.at, from: { address: "bot" }, to: [], subject: e.summary, text: "", signature: "", quoted: "", attachments: [], unreadable: "the sent text is not kept for this entry" };
  }
  const parts = extractReply(entry.text);
  return {
    direction: "out",
    at: e.at,
    from: { address: entry.from },
    to: [...entry.to, ...entry.cc],
    subject: entry.subject,
    text: parts.reply,
    signature: parts.signature,
    quoted: parts.quoted,
    attachments: entry.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: 0, blob: a.blob })),
  };
}

function field(data: JsonValue | undefined, name: string): string | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const v = data[name];
  return typeof v === "string" ? v : undefined;
}
