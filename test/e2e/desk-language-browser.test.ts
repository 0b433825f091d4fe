// The desk in Swedish and English per team member, its keyboard, its labels and its 400 px layout, in
// Debian's Chromium against the real bot (Redis, Dovecot, the SMTP relay): a Swedish member sees
// Swedish and presses the language switch, an English member sees English; the keys search, open and
// resolve (checked in the store); the core's words name checklist items by their titles in her
// language, never by their ids; every control on every page has a label; nothing scrolls sideways
// at 400 px; the Users page is an admin's.
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor } from "../../src/demo/actor.js";
import { CHROMIUM, layoutWidth, signInAt, unlabelledControls } from "../support/desk-browser.js";
import type { Harness } from "./harness.js";
import { eventually } from "./harness.js";
import { startDeskHarness } from "./desk-harness.js";

const SARA = { username: "sara", password: "svenska är mitt språk" };
const ERIC = { username: "eric", password: "english is my language" };
const OLOF = { username: "olof", password: "the admin of the desk" };
/** Checklist items' titles as the rules give them (templates/<locale>/items.yaml). */
const CONTACTS = { sv: "Utse operativa kontakter och behörigheter", en: "Designate operational contacts and permissions" };
const FLEX = { sv: "Konfigurera Flex-fakturering", en: "Configure Flex billing" };

