import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MIME_LIMITS, parseMail } from "../../src/adapters/mime/parse-mail.js";
import type { BlobStore } from "../../src/app/ports.js";
import { FIXTURES, mailFixture, parseFixture, tempBlobStore, type TempBlobs } from "./mime-test-helpers.js";

const PNG_1X1 = Buffer.from(
  "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cfc0f01f0005000201e221bc330000000049454e44ae426082",
  "hex",
);
const corpus = (path: string) => readFile(join(FIXTURES, "corpus", path));

let store: TempBlobs;
beforeAll(async () => {
  store = await tempBlobStore();
});
afterAll(async () => {
  await store.cleanup();
});

describe("parseMail streams attachments into the blob store", () => {
  it("stores each attachment under its content id with its decoded size", async () => {
    const mail = await parseFixture("zero-byte-attachment.eml", store.blobs);
    const png = mail.attachments.find((a) => a.filename === "mac-etikett.png");
    expect(png).toMatchObject({ contentType: "image/png", size: PNG_1X1.length, inline: false });
    expect(png?.blob).toBe(`sha256-${createHash("sha256").update(PNG_1X1).digest("hex")}`);
    expect(await store.blobs.get(png?.blob ?? "")).toEqual(PNG_1X1);
  });

  it("records a zero-byte part as refused 'empty', without a blob", async () => {
    const mail = await parseFixture("zero-byte-attachment.eml", store.blobs);
    expect(mail.hasHtml).toBeUndefined(); // text only: no "show as sent" link
    expect(mail.attachments.find((a) => a.filename === "IMG_0001.jpg")).toEqual({
      filename: "IMG_0001.jpg",
      contentType: "image/jpeg",
      size: 0,
      inline: false,
      refused: "empty",
    });
  });

  it("refuses a part over the byte limit, keeps its real size, and says why", async () => {
    const mail = await parseFixture("zero-byte-attachment.eml", store.blobs, { maxAttachmentBytes: 50 });
    const png = mail.attachments.find((a) => a.filename === "mac-etikett.png");
    expect(png).toMatchObject({ refused: "too_large", size: PNG_1X1.length });
    expect(png?.blob).toBeUndefined();
    expect(mail.problems.some((p) => p.startsWith("part_too_large:"))).toBe(true);
  });

  it("lists all 500 parts of a huge mail but stores only the first maxParts", async () => {
    const mail = await parseFixture("many-attachments-500.eml", store.blobs);
    expect(mail.attachments).toHaveLength(500);
    const stored = mail.attachments.filter((a) => a.blob);
    expect(stored).toHaveLength(DEFAULT_MIME_LIMITS.maxParts);
    expect(stored.at(-1)?.filename).toBe(`note-${DEFAULT_MIME_LIMITS.maxParts}.txt`);
    const refused = mail.attachments.filter((a) => a.refused === "too_many_parts");
    expect(refused).toHaveLength(500 - DEFAULT_MIME_LIMITS.maxParts);
    expect(refused.every((a) => a.size === `note ${Number(a.filename.slice(5, 8))}\n`.length)).toBe(true);
    expect(mail.problems).toContain("too_many_parts: attachments past the first 200 were not stored");
    expect(mail.text).toBe("Här är alla filer.\n");
  });

  it("gives the same facts for a stream source as for a buffer", async () => {
    const path = join(FIXTURES, "mail", "tnef-winmail.eml");
    const fromBuffer = await parseMail(await readFile(path), { blobs: store.blobs });
    const fromStream = await parseMail(createReadStream(path, { highWaterMark: 97 }), { blobs: store.blobs });
    expect(fromStream).toEqual(fromBuffer);
  });

  it("stops reading a part when the parser gives up, and still returns", async () => {
    const mail = await parseFixture("many-attachments-500.eml", store.blobs, { maxMimeNodes: 50 });
    expect(mail.problems.some((p) => p.startsWith("mime_error:"))).toBe(true);
    expect(mail.attachments.length).toBeLessThan(50);
  });
});

