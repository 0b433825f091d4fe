// A case's attachments opened from the review desk in Debian's Chromium against the real bot (Redis,
// Dovecot, the SMTP relay): the contractor's reply brings the construction completion form, a photo
// taken with the phone on its side, and an HTML part with a script, a remote tracking image and an
// inline signature image. The coordinator opens the photo full size (upright, EXIF camera shown) and
// zooms, opens the mail as sent (sandboxed, nothing runs, nothing is fetched), opens the form's PDF
// and downloads it, and downloads the original mail.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor, ReceivedMail } from "../../src/demo/actor.js";
import { constructionFormValues, fillForm } from "../../src/demo/documents.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";
import { caseWhen, confirmTeamStep, stageOf } from "./helpers.js";
import { CHROMIUM, deskUsersFile, signedIn } from "../support/desk-browser.js";
import { SIDEWAYS_CAMERA, sidewaysPhoto } from "../support/photo-fixtures.js";

/** What the tests read of an `<img>` in the page (the tests are compiled without the DOM's types). */
interface ImageInPage {
  naturalWidth: number;
  naturalHeight: number;
  clientWidth: number;
  clientHeight: number;
  complete: boolean;
  decode(): Promise<void>;
}

/** As the sensor stored it: 1600 wide, 1200 high, EXIF orientation 6 (shown upright: 1200 × 1600). */
const SENSOR = { width: 1600, height: 1200 };

