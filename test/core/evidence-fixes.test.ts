// Evidence flags the bot resolves itself when a later mail fixes what they named (issue 18):
// src/core/case/evidence-fixes.ts through decideOnMail, on the repository's rules.
import { beforeAll, describe, expect, it } from "vitest";
import type { Decision, MailEvidence } from "../../src/core/case/decide.js";
import { decideOnMail } from "../../src/core/case/decide.js";
import { openCase } from "../../src/core/case/open-case.js";
import { overrideItem, resolveFlag } from "../../src/core/case/team-actions.js";
import { workEntries } from "../../src/core/case/work-items.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case, Flag, FormEvidence, MacEvidence, PhotoEvidence } from "../../src/core/types.js";
import { mailFacts } from "../support/mail-facts.js";
import { repoRules } from "../support/rules.js";

const NM = "nina@kund.se";
const DAY = (n: number) => `2026-11-2${n}T10:00:00.000Z`;

let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

const photo = (file: string, over: Partial<PhotoEvidence> = {}): PhotoEvidence => ({
  file,
  category: "electrical_panel",
  stage: "site_readiness",
  status: "ok",
  reasons: [],
  measures: {},
  ...over,
});
const blurred = (file: string, over: Partial<PhotoEvidence> = {}) => photo(file, { status: "failed", reasons: ["blurred"], ...over });
const mac = (raw: string, over: Partial<MacEvidence> = {}): MacEvidence => ({ raw, mac: raw, status: "ok", reasons: [], ...over });
const form = (file: string, fuse: { value: string; ok: boolean }, over: Partial<FormEvidence> = {}): FormEvidence => ({
  form: "site_commissioning",
  file,
  status: fuse.ok ? "ok" : "failed",
  fields: [
    { name: "site", value: "Storgatan 1", verdict: "ok" },
    { name: "station_1_fuse_amps", value: fuse.value, verdict: fuse.ok ? "ok" : "failed", ...(fuse.ok ? {} : { reason: "not_a_number" }) },
  ],
  ...over,
});

/** With the installation service, site preparation (and its photos, site.photos) is on the checklist. */
function newCase(installService = true): Case {
  return openCase("ACT-100001", { site: "Storgatan 1", nmEmail: NM, stations: 2, macsShipped: ["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"], installService, locale: "sv" }, rules, DAY(0), "test").case;
}

/** One mail of the network manager, numbered `n` (its mail key and day), bringing `evidence`. */
function mail(c: Case, n: number, evidence: Partial<MailEvidence>): Decision {
  const participant = c.participants.find((p) => p.email === NM);
  if (!participant) throw new Error("no NM");
  return decideOnMail({
    case: c,
    mail: mailFacts({ key: `mid:<r${n}@kund.se>`, from: { address: NM }, messageId: `<r${n}@kund.se>`, subject: "SV: [ACT-100001]" }),
    mailClass: { kind: "reply", doubts: [] },
    trust: { kind: "trusted", participant },
    evidence: { answers: {}, forms: [], photos: [], macs: [], problems: [], ...evidence },
    sent: { caseLastHour: 0, noProgressLastHour: 0, recipientLastDay: {} },
    rules,
    now: DAY(n),
  });
}

const flagOf = (c: Case, code: Flag["code"], n = 1): Flag => {
  const f = c.flags.find((x) => x.code === code && x.mail === `mid:<r${n}@kund.se>`);
  if (!f) throw new Error(`no ${code} of mail ${n}: ${JSON.stringify(c.flags)}`);
  return f;
};
const botEvents = (d: Decision) => d.events.filter((e) => e.kind === "flag_resolved" || e.kind === "flag_narrowed").map((e) => [e.kind, e.by, e.summary]);

