/**
 * Issue 22: the station make as a case fact and third-party makes as data (rules/makes.yaml, and
 * `makes:` on items in stages.yaml and on photo categories in photos.yaml); Alpitronic's extra
 * certification read in sv and en, with negations and deferrals.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { answersInScope } from "../../src/core/case/answer-scope.js";
import { evaluateChecklist, participantOpenItems } from "../../src/core/case/checklist.js";
import { decideOnMail } from "../../src/core/case/decide.js";
import { photoCategoriesFor, photoRulesFor } from "../../src/core/case/evidence-items.js";
import { openCase } from "../../src/core/case/open-case.js";
import { readAnswers } from "../../src/core/answers/read-answers.js";
import { AnswerVocabularySchema } from "../../src/core/answers/vocabulary.js";
import { categorisePhoto } from "../../src/core/evidence/photo-verdict.js";
import type { MakesFile } from "../../src/core/rules/makes.js";
import { findMake, makeFromMacs, MakesFileSchema } from "../../src/core/rules/makes.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { AnswerStatus, Case } from "../../src/core/types.js";
import { mailFacts } from "../support/mail-facts.js";
import { repoRules } from "../support/rules.js";

const NOW = "2026-11-26T10:00:00.000Z";
const NM = "nina@kund.se";
const IVAR = "ivar@el.se";
/** A locally administered prefix (second hex digit 2): never an IEEE vendor's, so no real make is claimed. */
const TEST_PREFIX = "02:AB:C0";

let rules: Rules;
/** The repository's rules with one prefix in the desk's table, as a desk would add it. */
let desk: Rules;
beforeAll(async () => {
  rules = await repoRules();
  desk = { ...rules, makes: { ...rules.makes, mac_prefixes: [{ prefix: "02ABC0", make: "alpitronic" }] } };
});

const vocabulary = AnswerVocabularySchema.parse(parse(readFileSync(fileURLToPath(new URL("../../rules/answers.yaml", import.meta.url)), "utf8")));

function opened(r: Rules, over: { make?: string; macs?: string[]; stage?: Case["stage"] } = {}): Case {
  const c = openCase(
    "ACT-100001",
    {
      site: "Storgatan 1",
      nmEmail: NM,
      installerEmail: IVAR,
      stations: 1,
      macsShipped: over.macs ?? [],
      installService: false,
      locale: "sv",
      ...(over.make ? { make: over.make } : {}),
    },
    r,
    NOW,
    "test",
  ).case;
  return over.stage ? { ...c, stage: over.stage } : c;
}

