import { beforeAll, describe, expect, it } from "vitest";
import { evaluateChecklist } from "../../src/core/case/checklist.js";
import { openCase } from "../../src/core/case/open-case.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case, EvidenceRecord, ItemState, PhotoEvidence } from "../../src/core/types.js";
import { repoRules } from "../support/rules.js";

let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

const base = (): Case =>
  openCase("ACT-100001", { site: "S", nmEmail: "nm@kund.test", stations: 2, macsShipped: [], installService: true, locale: "sv" }, rules, "2026-11-26T10:00:00.000Z", "t").case;

const record = (over: Partial<EvidenceRecord>): EvidenceRecord => ({ mail: `m${Math.random()}`, at: "2026-11-26T11:00:00.000Z", from: "x@y.test", answers: {}, forms: [], photos: [], macs: [], ...over });
const photo = (category: string, stage: "site_readiness" | "commissioning", status: "ok" | "failed" = "ok"): PhotoEvidence => ({
  file: `${category}.jpg`,
  category,
  stage,
  status,
  reasons: status === "ok" ? [] : ["blurred"],
  measures: {},
});
const state = (c: Case, id: string): ItemState | undefined => evaluateChecklist(c, rules).items.find((i) => i.id === id)?.state;

describe("checklist items satisfied by documents", () => {
  it("counts per-station photo categories against the number of stations", () => {
    const cats = ["mac_label", "mounted_station", "electrical_connection"];
    const onePerCategory = cats.map((c) => photo(c, "commissioning"));
    let c: Case = { ...base(), evidence: [record({ photos: [...onePerCategory, photo("site_overview", "commissioning")] })] };
    const s = state(c, "commissioning.photos");
    expect(s?.status).toBe("failed");
    expect(s?.status === "failed" && s.reason).toContain("MAC-etikett 1/2");
    c = { ...c, evidence: [...c.evidence, record({ photos: onePerCategory })] };
    expect(state(c, "commissioning.photos")).toEqual({ status: "ok" });
  });

  it("does not count a site-preparation photo toward commissioning, nor a rejected one at all", () => {
    const c: Case = { ...base(), evidence: [record({ photos: [photo("site_overview", "site_readiness"), photo("electrical_panel", "site_readiness", "failed")] })] };
    expect(state(c, "commissioning.photos")).toEqual({ status: "missing" });
    const s = state(c, "site.photos");
    expect(s).toMatchObject({ status: "failed", code: "photos_rejected" });
  });

  it("takes the latest form, and needs one accepted MAC per station", () => {
    const failedForm = { form: "site_commissioning", file: "a.pdf", status: "failed" as const, reason: "”MAC-adress” är inte ifyllt.", fields: [] };
    const okForm = { form: "site_commissioning", file: "b.pdf", status: "ok" as const, fields: [] };
    let c: Case = { ...base(), evidence: [record({ forms: [failedForm], macs: [{ raw: "001A2B3C4D01", mac: "00:1A:2B:3C:4D:01", status: "ok", reasons: [] }] })] };
    expect(state(c, "commissioning.form")).toMatchObject({ status: "failed", reason: "”MAC-adress” är inte ifyllt." });
    expect(state(c, "commissioning.macs")).toEqual({ status: "missing" });
    c = { ...c, evidence: [...c.evidence, record({ forms: [okForm], macs: [{ raw: "00-1A-2B-3C-4D-02", mac: "00:1A:2B:3C:4D:02", status: "ok", reasons: [] }] })] };
    expect(state(c, "commissioning.form")).toMatchObject({ status: "ok", value: "b.pdf" });
    expect(state(c, "commissioning.macs")).toEqual({ status: "ok", value: ["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"] });
  });
});
