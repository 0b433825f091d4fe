/**
 * Issue 22, deliveries: stations come in several boxes on different dates, and software
 * subscriptions, Assure and activation services come digitally. Every receipt is recorded and
 * thanked for, none holds the case; a parcel question about a digital product is answered with the
 * digital_delivery mail and is read as no receipt of stations and no answer to the account items.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { answersBeside, readDigitalDeliveryQuestion } from "../../src/core/answers/digital-delivery.js";
import { readAnswers } from "../../src/core/answers/read-answers.js";
import { AnswerVocabularySchema } from "../../src/core/answers/vocabulary.js";
import type { MailEvidence } from "../../src/core/case/decide.js";
import { decideOnMail } from "../../src/core/case/decide.js";
import { openCase } from "../../src/core/case/open-case.js";
import { formatValue } from "../../src/core/reply/format-value.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case } from "../../src/core/types.js";
import { mailFacts } from "../support/mail-facts.js";
import { repoRules } from "../support/rules.js";

const NOW = "2026-11-26T10:00:00.000Z";
const NM = "nina@kund.se";
const vocabulary = AnswerVocabularySchema.parse(parse(readFileSync(fileURLToPath(new URL("../../rules/answers.yaml", import.meta.url)), "utf8")));
const digital = vocabulary.digital_delivery;

let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

/** What the bot reads from a reply text, as process-mail reads it. */
function read(text: string): Pick<MailEvidence, "answers" | "digitalDelivery"> {
  const question = readDigitalDeliveryQuestion(text, digital);
  return { answers: answersBeside(readAnswers(text, vocabulary), question), ...(question ? { digitalDelivery: question } : {}) };
}

describe("a receipt of one box of several", () => {
  it.each([
    ["Vi har fått låda 1 av 2.", { box: 1, of: 2 }],
    ["Låda 2 av 2 kom idag.", { box: 2, of: 2 }],
    ["Box 1 of 2 arrived today.", { box: 1, of: 2 }],
    ["We received box two of three.", { box: 2, of: 3 }],
    ["Vi har fått 1 av 2 lådor.", { boxes: 1, of: 2 }],
  ])("reads “%s” as a receipt with the box's number", (text, value) => {
    expect(read(text).answers["shipping.received"]).toMatchObject({ status: "ok", value });
  });

  it("writes the box in the reply's words, sv and en", () => {
    expect(formatValue({ box: 1, of: 2 }, "sv")).toBe("låda 1 av 2");
    expect(formatValue({ box: 1, of: 2 }, "en")).toBe("box 1 of 2");
    expect(formatValue({ boxes: 1, of: 2 }, "sv")).toBe("1 av 2 lådor");
  });

  it("reads a box that has not come as a negative receipt, never a question of digital delivery", () => {
    expect(read("Jag har inte fått lådan än.")).toEqual({ answers: { "shipping.received": expect.objectContaining({ status: "negative" }) } });
  });
});

describe("a parcel question about a product delivered digitally", () => {
  it.each([
    ["Var är paketet med Assure-abonnemanget?", ["assure"]],
    ["Har ni skickat aktiveringstjänsten? Vi har inget spårningsnummer.", ["activation_service"]],
    ["Vi har inte fått något paket med programvaran.", ["software_subscription"]],
    ["We have not received the software subscription yet.", ["software_subscription"]],
    ["When will the Assure subscription and the activation service be shipped?", ["assure", "activation_service"]],
  ])("reads “%s” as the question, and not as answers", (text, products) => {
    const r = read(text);
    expect(r.digitalDelivery?.products).toEqual(products);
    expect(r.answers).toEqual({});
  });

  it("leaves the other sentences' answers alone", () => {
    const r = read("Flex-fakturering är konfigurerad. Var är paketet med Assure-abonnemanget?");
    expect(Object.keys(r.answers)).toEqual(["account.flex_billing"]);
    expect(r.digitalDelivery?.text).toBe("Var är paketet med Assure-abonnemanget?");
  });

  it.each(["Assure-abonnemanget är aktiverat.", "Vi har fått 2 lådor.", "Programvaran ser bra ut."])("finds no parcel question in “%s”", (text) => {
    expect(readDigitalDeliveryQuestion(text, digital)).toBeUndefined();
  });
});

