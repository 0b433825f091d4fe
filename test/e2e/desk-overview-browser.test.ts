// The overview in Debian's Chromium against the real bot (Redis, Dovecot, the SMTP relay): a coordinator
// signs in, follows the Overview link of the top bar and reads the figures of a known set of cases —
// cases per stage, this week's arrivals, open flags per cause, the reply lag of the bot's answer — then
// activates a case by pressing its button and sees the overview's counts move. Also at a phone's width.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isoWeek } from "../../src/core/case/overview.js";
import type { MailActor } from "../../src/demo/actor.js";
import { CHROMIUM, MAJA, signInAt } from "../support/desk-browser.js";
import type { Harness } from "./harness.js";
import { eventually } from "./harness.js";
import { startDeskHarness } from "./desk-harness.js";


describe.skipIf(!existsSync(CHROMIUM) && !process.env.REQUIRE_BROWSER)("the overview in a browser", () => {
  let h: Harness;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;
  let nm: MailActor;
  let desk: string;

  beforeAll(async () => {
    ({ h, browser, desk, close } = await startDeskHarness("desk-overview", [MAJA]));
    nm = await h.actor("nm", "Nina");
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  const cell = async (page: Page, row: string, col: string) => ((await page.locator(`${row} td.${col}`).textContent()) ?? "").trim();

  it("shows the figures of the cases, and an activation pressed on the case page moves them", async () => {
    // Three cases opened today; Nina answers the first unclearly: flagged, and the bot's answer goes out.
    const ids: string[] = [];
    for (const site of ["Översiktsgatan 1, Malmö", "Översiktsgatan 2, Malmö", "Översiktsgatan 3, Malmö"]) {
      ids.push((await h.openCase({ nmEmail: nm.address, nmName: "Nina", site })).case.id);
    }
    const [first, second] = ids as [string, string, string];
    const mail = await nm.next(30_000, (m) => m.subject.includes(first));
    await nm.reply(mail, "Kontaktpersoner: vet inte ännu.");
    await eventually(async () => (await h.ctx.store.getCase(first))?.flags.find((f) => f.code === "unclear_answer" && !f.resolved), 30_000, `the unclear_answer flag of ${first}`);
    // The bot's answer to Nina is sent (marked in the store by the outbox): its lag is on the record.
    await eventually(async () => (await h.ctx.redis.zcard(`${h.env.REDIS_PREFIX}stats:replylag:ms`)) > 0, 30_000, "the reply to Nina sent");
    const week = isoWeek(Date.now());

    const { context, page } = await signInAt(browser, desk, MAJA);
    await page.getByRole("link", { name: "Overview" }).click();
    await page.waitForURL(`${desk}/overview`);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Overview");
    expect(await cell(page, 'tr[data-stage="open"]', "cases")).toBe("3");
    expect(await cell(page, 'tr[data-stage="activated"]', "cases")).toBe("0");
    // Opened moments ago: the oldest has been in its stage seconds or minutes, not days.
    expect(await cell(page, 'tr[data-stage="open"]', "oldest")).toMatch(/^\d+(\.\d)? (s|min)$/);
    expect(await cell(page, `tr[data-week="${week}"]`, "opened")).toBe("3");
    expect(await cell(page, `tr[data-week="${week}"]`, "activated")).toBe("0");
    expect(await page.locator("table.overview-flags").textContent()).toContain("unclear answer1");
    expect(Number(await page.locator("dd.lag-replies").textContent())).toBeGreaterThanOrEqual(1);
    expect(await page.locator("dd.lag-median").textContent()).toMatch(/^\d+(\.\d)? (s|min)$/);
    // The charts say what they show to a screen reader.
    expect(await page.getByRole("img", { name: "Cases per stage" }).count()).toBe(1);
    expect(await page.getByRole("img", { name: "Cases opened and activated per week" }).count()).toBe(1);

    // Activate the second case by its button on the case page; the overview follows.
    await page.goto(`${desk}/cases/${second}`);
    await page.getByLabel("Activate even though the case is not ready for activation").check();
    await page.getByRole("button", { name: "Activate", exact: true }).click();
    await page.waitForURL(`${desk}/cases/${second}?done=activate`);
    expect((await h.ctx.store.getCase(second))?.stage).toBe("activated");
    await page.getByRole("link", { name: "Overview" }).click();
    await page.waitForURL(`${desk}/overview`);
    expect(await cell(page, 'tr[data-stage="open"]', "cases")).toBe("2");
    expect(await cell(page, 'tr[data-stage="activated"]', "cases")).toBe("1");
    expect(await cell(page, 'tr[data-stage="activated"]', "oldest")).toMatch(/^\d+(\.\d)? s$/);
    expect(await cell(page, `tr[data-week="${week}"]`, "activated")).toBe("1");
    // `DESK_SCREENSHOTS=docs npx vitest run test/e2e/desk-overview-browser.test.ts` takes the README's pictures of this desk.
    if (process.env.DESK_SCREENSHOTS) await page.screenshot({ path: join(process.env.DESK_SCREENSHOTS, "desk-overview-1400.png"), fullPage: true });
    await context.close();

    // In Swedish, on a phone: the same figures, and nothing wider than the screen.
    const phone = await signInAt(browser, desk, MAJA, { width: 400, height: 800, lang: "sv" });
    // The queue page's top bar is still worded in English until its words are converted: the link by its address.
    await phone.page.locator('header.top a[href="/overview"]').click();
    await phone.page.waitForURL(`${desk}/overview`);
    expect(await phone.page.getByRole("heading", { level: 1 }).textContent()).toBe("Översikt");
    expect(await phone.page.locator('header.top a[href="/overview"]').textContent()).toBe("Översikt");
    expect(await phone.page.locator('tr[data-stage="activated"] th').textContent()).toBe("aktiverad");
    expect(await cell(phone.page, 'tr[data-stage="activated"]', "cases")).toBe("1");
    // Run in the page, where `document` is; given as text because the tests are typed without the DOM.
    expect(await phone.page.evaluate<number>("document.documentElement.scrollWidth")).toBeLessThanOrEqual(400);
    if (process.env.DESK_SCREENSHOTS) await phone.page.screenshot({ path: join(process.env.DESK_SCREENSHOTS, "desk-overview-400.png"), fullPage: true });
    await phone.context.close();
  }, 120_000);
});
