/**
 * Issue 22's new mails in both languages, rendered from the shipped templates: the account verified
 * (step_confirmed), the explanation of digital delivery, a second box's receipt, and a third-party
 * make's extra certification asked of the installer.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import type { Renderer } from "../../src/app/ports.js";
import { evaluateChecklist } from "../../src/core/case/checklist.js";
import { openCase } from "../../src/core/case/open-case.js";
import type { OutboxIntent } from "../../src/core/case/outbox-intent.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case, Locale } from "../../src/core/types.js";
import { repoRules } from "../support/rules.js";

let rules: Rules;
let renderer: Renderer;
beforeAll(async () => {
  rules = await repoRules();
  renderer = await loadTemplates(path.resolve("templates"));
});

const opened = (locale: Locale, make?: string): Case =>
  openCase("ACT-100001", { site: "Storgatan 1", nmEmail: "nina@kund.se", nmName: "Nina", stations: 1, macsShipped: [], installService: false, locale, ...(make ? { make } : {}) }, rules, "2026-11-26T10:00:00.000Z", "t").case;

function render(c: Case, intent: Omit<OutboxIntent, "slot" | "cc" | "attachForms" | "to">): string {
  return renderer.render({ ...intent, slot: "s", to: ["nina@kund.se"], cc: [], attachForms: [] }, c, evaluateChecklist(c, rules)).text;
}

const base = { received: [], open: [], unclear: [], problems: [] };

describe("the account verified (step_confirmed)", () => {
  it.each([
    ["sv", "Kontot verifierat av driftsättningsteamet", "Driftsättningsteamet har verifierat ditt konto för nätverksansvarig.", "Ärendet går nu vidare till steget Installation, driftsättning och markering.", "Du behöver inte göra något just nu"],
    ["en", "Account verified by the commissioning team", "The commissioning team has verified your network manager account.", "The case now goes on to the step Installation, commissioning and marking.", "There is nothing you need to do right now"],
  ] as const)("%s: says the account is verified and where the case goes", (locale, title, told, onwards, nothing) => {
    const text = render(opened(locale), { kind: "step_confirmed", content: { ...base, stage: "commissioning", advancedFrom: "open", confirmed: { id: "account.verified" } } });
    expect(text).toContain(`${title} – Storgatan 1`);
    expect(text).toContain(told);
    expect(text).toContain(onwards);
    expect(text).toContain(nothing);
  });

  it("names what is still missing when the team verified before the network manager answered everything", () => {
    const text = render(opened("sv"), { kind: "step_confirmed", content: { ...base, stage: "open", open: [{ id: "account.contacts" }], confirmed: { id: "account.verified" } } });
    expect(text).toContain("Det här saknas fortfarande:");
    expect(text).toContain("Utse operativa kontakter och behörigheter");
    expect(text).not.toContain("Du behöver inte göra något just nu");
  });
});

describe("digital delivery (digital_delivery)", () => {
  it.each([
    ["sv", "Assure-abonnemanget", "levereras digitalt – det finns ingen fysisk leverans", "Stationerna kan däremot komma i olika lådor"],
    ["en", "the Assure subscription", "are delivered digitally – there is no physical delivery", "The stations themselves may come in several boxes"],
  ] as const)("%s: explains that the product comes digitally, quoting the question", (locale, product, digitally, boxes) => {
    const text = render(opened(locale), {
      kind: "digital_delivery",
      content: { ...base, stage: "open", open: [{ id: "account.contacts" }], digitalDelivery: { products: ["assure"], text: "Var är paketet?" } },
    });
    expect(text).toContain(product);
    expect(text).toContain("Var är paketet?");
    expect(text).toContain(digitally);
    expect(text).toContain(boxes);
    expect(text).toContain(renderer.itemTitle(locale, "account.contacts"));
  });
});

describe("a second box and a third-party make", () => {
  it.each([
    ["sv", "Bekräfta mottagna stationer: låda 2 av 2"],
    ["en", ": box 2 of 2"],
  ] as const)("%s: thanks for the box by its number", (locale, line) => {
    const text = render(opened(locale), { kind: "progress", content: { ...base, stage: "open", received: [{ id: "shipping.received", value: { box: 2, of: 2 } }] } });
    expect(text).toContain(line);
  });

  it.each([
    ["sv", "Inget saknas i steget"],
    ["en", "Nothing is missing in the step"],
  ] as const)("%s: tells someone outside the stage's audience nothing of the stage (“%s” is left out)", (locale, nothingMissing) => {
    const c = { ...opened(locale), stage: "site_readiness" as const };
    const content = { ...base, stage: "site_readiness" as const, received: [{ id: "shipping.received", value: { box: 2, of: 2 } }] };
    expect(render(c, { kind: "progress", content: { ...content, notAudience: true } })).not.toContain(nothingMissing);
    expect(render(c, { kind: "progress", content })).toContain(nothingMissing);
  });

  it.each([
    ["sv", "Tillverkarens extra certifiering (Alpitronic)"],
    ["en", "The make's extra certification (Alpitronic)"],
  ] as const)("%s: asks the installer of an Alpitronic case for the make's certification, and lists it in the checklist", (locale, title) => {
    const c = { ...opened(locale, "alpitronic"), stage: "commissioning" as const };
    const text = render(c, { kind: "stage_request", content: { ...base, stage: "commissioning", open: [{ id: "installer.alpitronic_certified" }] } });
    expect(text.split("\n").filter((l) => l.includes(title))).toHaveLength(2);
  });
});
