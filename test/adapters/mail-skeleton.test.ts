/**
 * A raw mail stored once with its attachments (adapters/blob/mail-skeleton.ts) on the real file blob
 * store: after the walk stored a photo and a PDF from a mail, compacting the mail leaves its file a
 * small skeleton, every read (get, open, stream) still gives the exact bytes of its id, parsing it again
 * finds the same attachments, deleting an attachment's blob does not break the mail, and a body whose
 * lines the bot could not write again byte for byte stays in the mail.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { parseMail } from "../../src/adapters/mime/parse-mail.js";
import type { BlobStore } from "../../src/app/ports.js";

const sha = (b: Buffer) => `sha256-${createHash("sha256").update(b).digest("hex")}`;

/** base64 of `bytes` in lines of `width` characters, CRLF between them. */
function base64Lines(bytes: Buffer, width: number | number[]): string {
  const text = bytes.toString("base64");
  const lines: string[] = [];
  for (let i = 0, n = 0; i < text.length; n++) {
    const w = Array.isArray(width) ? (width[n % width.length] ?? 76) : width;
    lines.push(text.slice(i, i + w));
    i += w;
  }
  return lines.join("\r\n");
}

function photoMail(photo: Buffer, pdf: Buffer, width: number | number[] = 76): Buffer {
  return Buffer.from(
    [
      "From: Ivar <ivar@el.example>",
      "To: activations@desk.example",
      "Subject: bilder",
      "Message-ID: <photos-1@el.example>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="b1"',
      "",
      "--b1",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "Här är bilderna och blanketten.",
      "--b1",
      "Content-Type: image/jpeg",
      'Content-Disposition: attachment; filename="panel.jpg"',
      "Content-Transfer-Encoding: base64",
      "",
      base64Lines(photo, width),
      "--b1",
      "Content-Type: application/pdf",
      'Content-Disposition: attachment; filename="form.pdf"',
      "Content-Transfer-Encoding: base64",
      "",
      base64Lines(pdf, width),
      "--b1--",
      "",
    ].join("\r\n"),
    "latin1",
  );
}

describe("a raw mail stored once with its attachments", () => {
  let dir: string;
  let blobs: BlobStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "skeleton-"));
    blobs = createFileBlobStore(dir);
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps the mail's exact bytes under its id while its file no longer holds the attachments", async () => {
    const photo = randomBytes(300_000);
    const pdf = randomBytes(40_000);
    const raw = photoMail(photo, pdf);
    const mail = await blobs.put(raw);
    const facts = await parseMail(await blobs.get(mail.id), { blobs });
    expect(facts.attachments.map((a) => a.blob)).toEqual([sha(photo), sha(pdf)]);

    const saved = await blobs.compactMail?.(mail.id);
    expect(saved).toBeGreaterThan(400_000);
    expect((await stat(blobs.path(mail.id))).size).toBeLessThan(2_000);
    // Every way of reading gives the original bytes.
    expect(sha(await blobs.get(mail.id))).toBe(mail.id);
    const opened = await blobs.open(mail.id, 10 * 1024 * 1024);
    expect(Buffer.isBuffer(opened) && sha(opened)).toBe(mail.id);
    const streamed: Buffer[] = [];
    for await (const c of blobs.stream(mail.id)) streamed.push(c as Buffer);
    expect(sha(Buffer.concat(streamed))).toBe(mail.id);
    const small = await blobs.open(mail.id, 1000);
    expect(Buffer.isBuffer(small)).toBe(false);
    // Parsed again (the thread view does), the same attachments.
    expect((await parseMail(await blobs.get(mail.id), { blobs })).attachments.map((a) => [a.filename, a.blob])).toEqual([
      ["panel.jpg", sha(photo)],
      ["form.pdf", sha(pdf)],
    ]);
    // Compacted once: a second time changes nothing.
    expect(await blobs.compactMail?.(mail.id)).toBe(0);

    // The photo's own blob deleted (erasure, retention of another case): the mail still reads whole.
    await blobs.remove?.(sha(photo));
    expect(await blobs.has(sha(photo))).toBe(false);
    expect(sha(await blobs.get(mail.id))).toBe(mail.id);
    // The mail deleted: its links go with it.
    await blobs.remove?.(mail.id);
    const hex = mail.id.slice("sha256-".length);
    expect(await readdir(join(dir, "links", hex.slice(0, 2)))).toEqual([]);
  });

  it("leaves in the mail a body whose lines it could not write again byte for byte", async () => {
    const photo = randomBytes(100_000);
    const raw = photoMail(photo, randomBytes(20_000), [76, 72, 76, 60]);
    const mail = await blobs.put(raw);
    await parseMail(await blobs.get(mail.id), { blobs });
    expect(await blobs.compactMail?.(mail.id)).toBe(0);
    expect(await readFile(blobs.path(mail.id))).toEqual(raw);
  });
});
