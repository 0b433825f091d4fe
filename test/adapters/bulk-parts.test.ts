/**
 * Bulk decoding of large base64 attachments (src/adapters/mime/bulk-parts.ts) must change how fast a
 * mail is read, never what is read: every mail here is parsed both ways and the results compared.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BULK_MIN_BYTES, decodeBulkPart, planBulkParts, type BulkPart } from "../../src/adapters/mime/bulk-parts.js";
import { parseMail } from "../../src/adapters/mime/parse-mail.js";
import type { MailFacts } from "../../src/core/types.js";
import { FIXTURES, tempBlobStore, type TempBlobs } from "./mime-test-helpers.js";

let store: TempBlobs;
beforeAll(async () => {
  store = await tempBlobStore();
});
afterAll(async () => {
  await store.cleanup();
});

/** Bytes that look like a photo: every value, no repetition a base64 line could hide. */
function photoBytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

const sha = (b: Buffer) => `sha256-${createHash("sha256").update(b).digest("hex")}`;
const b64lines = (b: Buffer, eol = "\r\n") => (b.toString("base64").match(/.{1,76}/g) ?? []).join(eol);

interface Part {
  headers: string[];
  body: string;
}

function multipart(boundary: string, parts: Part[], eol = "\r\n", tail = `--${boundary}--${eol}`): string {
  return parts.map((p) => `--${boundary}${eol}${p.headers.join(eol)}${eol}${eol}${p.body}${eol}`).join("") + tail;
}

function mail(body: string, type: string, eol = "\r\n", extraHeaders: string[] = []): Buffer {
  const head = [
    "From: Kim Installatör <kim@el.example>",
    "To: activations@activations.example.com",
    "Subject: Re: [ACT-100200] Foton",
    "Message-ID: <bulk-test@el.example>",
    "Date: Tue, 24 Nov 2026 09:00:00 +0100",
    "MIME-Version: 1.0",
    `Content-Type: ${type}`,
    ...extraHeaders,
  ];
  return Buffer.from(`${head.join(eol)}${eol}${eol}${body}`, "latin1");
}

const text = (t: string): Part => ({ headers: ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit"], body: t });
const jpeg = (name: string, bytes: Buffer, eol = "\r\n", extra: string[] = []): Part => ({
  headers: [`Content-Type: image/jpeg; name="${name}"`, `Content-Disposition: attachment; filename="${name}"`, "Content-Transfer-Encoding: base64", ...extra],
  body: b64lines(bytes, eol),
});

async function bothWays(raw: Buffer, minBytes = BULK_MIN_BYTES): Promise<{ bulk: MailFacts; slow: MailFacts }> {
  const bulk = await parseMail(raw, { blobs: store.blobs }, {}, { bulkMinBytes: minBytes });
  const slow = await parseMail(raw, { blobs: store.blobs }, {}, { bulkMinBytes: Infinity });
  return { bulk, slow };
}

describe("planBulkParts", () => {
  const a = photoBytes(60_000, 1);
  const b = photoBytes(90_001, 2);

  it("plans the large base64 parts that are not text, and leaves their bodies out of what mailparser is fed", () => {
    const raw = mail(multipart("b1", [text("Här är bilderna.\r\n"), jpeg("a.jpg", a), jpeg("b.jpg", b)]), 'multipart/mixed; boundary="b1"');
    const plan = planBulkParts(raw);
    expect(plan?.parts.map((p) => p.decodedLength)).toEqual([a.length, b.length]);
    expect(plan?.fed.length).toBeLessThan(2_000);
    expect(plan?.fed.toString("latin1")).toContain(`X-Activation-Bot-Bulk-Part: ${plan?.nonce}:1\r\n`);
  });

  it("walks nested multiparts and LF-only mails", () => {
    const inner = multipart("in", [text("hej\n"), jpeg("a.jpg", a, "\n")], "\n");
    const raw = mail(multipart("out", [{ headers: ['Content-Type: multipart/related; boundary="in"'], body: inner.trimEnd() }], "\n"), 'multipart/mixed; boundary="out"', "\n");
    expect(planBulkParts(raw)?.parts).toHaveLength(1);
  });

  it("plans nothing for small parts, text parts, single-part mails and unusual structure", () => {
    const small = mail(multipart("b1", [text("x"), jpeg("s.jpg", photoBytes(1000, 3))]), 'multipart/mixed; boundary="b1"');
    expect(planBulkParts(small)).toBeUndefined();
    const textB64: Part = { headers: ["Content-Type: text/plain", "Content-Transfer-Encoding: base64"], body: b64lines(a) };
    expect(planBulkParts(mail(multipart("b1", [textB64]), 'multipart/mixed; boundary="b1"'))).toBeUndefined();
    expect(planBulkParts(mail(b64lines(a), "image/jpeg", "\r\n", ["Content-Transfer-Encoding: base64"]))).toBeUndefined();
    const unclosed = mail(multipart("b1", [jpeg("a.jpg", a)], "\r\n", ""), 'multipart/mixed; boundary="b1"');
    expect(planBulkParts(unclosed)).toBeUndefined();
    const lookalike = mail(multipart("b1", [jpeg("a.jpg", a), text("--b1x is not a delimiter\r\n--b1 nor is this")]), 'multipart/mixed; boundary="b1"');
    expect(planBulkParts(lookalike)).toBeUndefined();
    const twoTypes = mail(multipart("b1", [jpeg("a.jpg", a, "\r\n", ["Content-Type: text/plain"])]), 'multipart/mixed; boundary="b1"');
    expect(planBulkParts(twoTypes)).toBeUndefined();
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), mail(multipart("b1", [jpeg("a.jpg", a)]), 'multipart/mixed; boundary="b1"')]);
    expect(planBulkParts(bom)).toBeUndefined();
  });
});