describe("the bot resolves an evidence flag when a later mail fixes it", () => {
  it("resolves evidence_rejected when a sharp retake of the same photo category passes, and the work queue drops it", () => {
    const first = mail(newCase(), 1, { photos: [blurred("elcentral.jpg")] });
    expect(workEntries(first.case).map((e) => e.cause)).toContain("evidence_rejected");
    const second = mail(first.case, 2, { photos: [photo("elcentral-ny.jpg")] });
    const flag = flagOf(second.case, "evidence_rejected");
    expect(flag.resolved).toMatchObject({ by: "bot", at: DAY(2), how: `${NM} sent a new photo for “Electrical panel” that passed (“elcentral-ny.jpg”)` });
    expect(flag.resolved?.words?.code).toBe("resolved_fixed");
    expect(botEvents(second)).toEqual([["flag_resolved", "bot", `evidence_rejected resolved: ${flag.resolved?.how}`]]);
    expect(second.events.find((e) => e.kind === "flag_resolved")?.mail).toBe("mid:<r2@kund.se>");
    expect(workEntries(second.case).map((e) => e.cause)).not.toContain("evidence_rejected");
  });

  it("leaves the flag as it is when the later photo is of another category, or failed too", () => {
    const first = mail(newCase(), 1, { photos: [blurred("elcentral.jpg")] });
    const other = mail(first.case, 2, { photos: [photo("betongplatta.jpg", { category: "mounting_surface" })] });
    expect(flagOf(other.case, "evidence_rejected")).toEqual(flagOf(first.case, "evidence_rejected"));
    expect(botEvents(other)).toEqual([]);
    const again = mail(other.case, 3, { photos: [blurred("elcentral-2.jpg")] });
    expect(flagOf(again.case, "evidence_rejected").resolved).toBeUndefined();
    // The new blurred photo is a flag of its own mail.
    expect(flagOf(again.case, "evidence_rejected", 3).reason).toContain("elcentral-2.jpg");
  });

  it("does not take a retake named for another station as the fix", () => {
    const first = mail(newCase(), 1, { photos: [blurred("station1_mac.jpg", { category: "mac_label", stage: "commissioning", station: 1 })] });
    const other = mail(first.case, 2, { photos: [photo("station2_mac.jpg", { category: "mac_label", stage: "commissioning", station: 2 })] });
    expect(flagOf(other.case, "evidence_rejected").resolved).toBeUndefined();
    const right = mail(other.case, 3, { photos: [photo("station1_mac_ny.jpg", { category: "mac_label", stage: "commissioning", station: 1 })] });
    expect(flagOf(right.case, "evidence_rejected").resolved?.by).toBe("bot");
  });

  it("resolves a rejected form field when the form comes again with that field right", () => {
    const first = mail(newCase(), 1, { forms: [form("driftsattning.pdf", { value: "abc", ok: false })] });
    expect(flagOf(first.case, "evidence_rejected").reason).toContain("fuse amps (station 1) “abc” is not a number");
    const second = mail(first.case, 2, { forms: [form("driftsattning-rattad.pdf", { value: "16", ok: true })] });
    expect(flagOf(second.case, "evidence_rejected").resolved?.how).toBe(`${NM} sent the form again with fuse amps (station 1) corrected (“driftsattning-rattad.pdf”)`);
  });

  it("resolves a form that could not be read when a readable form comes, and flags what that form gets wrong on its own", () => {
    const encrypted: FormEvidence = { form: null, file: "låst.pdf", status: "failed", code: "encrypted", reason: "encrypted: password", fields: [] };
    const first = mail(newCase(), 1, { forms: [encrypted] });
    expect(flagOf(first.case, "evidence_rejected").reason).toContain("“låst.pdf” is password-protected");
    // Another unreadable file is no fix.
    const corrupt = mail(first.case, 2, { forms: [{ ...encrypted, file: "trasig.pdf", code: "corrupt" }] });
    expect(flagOf(corrupt.case, "evidence_rejected").resolved).toBeUndefined();
    const read = mail(corrupt.case, 3, { forms: [form("driftsattning.pdf", { value: "abc", ok: false })] });
    expect(flagOf(read.case, "evidence_rejected").resolved?.how).toBe(`${NM} sent a form that could be read (“driftsattning.pdf” for “låst.pdf”)`);
    expect(flagOf(read.case, "evidence_rejected", 2).resolved?.by).toBe("bot");
    expect(flagOf(read.case, "evidence_rejected", 3).resolved).toBeUndefined();
  });

  it("resolves a rejected MAC when the station's MAC comes right, or a MAC for no station when a new one passes", () => {
    const bad = mac("00:1A:2B:3C:4D:GG", { mac: null, station: 1, status: "failed", reasons: ["invalid_format"] });
    const first = mail(newCase(), 1, { macs: [bad] });
    expect(flagOf(first.case, "evidence_rejected").reason).toContain("“00:1A:2B:3C:4D:GG” (station 1) is not a MAC address");
    const wrongStation = mail(first.case, 2, { macs: [mac("00:1A:2B:3C:4D:02", { station: 2 })] });
    expect(flagOf(wrongStation.case, "evidence_rejected").resolved).toBeUndefined();
    const fixed = mail(wrongStation.case, 3, { macs: [mac("00:1A:2B:3C:4D:01", { station: 1 })] });
    expect(flagOf(fixed.case, "evidence_rejected").resolved?.how).toBe(`${NM} sent MAC address 00:1A:2B:3C:4D:01 for station 1, which passed`);

    const loose = mail(newCase(), 1, { macs: [mac("FF:FF:FF:FF:FF:FF", { status: "failed", reasons: ["reserved"] })] });
    const text = mail(loose.case, 2, { macs: [mac("00:1A:2B:3C:4D:02")] });
    expect(flagOf(text.case, "evidence_rejected").resolved?.how).toBe(`${NM} sent MAC address 00:1A:2B:3C:4D:02, which passed`);
  });

  it("narrows a flag fixed in part to what is still wrong, and resolves it when the rest comes", () => {
    const first = mail(newCase(), 1, { photos: [blurred("elcentral.jpg")], forms: [form("driftsattning.pdf", { value: "abc", ok: false })] });
    const raised = flagOf(first.case, "evidence_rejected");
    expect(raised.reason).toContain("elcentral.jpg");

    const part = mail(first.case, 2, { photos: [photo("elcentral-ny.jpg")] });
    const narrowed = flagOf(part.case, "evidence_rejected");
    expect(narrowed.resolved).toBeUndefined();
    expect(narrowed.reason).toBe(`${NM} sent evidence that failed its check: form field fuse amps (station 1) “abc” is not a number`);
    // The desk's words say the same as the English sentence: only the form field is left.
    expect(narrowed.words).toEqual({
      code: "evidence_rejected",
      params: { sender: NM, items: [{ kind: "field", field: "fuse_amps", station: 1, value: "abc", problem: "not_a_number" }] },
    });
    expect(botEvents(part)).toEqual([
      ["flag_narrowed", "bot", `evidence_rejected: ${NM} sent a new photo for “Electrical panel” that passed (“elcentral-ny.jpg”); still open: ${narrowed.reason}`],
    ]);
    expect(workEntries(part.case).find((e) => e.cause === "evidence_rejected")?.what).toBe(narrowed.reason);

    // A mail that fixes nothing more changes nothing.
    const nothing = mail(part.case, 3, { photos: [photo("kabel.jpg", { category: "cable_routing" })] });
    expect(botEvents(nothing)).toEqual([]);
    expect(flagOf(nothing.case, "evidence_rejected")).toEqual(narrowed);

    const rest = mail(nothing.case, 4, { forms: [form("driftsattning-2.pdf", { value: "16", ok: true })] });
    const resolved = flagOf(rest.case, "evidence_rejected");
    expect(resolved.resolved?.by).toBe("bot");
    expect(resolved.resolved?.how).toContain("elcentral-ny.jpg");
    expect(resolved.resolved?.how).toContain("fuse amps (station 1) corrected");
    expect(workEntries(rest.case)).toEqual([]);
  });

  it("resolves unclear_answer when the item is answered clearly (yes or no)", () => {
    const first = mail(newCase(), 1, { answers: { "account.contacts": { status: "unclear", value: null, text: "vet inte" }, "account.organisation": { status: "unclear", value: null, text: "kanske" } } });
    const one = mail(first.case, 2, { answers: { "account.contacts": { status: "ok", value: true, text: "ja, utsedda" } } });
    expect(flagOf(one.case, "unclear_answer").reason).toBe(`the answer of ${NM} could not be read for account.organisation from “kanske”`);
    const two = mail(one.case, 3, { answers: { "account.organisation": { status: "negative", value: false, text: "nej, inte än" } } });
    expect(flagOf(two.case, "unclear_answer").resolved?.how).toBe(`${NM} answered account.contacts: “ja, utsedda”; ${NM} answered account.organisation: “nej, inte än”`);
  });

  it("resolves unassigned_photo when the same picture comes again sorted, not for another picture", () => {
    const hash = "0f0f0f0f0f0f0f0f";
    const first = mail(newCase(), 1, { photos: [photo("IMG_0001.jpg", { category: null, measures: { dhash: hash } })] });
    expect(flagOf(first.case, "unassigned_photo").reason).toContain("IMG_0001.jpg");
    const other = mail(first.case, 2, { photos: [photo("elcentral.jpg", { measures: { dhash: "f0f0f0f0f0f0f0f0" } })] });
    expect(flagOf(other.case, "unassigned_photo").resolved).toBeUndefined();
    const same = mail(other.case, 3, { photos: [photo("kabeldragning.jpg", { category: "cable_routing", measures: { dhash: "0f0f0f0f0f0f0f0e" } })] });
    expect(flagOf(same.case, "unassigned_photo").resolved?.how).toBe(`${NM} sent the photo again as “kabeldragning.jpg”, sorted as “Cable routing”`);
  });

  it("resolves a photo the bot could not sort or open once every photo of its stage is in", () => {
    const unreadable = blurred("bild.jpg", { category: null, reasons: ["unreadable"] });
    const first = mail(newCase(), 1, { photos: [unreadable] });
    const categories = rules.photos.stages.site_readiness?.categories ?? [];
    const all = categories.flatMap((cat) => Array.from({ length: cat.min * (cat.per_station ? 2 : 1) }, (_, i) => photo(`${cat.id}-${i}.jpg`, { category: cat.id })));
    const some = mail(first.case, 2, { photos: all.slice(1) });
    expect(flagOf(some.case, "evidence_rejected").resolved).toBeUndefined();
    const rest = mail(some.case, 3, { photos: all.slice(0, 1) });
    expect(flagOf(rest.case, "evidence_rejected").resolved?.how).toBe("every photo site.photos asks for has arrived and passed");
  });
});

