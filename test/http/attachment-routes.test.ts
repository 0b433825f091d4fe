// The attachment routes of the desk — photo viewer and image, returned PDF form, a mail's HTML —
// against real Redis (a random key prefix per test), the real file blob store, rules, templates, the
// image adapter (sharp) and the MIME adapter (mailparser, sanitize-html). Each route answers only for
// a blob of that case, as its real type; a photo is converted once, and the conversion kept goes with the
// photo when erasure or the retention deletes it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import sharp from "sharp";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadRules } from "../../src/adapters/files/load-rules.js";
import { closeHeicWorker } from "../../src/adapters/image/heic-worker.js";
import { VIEW_CONVERSION } from "../../src/adapters/image/viewable-photo.js";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import type { CaseStore } from "../../src/adapters/redis/case-store.js";
import { archiveClosedCases, dropArchivedBlobs } from "../../src/app/archive-cases.js";
import { erasePersonData } from "../../src/app/erase-person.js";
import type { BlobStore } from "../../src/app/ports.js";
import { DAY_MS } from "../../src/core/case/archive.js";
import type { Case, CaseEvent, EvidenceRecord, PhotoEvidence } from "../../src/core/types.js";
import { MAIL_HTML_CSP } from "../../src/http/mail-html-routes.js";
import { attachmentViews } from "../../src/runtime/attachment-views.js";
import { makeCase } from "../support/case.js";
import { deskServer } from "../support/desk-app.js";
import { encodeHeic } from "../adapters/heic-fixture.js";
import { sidewaysPhoto } from "../support/photo-fixtures.js";
import { openStoreAndBlobs, type StoreAndBlobs } from "../support/store-and-blobs.js";

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

afterAll(() => closeHeicWorker());