describe("decodeBulkPart", () => {
  it("joins slices whatever the line length, and shows unclean base64 as missing bytes", () => {
    const data = photoBytes(200_007, 6);
    for (const width of [76, 64, 75, 61, 3, 10_000, 100_000]) {
      for (const eol of ["\r\n", "\n"]) {
        const body = (data.toString("base64").match(new RegExp(`.{1,${width}}`, "g")) ?? []).join(eol);
        const raw = Buffer.from(`head${eol}${eol}${body}${eol}--b--`, "latin1");
        const start = raw.indexOf(body.slice(0, 8));
        const general: BulkPart = { start, end: start + body.length, decodedLength: data.length };
        // Lines of whole groups of four are decoded a few lines at a time; others from one string.
        const byLines: BulkPart | undefined = width % 4 === 0 ? { ...general, lineBytes: width + eol.length } : undefined;
        for (const part of byLines ? [general, byLines] : [general]) {
          for (const slice of [100, 1000, 70_000, 1 << 20]) {
            const decoded = [...decodeBulkPart(raw, part, slice)];
            expect(Buffer.concat(decoded).equals(data), `width ${width} slice ${slice} ${part.lineBytes ?? "general"}`).toBe(true);
          }
        }
      }
    }
  });

  it("shows unclean base64 as missing bytes, by lines or not", () => {
    const data = photoBytes(100_000, 7);
    const body = b64lines(data);
    const raw = Buffer.from(`head\r\n\r\n${body}\r\n--b--`, "latin1");
    const start = raw.indexOf(body.slice(0, 8));
    raw[start + 5] = 0x2a; // "*"
    for (const part of [
      { start, end: start + body.length, decodedLength: data.length },
      { start, end: start + body.length, decodedLength: data.length, lineBytes: 78 },
    ]) {
      expect(Buffer.concat([...decodeBulkPart(raw, part, 1000)]).length).toBeLessThan(data.length);
    }
  });

  it("plans lines of one width of whole groups of four for decoding by lines, and only those", () => {
    const data = photoBytes(60_000, 8);
    const lines = (width: number) => (data.toString("base64").match(new RegExp(`.{1,${width}}`, "g")) ?? []).join("\r\n");
    const planned = (width: number) =>
      planBulkParts(mail(multipart("b1", [text("Hej"), { ...jpeg("a.jpg", data), body: lines(width) }]), 'multipart/mixed; boundary="b1"'))?.parts[0];
    expect(planned(76)?.lineBytes).toBe(78);
    expect(planned(64)?.lineBytes).toBe(66);
    expect(planned(75)?.lineBytes).toBeUndefined();
    expect(planned(75)?.decodedLength).toBe(data.length);
  });
});

