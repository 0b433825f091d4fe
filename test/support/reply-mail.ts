/**
 * A plain-text reply as a mail client writes it (CRLF line ends; In-Reply-To and References name the
 * mail answered): what the tests and benches send to the bot in answer to its mails.
 */
export function plainReply(m: { from: string; to: string; subject: string; messageId: string; inReplyTo: string; date: string; text: string }): string {
  return [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${m.subject}`,
    `Message-ID: ${m.messageId}`,
    `In-Reply-To: ${m.inReplyTo}`,
    `References: ${m.inReplyTo}`,
    `Date: ${m.date}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    m.text,
    "",
  ].join("\r\n");
}