describe("rules/makes.yaml", () => {
  it("loads with the desk's default make, Alpitronic as third-party, and no MAC prefix the bot would vouch for", () => {
    expect(rules.makes.default).toBe("chargepoint");
    expect(rules.makes.makes.find((m) => m.id === "alpitronic")).toMatchObject({ name: "Alpitronic", third_party: true });
    expect(rules.makes.mac_prefixes).toEqual([]);
  });

  it("refuses a prefix of the wrong length, a prefix twice, and a prefix or default naming no make", () => {
    const base = { version: 1, default: "a", makes: [{ id: "a", name: "A", words: ["a"] }] };
    const problems = (file: unknown) => {
      const r = MakesFileSchema.safeParse(file);
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(problems({ ...base, mac_prefixes: [{ prefix: "02:AB", make: "a" }] })).toEqual(["a MAC prefix has 6, 7 or 9 hex digits (MA-L, MA-M, MA-S)"]);
    expect(problems({ ...base, mac_prefixes: [{ prefix: "02ABC0", make: "a" }, { prefix: "02-ab-c0", make: "a" }] })).toEqual(["prefix 02ABC0 twice"]);
    expect(problems({ ...base, mac_prefixes: [{ prefix: "02ABC0", make: "b" }] })).toEqual(["no make b"]);
    expect(problems({ ...base, default: "b" })).toEqual(["no make b"]);
  });

  it("finds a make as people write it, and nothing for a make it does not know", () => {
    const makes: MakesFile = rules.makes;
    expect(findMake(makes, "alpitronic")?.id).toBe("alpitronic");
    expect(findMake(makes, "Alpitronic")?.id).toBe("alpitronic");
    expect(findMake(makes, "alpitronic HYC300")?.id).toBe("alpitronic");
    expect(findMake(makes, "Hypercharger 150")?.id).toBe("alpitronic");
    expect(findMake(makes, "ChargePoint")?.id).toBe("chargepoint");
    expect(findMake(makes, "Kempower")).toBeUndefined();
    expect(findMake(makes, "")).toBeUndefined();
  });

  it("tells the make of MAC addresses only when the desk's table lists their prefix, and never two makes", () => {
    expect(makeFromMacs(rules.makes, [`${TEST_PREFIX}:00:00:01`])).toBeUndefined();
    expect(makeFromMacs(desk.makes, [`${TEST_PREFIX}:00:00:01`])).toEqual({ make: "alpitronic", mac: "02:AB:C0:00:00:01", prefix: "02ABC0" });
    // Any spelling of the MAC; an unlisted address beside it changes nothing.
    expect(makeFromMacs(desk.makes, ["00-1A-2B-3C-4D-01", "02abc0000002"])?.make).toBe("alpitronic");
    expect(makeFromMacs(desk.makes, ["00:1A:2B:3C:4D:01"])).toBeUndefined();
    const two: MakesFile = { ...desk.makes, mac_prefixes: [...desk.makes.mac_prefixes, { prefix: "02ABC1", make: "chargepoint" }] };
    expect(makeFromMacs(two, ["02:AB:C0:00:00:01", "02:AB:C1:00:00:01"])).toBeUndefined();
  });
});

describe("a case's make", () => {
  it("is the make given at opening; without one the case has none and follows the default make's rules", () => {
    expect(opened(rules, { make: "alpitronic" }).make).toBe("alpitronic");
    expect(opened(rules).make).toBeUndefined();
  });

  it("comes from the shipped MACs' vendor prefix at opening, said so in the timeline", () => {
    const d = openCase("ACT-100001", { site: "S", nmEmail: NM, stations: 1, macsShipped: [`${TEST_PREFIX}:00:00:01`], installService: false, locale: "sv" }, desk, NOW, "test");
    expect(d.case.make).toBe("alpitronic");
    expect(d.events.map((e) => e.summary)).toContain("make: Alpitronic, told by the vendor prefix 02ABC0 of 02:AB:C0:00:00:01 (rules/makes.yaml)");
  });

  it("is learnt from an accepted MAC in a mail when the case has none, and then asks the make's own items", () => {
    const c = opened(desk, { stage: "commissioning" });
    const installer = c.participants.find((p) => p.email === IVAR);
    if (!installer) throw new Error("no installer");
    const d = decideOnMail({
      case: c,
      mail: mailFacts({ from: { address: IVAR }, messageId: "<m@el.se>", subject: "SV: [ACT-100001]" }),
      mailClass: { kind: "reply", doubts: [] },
      trust: { kind: "trusted", participant: installer },
      evidence: { answers: {}, forms: [], photos: [], macs: [{ raw: "02abc0000001", mac: "02:AB:C0:00:00:01", status: "ok", reasons: [] }], problems: [] },
      sent: { caseLastHour: 0, noProgressLastHour: 0, recipientLastDay: {} },
      rules: desk,
      now: NOW,
    });
    expect(d.case.make).toBe("alpitronic");
    expect(d.outbox[0]?.content.open.map((o) => o.id)).toContain("installer.alpitronic_certified");
    expect(d.events.some((e) => e.summary.startsWith("make: Alpitronic"))).toBe(true);
  });
});

describe("a case's make from the commissioning form", () => {
  it("is taken from the form's make field, written as people write it, when the case has none", () => {
    const c = opened(rules, { stage: "commissioning" });
    const installer = c.participants.find((p) => p.email === IVAR);
    if (!installer) throw new Error("no installer");
    const form = (value: string) => ({
      form: "site_commissioning",
      file: "f.pdf",
      status: "failed" as const,
      fields: [{ name: "make", value, verdict: "ok" as const }],
    });
    const decide = (value: string, on: Case = c) =>
      decideOnMail({
        case: on,
        mail: mailFacts({ from: { address: IVAR }, messageId: "<f@el.se>", subject: "SV: [ACT-100001]" }),
        mailClass: { kind: "reply", doubts: [] },
        trust: { kind: "trusted", participant: installer },
        evidence: { answers: {}, forms: [form(value)], photos: [], macs: [], problems: [] },
        sent: { caseLastHour: 0, noProgressLastHour: 0, recipientLastDay: {} },
        rules,
        now: NOW,
      });
    const d = decide("Alpitronic HYC300");
    expect(d.case.make).toBe("alpitronic");
    expect(d.events.map((e) => e.summary)).toContain("make: Alpitronic, written on the form (“Alpitronic HYC300”)");
    expect(d.outbox[0]?.content.open.map((o) => o.id)).toContain("installer.alpitronic_certified");
    // A make the rules do not know tells nothing; a make given at opening is never changed by the form.
    expect(decide("Kempower T-series").case.make).toBeUndefined();
    expect(decide("Alpitronic", { ...c, make: "chargepoint" }).case.make).toBe("chargepoint");
  });

  it("has an optional make field on the site commissioning form", () => {
    const field = rules.forms.forms.find((f) => f.id === "site_commissioning")?.fields.find((f) => f.name === "make");
    expect(field).toMatchObject({ type: "string", constraints: { required: false } });
    expect(field?.labels.sv[0]).toBe("Fabrikat och modell");
  });
});

describe("a third-party make's own items (stages.yaml and photos.yaml `makes:`)", () => {
  it("asks an Alpitronic case's installer for the extra certification, and no other case's", () => {
    const open = (c: Case) => participantOpenItems(evaluateChecklist(c, rules), "commissioning", rules).map((i) => i.id);
    expect(open(opened(rules, { make: "alpitronic" }))).toEqual([
      "installer.certified",
      "installer.account",
      "installer.alpitronic_certified",
      "commissioning.form",
      "commissioning.macs",
      "commissioning.mac_labels",
      "commissioning.photos",
    ]);
    expect(open(opened(rules))).not.toContain("installer.alpitronic_certified");
    expect(open(opened(rules, { make: "chargepoint" }))).not.toContain("installer.alpitronic_certified");
  });

  it("adds the make's own photo category to its cases only, and sorts a photo into it only there", () => {
    const ids = (c: Case) => photoCategoriesFor(rules, "commissioning", c).map((x) => x.id);
    expect(ids(opened(rules, { make: "alpitronic" }))).toContain("make_commissioning");
    expect(ids(opened(rules))).not.toContain("make_commissioning");
    const guess = (c: Case) => categorisePhoto("driftsattningsverktyg-skarmbild.png", null, "", photoRulesFor(rules, c), "commissioning").category;
    expect(guess(opened(rules, { make: "alpitronic" }))).toBe("make_commissioning");
    expect(guess(opened(rules))).toBeNull();
  });

  it("takes the extra certification from the installer's side only", () => {
    const answers = readAnswers("Alpitronic-certifieringen är klar.", vocabulary);
    expect(Object.keys(answersInScope(answers, rules, "installer"))).toEqual(["installer.alpitronic_certified"]);
    expect(Object.keys(answersInScope(answers, rules, "network_manager"))).toEqual([]);
  });
});

describe("the make's extra certification in words (installer.alpitronic_certified)", () => {
  const status = (text: string, item: string): AnswerStatus | undefined => readAnswers(text, vocabulary)[item]?.status;

  it.each([
    "Alpitronic-certifieringen är klar.",
    "Jag har gått Alpitronics utbildning.",
    "Jag är certifierad för Alpitronic.",
    "I am certified for Alpitronic.",
    "Alpitronic training completed.",
    "We passed the Alpitronic certification last week.",
  ])("reads “%s” as done, and not as the vendor's own certification", (text) => {
    expect(status(text, "installer.alpitronic_certified")).toBe("ok");
    expect(status(text, "installer.certified")).toBeUndefined();
  });

  it.each([
    "Jag har inte hunnit gå Alpitronics kurs än.",
    "Jag är inte certifierad för Alpitronic ännu.",
    "We are not certified for Alpitronic yet.",
    "Still need to do the Alpitronic training.",
  ])("reads the negation “%s” as not done", (text) => expect(status(text, "installer.alpitronic_certified")).toBe("negative"));

  it.each(["Jag återkommer om Alpitronic-certifieringen.", "Alpitronic: ska kolla upp det.", "I'll get back to you about the Alpitronic certification.", "Not sure the Alpitronic course counts."])(
    "reads the deferral or hedge “%s” as unclear, to ask again",
    (text) => expect(status(text, "installer.alpitronic_certified")).toBe("unclear"),
  );

  it("reads the vendor's certification and the make's apart in one reply", () => {
    const a = readAnswers("Jag är certifierad och har gått utbildningen, men Alpitronic-certifieringen har jag inte hunnit än.", vocabulary);
    expect(a["installer.certified"]?.status).toBe("ok");
    expect(a["installer.alpitronic_certified"]?.status).toBe("negative");
  });
});