describe("parseMail opens winmail.dat and forwarded messages", () => {
  it("adds the files inside winmail.dat as attachments with their own blobs", async () => {
    const mail = await parseFixture("tnef-winmail.eml", store.blobs);
    expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ["winmail.dat", "application/ms-tnef"],
      ["Driftsättningsprotokoll ACT-123456.pdf", "application/pdf"],
      ["mac-etikett-laddare-1.png", "image/png"],
    ]);
    const [, pdf, png] = mail.attachments;
    expect((await store.blobs.get(pdf?.blob ?? "")).subarray(0, 5).toString()).toBe("%PDF-");
    expect(await store.blobs.get(png?.blob ?? "")).toEqual(PNG_1X1);
    expect(mail.problems).toEqual([]);
  });

  it("extracts the photo from Outlook's rich-text winmail.dat (corpus)", async () => {
    const mail = await parseMail(await corpus("mimekit/UnitTests/TestData/tnef/rich-text.eml"), { blobs: store.blobs });
    const kitten = mail.attachments.find((a) => a.filename === "kitten-playing-with-a-christmas-tree.jpg");
    expect(kitten).toMatchObject({ contentType: "image/jpeg", size: 375081 });
  });

  it("turns a broken winmail.dat into a problem and keeps the mail", async () => {
    const raw = (await mailFixture("tnef-winmail.eml")).toString("latin1");
    const [head = "", rest = ""] = raw.split('filename="winmail.dat"\r\n\r\n');
    const [encoded = "", tail = ""] = rest.split("\r\n\r\n--tnef-boundary--");
    const truncated = Buffer.from(encoded, "base64").subarray(0, 120).toString("base64");
    const broken = `${head}filename="winmail.dat"\r\n\r\n${truncated}\r\n\r\n--tnef-boundary--${tail}`;
    const mail = await parseMail(Buffer.from(broken, "latin1"), { blobs: store.blobs });
    expect(mail.attachments.map((a) => a.filename)).toEqual(["winmail.dat"]);
    expect(mail.problems.some((p) => p.startsWith("tnef_error:"))).toBe(true);
    expect(mail.text).toContain("driftsättningsprotokollet");
  });

  it("lists the attachments of forwarded messages nested three deep", async () => {
    const mail = await parseFixture("forwarded-three-deep.eml", store.blobs);
    const photos = mail.attachments.filter((a) => a.contentType === "image/png").map((a) => a.filename);
    expect(photos.sort()).toEqual(["photo-level-0.png", "photo-level-1.png", "photo-level-2.png", "photo-level-3.png"]);
    expect(mail.attachments.filter((a) => a.contentType === "message/rfc822" && a.blob)).toHaveLength(3);
    expect(mail.text).toBe("Text on level 0.\n");
    expect(mail.problems).toEqual([]);
  });

  it("stores a forwarded message past maxEmbeddedDepth without opening it", async () => {
    const mail = await parseFixture("forwarded-three-deep.eml", store.blobs, { maxEmbeddedDepth: 1 });
    const photos = mail.attachments.filter((a) => a.contentType === "image/png").map((a) => a.filename);
    expect(photos.sort()).toEqual(["photo-level-0.png", "photo-level-1.png"]);
    expect(mail.problems.some((p) => p.startsWith("embedded_too_deep:"))).toBe(true);
  });
});

describe("parseMail captures report parts", () => {
  it("keeps the delivery-status text and only the header block of the returned message", async () => {
    const mail = await parseFixture("postfix-dsn.eml", store.blobs);
    expect(mail.reportParts.map((p) => p.contentType)).toEqual(["message/delivery-status", "message/rfc822"]);
    expect(mail.reportParts[0]?.text).toContain("Action: failed");
    const returned = mail.reportParts[1]?.text ?? "";
    expect(returned).toContain("Message-ID: <act-123456.abc@activations.example.com>");
    expect(returned).not.toContain("Hej! Här är");
    expect(mail.attachments.every((a) => a.blob)).toBe(true);
  });

  it("bounds each report part", async () => {
    const mail = await parseFixture("postfix-dsn.eml", store.blobs, { maxReportPartBytes: 40 });
    expect(mail.reportParts[0]?.text.length).toBeLessThanOrEqual(40);
  });
});

