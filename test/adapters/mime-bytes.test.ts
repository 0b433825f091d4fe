/**
 * mimeBytes writes a MailComposer tree synchronously: byte for byte what nodemailer's own streaming
 * build() writes, for the shapes the outbox composes, and null (build it the usual way) for the rest.
 */
import { Readable } from "node:stream";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type Mail from "nodemailer/lib/mailer/index.js";
import { describe, expect, it } from "vitest";
import { mimeBytes } from "../../src/adapters/smtp/mime-bytes.js";

const base: Mail.Options = {
  from: "Aktiveringsdesken <desk@example.com>",
  to: ["Åsa Nätchef <nm@example.com>"],
  cc: ["installer@example.com"],
  replyTo: "desk+act-100001.abc@example.com",
  subject: "Re: [ACT-100001] Aktivering av laddplats – Storgatan 1, Växjö (ref 8f2a)",
  messageId: "<ACT-100001.1234@example.com>",
  date: new Date("2026-11-26T12:00:00Z"),
  inReplyTo: "<reply@nm.example.com>",
  references: ["<root@example.com>", "<reply@nm.example.com>"],
  headers: { "Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All", "X-Activation-Case": "ACT-100001" },
};

const longLine = `${"Lång rad med ord ".repeat(30)}   \n${"x".repeat(200)} \t\nslut  `;

const shapes: Record<string, Mail.Options> = {
  "Swedish text and HTML": { text: "Hej Åsa!\n\nTack för svaret.\n", html: "<p>Hej Åsa!</p>" },
  "plain ASCII (7bit)": { text: "Thanks, all received.\n", html: "<p>Thanks</p>" },
  "long lines and trailing white space": { text: longLine, html: `<p>${longLine}</p>` },
  "mostly non-Latin text (base64)": { text: "日本語のテキスト ".repeat(30), html: "<b>設定</b>".repeat(40) },
  "dots, equals signs and CRLF": { text: "trailing space \nnext\r\n.\n..\n", html: "<p>a=b</p>\n.\n" },
  "empty parts": { text: "", html: "" },
  "attachments (forms, a text file)": {
    text: "Se bifogad blankett.\n",
    html: "<p>Se bifogad blankett.</p>",
    attachments: [
      { filename: "Färdigställandeanmälan ACT-100001.pdf", contentType: "application/pdf", content: Buffer.alloc(70_000, 0x25) },
      { filename: "notes.txt", contentType: "text/plain", content: Buffer.from("línea uno\r\nzwei\n") },
      { filename: "tiny.bin", contentType: "application/octet-stream", content: Buffer.from([0, 13, 10, 13, 255]) },
    ],
  },
};

describe("mimeBytes", () => {
  for (const [name, shape] of Object.entries(shapes)) {
    it(`writes what build() writes: ${name}`, async () => {
      const tree = new MailComposer({ ...base, ...shape }).compile();
      const bytes = mimeBytes(tree);
      expect(bytes).not.toBeNull();
      // The same tree (boundaries and ids were fixed when it was first written).
      expect(bytes?.equals(await tree.build())).toBe(true);
    });
  }

  it("leaves a tree with streamed content to build()", async () => {
    const tree = new MailComposer({ ...base, text: "x", attachments: [{ filename: "a.bin", content: Readable.from([Buffer.from("abc")]) }] }).compile();
    expect(mimeBytes(tree)).toBeNull();
    expect((await tree.build()).toString()).toContain("YWJj");
  });

  it("leaves a tree with raw content to build()", () => {
    expect(mimeBytes(new MailComposer({ raw: "Subject: x\r\n\r\nbody\r\n" }).compile())).toBeNull();
  });
});
