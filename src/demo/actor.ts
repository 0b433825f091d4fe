/**
 * A person on the other side of a case thread (network manager, contractor, installer), for the demo,
 * the end-to-end tests and the benchmark: reads what the bot sent them and answers the way a mail
 * client does (Re: subject, In-Reply-To, References, the quoted history below the answer).
 */
import { simpleParser } from "mailparser";
import type { ParsedMail } from "mailparser";
import nodemailer from "nodemailer";
import type { LocalRelay, MailUser, RelayedMessage } from "./local-mail.js";

export interface ReceivedMail {
  raw: Buffer;
  parsed: ParsedMail;
  messageId: string;
  subject: string;
  text: string;
  replyTo: string;
}

export interface Attachment {
  filename: string;
  content: Buffer;
  contentType?: string;
  /** Content-ID of an inline part the HTML names as `cid:…`. */
  cid?: string;
}

export class MailActor {
  private readonly seen = new Set<RelayedMessage>();
  private readonly transport;

  constructor(
    readonly user: MailUser,
    readonly name: string,
    private readonly relay: LocalRelay,
  ) {
    this.transport = nodemailer.createTransport({ url: relay.url, pool: true, maxConnections: 1, maxMessages: Infinity });
    relay.addMailbox(user);
  }

  get address(): string {
    return this.user.address;
  }

  /** The next mail to this actor not returned before (optionally one that matches). */
  async next(timeoutMs = 15_000, match: (m: ReceivedMail) => boolean = () => true): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const msg = await this.relay.waitFor((m) => !this.seen.has(m) && m.envelope.to.some((t) => t.toLowerCase() === this.address), Math.max(1, deadline - Date.now()));
      this.seen.add(msg);
      const mail = await toReceived(msg);
      if (match(mail)) return mail;
    }
  }

  /** Every mail to this actor so far (for "exactly one reply" checks). */
  async all(): Promise<ReceivedMail[]> {
    const mine = this.relay.received.filter((m) => m.envelope.to.some((t) => t.toLowerCase() === this.address));
    return Promise.all(mine.map(toReceived));
  }

  /** `opts.html`: an HTML part beside the text, as a mail client that writes both sends it. */
  async reply(to: ReceivedMail, text: string, attachments: Attachment[] = [], opts: { locale?: "sv" | "en"; html?: string } = {}): Promise<string> {
    const quoteHeader =
      opts.locale === "en"
        ? `On ${to.parsed.date?.toUTCString() ?? "earlier"}, ${to.parsed.from?.text ?? "the desk"} wrote:`
        : `Den ${to.parsed.date?.toISOString().slice(0, 10) ?? "tidigare"} skrev ${to.parsed.from?.text ?? "aktiveringsteamet"}:`;
    const quoted = to.text.split("\n").map((l) => `> ${l}`).join("\n");
    const references = [...toArray(to.parsed.references), to.messageId];
    const info = await this.transport.sendMail({
      from: `${this.name} <${this.address}>`,
      to: to.replyTo,
      subject: /^(re|sv):/i.test(to.subject) ? to.subject : `SV: ${to.subject}`,
      inReplyTo: to.messageId,
      references,
      text: `${text}\n\n${quoteHeader}\n${quoted}\n`,
      ...(opts.html ? { html: opts.html } : {}),
      attachments: attachments.map((a) => ({ filename: a.filename, content: a.content, ...(a.contentType ? { contentType: a.contentType } : {}), ...(a.cid ? { cid: a.cid } : {}) })),
    });
    return info.messageId;
  }

  /** A new mail, not a reply (a stranger, a forged tag, an auto-responder). */
  async send(to: string, subject: string, text: string, headers: Record<string, string> = {}): Promise<string> {
    const info = await this.transport.sendMail({ from: `${this.name} <${this.address}>`, to, subject, text, headers });
    return info.messageId;
  }

  close(): void {
    this.transport.close();
  }
}

async function toReceived(msg: RelayedMessage): Promise<ReceivedMail> {
  const parsed = await simpleParser(msg.raw);
  return {
    raw: msg.raw,
    parsed,
    messageId: parsed.messageId ?? "",
    subject: parsed.subject ?? "",
    text: parsed.text ?? "",
    replyTo: parsed.replyTo?.value[0]?.address ?? parsed.from?.value[0]?.address ?? "",
  };
}

function toArray(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