describe("the desk's attachment routes", () => {
  let opened: StoreAndBlobs;
  let store: CaseStore;
  let blobs: BlobStore;
  let app: FastifyInstance;
  /** The photos converted for the viewer, one entry a conversion (a request served from the kept one adds none). */
  let conversions: string[];

  async function seed(c: Case, events: CaseEvent[] = []): Promise<void> {
    expect(await store.commit({ before: null, case: c, events, outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
  }

  beforeEach(async () => {
    opened = await openStoreAndBlobs("attach");
    ({ store, blobs } = opened);
    const rules = await loadRules("rules");
    const views = attachmentViews(blobs, rules.photos.limits);
    conversions = [];
    const viewablePhoto = (blob: string) => {
      conversions.push(blob);
      return views.viewablePhoto(blob);
    };
    app = deskServer({ uiDefaultLanguage: "en", store, blobs, rules, renderer: await loadTemplates("templates"), attachments: { ...views, viewablePhoto } });
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
    await opened.close();
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
    const tag = image.headers.etag as string;
    expect(tag).toMatch(new RegExp(`^"${sideways}\\.view-v\\d+`));
    const again = await app.inject({ method: "GET", url: `/cases/ACT-200001/photos/${sideways}/image`, headers: { "if-none-match": tag } });
    expect(again.statusCode).toBe(304);
    expect(again.rawPayload.length).toBe(0);
    const elsewhere = await app.inject({ method: "GET", url: `/cases/ACT-200002/photos/${sideways}/image`, headers: { "if-none-match": tag } });
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

  const image = (caseId: string, blob: string) => app.inject({ method: "GET", url: `/cases/${caseId}/photos/${blob}/image` });

  it("converts a photo once: the next request reads the kept conversion, as the type it was made into; another case's URL is still refused", async () => {
    const rgb = await sharp({ create: { width: 320, height: 192, channels: 3, background: "#3a6" } }).raw().toBuffer();
    const sideways = (await blobs.put(await sidewaysPhoto())).id;
    const heic = (await blobs.put(encodeHeic(rgb, 320, 192))).id;
    const png = (await blobs.put(await sharp({ create: { width: 300, height: 200, channels: 3, background: "#202020" } }).png().toBuffer())).id;
    const svg = (await blobs.put(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"></svg>'))).id;
    const foreign = (await blobs.put(await sidewaysPhoto(600, 400, 2))).id;
    await seed(makeCase("ACT-200007", { evidence: [record("<m7@x>", { photos: [photo(sideways, "elcentral.jpg"), photo(heic, "laddbox.heic"), photo(png, "skiss.png"), photo(svg, "ritning.svg")] })] }));
    await seed(makeCase("ACT-200008", { evidence: [record("<m8@x>", { photos: [photo(foreign, "other.jpg")] })] }));

    for (const [blob, type] of [[sideways, "image/jpeg"], [heic, "image/jpeg"], [png, "image/png"]] as const) {
      const first = await image("ACT-200007", blob);
      expect([first.statusCode, first.headers["content-type"]]).toEqual([200, type]);
      expect((await blobs.getDerived?.(blob, VIEW_CONVERSION))?.equals(first.rawPayload)).toBe(true);
      const second = await image("ACT-200007", blob);
      expect([second.statusCode, second.headers["content-type"], second.headers["x-content-type-options"]]).toEqual([200, type, "nosniff"]);
      expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
    }
    expect(conversions).toEqual([sideways, heic, png]);
    const meta = await sharp((await image("ACT-200007", sideways)).rawPayload).metadata();
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([400, 600, 1]);

    // What cannot be shown is not kept: asked again, it is tried again.
    expect((await image("ACT-200007", svg)).statusCode).toBe(422);
    expect((await image("ACT-200007", svg)).statusCode).toBe(422);
    expect(await blobs.getDerived?.(svg, VIEW_CONVERSION)).toBeNull();
    expect(conversions).toEqual([sideways, heic, png, svg, svg]);

    // Kept or not, a photo is served only under its own case.
    expect((await image("ACT-200008", sideways)).statusCode).toBe(404);
    expect((await image("ACT-200007", foreign)).statusCode).toBe(404);
    expect(conversions).toHaveLength(5);
  });

  it("erase --email deletes the kept conversion with the person's photo", async () => {
    const person = "ivar.ek@el.example";
    const mine = (await blobs.put(await sidewaysPhoto(600, 400, 3))).id;
    const participants = [
      { email: "nm@customer.example", name: "Nina Manager", role: "network_manager" as const },
      { email: person, name: "Ivar Ek", role: "installer" as const },
    ];
    await seed(makeCase("ACT-200009", { participants, evidence: [record("<m9@x>", { from: person, photos: [photo(mine, "panel.jpg")] })] }));
    expect((await image("ACT-200009", mine)).statusCode).toBe(200);
    expect(await blobs.getDerived?.(mine, VIEW_CONVERSION)).not.toBeNull();

    expect(await erasePersonData({ store, blobs, clock: { now: () => new Date() } }, person, "Maja")).toMatchObject({ kind: "ok", cases: ["ACT-200009"], blobs: 1 });
    expect(await blobs.has(mine)).toBe(false);
    expect(await blobs.getDerived?.(mine, VIEW_CONVERSION)).toBeNull();
    expect(existsSync(join(opened.dir, "derived", mine.slice(7, 9), mine.slice(7)))).toBe(false);
    expect((await image("ACT-200009", mine)).statusCode).toBe(404);
  });

  it("the retention deletes the kept conversion of an archived case's photo; a case that still keeps the photo keeps it too", async () => {
    const closedAt = Date.parse("2026-06-01T10:00:00.000Z");
    const at = (ms: number) => ({ now: () => new Date(ms) });
    const archived = (await blobs.put(await sidewaysPhoto(600, 400, 4))).id;
    const shared = (await blobs.put(await sidewaysPhoto(600, 400, 5))).id;
    const closed = { stage: "closed" as const, activityAt: new Date(closedAt).toISOString() };
    await seed(makeCase("ACT-200010", { ...closed, evidence: [record("<m10@x>", { photos: [photo(archived, "panel.jpg"), photo(shared, "laddbox.jpg")] })] }));
    await seed(makeCase("ACT-200011", { evidence: [record("<m11@x>", { photos: [photo(shared, "laddbox.jpg")] })] }));
    expect((await archiveClosedCases({ store, clock: at(closedAt + 90 * DAY_MS) }, 90)).archived).toEqual(["ACT-200010"]);
    // Shown from the archive record while the retention keeps its blobs, and kept.
    expect((await image("ACT-200010", archived)).statusCode).toBe(200);
    expect((await image("ACT-200010", shared)).statusCode).toBe(200);
    expect(await blobs.getDerived?.(archived, VIEW_CONVERSION)).not.toBeNull();

    const round = await dropArchivedBlobs({ store, blobs, clock: at(closedAt + (90 + 365) * DAY_MS) }, 365);
    expect(round).toEqual({ cases: ["ACT-200010"], deleted: 1 });
    expect(await blobs.has(archived)).toBe(false);
    expect(await blobs.getDerived?.(archived, VIEW_CONVERSION)).toBeNull();
    expect(existsSync(join(opened.dir, "derived", archived.slice(7, 9), archived.slice(7)))).toBe(false);
    expect((await image("ACT-200010", archived)).statusCode).toBe(404);

    expect(await blobs.getDerived?.(shared, VIEW_CONVERSION)).not.toBeNull();
    expect((await image("ACT-200011", shared)).statusCode).toBe(200);
    expect(conversions).toEqual([archived, shared]);
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