describe("deciding on deliveries", () => {
  const opened = (): Case => openCase("ACT-100001", { site: "S", nmEmail: NM, stations: 2, macsShipped: [], installService: false, locale: "sv" }, rules, NOW, "t").case;
  const decide = (c: Case, text: string, at: string, key: string) => {
    const participant = c.participants.find((p) => p.email === NM);
    if (!participant) throw new Error("no NM");
    return decideOnMail({
      case: c,
      mail: mailFacts({ key, from: { address: NM }, messageId: `<${key}@kund.se>`, subject: "SV: [ACT-100001]" }),
      mailClass: { kind: "reply", doubts: [] },
      trust: { kind: "trusted", participant },
      evidence: { ...read(text), forms: [], photos: [], macs: [], problems: [] },
      sent: { caseLastHour: 0, noProgressLastHour: 0, recipientLastDay: {} },
      rules,
      now: at,
    });
  };

  it("records and thanks for every receipt, the second box too, and never holds the case for one", () => {
    const first = decide(opened(), "Vi har fått låda 1 av 2.", NOW, "m1");
    expect(first.outbox[0]?.content.received).toEqual([{ id: "shipping.received", value: { box: 1, of: 2 } }]);
    const second = decide(first.case, "Nu kom låda 2 av 2.", "2026-11-30T10:00:00.000Z", "m2");
    expect(second.outbox[0]?.kind).toBe("progress");
    expect(second.outbox[0]?.content.received).toEqual([{ id: "shipping.received", value: { box: 2, of: 2 } }]);
    expect(second.case.evidence.map((e) => e.answers["shipping.received"]?.value)).toEqual([{ box: 1, of: 2 }, { box: 2, of: 2 }]);
    expect(second.events.map((e) => e.summary)).toContain("shipping.received: another receipt — “Nu kom låda 2 av 2.”");
    // The stage's open items are the account's: a receipt is never asked for nor waited on.
    expect(second.outbox[0]?.content.open.map((o) => o.id)).toEqual(["account.organisation", "account.flex_billing", "account.contacts"]);
    expect(second.case.stage).toBe("open");
  });

  it("thanks a network manager for a box while the contractor prepares the site, without the contractor's list or form", () => {
    const c = openCase("ACT-100001", { site: "S", nmEmail: NM, contractorEmail: "carl@bygg.se", stations: 2, macsShipped: [], installService: true, locale: "sv" }, rules, NOW, "t").case;
    const d = decide({ ...c, stage: "site_readiness" }, "Nu kom låda 2 av 2.", NOW, "m1");
    expect(d.outbox.map((o) => [o.kind, o.to, o.content.open, o.attachForms])).toEqual([["progress", [NM], [], []]]);
    expect(d.outbox[0]?.content.received).toEqual([{ id: "shipping.received", value: { box: 2, of: 2 } }]);
    expect(d.outbox[0]?.content.notAudience).toBe(true);
  });

  it("answers a parcel question about a digital product with digital_delivery, records it, and asks the open items on", () => {
    const d = decide(opened(), "Hej! Var är paketet med Assure-abonnemanget?", NOW, "m1");
    expect(d.outbox.map((o) => o.kind)).toEqual(["digital_delivery"]);
    expect(d.outbox[0]?.content.digitalDelivery).toEqual({ products: ["assure"], text: "Var är paketet med Assure-abonnemanget?" });
    expect(d.outbox[0]?.content.open.map((o) => o.id)).toEqual(["account.organisation", "account.flex_billing", "account.contacts"]);
    expect(d.case.evidence.at(-1)?.digitalDelivery).toEqual({ products: ["assure"], text: "Var är paketet med Assure-abonnemanget?" });
    expect(d.events.some((e) => e.summary.startsWith("asked after a parcel of a digital product (assure)"))).toBe(true);
    expect(d.case.flags).toEqual([]);
  });
});