describe("parseMail with bulk decoding", () => {
  const a = photoBytes(300_000, 4);
  const b = photoBytes(123_457, 5);

  it("stores each planned attachment under the digest of its decoded bytes, as the slow walk does", async () => {
    const raw = mail(multipart("b1", [text("Elcentral och kabeldragning.\r\n"), jpeg("elcentral.jpg", a), jpeg("kabel.jpg", b)]), 'multipart/mixed; boundary="b1"');
    const { bulk, slow } = await bothWays(raw);
    expect(bulk).toEqual(slow);
    expect(bulk.attachments.map((x) => [x.filename, x.size, x.blob])).toEqual([
      ["elcentral.jpg", a.length, sha(a)],
      ["kabel.jpg", b.length, sha(b)],
    ]);
    expect(bulk.text).toContain("Elcentral och kabeldragning.");
  });

  it("gives the same result when a planned body is not clean base64 (it falls back to the slow walk)", async () => {
    const broken = jpeg("trasig.jpg", a);
    broken.body = broken.body.replace(/^(.{40})./m, "$1*");
    const raw = mail(multipart("b1", [text("x\r\n"), broken, jpeg("b.jpg", b)]), 'multipart/mixed; boundary="b1"');
    expect(planBulkParts(raw)?.parts).toHaveLength(2);
    const { bulk, slow } = await bothWays(raw);
    expect(bulk).toEqual(slow);
  });

  it("counts line breaks by the line width, and is not misled by a break hidden inside a line", async () => {
    // Lines of one width, of mixed widths, and one with an LF inside that keeps every line end in place.
    const fixed = jpeg("fixed.jpg", a);
    const mixed = jpeg("mixed.jpg", b);
    mixed.body = mixed.body.replace(/\r\n/, "").replace(/^(.{50})/m, "$1\r\n");
    const hidden = jpeg("hidden.jpg", a);
    hidden.body = hidden.body.replace(/^(.{30}).(.{45})\r\n/m, "$1\n$2\r\n");
    expect(hidden.body).not.toBe(fixed.body);
    for (const part of [fixed, mixed, hidden]) {
      const raw = mail(multipart("b1", [text("x\r\n"), part]), 'multipart/mixed; boundary="b1"');
      const planned = planBulkParts(raw)?.parts[0];
      if (part !== hidden) expect(planned?.decodedLength).toBe(part === fixed ? a.length : b.length);
      const { bulk, slow } = await bothWays(raw);
      expect(bulk).toEqual(slow);
    }
  });

  it("ignores a marker header written by the sender", async () => {
    const spoof = jpeg("a.jpg", a, "\r\n", ["X-Activation-Bot-Bulk-Part: 0123456789abcdef01234567:0"]);
    const raw = mail(multipart("b1", [text("x\r\n"), spoof]), 'multipart/mixed; boundary="b1"');
    const { bulk, slow } = await bothWays(raw);
    expect(bulk).toEqual(slow);
    expect(bulk.attachments[0]?.blob).toBe(sha(a));
  });

  it("refuses a planned part over the attachment limit as the slow walk does", async () => {
    const raw = mail(multipart("b1", [text("x\r\n"), jpeg("a.jpg", a), jpeg("b.jpg", b)]), 'multipart/mixed; boundary="b1"');
    const limits = { maxAttachmentBytes: 200_000 };
    const bulk = await parseMail(raw, { blobs: store.blobs }, limits);
    const slow = await parseMail(raw, { blobs: store.blobs }, limits, { bulkMinBytes: Infinity });
    expect(bulk).toEqual(slow);
    expect(bulk.attachments[0]).toMatchObject({ refused: "too_large", size: a.length });
    expect(bulk.attachments[1]?.blob).toBe(sha(b));
  });

  it("counts planned parts past the part limit as the slow walk does", async () => {
    const raw = mail(multipart("b1", [jpeg("a.jpg", a), jpeg("b.jpg", b), jpeg("c.jpg", a)]), 'multipart/mixed; boundary="b1"');
    const limits = { maxParts: 2 };
    const bulk = await parseMail(raw, { blobs: store.blobs }, limits);
    const slow = await parseMail(raw, { blobs: store.blobs }, limits, { bulkMinBytes: Infinity });
    expect(bulk).toEqual(slow);
    expect(bulk.attachments[2]).toMatchObject({ refused: "too_many_parts", size: a.length });
  });

  it("keys a mail without Message-ID by the digest of the bytes as received", async () => {
    const raw = Buffer.from(
      mail(multipart("b1", [text("x\r\n"), jpeg("a.jpg", a)]), 'multipart/mixed; boundary="b1"')
        .toString("latin1")
        .replace(/^Message-ID: .*\r\n/m, ""),
      "latin1",
    );
    const { bulk, slow } = await bothWays(raw);
    expect(bulk.key).toBe(`sha256:${createHash("sha256").update(raw).digest("hex")}`);
    expect(bulk).toEqual(slow);
  });
});

/** Every fixture mail, with every base64 part of any size planned: the results must not change. */
describe("bulk decoding on the fixture mails", () => {
  async function emlFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile() && /\.(eml|msg|txt)$/i.test(e.name)).map((e) => join(e.parentPath, e.name));
  }

  it("parses each one to the same facts both ways", async () => {
    const files = [...(await emlFiles(join(FIXTURES, "mail"))), ...(await emlFiles(join(FIXTURES, "corpus")))];
    let planned = 0;
    const differing: string[] = [];
    for (const file of files) {
      const raw = await readFile(file);
      if (planBulkParts(raw, 1)) planned++;
      const { bulk, slow } = await bothWays(raw, 1);
      if (JSON.stringify(bulk) !== JSON.stringify(slow)) differing.push(file);
    }
    expect(differing).toEqual([]);
    // The comparison means something only if many fixtures take the bulk path.
    expect(planned).toBeGreaterThan(20);
  }, 120_000);
});