describe("parseMail reads the text safely", () => {
  it("turns HTML into text without scripts, handlers or script links", async () => {
    const mail = await parseFixture("html-xss.eml", store.blobs);
    expect(mail.textFromHtml).toBe(true);
    expect(mail.hasHtml).toBe(true);
    expect(mail.text).toContain("Hej! Här kommer MAC-adressen för laddare 1.");
    expect(mail.text).toContain("MAC: 00:1A:2B:3C:4D:5E");
    expect(mail.text).toContain("[https://portal.example.com/case]");
    for (const bad of ["<script", "<", "xss-head", "xss-body", "xss-onerror", "xss-link", "xss-iframe", "xss-svg", "document.cookie", "javascript:", "onerror", "color: red"]) {
      expect(mail.text).not.toContain(bad);
    }
    // `<sc<script>ript>` leaves the inert text `ript>alert('xss-nested')`, as a browser shows it.
  });

  it("prefers the text part over the HTML alternative", async () => {
    const mail = await parseFixture("outlook-reply-xars.eml", store.blobs);
    expect(mail.textFromHtml).toBe(false);
    // The HTML alternative is still there to be shown as sent (the desk's "show as sent" link).
    expect(mail.hasHtml).toBe(true);
    expect(mail.text).toContain("Flex billing är nu konfigurerat");
    expect(mail.text).toContain("Från: Aktiveringar");
  });

  it("cuts the text at maxTextChars and says so", async () => {
    const mail = await parseFixture("outlook-reply-xars.eml", store.blobs, { maxTextChars: 10 });
    expect(mail.text).toBe("Hej!\n\nFlex");
    expect(mail.problems.some((p) => /^text_truncated: text cut at 10 of \d+ characters$/.test(p))).toBe(true);
  });

  it("does not convert HTML past maxHtmlChars", async () => {
    const mail = await parseFixture("html-xss.eml", store.blobs, { maxHtmlChars: 100 });
    expect(mail.text).toBe("");
    expect(mail.problems.some((p) => p.startsWith("html_not_converted:"))).toBe(true);
  });
});

describe("parseMail reads the headers", () => {
  it("decodes threading, addresses, subject and date", async () => {
    const mail = await parseFixture("sv-exchange-ooo.eml", store.blobs);
    expect(mail).toMatchObject({
      key: "mid:0a1b2c3d4e5f4a6b8c9d0e1f2a3b4c5d@EX01.brf-solgarden.example",
      messageId: "<0a1b2c3d4e5f4a6b8c9d0e1f2a3b4c5d@EX01.brf-solgarden.example>",
      inReplyTo: "<act-123456.r1.k7q2m4xa@activations.example.com>",
      references: ["<act-123456.r1.k7q2m4xa@activations.example.com>"],
      from: { address: "anna.lind@brf-solgarden.example", name: "Anna Lind" },
      to: [{ address: "activations+act-123456.k7q2m4xa@activations.example.com", name: "Aktiveringar" }],
      subject: "Automatiskt svar: Re: [ACT-123456] Aktivering av laddplatser Solgården",
      date: "2025-07-15T07:12:03.000Z",
    });
    expect(mail.headers).toContainEqual({ name: "x-auto-response-suppress", value: "All" });
    expect(mail.headers).toContainEqual({ name: "thread-topic", value: "[ACT-123456] Aktivering av laddplatser Solgården" });
  });

  it("reads the null Return-Path as an empty string and Delivered-To into deliveredTo", async () => {
    const mail = await parseFixture("postfix-dsn.eml", store.blobs);
    expect(mail.returnPath).toBe("");
    expect(mail.deliveredTo).toEqual(["activations+bounce-act-123456.abc@activations.example.com"]);
    expect(mail.from).toEqual({ address: "mailer-daemon@mx.activations.example.com", name: "Mail Delivery System" });
  });

  it("keys a mail without Message-ID by the digest of its bytes, or by the key it is given", async () => {
    const bytes = await corpus("mimekit/UnitTests/TestData/compliance/unexpected-null-bytes-in-headers.eml");
    const mail = await parseMail(bytes, { blobs: store.blobs });
    expect(mail.key).toBe(`sha256:${createHash("sha256").update(bytes).digest("hex")}`);
    expect(mail.problems).toContain("no_message_id: the mail has no usable Message-ID");
    const keyed = await parseMail(bytes, { blobs: store.blobs }, {}, { key: "uid:42:7" });
    expect(keyed.key).toBe("uid:42:7");
  });

  it("keeps the root and the newest References when there are too many", async () => {
    const ids = Array.from({ length: 10 }, (_, i) => `<r${i}@kund.example>`);
    const raw = `From: a@kund.example\r\nReferences: ${ids.join("\r\n ")}\r\nSubject: x\r\n\r\nbody\r\n`;
    const mail = await parseMail(Buffer.from(raw), { blobs: store.blobs }, { maxReferences: 4 });
    expect(mail.references).toEqual(["<r0@kund.example>", "<r7@kund.example>", "<r8@kund.example>", "<r9@kund.example>"]);
  });

  it("bounds the number of header lines", async () => {
    const raw = `${Array.from({ length: 30 }, (_, i) => `X-Filler-${i}: ${i}`).join("\r\n")}\r\nSubject: late\r\n\r\nbody\r\n`;
    const mail = await parseMail(Buffer.from(raw), { blobs: store.blobs }, { maxHeaderLines: 10 });
    expect(mail.headers).toHaveLength(10);
    expect(mail.subject).toBe("");
    expect(mail.problems.some((p) => p.startsWith("header_truncated:"))).toBe(true);
  });

  it("strips NUL bytes and control characters from the subject", async () => {
    const raw = "From: a@kund.example\r\nSubject: =?utf-8?q?Bil=00der=07_klara?=\r\n\r\nbody\r\n";
    const mail = await parseMail(Buffer.from(raw), { blobs: store.blobs });
    expect(mail.subject).toBe("Bilder klara");
  });
});