describe.skipIf(!existsSync(CHROMIUM) && !process.env.REQUIRE_BROWSER)("the desk's language, keys, labels and small screens in a browser", () => {
  let h: Harness;
  let browser: Browser;
  let close: (() => Promise<void>) | undefined;
  let nm: MailActor;
  let desk: string;
  const flagged: string[] = [];

  beforeAll(async () => {
    ({ h, browser, desk, close } = await startDeskHarness("desk-language", [{ ...SARA, role: "agent", lang: "sv" }, { ...ERIC, lang: "en" }, { ...OLOF, role: "admin", lang: "en" }]));
    nm = await h.actor("nm", "Nina");
    // Two cases whose network manager answered unclearly: each flagged, each a row of the work queue.
    for (const site of ["Språkgatan 1, Lund", "Språkgatan 2, Lund"]) {
      const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site });
      const id = opened.case.id;
      const first = await nm.next(30_000, (m) => m.subject.includes(id));
      await nm.reply(first, "Kontaktpersoner: vet inte ännu.");
      await eventually(async () => (await h.ctx.store.getCase(id))?.flags.find((f) => f.code === "unclear_answer" && !f.resolved), 30_000, `the unclear_answer flag of ${id}`);
      flagged.push(id);
    }
  }, 120_000);

  afterAll(async () => {
    await close?.();
  });

  const htmlLang = (page: Page) => page.locator("html").getAttribute("lang");

  it("a Swedish member sees Swedish, presses the switch and sees English on the next page and after navigating; an English member sees English", async () => {
    // Her browser asks for English, so the sign-in form is English; her login's line says Swedish.
    const { context, page } = await signInAt(browser, desk, SARA, { locale: "en-US" });
    expect(await htmlLang(page)).toBe("sv");
    expect(await page.locator("h1").textContent()).toBe("Flaggade");
    expect(await page.textContent("header")).toContain("Inloggad som sara");
    await page.getByRole("link", { name: "Arbetskö" }).click();
    await page.waitForURL(`${desk}/work`);
    expect(await page.locator("h1").textContent()).toBe("Arbetskö");
    expect(await page.locator("table.work thead").textContent()).toContain("Väntar på");
    expect(await page.locator("table.work").textContent()).toContain("Konto för nätverksansvarig");
    expect(await page.locator("table.work").textContent()).toMatch(/\d+ arbetsdag(ar)?/);

    // The switch: a POST that comes back to the same page, now in English.
    await page.getByRole("button", { name: "English" }).click();
    await page.waitForURL(`${desk}/work`);
    expect(await htmlLang(page)).toBe("en");
    expect(await page.locator("h1").textContent()).toBe("Work queue");
    // … and stays English on every page after.
    await page.getByRole("link", { name: flagged[0] as string }).first().click();
    await page.waitForURL(`${desk}/cases/${flagged[0]}`);
    expect(await htmlLang(page)).toBe("en");
    expect(await page.locator("#flags h2").textContent()).toMatch(/^Flags \(\d+ open\)$/);
    await page.getByRole("link", { name: "Flagged queue" }).click();
    expect(await page.locator("h1").textContent()).toBe("Flagged queue");
    // Back to Swedish the same way.
    await page.getByRole("button", { name: "Svenska" }).click();
    await page.waitForURL(`${desk}/`);
    expect(await page.locator("h1").textContent()).toBe("Flaggade");
    await context.close();

    // Eric's browser asks for Swedish (the sign-in form is Swedish); his line says English.
    const eric = await signInAt(browser, desk, ERIC, { locale: "sv-SE" });
    expect(await htmlLang(eric.page)).toBe("en");
    expect(await eric.page.locator("h1").textContent()).toBe("Flagged queue");
    expect(await eric.page.textContent("header")).toContain("Signed in as eric");
    await eric.context.close();
  });

  it("the core's words follow the member's language: a flag's reason, a work-queue cause and a refused button's notice in Swedish for Sara, in English for Eric", async () => {
    const id = flagged[0] as string;
    const notice = async (page: Page) => (await page.getByRole("status").textContent()) ?? "";
    const sara = await signInAt(browser, desk, SARA);
    await sara.page.goto(`${desk}/work`);
    const work = (await sara.page.locator("table.work").textContent()) ?? "";
    // The checklist item by its Swedish title (templates/sv/items.yaml), not by its id.
    expect(work).toContain(`svaret från ${nm.address} gick inte att tolka för ${CONTACTS.sv} (”Kontaktpersoner: vet inte ännu.”)`);
    expect(work).not.toContain("could not be read");
    expect(work).not.toContain("account.contacts");
    // The flag's kind in words under the reason, not its code.
    expect(work).toContain("oklart svar");
    expect(work).not.toContain("unclear_answer");
    await sara.page.goto(`${desk}/cases/${id}`);
    expect(await sara.page.locator("#flags").textContent()).toContain(`svaret från ${nm.address} gick inte att tolka för ${CONTACTS.sv}`);
    // The timeline's line of the flag too.
    const saraTimeline = (await sara.page.locator("ol.timeline").textContent()) ?? "";
    expect(saraTimeline).toContain(`oklart svar: svaret från ${nm.address} gick inte att tolka för ${CONTACTS.sv}`);
    expect(saraTimeline).not.toContain("unclear_answer");
    expect(saraTimeline).not.toContain("account.contacts");
    // Closing a case that was never activated, without ticking "anyway": refused, and said in Swedish.
    await sara.page.getByRole("button", { name: "Avsluta", exact: true }).click();
    await sara.page.waitForURL(`${desk}/cases/${id}`);
    expect(await notice(sara.page)).toBe("Inte gjort: ärendet är i steget ”Konto för nätverksansvarig” och aktiverades aldrig: avsluta ändå bara om platsen inte ska aktiveras");
    await sara.context.close();

    const eric = await signInAt(browser, desk, ERIC);
    await eric.page.goto(`${desk}/work`);
    const ericWork = (await eric.page.locator("table.work").textContent()) ?? "";
    expect(ericWork).toContain(`the answer of ${nm.address} could not be read for ${CONTACTS.en} from “Kontaktpersoner: vet inte ännu.”`);
    expect(ericWork).not.toContain("account.contacts");
    await eric.page.goto(`${desk}/cases/${id}`);
    expect(await eric.page.locator("#flags").textContent()).toContain(`the answer of ${nm.address} could not be read for ${CONTACTS.en}`);
    const ericTimeline = (await eric.page.locator("ol.timeline").textContent()) ?? "";
    expect(ericTimeline).toContain(`unclear answer: the answer of ${nm.address} could not be read for ${CONTACTS.en}`);
    expect(ericTimeline).not.toContain("unclear_answer");
    expect(ericTimeline).not.toContain("account.contacts");
    await eric.page.getByRole("button", { name: "Close", exact: true }).click();
    await eric.page.waitForURL(`${desk}/cases/${id}`);
    expect(await notice(eric.page)).toBe("Not done: the case is at stage “open” and was never activated: close it anyway only when the site will not be activated");
    await eric.context.close();
    // Refused both times: the case is where it was.
    expect((await h.ctx.store.getCase(id))?.stage).toBe("open");
  });

  it("keys: / searches, j then Enter opens the second row's case, r resolves the row's flag (the store shows it resolved by the member)", async () => {
    const { context, page } = await signInAt(browser, desk, ERIC);
    await page.goto(`${desk}/work`);
    await page.keyboard.press("/");
    await page.keyboard.type(flagged[1] as string);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/search\?q=/);
    expect(await page.locator("table.search").textContent()).toContain(flagged[1]);

    await page.goto(`${desk}/work`);
    const rows = page.locator("table.work tbody tr[data-row]");
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const second = await rows.nth(1).locator("a[data-open]").getAttribute("href");
    await page.keyboard.press("j");
    await page.keyboard.press("j");
    expect(await rows.nth(1).getAttribute("class")).toContain("current");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${desk}${second}`);

    // r on the first flagged row: its case opens at the flag's resolve form, typed into and sent with Enter.
    await page.goto(`${desk}/work`);
    await page.keyboard.press("j");
    const caseId = (await rows.nth(0).locator("a[data-open]").textContent()) ?? "";
    const flag = (await h.ctx.store.getCase(caseId))?.flags.find((f) => f.code === "unclear_answer" && !f.resolved);
    expect(flag).toBeDefined();
    await page.keyboard.press("r");
    await page.waitForURL(`${desk}/cases/${caseId}#resolve-unclear_answer`);
    await expect.poll(() => page.evaluate<string>("document.activeElement && document.activeElement.name")).toBe("how");
    await page.keyboard.type("asked by phone: contacts given");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${desk}/cases/${caseId}?done=resolve`);
    const resolved = (await h.ctx.store.getCase(caseId))?.flags.find((f) => f.id === flag?.id)?.resolved;
    expect(resolved).toMatchObject({ by: "eric", how: "asked by phone: contacts given" });

    // ? shows the keys, in the member's language.
    await page.keyboard.press("?");
    expect(await page.locator("#keys-help").isVisible()).toBe(true);
    expect(await page.locator("#keys-help").textContent()).toContain("next / previous row of the work queue");
    await context.close();
  });

  it("every control on every page has a label, and at 400 px no page scrolls sideways", async () => {
    for (const who of [SARA, OLOF]) {
      const { context, page } = await signInAt(browser, desk, who);
      const pages = ["/", "/work", `/cases/${flagged[0]}`, `/search?q=${encodeURIComponent("Språkgatan")}`, "/search", ...(who === OLOF ? ["/admin/users"] : [])];
      for (const path of pages) {
        await page.goto(`${desk}${path}`);
        expect(await unlabelledControls(page), `${who.username} ${path}`).toEqual([]);
      }
      await page.setViewportSize({ width: 400, height: 900 });
      for (const path of pages) {
        await page.goto(`${desk}${path}`);
        expect(await layoutWidth(page), `${who.username} ${path} at 400 px`).toBeLessThanOrEqual(400);
      }
      await context.close();
    }
    // The sign-in page too.
    const context = await browser.newContext({ viewport: { width: 400, height: 900 }, locale: "sv-SE" });
    const page = await context.newPage();
    await page.goto(`${desk}/login`);
    expect(await unlabelledControls(page)).toEqual([]);
    expect(await layoutWidth(page)).toBeLessThanOrEqual(400);
    await context.close();
  });

  it("a failed checklist item's reason and the timeline's summaries in Swedish for Sara, in English for Eric; the participant's own words quoted as they wrote them", async () => {
    const answer = "Vi har inte konfigurerat Flex-fakturering ännu.";
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site: "Språkgatan 3, Lund" });
    const id = opened.case.id;
    const first = await nm.next(30_000, (m) => m.subject.includes(id));
    await nm.reply(first, answer);
    await eventually(
      async () => {
        const c = await h.ctx.store.getCase(id);
        return c?.evidence.some((e) => e.answers["account.flex_billing"]?.status === "negative") ? c : undefined;
      },
      30_000,
      `the negative answer on ${id}`,
    );
    const checklist = (page: Page) => page.locator("section.card", { has: page.locator("h2", { hasText: /^(Checklista|Checklist)$/ }) });
    const item = (page: Page) => checklist(page).locator("tr", { hasText: "Flex" }).locator("td").nth(1);
    const timeline = (page: Page) => page.locator("ol.timeline");

    const sara = await signInAt(browser, desk, SARA);
    await sara.page.goto(`${desk}/cases/${id}`);
    // The checklist: the state and why, in Swedish; her words verbatim, marked as a quotation.
    expect(await item(sara.page).textContent()).toContain("underkänt svarade nej: ”Vi har inte konfigurerat Flex-fakturering");
    const quoted = item(sara.page).locator("q.quoted");
    expect(await quoted.textContent()).toContain("Vi har inte konfigurerat Flex-fakturering");
    expect(await quoted.getAttribute("lang")).toBe("");
    // She takes the case: the button's event and the bot's are told in Swedish in the timeline.
    await sara.page.getByRole("button", { name: "Ta ärendet" }).click();
    await sara.page.waitForURL(new RegExp(`/cases/${id}`));
    const said = (await timeline(sara.page).textContent()) ?? "";
    expect(said).toContain("ärendet öppnades för Språkgatan 3, Lund");
    expect(said).toContain("tilldelat sara");
    expect(said).toContain(`${FLEX.sv}: underkänd — svarade nej: ”Vi har inte konfigurerat`);
    expect(said).not.toContain("account.flex_billing");
    for (const english of ["case opened for", "assigned to", "failed —", "answered no", " to "]) expect(said, english).not.toContain(english);
    await sara.context.close();
    expect((await h.ctx.store.getCase(id))?.owner?.name).toBe("sara");

    const eric = await signInAt(browser, desk, ERIC);
    await eric.page.goto(`${desk}/cases/${id}`);
    expect(await item(eric.page).textContent()).toContain("failed answered no: “Vi har inte konfigurerat Flex-fakturering");
    const told = (await timeline(eric.page).textContent()) ?? "";
    expect(told).toContain("case opened for Språkgatan 3, Lund");
    expect(told).toContain("assigned to sara");
    // The English of an item's change is the CLI's (the reason as the mails quote it), the item by its English title.
    expect(told).toContain(`${FLEX.en}: failed — Vi har inte konfigurerat`);
    expect(told).not.toContain("account.flex_billing");
    expect(told).not.toContain("tilldelat");
    await eric.context.close();
  });

  it("the Users page lists the logins with role and language for an admin, and refuses an agent naming the role she needs", async () => {
    const admin = await signInAt(browser, desk, OLOF);
    await admin.page.getByRole("link", { name: "Users" }).click();
    await admin.page.waitForURL(`${desk}/admin/users`);
    const table = (await admin.page.locator("table.users").textContent()) ?? "";
    for (const text of ["sara", "eric", "olof", "Swedish", "English", "admin"]) expect(table).toContain(text);
    expect(await admin.page.content()).not.toContain("scrypt$16384");
    await admin.context.close();

    const agent = await signInAt(browser, desk, SARA);
    expect(await agent.page.getByRole("link", { name: "Användare" }).count()).toBe(0);
    const res = await agent.page.goto(`${desk}/admin/users`);
    expect(res?.status()).toBe(403);
    expect(await agent.page.locator("main").textContent()).toContain("kräver rollen administratör (admin)");
    await agent.context.close();
  });
});
