// Fixing cases from the review desk (issue 18 §7), in Debian's Chromium against the real bot (Redis,
// Dovecot, the SMTP relay): a case opened from the form, its facts edited, a participant added and sent
// the last mail again, and the work queue's "Assign to me" and bulk "Resolve flags" — each button
// pressed as a coordinator presses it, its effect checked in the store, the timeline naming the member,
// and the mailbox that receives the mail. A viewer sees no button, and her POSTs are refused.
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor, ReceivedMail } from "../../src/demo/actor.js";
import { teamCommand } from "../../src/app/case-commands.js";
import { caseCommandDeps } from "../../src/main.js";
import { CHROMIUM, MAJA, signInAt } from "../support/desk-browser.js";
import type { Harness } from "./harness.js";
import { eventually } from "./harness.js";
import { startDeskHarness } from "./desk-harness.js";

const OLLE = { username: "olle", password: "only looking here" };

describe.skipIf(!existsSync(CHROMIUM) && !process.env.REQUIRE_BROWSER)("fixing cases from the desk", () => {
  let h: Harness;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;
  let desk: string;

  beforeAll(async () => {
    ({ h, browser, desk, close } = await startDeskHarness("desk-cases", [MAJA, { ...OLLE, role: "viewer" }]));
  }, 60_000);

  afterAll(async () => {
    await close?.();
  });

  const notice = async (page: Page) => (await page.getByRole("status").textContent()) ?? "";

  /** A case whose network manager answered unclearly: the bot flags it, and it waits in the queue. */
  async function unclearCase(nm: MailActor, site: string): Promise<string> {
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site });
    const id = opened.case.id;
    const first = await nm.next(60_000, (m) => m.subject.includes(id));
    await nm.reply(first, "Kontaktpersoner: vet inte ännu.");
    await eventually(async () => (await h.ctx.store.getCase(id))?.flags.find((f) => f.code === "unclear_answer" && !f.resolved), 60_000, `the unclear_answer flag of ${id}`);
    return id;
  }

  it("an agent opens a case from the form (a bad MAC is shown by its field, what was typed kept), edits its station count and MACs, and adds a participant who is sent the last mail again", async () => {
    const nm = await h.actor("nm-open", "Nina");
    const installer = await h.actor("el-open", "Ivar");
    const added = await h.actor("pia-open", "Pia");
    const { context, page } = await signInAt(browser, desk, MAJA, { lang: "en" });

    await page.goto(`${desk}/work`);
    await page.getByRole("link", { name: "Open a new case" }).click();
    await page.waitForURL(`${desk}/cases/new`);
    await page.getByLabel("Site (name and address)").fill("Byggvägen 3, Umeå");
    await page.getByLabel("Number of stations").fill("2");
    await page.getByLabel("MAC addresses shipped").fill("00:1A:2B:3C:4D:01\n00-1A-2B-3C-4D-0Z");
    await page.getByLabel("Installation service bought from us").check();
    await page.getByLabel("E-mail (Network manager)").fill(nm.address);
    await page.getByLabel("Name (Network manager)").fill("Nina Berg");
    await page.getByLabel("E-mail (Installer (optional))").fill(installer.address);
    await page.getByLabel("Name (Installer (optional))").fill("Ivar");
    await page.getByRole("button", { name: "Open case and send the first mail" }).click();

    // Not opened: the MAC's problem next to its field, everything typed still there, no case in the store.
    await page.waitForURL(`${desk}/cases/new`);
    expect(await page.locator("#err-macs").textContent()).toContain("“00-1A-2B-3C-4D-0Z” is not a MAC address");
    expect(await page.locator("textarea[name=macs]").getAttribute("aria-describedby")).toBe("err-macs");
    expect(await page.getByLabel("Site (name and address)").inputValue()).toBe("Byggvägen 3, Umeå");
    expect(await page.locator("textarea[name=macs]").inputValue()).toBe("00:1A:2B:3C:4D:01\n00-1A-2B-3C-4D-0Z");
    expect(await page.getByLabel("E-mail (Network manager)").inputValue()).toBe(nm.address);
    expect(await page.getByLabel("Installation service bought from us").isChecked()).toBe(true);
    expect(await page.locator("#new-case form").count()).toBe(1);

    await page.locator("textarea[name=macs]").fill("00:1A:2B:3C:4D:01, 00-1a-2b-3c-4d-02");
    await page.getByRole("button", { name: "Open case and send the first mail" }).click();
    await page.waitForURL(/\/cases\/ACT-\d{6}$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split("/").pop() ?? "");
    expect(await notice(page)).toContain(`Case ${id} opened; the first activation mail is on its way to ${nm.address}`);
    const c = await h.ctx.store.getCase(id);
    expect(c).toMatchObject({ site: "Byggvägen 3, Umeå", stations: 2, macsShipped: ["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"], installService: true, locale: "sv" });
    expect(c?.participants).toEqual([
      { email: nm.address, name: "Nina Berg", role: "network_manager" },
      { email: installer.address, name: "Ivar", role: "installer" },
    ]);
    expect((await h.ctx.store.events(id)).find((e) => e.kind === "case_opened")?.by).toBe("maja");
    const first = await nm.next(60_000, (m) => m.subject.includes(`[${id}]`));
    expect(first.text).toContain("Byggvägen 3, Umeå");

    // Edit: three stations, and a third MAC added to those shipped.
    await page.locator("#edit-facts summary").click();
    const facts = page.locator("#edit-facts-form");
    await facts.getByLabel("Number of stations").fill("3");
    await facts.getByLabel("MAC addresses shipped").fill("00:1A:2B:3C:4D:01\n00:1A:2B:3C:4D:02\n001a2b3c4d03");
    await facts.getByRole("button", { name: "Save facts" }).click();
    await page.waitForURL(`${desk}/cases/${id}`);
    expect(await notice(page)).toContain("Case facts changed");
    const edited = await h.ctx.store.getCase(id);
    expect(edited?.stations).toBe(3);
    expect(edited?.macsShipped).toEqual(["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02", "00:1A:2B:3C:4D:03"]);
    const change = (await h.ctx.store.events(id)).find((e) => e.kind === "facts_changed");
    expect(change?.by).toBe("maja");
    expect(change?.summary).toContain("stations 2 → 3");
    expect(await page.locator(".timeline").textContent()).toContain("facts changed by maja: stations 2 → 3; macs shipped 00:1A:2B:3C:4D:01, 00:1A:2B:3C:4D:02 → 00:1A:2B:3C:4D:01, 00:1A:2B:3C:4D:02, 00:1A:2B:3C:4D:03");

    // A participant added, and the case's last mail sent again to her, in the thread.
    await page.locator("#edit-facts summary").click();
    const add = page.locator("#add-participant");
    await add.getByLabel("E-mail of the new participant").fill(added.address);
    await add.getByLabel("Name (optional)").fill("Pia");
    expect(await add.getByLabel("Send the case's last mail again to them").isChecked()).toBe(true);
    await add.getByRole("button", { name: "Add participant" }).click();
    await page.waitForURL(`${desk}/cases/${id}`);
    expect(await notice(page)).toContain(`${added.address} added as a participant; the case's last mail was sent again to them.`);
    const again: ReceivedMail = await added.next(60_000, (m) => m.subject.includes(`[${id}]`));
    expect(again.parsed.references).toBeTruthy();
    expect((await h.ctx.store.getCase(id))?.participants.at(-1)).toEqual({ email: added.address, name: "Pia", role: "team_added" });
    const events = await h.ctx.store.events(id);
    expect(events.some((e) => e.kind === "team_mail" && e.by === "maja" && e.summary.includes(added.address))).toBe(true);
    await context.close();
  }, 240_000);

  it("an agent assigns a queue row to herself, then selects two rows and resolves both flags with one reason", async () => {
    const nm = await h.actor("nm-bulk", "Nina");
    const one = await unclearCase(nm, "Bulkgatan 1, Luleå");
    const two = await unclearCase(nm, "Bulkgatan 2, Luleå");
    const { context, page } = await signInAt(browser, desk, MAJA, { lang: "en" });

    await page.goto(`${desk}/work`);
    await page.getByRole("button", { name: `Assign ${one} to me` }).click();
    await page.waitForURL(`${desk}/work`);
    expect(await notice(page)).toContain(`${one} assigned to you.`);
    expect((await h.ctx.store.getCase(one))?.owner).toMatchObject({ name: "maja", by: "maja" });
    expect((await h.ctx.store.events(one)).some((e) => e.kind === "owner_changed" && e.by === "maja" && e.summary === "assigned to maja")).toBe(true);
    expect(await page.locator("table.work tr").filter({ hasText: one }).locator("td.owner").textContent()).toBe("maja");
    expect(await page.getByRole("button", { name: `Assign ${one} to me` }).count()).toBe(0);

    await page.getByLabel(`Select ${one}:`).first().check();
    await page.getByLabel(`Select ${two}:`).first().check();
    await page.getByLabel("How the selected flags were resolved").fill("Nina ringde och gav kontaktpersonerna");
    await page.getByRole("button", { name: "Resolve flags" }).click();
    await page.waitForURL(`${desk}/work`);
    expect(await notice(page)).toContain(`2 cases done: ${one}, ${two}.`);
    for (const id of [one, two]) {
      const flag = (await h.ctx.store.getCase(id))?.flags.find((f) => f.code === "unclear_answer");
      expect(flag?.resolved).toMatchObject({ by: "maja", how: "Nina ringde och gav kontaktpersonerna" });
      expect((await h.ctx.store.events(id)).some((e) => e.kind === "flag_resolved" && e.by === "maja")).toBe(true);
    }
    expect(await page.locator("table.work").filter({ hasText: one }).count()).toBe(0);

    // Nothing selected: the notice says what is missing, and nothing changes.
    await page.goto(`${desk}/work`);
    await page.getByRole("button", { name: "Resolve flags" }).click();
    await page.waitForURL(`${desk}/work`);
    expect(await notice(page)).toContain("select at least one row");
    await context.close();
  }, 240_000);

  it("an agent assigns two selected rows to a colleague, and a bulk resolve names the case whose flag was resolved meanwhile as refused", async () => {
    const nm = await h.actor("nm-bulk2", "Nina");
    const one = await unclearCase(nm, "Bulkgatan 3, Luleå");
    const two = await unclearCase(nm, "Bulkgatan 4, Luleå");
    const { context, page } = await signInAt(browser, desk, MAJA, { lang: "en" });

    await page.goto(`${desk}/work`);
    await page.getByLabel(`Select ${one}:`).first().check();
    await page.getByLabel(`Select ${two}:`).first().check();
    await page.getByLabel("Team member to assign the selected cases to").fill("olle");
    await page.getByRole("button", { name: "Assign to …" }).click();
    await page.waitForURL(`${desk}/work`);
    expect(await notice(page)).toContain(`2 cases done: ${one}, ${two}.`);
    for (const id of [one, two]) {
      expect((await h.ctx.store.getCase(id))?.owner).toMatchObject({ name: "olle", by: "maja" });
      expect((await h.ctx.store.events(id)).some((e) => e.kind === "owner_changed" && e.by === "maja" && e.summary === "assigned to olle by maja")).toBe(true);
    }

    // The page is read; meanwhile a colleague resolves the first case's flag from the CLI's use case.
    await page.getByLabel(`Select ${one}:`).first().check();
    await page.getByLabel(`Select ${two}:`).first().check();
    const flag = (await h.ctx.store.getCase(one))?.flags.find((f) => f.code === "unclear_answer" && !f.resolved);
    expect((await teamCommand(caseCommandDeps(h.ctx), one, { kind: "resolve_flag", flag: flag?.id ?? "", how: "by phone" }, "olle")).kind).toBe("ok");
    await page.getByLabel("How the selected flags were resolved").fill("Kontaktpersonerna kom per telefon");
    await page.getByRole("button", { name: "Resolve flags" }).click();
    await page.waitForURL(`${desk}/work`);
    const text = await notice(page);
    expect(text).toContain(`1 case done: ${two}.`);
    expect(text).toContain(`Refused: ${one} — no open unclear_answer flag any more: it was resolved meanwhile.`);
    expect((await h.ctx.store.getCase(one))?.flags.find((f) => f.code === "unclear_answer")?.resolved?.by).toBe("olle");
    expect((await h.ctx.store.getCase(two))?.flags.find((f) => f.code === "unclear_answer")?.resolved?.by).toBe("maja");
    await context.close();
  }, 240_000);

  it("a viewer sees no button to open, edit, assign or resolve, and her POSTs are refused", async () => {
    const nm = await h.actor("nm-viewer", "Nina");
    const id = await unclearCase(nm, "Läsgatan 1, Gävle");
    const { context, page } = await signInAt(browser, desk, OLLE, { lang: "en" });
    await page.goto(`${desk}/work`);
    expect(await page.locator("table.work").textContent()).toContain(id);
    expect(await page.getByRole("link", { name: "Open a new case" }).count()).toBe(0);
    expect(await page.locator("input[type=checkbox]").count()).toBe(0);
    expect(await page.getByRole("button", { name: /Assign|Resolve/ }).count()).toBe(0);
    await page.goto(`${desk}/cases/new`);
    expect(await page.locator("form[action='/cases/new']").count()).toBe(0);
    await page.goto(`${desk}/cases/${id}`);
    expect(await page.locator("#edit-facts").count()).toBe(0);

    const posts = [
      context.request.post(`${desk}/work/bulk`, { form: { action: "resolve", row_0: `${id}:unclear_answer`, how: "viewer" }, maxRedirects: 0 }),
      context.request.post(`${desk}/work/assign-me`, { form: { case: id }, maxRedirects: 0 }),
      context.request.post(`${desk}/cases/${id}/edit`, { form: { stations: "5" }, maxRedirects: 0 }),
      context.request.post(`${desk}/cases/new`, { form: { site: "X", nm_email: "x@y.se", stations: "1" }, maxRedirects: 0 }),
      context.request.post(`${desk}/api/work/bulk`, { data: { action: "resolve_flags", how: "viewer", rows: [{ case: id, flag: "unclear_answer" }] } }),
      context.request.post(`${desk}/api/cases/${id}/edit`, { data: { stations: 5 } }),
    ];
    for (const r of await Promise.all(posts)) expect(r.status()).toBe(403);
    const c = await h.ctx.store.getCase(id);
    expect(c?.stations).toBe(2);
    expect(c?.owner).toBeUndefined();
    expect(c?.flags.find((f) => f.code === "unclear_answer")?.resolved).toBeUndefined();
    await context.close();
  }, 180_000);
});
