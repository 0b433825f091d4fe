/**
 * Part 3 of issue 21, the general rule: a reply that contradicts a case fact — the station count,
 * the MAC addresses, the installation service — is asked back and flagged `fact_mismatch`, in sv and
 * en, and the case's facts stay. The reading of the installation service, the comparison table
 * (core/case/case-facts.ts), decide, and the reply's text as the shipped templates render it.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import type { Renderer } from "../../src/app/ports.js";
import { readInstallService } from "../../src/core/answers/install-service.js";
import { readStatedFacts } from "../../src/core/answers/stated-facts.js";
import { checkCaseFacts } from "../../src/core/case/case-facts.js";
import type { MailEvidence, MailInput } from "../../src/core/case/decide.js";
import { decideOnMail } from "../../src/core/case/decide.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case, Locale, MacEvidence } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";
import { mailFacts } from "../support/mail-facts.js";
import { REPO_ROOT, repoRules } from "../support/rules.js";

const NOW = "2026-12-04T10:00:00.000Z";
const NM = "nm@customer.example";
const A = "00:1A:2B:3C:4D:01";
const B = "00:1A:2B:3C:4D:02";
const C = "00:1A:2B:3C:4D:03";

let rules: Rules;
let renderer: Renderer;
beforeAll(async () => {
  rules = await repoRules();
  renderer = await loadTemplates(path.join(REPO_ROOT, "templates"));
});

const mac = (raw: string, station?: number, reasons: string[] = []): MacEvidence => ({
  raw,
  mac: raw.toUpperCase(),
  ...(station ? { station } : {}),
  status: reasons.length ? "failed" : "ok",
  reasons,
});

/** A case whose earlier mail gave these MACs (accepted). */
function withMacs(c: Case, macs: MacEvidence[]): Case {
  return { ...c, evidence: [{ mail: "<earlier@x>", at: NOW, from: NM, answers: {}, forms: [], photos: [], macs }] };
}

function decide(c: Case, text: string, macs: MacEvidence[] = [], problems: string[] = []) {
  const participant = c.participants.find((p) => p.email === NM);
  if (!participant) throw new Error("no network manager");
  const evidence: MailEvidence = { answers: {}, forms: [], photos: [], macs, problems, stated: readStatedFacts(text, rules.answers) };
  const input: MailInput = {
    case: c,
    mail: mailFacts({ from: { address: NM }, messageId: "<r1@customer.example>", subject: `SV: [${c.id}]`, text }),
    mailClass: { kind: "reply", doubts: [] },
    trust: { kind: "trusted", participant },
    evidence,
    sent: { caseLastHour: 0, noProgressLastHour: 0, recipientLastDay: {} },
    rules,
    now: NOW,
  };
  return decideOnMail(input);
}

/** The "is this right?" lines of the reply the decision sends. */
function askedBack(d: ReturnType<typeof decide>, locale: Locale): string[] {
  const intent = d.outbox[0];
  if (!intent) return [];
  const { text } = renderer.render(intent, { ...d.case, locale }, d.checklist);
  const heading = locale === "sv" ? "Stämmer det här?" : "Is this right?";
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("- ")) out.push(line.slice(2));
    else if (line.trim() !== "") break;
  }
  return out;
}

describe("reading whether the installation service was bought", () => {
  const read = (text: string) => readInstallService(text, rules.answers)?.bought;

  it.each([
    ["Installationen ingår i vår beställning.", true],
    ["Vi har beställt installationstjänsten av er.", true],
    ["Ni installerar laddarna, så det är lugnt.", true],
    ["CPaaS ingår.", true],
    ["Vi installerar själva med vår egen elektriker.", false],
    ["Installationstjänsten har vi inte beställt.", false],
    ["Installationen ingår inte.", false],
    ["Vi har köpt laddarna utan installation.", false],
    ["Vi installerar inte själva, det gör ni.", true],
    ["Installationen gör vi själva.", false],
  ])("sv: “%s” → bought %s", (text, bought) => {
    expect(read(text)).toBe(bought);
  });

  it.each([
    ["The installation service is included in our order.", true],
    ["We ordered the installation from you.", true],
    ["Your technicians will install the chargers.", true],
    ["We install the chargers ourselves.", false],
    ["We did not order the installation service.", false],
    ["Our own electrician does the installation.", false],
    ["The installation is not included.", false],
  ])("en: “%s” → bought %s", (text, bought) => {
    expect(read(text)).toBe(bought);
  });

  it.each([
    "Ingår installationen?",
    "Does the order include the installation?",
    "Installationen är klar och laddarna sitter uppe.",
    "The installation went fine.",
    "Vår installatör har beställt materialet.",
    "Our installer ordered the cables.",
    "Vi har beställt fler laddare.",
    "Själva installationen är klar, laddarna fungerar.",
    "We used our own cables for the installation.",
    "Installationen sker på vår egen parkering.",
  ])("states nothing in “%s”", (text) => {
    expect(read(text)).toBeUndefined();
  });
});