describe("what the bot leaves to the team", () => {
  it("keeps a flag a team member resolved as they resolved it", () => {
    const first = mail(newCase(), 1, { photos: [blurred("elcentral.jpg")] });
    const r = resolveFlag(first.case, flagOf(first.case, "evidence_rejected").id, "maja", "sett på plats", rules, DAY(2));
    if (r.kind !== "ok") throw new Error(r.reason);
    const later = mail(r.decision.case, 3, { photos: [photo("elcentral-ny.jpg")] });
    expect(flagOf(later.case, "evidence_rejected").resolved).toEqual({ by: "maja", at: DAY(2), how: "sett på plats" });
    expect(botEvents(later)).toEqual([]);
  });

  it("does not count the team's override as the sender's fix, and keeps the override", () => {
    const first = mail(newCase(), 1, { photos: [blurred("bild.jpg", { category: null, reasons: ["unreadable"] })] });
    const o = overrideItem(first.case, "site.photos", "maja", "foton finns i annat ärende", rules, DAY(2));
    if (o.kind !== "ok") throw new Error(o.reason);
    const later = mail(o.decision.case, 3, { photos: [photo("kabel.jpg", { category: "cable_routing" })] });
    expect(flagOf(later.case, "evidence_rejected").resolved).toBeUndefined();
    expect(later.checklist.items.find((i) => i.id === "site.photos")?.state.status).toBe("overridden");
  });

  it("never touches a flag the team must judge: a MAC not shipped stays a fact_mismatch until the team edits the case", () => {
    const first = mail(newCase(), 1, { macs: [mac("00:1A:2B:3C:4D:99", { station: 1, status: "failed", reasons: ["not_shipped"] })] });
    const later = mail(first.case, 2, { macs: [mac("00:1A:2B:3C:4D:01", { station: 1 })] });
    expect(flagOf(later.case, "fact_mismatch").resolved).toBeUndefined();
    expect(botEvents(later)).toEqual([]);
  });

  it("resolves once: the same fixing mail decided again adds nothing", () => {
    const first = mail(newCase(), 1, { photos: [blurred("elcentral.jpg")] });
    const second = mail(first.case, 2, { photos: [photo("elcentral-ny.jpg")] });
    const again = mail(second.case, 2, { photos: [photo("elcentral-ny.jpg")] });
    expect(botEvents(again)).toEqual([]);
    expect(again.case.flags).toEqual(second.case.flags);
  });
});
