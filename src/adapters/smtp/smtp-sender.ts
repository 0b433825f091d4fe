/**
 * Delivers outbox entries with nodemailer over a pooled SMTP connection (a new connection costs the
 * server's greeting delay), and returns the exact bytes sent so the same copy goes to the Sent folder.
 */
import nodemailer from "nodemailer";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { OutboxEntry } from "../../core/case/outbox-entry.js";
import type { BlobStore } from "../../app/ports.js";

export interface SmtpSender {
  send(entry: OutboxEntry, from: string): Promise<{ raw: Buffer; response: string }>;
  close(): void;
}

export function createSmtpSender(url: string, poolSize: number, blobs: BlobStore): SmtpSender {
  const transport = nodemailer.createTransport({
    url,
    pool: true,
    maxConnections: poolSize,
    // Keep pooled connections for good: reconnecting costs the greeting delay on every 100th mail.
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);

  return {
    async send(entry, from) {
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
      const raw = await composer.compile().build();
      const info = await transport.sendMail({
        envelope: { from: /<([^>]+)>/.exec(from)?.[1] ?? from, to: [...entry.to, ...entry.cc] },
        raw,
      });
      return { raw, response: String(info.response ?? "") };
    },
    close: () => transport.close(),
  };
}
