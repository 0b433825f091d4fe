// Supervised mode from the review desk, in Debian's Chromium against the real bot (Redis, Dovecot, the
// SMTP relay): with every stage supervised, the bot's answer waits as a draft and reaches nobody; an
// agent finds it in the work queue, opens it, edits its text and presses Send, and the edited mail
// arrives at the network manager in the case's thread; another draft is discarded and never goes; an
// admin turns supervised mode off on the Settings page and the next answer goes at once; a viewer and
// an agent are refused the Settings page. Effects are checked in the store, the timeline and the mailbox.
import { existsSync } from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReceivedMail } from "../../src/demo/actor.js";
import type { DeskLogin } from "../support/desk-browser.js";
import { CHROMIUM, signedIn } from "../support/desk-browser.js";
import type { Harness } from "./harness.js";
import { startDeskHarness } from "./desk-harness.js";
import { caseWhen } from "./helpers.js";

const MAJA: DeskLogin = { username: "maja", password: "staple in the tray" };
const ADA: DeskLogin = { username: "ada", password: "settings are mine", role: "admin" };
const VERA: DeskLogin = { username: "vera", password: "only looking here", role: "viewer" };
/** Long enough for the outbox worker to have sent anything it was given. */
const QUIET_MS = 1500;

describe.skipIf(!existsSync(CHROMIUM) && !process.env.REQUIRE_BROWSER)("supervised mode in the desk", () => {
  let h: Harness;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;
  let desk: string;

  beforeAll(async () => {
    ({ h, browser, desk, close } = await startDeskHarness("desk-supervised", [MAJA, ADA, VERA], { SUPERVISED_STAGES: "all" }));
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  it("an agent edits and sends one draft and discards another; an admin turns supervised mode off and the next answer goes at once; a viewer and an agent are refused the Settings page", async () => {
    const nm = await h.actor("nm-supervised", "Nina");
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site: "Granskargatan 5, Gävle" });
    const id = opened.case.id;
    const inCase = (m: ReceivedMail) => m.subject.includes(`[${id}]`);
    const mailsToNina = async () => (await nm.all()).filter(inCase).length;
    // The case was opened by the team: its first mail is the team's, and goes.
    const first = await nm.next(60_000, inCase);

    // Her answer: the bot's reply waits as a draft, and nothing reaches her.
    await nm.reply(first, "Organisation och stationsinformation stämmer.");
    const held = await caseWhen(h, id, (c) => (c.drafts ?? []).length === 1, "the reply held as a draft");
    const draft = held.drafts?.[0];
    if (!draft) throw new Error("no draft");
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(await mailsToNina()).toBe(1);

    // The agent finds it in the work queue and opens the case.
    const { context, page } = await signedIn(browser, desk, MAJA);
    await page.goto(`${desk}/work?cause=draft`);
    const row = page.locator("table.work tr").filter({ hasText: id });
    expect(await row.textContent()).toContain("Draft to review");
    await row.getByRole("link", { name: id }).click();
    await page.waitForURL(`${desk}/cases/${id}`);
    const drafts = page.locator("#drafts");
    expect(await drafts.textContent()).toContain(nm.address);

    // Edit: the text box holds the bot's text; hers replaces it.
    await drafts.getByRole("link", { name: "Edit" }).click();
    await page.waitForURL(`${desk}/cases/${id}/drafts/${encodeURIComponent(draft.key)}/edit`);
    const box = page.getByLabel("Text of the mail");
    expect(await box.inputValue()).toContain("Hej Nina!");
    await box.fill("Hej Nina!\n\nTack! Vi har fått organisationen och stationerna. Flex-fakturering behöver vi fortfarande.\n\nMvh Maja, driftsättningen");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.waitForURL(`${desk}/cases/${id}#drafts`);
    expect(await page.getByRole("status").textContent()).toContain("Draft changed");
    expect(await mailsToNina()).toBe(1);

    // Send: the edited mail reaches her, in the thread, with the Message-ID the draft was made with.
    await page.locator("#drafts").getByRole("button", { name: "Send", exact: true }).click();
    await page.waitForURL(`${desk}/cases/${id}#drafts`);
    expect(await page.getByRole("status").textContent()).toContain("Draft sent");
    const sent = await nm.next(60_000, inCase);
    expect(sent.messageId).toBe(draft.messageId);
    expect(sent.text).toContain("Flex-fakturering behöver vi fortfarande.");
    expect(sent.text).not.toContain("Det här saknas fortfarande:");
    expect(sent.parsed.html).toContain("Flex-fakturering behöver vi fortfarande.");
    expect(sent.parsed.inReplyTo).toBeTruthy();
    const refs = sent.parsed.references;
    expect(Array.isArray(refs) ? refs : [refs]).toContain(first.messageId);
    expect(await page.locator("#drafts").count()).toBe(0);

    // Another answer, another draft: discarded with a reason; it never goes.
    await nm.reply(sent, "Flex-fakturering är konfigurerad.");
    const second = (await caseWhen(h, id, (c) => (c.drafts ?? []).length === 1, "the second reply held as a draft")).drafts?.[0];
    if (!second) throw new Error("no second draft");
    await page.goto(`${desk}/cases/${id}`);
    await page.locator("#drafts").getByLabel(/^Why it is discarded/).fill("svarar per telefon");
    await page.locator("#drafts").getByRole("button", { name: "Discard" }).click();
    await page.waitForURL(`${desk}/cases/${id}#drafts`);
    expect(await page.getByRole("status").textContent()).toContain("Draft discarded");
    expect((await h.ctx.store.outboxEntry(second.key))?.status).toBe("discarded");
    const events = await h.ctx.store.events(id);
    expect(events.filter((e) => e.kind === "draft" && e.by === "maja").map((e) => (e.data as { action: string }).action)).toEqual(["edited", "sent", "discarded"]);
    expect(await page.locator(".timeline").textContent()).toContain("discarded by maja: svarar per telefon");

    // The agent may not open the Settings page.
    const agentSettings = await page.goto(`${desk}/settings`);
    expect(agentSettings?.status()).toBe(403);
    expect(await page.locator("main").textContent()).toContain("the page needs the admin role");
    await context.close();

    // Nor may a viewer.
    const viewer = await signedIn(browser, desk, VERA);
    const viewerSettings = await viewer.page.goto(`${desk}/settings`);
    expect(viewerSettings?.status()).toBe(403);
    expect(await viewer.page.locator("main").textContent()).toContain("your login has the role viewer");
    // Nor edit a draft: the page is a form she may not post.
    const viewerEdit = await viewer.page.goto(`${desk}/cases/${id}/drafts/${encodeURIComponent(second.key)}/edit`);
    expect(viewerEdit?.status()).toBe(403);
    await viewer.context.close();

    // The admin turns supervised mode off by pressing its button.
    const admin = await signedIn(browser, desk, ADA);
    await admin.page.getByRole("link", { name: "Settings" }).click();
    await admin.page.waitForURL(`${desk}/settings`);
    expect(await admin.page.locator("#supervision-now").textContent()).toContain("every stage is supervised");
    await admin.page.getByRole("button", { name: "Turn supervised mode off" }).click();
    await admin.page.waitForURL(`${desk}/settings`);
    expect(await admin.page.getByRole("status").textContent()).toContain("Supervised mode saved: off");
    expect(await admin.page.locator("#supervision-now").textContent()).toContain("off");
    expect(await admin.page.locator("#settings-log").textContent()).toContain("by ada");
    await admin.context.close();

    // The next answer goes out at once.
    const before = await mailsToNina();
    await nm.reply(sent, "Operativa kontakter och behörigheter är utsedda: Kalle Drift, kalle@example.se.");
    const answer = await nm.next(60_000, inCase);
    expect(answer.messageId).not.toBe(second.messageId);
    expect(await mailsToNina()).toBe(before + 1);
    expect((await h.ctx.store.getCase(id))?.drafts).toBeUndefined();
  }, 240_000);
});