describe("parseMail survives odd bytes (corpus)", () => {
  it("removes a UTF-8 BOM before the headers", async () => {
    const mail = await parseMail(await corpus("mimekit/UnitTests/TestData/messages/feedback-report.txt"), { blobs: store.blobs });
    expect(mail.from?.address).toBe("abusedesk@example.com");
    expect(mail.headers[0]?.name).toBe("from");
    expect(mail.problems).toContain("bom_removed: a UTF-8 byte order mark before the headers was removed");
  });

  it("reads bare-CR line endings", async () => {
    const mail = await parseMail(await corpus("sisimai-set-of-emails/maildir/mac/lhost-exchange2003-01.eml"), { blobs: store.blobs });
    expect(mail.subject).toBe("Undeliverable: Kijitora Cat");
    expect(mail.headers.length).toBeGreaterThan(5);
    expect(mail.text).toContain("did not reach the following recipient(s):\n");
  });

  it("drops NUL bytes in headers", async () => {
    const mail = await parseMail(await corpus("mimekit/UnitTests/TestData/compliance/unexpected-null-bytes-in-headers.eml"), {
      blobs: store.blobs,
    });
    expect(mail.headers).toContainEqual({ name: "x-null-bytes", value: "This value contains a  byte" });
  });

  it("reads raw 8-bit headers in the charset the body declares", async () => {
    const koi8 = await parseMail(await corpus("mimekit/UnitTests/TestData/compliance/raw-koi8r-header.eml"), { blobs: store.blobs });
    expect(koi8.subject).toBe("Откуда он появился?");
    const utf8 = await parseMail(await corpus("mimekit/UnitTests/TestData/compliance/raw-utf8-header.eml"), { blobs: store.blobs });
    expect(utf8.subject).toBe("Откуда он появился?");
  });

  it("decodes ks_c_5601-1987 bodies", async () => {
    const mail = await parseMail(await corpus("mikel-mail/spec/fixtures/emails/multi_charset/ks_c_5601-1987.eml"), { blobs: store.blobs });
    expect(mail.text.trim()).toBe("스티해");
  });

  it("reports an unknown header charset and still decodes the rest", async () => {
    const raw = "From: a@kund.example\r\nSubject: =?x-unknown?q?Hej?= =?utf-8?q?d=C3=A5?=\r\n\r\nbody\r\n";
    const mail = await parseMail(Buffer.from(raw), { blobs: store.blobs });
    expect(mail.subject).toBe("Hejdå");
    expect(mail.problems).toContain('unknown_charset: header charset "x-unknown" decoded as UTF-8');
  });

  it("cuts a mail past maxMailBytes and says so", async () => {
    const mail = await parseFixture("many-attachments-500.eml", store.blobs, { maxMailBytes: 4096 });
    expect(mail.attachments.length).toBeLessThan(30);
    expect(mail.problems).toContain("mail_truncated: only the first 4096 bytes were parsed");
  });

  it("records an unreadable Date as a problem, not as today", async () => {
    const mail = await parseMail(await corpus("mikel-mail/spec/fixtures/emails/error_emails/bad_date_header.eml"), { blobs: store.blobs });
    expect(mail.date).toBeUndefined();
    expect(mail.problems.some((p) => p.startsWith("bad_date:"))).toBe(true);
  });
});

describe("parseMail throws only on I/O failures", () => {
  it("rejects when the blob store fails", async () => {
    const failing: BlobStore = {
      ...store.blobs,
      putBounded: async (source) => {
        source.resume();
        throw new Error("disk full");
      },
    };
    await expect(parseMail(await mailFixture("zero-byte-attachment.eml"), { blobs: failing })).rejects.toThrow("disk full");
  });

  it("rejects when the source stream fails", async () => {
    const source = new PassThrough();
    const parsing = parseMail(source, { blobs: store.blobs });
    source.write("From: a@kund.example\r\nSubject: x\r\n\r\nbody");
    source.destroy(new Error("IMAP connection lost"));
    await expect(parsing).rejects.toThrow("IMAP connection lost");
  });

  it("returns for an empty source", async () => {
    const mail = await parseMail(Readable.from([]), { blobs: store.blobs });
    expect(mail).toMatchObject({ subject: "", text: "", attachments: [], headers: [] });
  });
});
