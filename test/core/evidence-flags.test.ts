// The declared flags evidence raises (issue 18): evidence_rejected, unclear_answer, unassigned_photo.
import { beforeAll, describe, expect, it } from "vitest";
import type { MailEvidence, MailInput } from "../../src/core/case/decide.js";
import { decideOnMail } from "../../src/core/case/decide.js";
import { evidenceFlags, MAX_FLAG_REASON_CHARS } from "../../src/core/case/evidence-flags.js";
import { openCase } from "../../src/core/case/open-case.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case, FormEvidence, MacEvidence, PhotoEvidence } from "../../src/core/types.js";
import { mailFacts } from "../support/mail-facts.js";
import { repoRules } from "../support/rules.js";

const NOW = "2026-11-26T10:00:00.000Z";
const NM = "nina@kund.se";
const EL = "ivar@el.se";

let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

const photo = (file: string, over: Partial<PhotoEvidence> = {}): PhotoEvidence => ({ file, category: "electrical_panel", status: "ok", reasons: [], measures: {}, ...over });
const mac = (raw: string, over: Partial<MacEvidence> = {}): MacEvidence => ({ raw, mac: raw, status: "ok", reasons: [], ...over });
const none = { answers: {}, forms: [], photos: [], macs: [] };

describe("evidenceFlags", () => {
  it("raises nothing for evidence that passed", () => {
    const form: FormEvidence = { form: "site_commissioning", file: "f.pdf", status: "ok", fields: [{ name: "site_address", value: "Storgatan 1", verdict: "ok" }] };
    expect(evidenceFlags({ answers: { "account.contacts": { status: "ok", value: true, text: "ja" } }, forms: [form], photos: [photo("a.jpg")], macs: [mac("00:1A:2B:3C:4D:01")] }, EL)).toEqual([]);
  });

  it("names each rejected form field, photo and MAC in words in one evidence_rejected flag", () => {
    const form: FormEvidence = {
      form: "site_commissioning",
      file: "driftsättning.pdf",
      status: "failed",
      fields: [
        { name: "site_address", value: "Storgatan 1", verdict: "ok" },
        { name: "station_2_fuse_amps", value: "abc", verdict: "failed", reason: "not_a_number" },
        { name: "commissioning_date", value: null, verdict: "missing" },
      ],
    };
    const flags = evidenceFlags(
      {
        ...none,
        forms: [form],
        photos: [photo("elcentral.jpg", { status: "failed", reasons: ["too_dark", "blurred"] }), photo("ok.jpg")],
        macs: [
          mac("00:1A:2B:3C:4D:09", { station: 1, status: "failed", reasons: ["duplicate_in_case"] }),
          // Not shipped for the case: a contradicted case fact, flagged fact_mismatch by case-facts.ts instead.
          mac("00:1A:2B:3C:4D:0A", { station: 2, status: "failed", reasons: ["not_shipped"] }),
        ],
      },
      EL,
    );
    expect(flags.map((f) => f.code)).toEqual(["evidence_rejected"]);
    const reason = flags[0]?.reason ?? "";
    expect(reason).toContain("form field fuse amps (station 2) “abc” is not a number");
    expect(reason).toContain("photo “elcentral.jpg” too dark, blurred");
    expect(reason).toContain("MAC address 00:1A:2B:3C:4D:09 (station 1) is given for more than one station");
    expect(reason).not.toContain("4D:0A");
    expect(reason).not.toContain("commissioning");
    expect(reason).not.toContain("ok.jpg");
    expect(reason.startsWith(`${EL} sent evidence that failed its check`)).toBe(true);
  });

  it("flags a form that cannot be read, but not a PDF that is no form of ours", () => {
    const failed = (code: string): FormEvidence => ({ form: null, file: `${code}.pdf`, status: "failed", code, reason: code, fields: [] });
    expect(evidenceFlags({ ...none, forms: [failed("encrypted")] }, EL)[0]?.reason).toContain("“encrypted.pdf” is password-protected");
    expect(evidenceFlags({ ...none, forms: [failed("not_a_form")] }, EL)).toEqual([]);
  });

  it("raises unclear_answer quoting the words, and unassigned_photo naming the files", () => {
    const flags = evidenceFlags(
      {
        ...none,
        answers: { "account.contacts": { status: "unclear", value: null, text: "vet inte riktigt" }, "account.organisation": { status: "ok", value: true, text: "ja" } },
        photos: [photo("IMG_0001.jpg", { category: null }), photo("IMG_0002.jpg", { category: null })],
      },
      NM,
    );
    expect(flags).toEqual([
      {
        code: "unclear_answer",
        reason: `the answer of ${NM} could not be read for account.contacts from “vet inte riktigt”`,
        words: { code: "unclear_answer", params: { sender: NM, items: [{ item: "account.contacts", text: "vet inte riktigt" }] } },
      },
      {
        code: "unassigned_photo",
        reason: `2 photos from ${NM} fit no checklist item: “IMG_0001.jpg”, “IMG_0002.jpg”`,
        words: { code: "unassigned_photo", params: { sender: NM, count: 2, files: ["IMG_0001.jpg", "IMG_0002.jpg"] } },
      },
    ]);
  });

  it("does not call a rejected photo unassigned as well: the retake is what is asked", () => {
    const flags = evidenceFlags({ ...none, photos: [photo("x.jpg", { category: null, status: "failed", reasons: ["blurred"] })] }, EL);
    expect(flags.map((f) => f.code)).toEqual(["evidence_rejected"]);
  });

  it("keeps a reason within its bound however much a mail brings", () => {
    const photos = Array.from({ length: 60 }, (_, i) => photo(`photo-with-a-long-name-${i}.jpg`, { status: "failed", reasons: ["blurred"] }));
    const reason = evidenceFlags({ ...none, photos }, EL)[0]?.reason ?? "";
    expect(reason.length).toBe(MAX_FLAG_REASON_CHARS);
    expect(reason.endsWith("…")).toBe(true);
  });
});