describe("a reply that contradicts a case fact", () => {
  it("asks back and flags an installation service said bought on a case ordered without it (sv)", () => {
    const c = makeCase("ACT-100001", { installService: false });
    const d = decide(c, "Hej! Installationen ingår i vår beställning, så era tekniker kommer på tisdag.");
    expect(d.case.installService).toBe(false);
    expect(d.case.flags.map((f) => f.code)).toEqual(["fact_mismatch"]);
    expect(d.case.flags[0]?.reason).toContain("installation service was bought, the case was ordered without it");
    expect(askedBack(d, "sv")).toEqual([
      "Du skriver att installationstjänsten är beställd (”Installationen ingår i vår beställning, så era tekniker kommer på tisdag.”), men ärendet är beställt utan installationstjänst (installation och CPaaS). Svara om det stämmer; ändras beställningen hjälper driftsättningsteamet till.",
    ]);
  });

  it("asks back and flags installing themselves on a case ordered with the service (en)", () => {
    const c = makeCase("ACT-100002", { installService: true, locale: "en" });
    const d = decide(c, "We will install the chargers ourselves next week.");
    expect(d.case.installService).toBe(true);
    expect(d.case.flags.map((f) => f.code)).toEqual(["fact_mismatch"]);
    expect(askedBack(d, "en")).toEqual([
      "You write that we do not do the installation (“We will install the chargers ourselves next week.”), but the case was ordered with the installation service (installation and CPaaS). Please reply whether that is right; if the order changes, the commissioning team will help.",
    ]);
  });

  it("takes the installation service from the network manager only: a contractor's installation is other work", () => {
    const c = makeCase("ACT-100009", {
      installService: false,
      participants: [
        { email: NM, role: "network_manager" },
        { email: "bygg@contractor.example", role: "contractor" },
      ],
    });
    const stated = readStatedFacts("Vi har beställt installationen av elcentralen.", rules.answers);
    expect(stated.installService?.bought).toBe(true);
    expect(checkCaseFacts(c, stated, [], { email: "bygg@contractor.example", role: "contractor" })).toEqual({ askBack: [] });
    expect(checkCaseFacts(c, stated, [], { email: NM, role: "network_manager" }).askBack.map((k) => k.fact)).toEqual(["install_service"]);
  });

  it("takes a statement that agrees with the order without a word", () => {
    const d = decide(makeCase("ACT-100003", { installService: true }), "Installationen ingår, så ni kommer väl hit och monterar?");
    expect(d.case.flags).toEqual([]);
    expect(askedBack(d, "sv")).toEqual([]);
  });

  it("asks back a MAC given for a station that already has another one", () => {
    const c = withMacs(makeCase("ACT-100004"), [mac(A, 1), mac(B, 2)]);
    const d = decide(c, "Här är rätt MAC för station 2.", [mac(C, 2)]);
    expect(d.case.flags.map((f) => f.code)).toEqual(["fact_mismatch"]);
    expect(d.case.flags[0]?.reason).toBe(`${NM} gives MAC ${C} for station 2, the case has ${B} for it`);
    expect(askedBack(d, "sv")).toEqual([
      `För station 2 anger du MAC-adressen ${C}, men ärendet har redan ${B} för den stationen. Svara med den som står på stationens etikett.`,
    ]);
    expect(askedBack(d, "en")).toEqual([
      `For station 2 you give the MAC address ${C}, but the case already has ${B} for that station. Please reply with the one on the station's label.`,
    ]);
  });

  it("asks back more MACs than the case has stations, counting those given earlier", () => {
    const c = withMacs(makeCase("ACT-100005"), [mac(A)]);
    const d = decide(c, "MAC-adresserna är 00:1A:2B:3C:4D:02 och 00:1A:2B:3C:4D:03.", [mac(B), mac(C)]);
    expect(d.case.stations).toBe(2);
    expect(d.case.flags[0]?.reason).toBe(`${NM} gives MACs for 3 stations, the case has 2 (${B}, ${C})`);
    expect(askedBack(d, "sv")).toEqual([
      `Du anger MAC-adresser för 3 stationer (${B}, ${C}), men ärendet gäller 2 stationer. Varje station har en MAC-adress — kontrollera etiketterna och svara med rätt adresser.`,
    ]);
    expect(askedBack(d, "en")[0]).toMatch(/^You give MAC addresses for 3 stations \(.*\), but the case is for 2 stations\./);
  });

  it("flags a MAC not shipped for the case, asked once, by the MAC check's own line", () => {
    const c = makeCase("ACT-100006", { macsShipped: [A, B] });
    const notShippedLine = "MAC-adressen 00:1A:2B:3C:4D:99 finns inte bland stationerna som levererades för det här ärendet.";
    const d = decide(c, "MAC: 00:1A:2B:3C:4D:99", [mac("00:1A:2B:3C:4D:99", 1, ["not_shipped"])], [notShippedLine]);
    expect(d.case.flags.map((f) => f.code)).toEqual(["fact_mismatch"]);
    expect(d.case.flags[0]?.reason).toContain(`not among those shipped for the case (${A}, ${B})`);
    expect(d.outbox[0]?.content.contradictions).toBeUndefined();
    expect(d.outbox[0]?.content.problems).toEqual([notShippedLine]);
  });

  it("takes MACs that complete the case, or repeat what it has, without a word", () => {
    const c = withMacs(makeCase("ACT-100007"), [mac(A, 1)]);
    const nm = { email: NM, role: "network_manager" as const };
    expect(checkCaseFacts(c, {}, [mac(A, 1), mac(B, 2)], nm)).toEqual({ askBack: [] });
    // The same station written as an EUI-64 label is no other MAC.
    expect(checkCaseFacts(c, {}, [mac("00:1A:2B:FF:FE:3C:4D:01", 1)], nm)).toEqual({ askBack: [] });
  });

  it("puts every contradiction of one mail in one flag and one question each", () => {
    const c = makeCase("ACT-100008", { installService: true });
    const d = decide(c, "Vi planerar 3 stationer. Vi installerar själva.");
    expect(d.case.flags).toHaveLength(1);
    expect(d.case.flags[0]?.reason).toMatch(/writes 3 stations, the case has 2: .*; writes the installation service was not bought, the case was ordered with it/);
    expect(askedBack(d, "sv").map((l) => l.slice(0, 30))).toEqual(["Du skriver 3 stationer (”Vi pl", "Du skriver att installationen "]);
  });
});