describe.skipIf(!existsSync(CHROMIUM) && !process.env.REQUIRE_BROWSER)("a case's attachments opened from the desk", () => {
  let h: Harness;
  let browser: Browser;
  let users: Awaited<ReturnType<typeof deskUsersFile>>;
  let desk: string;
  let contractor: MailActor;
  let id: string;
  let replyId: string;
  /** Requests the mail's remote image made to this loopback server: none may come from the desk. */
  const trackerHits: string[] = [];
  const tracker = createServer((req, res) => {
    trackerHits.push(req.url ?? "");
    res.writeHead(200, { "Content-Type": "image/gif" }).end(Buffer.from("R0lGODlhAQABAAAAACw=", "base64"));
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => tracker.listen(0, "127.0.0.1", resolve));
    users = await deskUsersFile();
    h = await startHarness("desk-attach", { env: { UI_USERS_FILE: users.file } });
    desk = `http://127.0.0.1:${h.bot.httpPort}`;
    browser = await chromium.launch({ executablePath: CHROMIUM });

    const nm = await h.actor("nm-attach", "Nina");
    contractor = await h.actor("contractor-attach", "Carl Entreprenör");
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", contractorEmail: contractor.address, stations: 1, installService: true });
    id = opened.case.id;
    const inCase = (m: ReceivedMail) => m.subject.includes(`[${id}]`);
    const first = await nm.next(60_000, inCase);
    await nm.reply(first, "Ja, allt stämmer: organisationen, Flex-fakturering är klar och operativa kontakter är utsedda i kontot.");
    await nm.next(60_000, inCase);
    await confirmTeamStep(h, id, "account.verified");
    const toContractor = await contractor.next(60_000, inCase);
    await stageOf(h, id, "site_readiness");
    const blank = toContractor.parsed.attachments.find((a) => a.filename?.endsWith(".pdf"))?.content;
    if (!blank) throw new Error("no blank form in the contractor's mail");

    const trackerUrl = `http://127.0.0.1:${(tracker.address() as AddressInfo).port}/pixel.gif`;
    const signature = await sharp({ create: { width: 40, height: 20, channels: 3, background: "#c00" } }).png().toBuffer();
    replyId = await contractor.reply(
      toContractor,
      "Hej! Här är formuläret och bilden på elcentralen.",
      [
        { filename: "konstruktion.pdf", content: await fillForm(blank, constructionFormValues(contractor.address)), contentType: "application/pdf" },
        { filename: "elcentral.jpg", content: await sidewaysPhoto(SENSOR.width, SENSOR.height, 7), contentType: "image/jpeg" },
        { filename: "signatur.png", content: signature, contentType: "image/png", cid: "signatur@el.example" },
      ],
      {
        html: `<p>Hej! Här är <b>formuläret</b> och bilden på elcentralen.</p>
<script>document.title = "pwned"; window.parent.postMessage("pwned", "*");</script>
<img src="${trackerUrl}" alt="Bygg och El" width="1" height="1">
<p><img src="cid:signatur@el.example" alt="signatur"> Carl</p>`,
      },
    );
    await caseWhen(h, id, (c) => c.evidence.some((e) => e.photos.length > 0 && e.forms.length > 0), "the photo and the form as evidence");
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await h?.close();
    await users?.remove();
    tracker.close();
  });

  it("shows the photo full size and upright, its camera, zooms to 100 %; shows the mail as sent in a sandbox that runs and fetches nothing; shows the PDF form and downloads it and the original mail", async () => {
    const { context, page } = await signedIn(browser, desk);
    await page.goto(`${desk}/cases/${id}`);

    // The thumbnail opens the viewer.
    await page.getByTitle("Open elcentral.jpg full size").click();
    await page.waitForURL(new RegExp(`${desk}/cases/${id}/photos/sha256-[0-9a-f]{64}$`));
    const photo = page.locator("#photo");
    await photo.evaluate((img: ImageInPage) => img.decode());
    const natural = await photo.evaluate((img: ImageInPage) => ({ width: img.naturalWidth, height: img.naturalHeight }));
    // EXIF orientation 6: shown upright, the sensor's width is the height.
    expect(natural).toEqual({ width: SENSOR.height, height: SENSOR.width });
    expect(await page.locator("#exif-camera").textContent()).toBe(`${SIDEWAYS_CAMERA.make} ${SIDEWAYS_CAMERA.model}`);
    expect(await page.locator("#exif-taken").textContent()).toBe("2026-11-20 10:15:00");
    const fitted = await photo.evaluate((img: ImageInPage) => img.clientHeight);
    expect(fitted).toBeLessThan(SENSOR.width);

    await page.getByRole("link", { name: "Zoom to 100 %" }).click();
    await page.waitForURL(/\?zoom=full$/);
    await page.locator("#photo").evaluate((img: ImageInPage) => img.decode());
    expect(await page.locator("#photo").evaluate((img: ImageInPage) => ({ width: img.clientWidth, height: img.clientHeight }))).toEqual({
      width: SENSOR.height,
      height: SENSOR.width,
    });

    // The mail as sent: a sandboxed frame with nothing allowed, the script gone, the remote image not fetched.
    await page.goto(`${desk}/cases/${id}`);
    await page.getByRole("link", { name: "Show as sent (HTML)" }).click();
    await page.waitForURL(new RegExp(`/cases/${id}/mails/sha256-[0-9a-f]{64}/html$`));
    const frameElement = page.locator("#mail-html");
    expect(await frameElement.getAttribute("sandbox")).toBe("");
    const frame = page.frameLocator("#mail-html");
    await expect.poll(() => frame.locator("body").textContent()).toContain("Här är formuläret");
    expect(await frame.locator("body").textContent()).toContain("[image not loaded: Bygg och El]");
    // The inline signature is there, embedded; the frame's document has no script left to run.
    expect(await frame.locator('img[alt="signatur"]').evaluate((img: ImageInPage) => img.complete && img.naturalWidth)).toBe(40);
    expect(await frame.locator("script").count()).toBe(0);
    expect(await page.title()).not.toContain("pwned");
    expect(await frame.locator("html").evaluate((el: { ownerDocument: { title: string } }) => el.ownerDocument.title)).not.toBe("pwned");
    await page.waitForLoadState("networkidle");
    expect(trackerHits).toEqual([]);

    // The form: inline as a PDF, and downloaded.
    await page.goto(`${desk}/cases/${id}`);
    await page.getByRole("link", { name: "View the form (PDF)" }).click();
    await page.waitForURL(new RegExp(`/cases/${id}/forms/sha256-[0-9a-f]{64}$`));
    const src = await page.locator("#form-pdf").getAttribute("src");
    expect(src).toMatch(/\/file$/);
    const inline = await context.request.get(`${desk}${src}`);
    expect(inline.headers()["content-type"]).toBe("application/pdf");
    expect(inline.headers()["content-disposition"]).toMatch(/^inline; filename=".+\.pdf"$/);
    const [pdf] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download the PDF" }).click()]);
    expect(pdf.suggestedFilename()).toBe(`${id}-konstruktion.pdf`);
    expect((await readFile(await pdf.path())).subarray(0, 5).toString("latin1")).toBe("%PDF-");

    // In the thread, the mail's attachments open where the evidence does: the photo in the viewer, the form as its PDF.
    await page.goto(`${desk}/cases/${id}`);
    const attachments = page.locator("#thread li.mail.in").last().locator("ul.attachments");
    await attachments.getByRole("link", { name: "elcentral.jpg" }).click();
    await page.waitForURL(new RegExp(`${desk}/cases/${id}/photos/sha256-[0-9a-f]{64}$`));
    expect(await page.locator("#exif-camera").textContent()).toBe(`${SIDEWAYS_CAMERA.make} ${SIDEWAYS_CAMERA.model}`);
    await page.goto(`${desk}/cases/${id}`);
    await attachments.getByRole("link", { name: "konstruktion.pdf" }).click();
    await page.waitForURL(new RegExp(`/cases/${id}/forms/sha256-[0-9a-f]{64}$`));
    // The inline signature is no evidence: its name stays plain text.
    await page.goto(`${desk}/cases/${id}`);
    expect(await attachments.getByRole("link", { name: "signatur.png" }).count()).toBe(0);

    // The original mail, as received.
    await page.goto(`${desk}/cases/${id}`);
    const [eml] = await Promise.all([page.waitForEvent("download"), page.locator("#thread li.mail.in").last().getByRole("link", { name: "Original mail (.eml)" }).click()]);
    expect(eml.suggestedFilename()).toMatch(new RegExp(`^${id}-[0-9a-f]{12}\\.eml$`));
    expect((await readFile(await eml.path())).toString("latin1")).toContain(`Message-ID: ${replyId}`);
    await context.close();
  });
});
