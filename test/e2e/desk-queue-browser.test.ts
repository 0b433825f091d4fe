// The work queue's owners, filters and sorts, and reopening a case, in Debian's Chromium against the
// real bot (Redis, Dovecot, the SMTP relay): the buttons are pressed as a coordinator presses them, and
// their effects are checked in the store — the owner and the stage, and the timeline naming the member;
// an archived case, opened read-only, brought back by its Reopen button; and a queue of several pages
// walked with its Next page link.
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { archiveClosedCases } from "../../src/app/archive-cases.js";
import { WORK_PAGE_ROWS } from "../../src/app/work-queue.js";
import { QUEUE_PAGE_ROWS } from "../../src/http/queue-view.js";
import { DAY_MS } from "../../src/core/case/archive.js";
import type { Flag } from "../../src/core/types.js";
import type { MailActor } from "../../src/demo/actor.js";
import type { Harness } from "./harness.js";
import { eventually } from "./harness.js";
import { startDeskHarness } from "./desk-harness.js";
import type { DeskLogin } from "../support/desk-browser.js";
import { CHROMIUM, MAJA, signInAt } from "../support/desk-browser.js";
import { makeCase } from "../support/case.js";


// scripts/test.sh installs Chromium and sets REQUIRE_BROWSER, so in `npm test` this cannot skip.
describe.skipIf(!existsSync(CHROMIUM) && !process.env.REQUIRE_BROWSER)("the work queue in a browser", () => {
  let h: Harness;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;
  let nm: MailActor;
  let desk: string;

  beforeAll(async () => {
    ({ h, browser, desk, close } = await startDeskHarness("desk-queue", [{ ...MAJA, role: "agent", lang: "en" }]));
    nm = await h.actor("nm", "Nina");
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  /** A fresh browser profile signed in through the desk's sign-in form. */
  const signedIn = (who: DeskLogin) => signInAt(browser, desk, who);

  /** A case whose network manager answered unclearly: the bot flags it, and it waits in the queue. */
  async function unclearCase(site: string): Promise<string> {
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site });
    const id = opened.case.id;
    const first = await nm.next(30_000, (m) => m.subject.includes(id));
    await nm.reply(first, "Kontaktpersoner: vet inte ännu.");
    await eventually(async () => (await h.ctx.store.getCase(id))?.flags.find((f) => f.code === "unclear_answer" && !f.resolved), 30_000, `the unclear_answer flag of ${id}`);
    return id;
  }

  const queueIds = async (page: Page, ids: string[]): Promise<string[]> => {
    const text = (await page.locator("main").textContent()) ?? "";
    return ids.filter((id) => text.includes(id)).sort((a, b) => text.indexOf(a) - text.indexOf(b));
  };

  it("an agent assigns a case to herself, filters the queue to hers, sorts it, and reopens a closed case", async () => {
    const older = await unclearCase("Ägargatan 1, Malmö");
    const newer = await unclearCase("Ägargatan 2, Malmö");
    const { context, page } = await signedIn(MAJA);

    // Both wait in the queue, unassigned, with the unclear answer in words, waiting on the participants.
    await page.getByRole("link", { name: "Work queue" }).click();
    const row = page.locator("table.work tr").filter({ hasText: older });
    expect(await row.textContent()).toContain("could not be read for Designate operational contacts and permissions");
    expect(await row.textContent()).toContain("the participants");
    expect(await row.locator("td.owner").textContent()).toContain("unassigned");

    // Assign to me, on the case page: the store has maja as owner, and the timeline says so.
    await row.getByRole("link", { name: older }).click();
    await page.waitForURL(`${desk}/cases/${older}`);
    await page.getByRole("button", { name: "Assign to me" }).click();
    await page.waitForURL(`${desk}/cases/${older}?done=assign`);
    expect(await page.getByRole("status").textContent()).toContain("Owner changed.");
    expect(await page.locator("section.owner .owner-name").textContent()).toBe("maja");
    expect((await h.ctx.store.getCase(older))?.owner).toMatchObject({ name: "maja", by: "maja" });
    expect((await h.ctx.store.events(older)).some((e) => e.kind === "owner_changed" && e.by === "maja" && e.summary === "assigned to maja")).toBe(true);

    // Filter "mine": only her case; "unassigned": only the other.
    await page.getByRole("link", { name: "Work queue" }).click();
    await page.getByLabel("Owner").selectOption("mine");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/work\?.*owner=mine/);
    expect(await queueIds(page, [older, newer])).toEqual([older]);
    expect(await page.locator("table.work td.owner").first().textContent()).toBe("maja");
    await page.getByLabel("Owner").selectOption("unassigned");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/work\?.*owner=unassigned/);
    expect(await queueIds(page, [older, newer])).toEqual([newer]);

    // Sort: oldest waiting first by default, newest first when asked.
    await page.getByLabel("Owner").selectOption("");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/work\?/);
    expect(await queueIds(page, [older, newer])).toEqual([older, newer]);
    await page.getByLabel("Sort").selectOption("newest");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/work\?.*sort=newest/);
    expect(await queueIds(page, [older, newer])).toEqual([newer, older]);
    expect(await page.getByLabel("Sort").inputValue()).toBe("newest");

    // Close her case, then reopen it: back in its stage, the timeline naming maja and why.
    await page.goto(`${desk}/cases/${older}`);
    await page.getByLabel("Close even though the case was never activated").check();
    await page.getByRole("button", { name: "Close", exact: true }).click();
    await page.waitForURL(`${desk}/cases/${older}?done=close`);
    expect((await h.ctx.store.getCase(older))?.stage).toBe("closed");
    await page.getByRole("link", { name: "Work queue" }).click();
    expect(await queueIds(page, [older, newer])).toEqual([newer]);

    await page.goto(`${desk}/cases/${older}`);
    await page.getByLabel("Why it is reopened").fill("Nina ringde: platsen ska aktiveras ändå.");
    await page.getByRole("button", { name: "Reopen" }).click();
    await page.waitForURL(`${desk}/cases/${older}?done=reopen`);
    expect(await page.getByRole("status").textContent()).toContain("Case reopened.");
    const reopened = await h.ctx.store.getCase(older);
    expect(reopened?.stage).toBe("open");
    expect(reopened?.owner?.name).toBe("maja");
    expect((await h.ctx.store.events(older)).some((e) => e.kind === "stage_changed" && e.by === "maja" && e.summary.includes("reopened by maja: Nina ringde"))).toBe(true);
    await page.getByRole("link", { name: "Work queue" }).click();
    await page.getByLabel("Owner").selectOption("mine");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/\/work\?.*owner=mine/);
    expect(await queueIds(page, [older, newer])).toEqual([older]);
    await context.close();
  }, 180_000);

  it("shows the newest flags on the flagged queue and links to all of them in the work queue, which it pages with Next page: every row once, none twice, oldest first, a page at most its size", async () => {
    // Cases flagged a minute apart over the last hours, written as the bot's commit writes them;
    // every third with a second flag, so that a case's two rows may meet a page's end.
    const start = Date.now() - 6 * 3_600_000;
    const at = (i: number) => new Date(start + i * 60_000).toISOString();
    const expected = new Set<string>();
    for (let i = 0; i < 2 * WORK_PAGE_ROWS + 5; i++) {
      const id = `ACT-${700000 + i}`;
      const flags: Flag[] = [{ id: `loop:${i}`, code: "loop", reason: `rate limit reached ${i}`, at: at(2 * i) }];
      if (i % 3 === 0) flags.push({ id: `auth_failed:${i}`, code: "auth_failed", reason: `DMARC failed ${i}`, at: at(2 * i + 1) });
      const c = makeCase(id, { site: `Sidgatan ${i}, Malmö`, flags, openedAt: at(2 * i), activityAt: new Date().toISOString() });
      expect(await h.ctx.store.commit({ before: null, case: c, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
      for (const f of flags) expected.add(`${id} ${f.code}`);
    }
    const { context, page } = await signedIn(MAJA);
    // The flagged queue shows the newest QUEUE_PAGE_ROWS and says where the rest are: its link opens
    // the work queue filtered to flags, which the rest of the test walks page by page.
    await page.goto(`${desk}/`);
    const flaggedRows = page.locator("section.card").first().locator("tbody tr");
    expect(await flaggedRows.count()).toBe(QUEUE_PAGE_ROWS);
    expect(await flaggedRows.first().textContent()).toContain(`ACT-${700000 + 2 * WORK_PAGE_ROWS + 4}`);
    await page.getByRole("link", { name: "all flags in the work queue" }).click();
    await page.waitForURL(/\/work\?cause=flag$/);
    expect(await page.getByLabel("Cause").inputValue()).toBe("flag");
    const seen: string[] = [];
    const since: string[] = [];
    for (let pages = 1; ; pages++) {
      const rows = page.locator("table.work tr[data-row]");
      expect(await rows.count()).toBeLessThanOrEqual(WORK_PAGE_ROWS + 1);
      for (const row of await rows.all()) {
        const id = (await row.locator("a[data-open]").textContent()) ?? "-";
        // The row names the flag's kind in words; its resolve link, the flag's code.
        const code = ((await row.locator("a[data-resolve]").first().getAttribute("href")) ?? "").split("#resolve-")[1] ?? "";
        if (!id.startsWith("ACT-7")) continue;
        seen.push(`${id} ${code}`);
        since.push((await row.locator("time").first().getAttribute("datetime")) ?? "");
      }
      const next = page.getByRole("link", { name: "Next page" });
      if ((await next.count()) === 0) break;
      expect(pages, "more pages than rows").toBeLessThan(10);
      await next.click();
      await page.waitForURL(/\/work\?.*cursor=/);
    }
    expect(seen.filter((r, i) => seen.indexOf(r) !== i)).toEqual([]);
    expect(new Set(seen)).toEqual(expected);
    expect(since).toEqual([...since].sort());
    await context.close();
  }, 120_000);

  it("an agent assigns a case to a colleague and unassigns it, then opens it archived and read-only and presses Reopen: restored from the archive and back in its stage", async () => {
    const id = await unclearCase("Arkivgatan 3, Malmö");
    const { context, page } = await signedIn(MAJA);
    await page.goto(`${desk}/cases/${id}`);

    // Assign to a colleague by name, then Unassign: each in the store and the timeline, under maja.
    await page.getByLabel("Team member to assign the case to").fill("olle");
    await page.getByRole("button", { name: "Assign", exact: true }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=assign`);
    expect(await page.locator("section.owner .owner-name").textContent()).toBe("olle");
    expect((await h.ctx.store.getCase(id))?.owner).toMatchObject({ name: "olle", by: "maja" });
    await page.getByRole("button", { name: "Unassign" }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=assign`);
    expect((await h.ctx.store.getCase(id))?.owner).toBeUndefined();
    expect((await h.ctx.store.events(id)).filter((e) => e.kind === "owner_changed" && e.by === "maja").map((e) => e.summary)).toEqual(["assigned to olle by maja", "unassigned by maja (was olle)"]);

    await page.getByLabel("Close even though the case was never activated").check();
    await page.getByRole("button", { name: "Close", exact: true }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=close`);

    // 91 days on, with its answers sent and filed (the bot files them in Sent), the case is archived.
    const later = { now: () => new Date(Date.now() + 91 * DAY_MS) };
    await eventually(async () => (await archiveClosedCases({ store: h.ctx.store, clock: later }, 90)).archived.includes(id) || undefined, 30_000, `${id} archived`);
    expect(await h.ctx.store.isArchived(id)).toBe(true);

    await page.goto(`${desk}/cases/${id}`);
    expect(await page.locator("h1").textContent()).toContain("archived");
    expect(await page.getByRole("button", { name: "Close", exact: true }).count()).toBe(0);
    await page.locator("#archived").getByLabel("Why it is reopened").fill("Nina vill aktivera ändå.");
    await page.locator("#archived").getByRole("button", { name: "Reopen" }).click();
    await page.waitForURL(`${desk}/cases/${id}?done=reopen`);
    expect(await page.getByRole("status").textContent()).toContain("Case reopened.");
    expect(await page.locator("#archived").count()).toBe(0);

    expect(await h.ctx.store.isArchived(id)).toBe(false);
    expect((await h.ctx.store.getCase(id))?.stage).toBe("open");
    const events = await h.ctx.store.events(id);
    expect(events.slice(-2)).toMatchObject([
      { kind: "restored", by: "maja" },
      { kind: "stage_changed", by: "maja" },
    ]);
    expect(events.at(-1)?.summary).toContain("reopened by maja: Nina vill aktivera ändå.");
    await context.close();
  }, 180_000);
});
