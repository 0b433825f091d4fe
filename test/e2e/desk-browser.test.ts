// The review desk in Debian's Chromium against the real bot (Redis, Dovecot, the SMTP relay): the
// buttons are pressed as a coordinator presses them, and their effects are checked where they land —
// the case in Redis, the timeline naming the member, the mail in the recipient's mailbox.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor } from "../../src/demo/actor.js";
import type { Harness } from "./harness.js";
import { eventually } from "./harness.js";
import { startDeskHarness } from "./desk-harness.js";
import type { DeskLogin } from "../support/desk-browser.js";
import { CHROMIUM, MAJA, signInAt } from "../support/desk-browser.js";
import { body, mailsOut } from "./helpers.js";

const VERA = { username: "vera", password: "reads but never acts" };

// scripts/test.sh installs Chromium and sets REQUIRE_BROWSER, so in `npm test` this cannot skip.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.REQUIRE_BROWSER)("the review desk in a browser", () => {
  let h: Harness;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;
  let nm: MailActor;
  let colleague: MailActor;
  let desk: string;
  let evil: Server | undefined;

  beforeAll(async () => {
    ({ h, browser, desk, close } = await startDeskHarness("desk-browser", [{ ...MAJA, role: "agent", lang: "en" }, { ...VERA, role: "viewer", lang: "en" }]));
    nm = await h.actor("nm", "Nina");
    colleague = await h.actor("colleague", "Kollega Kollegasson");
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (evil ? evil.close(() => resolve()) : resolve()));
    await close?.();
  });

  /** A fresh browser profile signed in through the desk's sign-in form. */
  const signedIn = (who: DeskLogin) => signInAt(browser, desk, who);

  it("an agent signs in, accepts a held sender, is refused activation in words, activates anyway and signs out; another site and a viewer cannot act", async () => {
    const opened = await h.openCase({ nmEmail: nm.address, macsShipped: ["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"] });
    const id = opened.case.id;
    const first = await nm.next(30_000);
    await colleague.reply(first, "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.");
    // Two cores shared with other suites: a generous wait for the held mail's flag.
    const held = await eventually(async () => (await h.ctx.store.getCase(id))?.flags.find((f) => f.code === "unknown_sender" && !f.resolved), 30_000, "the held-sender flag");

    const { context: maja, page } = await signedIn(MAJA);
    // Search from the top bar by a MAC written the way a label prints it.
    await page.getByLabel("Search cases").fill("001a.2b3c.4d02");
    await page.getByLabel("Search cases").press("Enter");
    await page.waitForURL(/\/search\?q=/);
    expect(await page.locator("table.search").textContent()).toContain(id);

    // The work queue has the held mail as a row waiting on the team; its case link opens the case.
    await page.getByRole("link", { name: "Work queue" }).click();
    const row = page.locator("table.work tr").filter({ hasText: id }).filter({ hasText: "Flagged" });
    if (process.env.DESK_SCREENSHOTS) {
      for (const width of [1400, 400]) {
        await page.setViewportSize({ width, height: width === 1400 ? 700 : 900 });
        await page.screenshot({ path: join(process.env.DESK_SCREENSHOTS, `desk-work-${width}.png`) });
      }
      await page.setViewportSize({ width: 1400, height: 1000 });
    }
    expect(await row.textContent()).toContain("the team");
    await row.getByRole("link", { name: id }).click();
    await page.waitForURL(`${desk}/cases/${id}`);
    expect(await page.textContent("header")).toContain("Signed in as maja");
    expect(await page.locator('input[name="by"]').count()).toBe(0);

    // Accept the stranger: the held mail is processed, and the bot answers her in her mailbox.
    await page.getByRole("button", { name: "Accept sender and process the mail" }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=accept`);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Sender accepted");
    const answer = await colleague.next(30_000);
    expect(answer.subject).toContain(id);
    let c = await h.ctx.store.getCase(id);
    expect(c?.flags.find((f) => f.id === held.id)?.resolved?.by).toBe("maja");
    expect(c?.participants.some((p) => p.email === colleague.address)).toBe(true);

    // The thread: the mail the bot sent, and the colleague's answer with her display name, its new
    // text open and the quoted history folded; the original downloads as .eml, and only from its case.
    await page.reload();
    const thread = page.locator("#thread");
    expect(await thread.locator("li.mail.out").count()).toBeGreaterThan(0);
    const received = thread.locator("li.mail.in").filter({ hasText: "Kollega Kollegasson" }).last();
    expect(await received.locator(".mail-text").first().textContent()).toContain("Organisation och stationsinformation stämmer");
    const history = received.locator("details");
    expect(await history.getAttribute("open")).toBeNull();
    expect(await history.locator(".mail-text").textContent()).toContain(id);
    const emlHref = await received.getByRole("link", { name: "Original mail (.eml)" }).getAttribute("href");
    const eml = await maja.request.get(`${desk}${emlHref}`);
    expect(eml.status()).toBe(200);
    expect(eml.headers()["content-type"]).toBe("message/rfc822");
    expect(await eml.text()).toContain(colleague.address);
    const other = await h.openCase({ nmEmail: nm.address, site: "Annan gata 2" });
    expect((await maja.request.get(`${desk}${emlHref?.replace(id, other.case.id)}`)).status()).toBe(404);

    // `DESK_SCREENSHOTS=docs npx vitest run test/e2e/desk-browser.test.ts` refreshes the README's pictures.
    const shots = process.env.DESK_SCREENSHOTS;
    if (shots) {
      for (const width of [1400, 400]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${desk}/cases/${id}`);
        await page.screenshot({ path: join(shots, `desk-case-${width}.png`), fullPage: width === 1400, clip: { x: 0, y: 0, width, height: width === 1400 ? 2200 : 900 } });
      }
      await page.setViewportSize({ width: 1400, height: 1000 });
      await page.goto(`${desk}/cases/${id}`);
    }

    // Override a missing item, then take the override back: both recorded under maja's name.
    const item = await page.getByLabel("Checklist item").inputValue();
    await page.getByLabel("Reason", { exact: true }).fill("bekräftat per telefon");
    await page.getByRole("button", { name: "Override", exact: true }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=override`);
    expect((await h.ctx.store.getCase(id))?.overrides.find((o) => o.item === item)?.by).toBe("maja");
    await page.getByLabel("Why it no longer counts").fill("fel person svarade");
    await page.getByRole("button", { name: "Undo override" }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=undo_override`);
    expect(await page.getByRole("status").textContent()).toContain("Override undone");
    const undone = (await h.ctx.store.getCase(id))?.overrides.find((o) => o.item === item);
    expect(undone?.undone).toMatchObject({ by: "maja", why: "fel person svarade" });
    expect((await h.ctx.store.events(id)).some((e) => e.kind === "override" && e.by === "maja" && e.summary.includes("undone"))).toBe(true);

    // An internal note lands in the timeline under maja's name, and in no mailbox.
    await page.getByLabel("Note for the team (never mailed)").fill("Ringde Nina: kollegan sköter kontot.");
    await page.getByRole("button", { name: "Add note" }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=note`);
    expect(await page.getByRole("status").textContent()).toContain("Note added to the timeline.");
    expect((await h.ctx.store.events(id)).some((e) => e.kind === "note" && e.by === "maja" && e.summary === "Ringde Nina: kollegan sköter kontot.")).toBe(true);
    expect(await page.locator(".timeline").textContent()).toContain("Ringde Nina");

    // A new mail from the network manager without tag or references matches no case: from the flagged
    // queue it is assigned to the case, processed there, and answered in her mailbox.
    await nm.send(h.desk.address, "Vårt konto", "Organisation och stationsinformation stämmer.");
    const loose = await eventually(async () => (await h.ctx.store.looseFlags()).find((f) => f.code === "unmatched" && !f.resolved), 30_000, "the unmatched flag");
    await page.getByRole("link", { name: "Flagged queue" }).click();
    const looseRow = page.locator("tr").filter({ hasText: "Vårt konto" }).or(page.locator("tr").filter({ hasText: loose.reason })).first();
    await looseRow.getByLabel("Case id").fill(id.toLowerCase());
    await looseRow.getByRole("button", { name: "Assign mail to case" }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=loose_assign`);
    expect(await page.getByRole("status").textContent()).toContain("assigned to this case and processed");
    expect((await h.ctx.store.looseFlags()).find((f) => f.id === loose.id)?.resolved?.by).toBe("maja");
    expect((await nm.next(30_000, (m) => m.subject.includes(id))).text.length).toBeGreaterThan(0);

    // Activate before the case is ready: refused, in words, and the address bar is the case page again.
    await page.getByRole("button", { name: "Activate", exact: true }).click();
    await page.waitForURL(`${desk}/cases/${id}`);
    const refusal = await page.getByRole("status").textContent();
    expect(refusal).toContain("not yet ready for activation");
    expect(refusal).not.toContain("--force");
    expect((await h.ctx.store.getCase(id))?.stage).not.toBe("activated");

    // Ticking "anyway" activates: the timeline names maja and the network manager gets the mail.
    await page.getByLabel("Activate even though the case is not ready for activation").check();
    await page.getByRole("button", { name: "Activate", exact: true }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=activate`);
    expect(await page.getByRole("status").textContent()).toContain("Case activated.");
    c = await h.ctx.store.getCase(id);
    expect(c?.stage).toBe("activated");
    const events = await h.ctx.store.events(id);
    expect(events.some((e) => e.by === "maja" && e.stage === "activated")).toBe(true);
    const activatedMail = await nm.next(30_000, (m) => m.subject.includes(id));
    expect(activatedMail.text.length).toBeGreaterThan(0);
    expect(await page.locator(".timeline").textContent()).toContain("maja");

    // A page on another origin posts to the desk with maja's credentials in the browser: refused.
    evil = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<form method="post" action="${desk}/cases/${id}/close"><input type="hidden" name="force" value="1"><button>Win a prize</button></form>`);
    });
    await new Promise<void>((resolve) => evil?.listen(0, "127.0.0.1", resolve));
    const evilPage = await maja.newPage();
    await evilPage.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    await evilPage.getByRole("button", { name: "Win a prize" }).click();
    await evilPage.waitForLoadState();
    expect(await evilPage.textContent("body")).toContain("came from another web site");
    expect((await h.ctx.store.getCase(id))?.stage).toBe("activated");
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(`${desk}/login`);
    expect(await page.getByRole("status").textContent()).toContain("Signed out.");
    await page.goto(`${desk}/cases/${id}`);
    await page.waitForURL(`${desk}/login`);
    await maja.close();

    // A viewer reads the case but sees no form, and the API refuses her.
    const { context: vera, page: view } = await signedIn(VERA);
    await view.goto(`${desk}/cases/${id}`);
    expect(await view.textContent("h1")).toContain(id);
    expect(await view.locator("form[method=post]:not(.signout):not(.lang-switch)").count()).toBe(0);
    expect(await view.getByRole("button", { name: "Activate" }).count()).toBe(0);
    const refused = await vera.request.post(`${desk}/api/cases/${id}/close`, { data: { force: true } });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain("may read cases but not act");
    expect((await h.ctx.store.getCase(id))?.stage).toBe("activated");
    await vera.close();
  }, 90_000);

  it("an agent sends the team's account check back with a reason the network manager receives, then confirms it, and only then does the installer hear from the bot", async () => {
    const installer = await h.actor("installer", "Ivar Installatör");
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", installerEmail: installer.address, stations: 2 });
    const id = opened.case.id;
    const inCase = (m: { subject: string }) => m.subject.includes(`[${id}]`);
    const first = await nm.next(30_000, inCase);
    await nm.reply(first, "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad och operativa kontakter och behörigheter är utsedda i kontot.\n\n/Nina");
    await eventually(async () => ((await h.ctx.store.getCase(id))?.evidence.length ?? 0) > 0 || undefined, 30_000, "the network manager's answers");
    await nm.next(30_000, inCase); // the bot's answer: the team now verifies the account

    const { context, page } = await signedIn(MAJA);
    await page.goto(`${desk}/cases/${id}`);
    // Titled in the desk's language (English without a choice), not the case's.
    const step = page.locator("section.to-verify .team-step").filter({ hasText: h.ctx.renderer.itemTitle("en", "account.verified") });
    expect(await step.count()).toBe(1);

    await step.getByLabel("Reason to send it back (mailed)").fill("Organisationsnumret i kontot stämmer inte med ordern.");
    await step.getByRole("button", { name: "Send back" }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=send_back`);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Sent back");
    const sentBack = await nm.next(30_000, inCase);
    expect(body(sentBack)).toContain("Organisationsnumret i kontot stämmer inte med ordern.");
    expect((await h.ctx.store.getCase(id))?.stage).toBe("open");
    expect((await mailsOut(h, id)).filter((e) => e.summary.includes(installer.address))).toEqual([]);

    await page.locator("section.to-verify").getByRole("button", { name: "Confirm" }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=confirm`);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("Team step confirmed");
    const events = await h.ctx.store.events(id);
    expect(events.some((e) => e.by === "maja" && e.summary.startsWith("account.verified: confirmed"))).toBe(true);
    const toInstaller = await installer.next(30_000, inCase);
    expect(toInstaller.subject).toContain(id);
    expect(await page.locator("section.to-verify").count()).toBe(0);
    await context.close();
  }, 120_000);

  it("an agent filters the work queue, resolves a case's flag and a loose mail's flag with a note, and closes a case that was never activated", async () => {
    const stranger = await h.actor("stranger", "Sture Främling");
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site: "Filtergatan 3, Lund" });
    const id = opened.case.id;
    const first = await nm.next(30_000, (m) => m.subject.includes(id));
    await stranger.reply(first, "Hej, jag är ny förvaltare här.");
    const held = await eventually(async () => (await h.ctx.store.getCase(id))?.flags.find((f) => f.code === "unknown_sender" && !f.resolved), 30_000, "the held-sender flag");

    const { context, page } = await signedIn(MAJA);
    // The work queue's filter: the flagged case is a row under "Flagged", and none under "Ready to activate".
    await page.getByRole("link", { name: "Work queue" }).click();
    await page.getByLabel("Cause").selectOption("flag");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/work\?.*cause=flag/);
    expect(await page.locator("table.work").textContent()).toContain(id);
    await page.getByLabel("Cause").selectOption("ready_to_activate");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/work\?.*cause=ready_to_activate/);
    expect(await page.locator("main").textContent()).not.toContain(id);

    // A case's flag resolved with a note: recorded under maja's name, the sender stays a stranger.
    await page.goto(`${desk}/cases/${id}`);
    await page.getByLabel("How it was resolved").fill("Ringde Nina: okänd avsändare, inget att göra.");
    await page.getByRole("button", { name: "Resolve flag" }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=resolve`);
    expect(await page.getByRole("status").textContent()).toContain("Flag resolved.");
    const c = await h.ctx.store.getCase(id);
    expect(c?.flags.find((f) => f.id === held.id)?.resolved).toMatchObject({ by: "maja", how: "Ringde Nina: okänd avsändare, inget att göra." });
    expect(c?.participants.some((p) => p.email === stranger.address)).toBe(false);

    // A loose mail's flag resolved from the flagged queue with a note.
    await stranger.send(h.desk.address, "Reklam för laddkablar", "Köp våra kablar!");
    const loose = await eventually(async () => (await h.ctx.store.looseFlags()).find((f) => f.code === "unmatched" && !f.resolved && f.reason.includes(stranger.address)), 30_000, "the unmatched flag");
    await page.getByRole("link", { name: "Flagged queue" }).click();
    const looseRow = page.locator("tr").filter({ hasText: loose.reason }).first();
    await looseRow.getByLabel("How it was resolved").fill("reklam");
    await looseRow.getByRole("button", { name: "Resolve", exact: true }).click();
    await page.waitForURL(`${desk}/?done=loose_resolve`);
    expect(await page.getByRole("status").textContent()).toContain("Flag resolved.");
    expect((await h.ctx.store.looseFlags()).find((f) => f.id === loose.id)?.resolved).toMatchObject({ by: "maja", how: "reklam" });

    // Closing a case that was never activated needs the box ticked; the timeline names maja.
    await page.goto(`${desk}/cases/${id}`);
    await page.getByLabel("Close even though the case was never activated").check();
    await page.getByRole("button", { name: "Close", exact: true }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=close`);
    expect(await page.getByRole("status").textContent()).toContain("Case closed.");
    expect((await h.ctx.store.getCase(id))?.stage).toBe("closed");
    expect((await h.ctx.store.events(id)).some((e) => e.by === "maja" && e.stage === "closed")).toBe(true);
    await context.close();
  }, 120_000);
});
