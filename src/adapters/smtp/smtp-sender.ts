/**
 * Delivers outbox entries: composed once with nodemailer's MailComposer (written out synchronously,
 * see mime-bytes.ts), sent as those bytes over a pool of SMTP connections (a new connection costs
 * the server's greeting delay), and returned so the same copy goes to the Sent folder.
 */
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { OutboxEntry } from "../../core/case/outbox-entry.js";
import type { BlobStore } from "../../app/ports.js";
import { mimeBytes } from "./mime-bytes.js";
import type { CredentialSource } from "../auth/credential.js";
import type { TlsTrust } from "../tls/tls-trust.js";
import type { SmtpPoolOptions } from "./smtp-pool.js";
import { createSmtpPool } from "./smtp-pool.js";

export interface SmtpSender {
  send(entry: OutboxEntry, from: string): Promise<{ raw: Buffer; response: string }>;
  /** The message as `send` builds it (same Message-ID, Date and body; new MIME boundaries): a Sent copy filed late. */
  compose(entry: OutboxEntry, from: string): Promise<Buffer>;
  /** Connects and logs in once, keeping the connection for the first send (see SmtpPool.verify). */
  verify(): Promise<void>;
  close(): void;
}

export function createSmtpSender(
  url: string,
  poolSize: number,
  blobs: BlobStore,
  tls?: TlsTrust,
  credentials?: CredentialSource,
  hooks: Pick<SmtpPoolOptions, "onLogin" | "onTransientRetry" | "transientRetryMs"> = {},
): SmtpSender {
  const pool = createSmtpPool({ url, size: poolSize, tls, credentials, ...hooks });

  async function compose(entry: OutboxEntry, from: string): Promise<Buffer> {
    const attachments = await Promise.all(
      entry.attachments.map(async (a) => ({ filename: a.filename, contentType: a.contentType, content: await blobs.get(a.blob) })),
    );
    const composer = new MailComposer({
      from,
      to: entry.to,
      cc: entry.cc,
      replyTo: entry.replyTo,
      subject: entry.subject,
      messageId: entry.messageId,
      date: new Date(entry.createdAt),
      ...(entry.inReplyTo ? { inReplyTo: entry.inReplyTo } : {}),
      references: entry.references,
      text: entry.text,
      html: entry.html,
      attachments,
      headers: {
        "Auto-Submitted": entry.autoSubmitted,
        // Asks Exchange not to answer with its own auto-replies (loop prevention).
        "X-Auto-Response-Suppress": "All",
        "X-Activation-Case": entry.caseId,
      },
    });
    const tree = composer.compile();
    return mimeBytes(tree) ?? (await tree.build());
  }

  return {
    async send(entry, from) {
      const raw = await compose(entry, from);
      const { response } = await pool.send({ from: /<([^>]+)>/.exec(from)?.[1] ?? from, to: [...entry.to, ...entry.cc] }, raw);
      return { raw, response };
    },
    compose,
    verify: () => pool.verify(),
    close: () => pool.close(),
  };
}