describe("decide raises the evidence flags", () => {
  function newCase(): Case {
    return openCase("ACT-100001", { site: "Storgatan 1", nmEmail: NM, stations: 2, macsShipped: ["00:1A:2B:3C:4D:01"], installService: false, locale: "sv" }, rules, NOW, "test").case;
  }
  function input(c: Case, evidence: Partial<MailEvidence>): MailInput {
    const participant = c.participants.find((p) => p.email === NM);
    if (!participant) throw new Error("no NM");
    return {
      case: c,
      mail: mailFacts({ key: "mid:<r1@kund.se>", from: { address: NM }, messageId: "<r1@kund.se>", subject: "SV: [ACT-100001]" }),
      mailClass: { kind: "reply", doubts: [] },
      trust: { kind: "trusted", participant },
      evidence: { answers: {}, forms: [], photos: [], macs: [], problems: [], ...evidence },
      sent: { caseLastHour: 0, noProgressLastHour: 0, recipientLastDay: {} },
      rules,
      now: NOW,
    };
  }

  it("flags an unshipped MAC (as a contradicted case fact) and an unclear answer on the case, with a timeline event each, and still answers the sender", () => {
    const d = decideOnMail(
      input(newCase(), {
        answers: { "account.contacts": { status: "unclear", value: null, text: "vet inte" } },
        macs: [mac("00:1A:2B:3C:4D:77", { status: "failed", reasons: ["not_shipped"] })],
      }),
    );
    expect(d.case.flags.map((f) => [f.code, f.mail])).toEqual([
      ["unclear_answer", "mid:<r1@kund.se>"],
      ["fact_mismatch", "mid:<r1@kund.se>"],
    ]);
    expect(d.case.flags[1]?.reason).toContain("gives MAC 00:1A:2B:3C:4D:77, not among those shipped for the case");
    expect(d.events.filter((e) => e.kind === "flagged").map((e) => e.summary.split(":")[0])).toEqual(["unclear_answer", "fact_mismatch"]);
    expect(d.outbox.map((o) => o.kind)).toEqual(["progress"]);
  });

  it("raises each flag once when the same mail is decided again", () => {
    const first = decideOnMail(input(newCase(), { photos: [photo("IMG_1.jpg", { category: null })] }));
    const again = decideOnMail(input(first.case, { photos: [photo("IMG_1.jpg", { category: null })] }));
    expect(again.case.flags.map((f) => f.code)).toEqual(["unassigned_photo"]);
  });
});
