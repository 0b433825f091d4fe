/** The summary, list memberships and search terms derived from a case, and how a query token is read. */
import { describe, expect, it } from "vitest";
import { caseLists, caseSummary, MAX_SUMMARY_FLAGS, queryTerm, queryTokens, searchTerms } from "../../src/core/case/case-summary.js";
import type { Flag } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";

const flag = (id: string, at: string, over: Partial<Flag> = {}): Flag => ({ id, code: "unclear_answer", reason: "r", at, ...over });

describe("case summary", () => {
  it("keeps the newest open flags only, newest first, and counts them all", () => {
    const flags = Array.from({ length: MAX_SUMMARY_FLAGS + 2 }, (_, i) => flag(`f${i}`, `2026-11-2${i}T00:00:00.000Z`));
    const s = caseSummary(makeCase("ACT-100001", { flags: [...flags, flag("done", "2026-11-30T00:00:00.000Z", { resolved: { by: "a", at: "b", how: "c" } })] }));
    expect(s.openFlagCount).toBe(MAX_SUMMARY_FLAGS + 2);
    expect(s.flags.map((f) => f.id)).toEqual(["f6", "f5", "f4", "f3", "f2"]);
    expect(s.roles).toEqual(["network_manager", "installer"]);
  });

  it("puts a case on all, its stage, and flagged with one list per open flag code", () => {
    expect(caseLists(makeCase("ACT-100001"))).toEqual([{ kind: "all" }, { kind: "stage", stage: "open" }]);
    expect(caseLists(makeCase("ACT-100001", { stage: "closed", flags: [flag("a", "x"), flag("b", "y"), flag("c", "z", { code: "bounce" })] }))).toEqual([
      { kind: "all" },
      { kind: "stage", stage: "closed" },
      { kind: "flagged" },
      { kind: "flag", code: "unclear_answer" },
      { kind: "flag", code: "bounce" },
    ]);
  });

  it("derives terms a query token reads back: id, words and prefixes without diacritics, MAC, address, Message-ID", () => {
    const terms = searchTerms(makeCase("ACT-100001", { site: "Storgatan 1, Malmö", macsShipped: ["00:1A:2B:3C:4D:01"], messageIds: ["<Root@Vendor.example>"] }));
    for (const token of ["ACT-100001", "storgatan", "STORG", "malmo", "Malmö", "00-1a-2b-3c-4d-01", "001A.2B3C.4D01", "NM@customer.example", "<root@vendor.example>", "nina", "manager"]) {
      expect(terms).toContain(queryTerm(token));
    }
    expect(terms).not.toContain(queryTerm("st"));
    expect(queryTerm("123456789012")).toBe("w:123456789012");
  });

  it("splits a query on spaces, commas and semicolons and drops one-letter words", () => {
    expect(queryTokens(" Storgatan 1, Malmö ; a ")).toEqual(["Storgatan", "1", "Malmö"]);
  });
});
