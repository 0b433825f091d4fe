/**
 * An outbox entry: a fully rendered mail, committed with the state change that caused it. Its `key` is
 * deterministic (case, trigger, slot), so committing the same decision twice yields one entry, and its
 * Message-ID is derived from the key, so a resend after a crash carries the same Message-ID.
 */
import type { CaseId } from "../types.js";
import type { MailKind, ReplyContent } from "./outbox-intent.js";

export interface OutboxEntry {
  key: string;
  caseId: CaseId;
  kind: MailKind;
  from: string;
  replyTo: string;
  to: string[];
  cc: string[];
  subject: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  text: string;
  html: string;
  attachments: { filename: string; blob: string; contentType: string }[];
  /** RFC 3834: `auto-replied` for answers to a mail, `auto-generated` for the rest. */
  autoSubmitted: "auto-replied" | "auto-generated";
  /**
   * What the mail said, as the template got it: kept after the body is filed, so the mail can be sent
   * again to a replaced address (core/case/team-mail.ts). Absent on entries written before.
   */
  content?: ReplyContent;
  /** Whether the mail that caused it moved the checklist (loop guard bookkeeping). */
  progress: boolean;
  createdAt: string;
  /**
   * Set once the Sent copy is filed: `text` and `html` were then emptied in the store, since the Sent
   * folder holds the mail as sent; the rest stays for dedupe and the thread view.
   */
  bodyFiled?: true;
}

/**
 * `attemptedAt`: a send was begun then and its outcome is unknown (the process died, the connection broke).
 * `draft`: held for a team member (supervised mode, drafts.ts); `discarded`: a draft a team member threw away.
 */
export type OutboxStatus =
  | { status: "pending"; attemptedAt?: string }
  | { status: "sent"; at: string; response: string }
  | { status: "draft" }
  | { status: "discarded"; at: string };
