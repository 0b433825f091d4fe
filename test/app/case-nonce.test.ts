/** A case id handed out twice (a lost store) must not give two cases the same Message-IDs (issue 20). */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import { composeOutbox } from "../../src/app/compose-outbox.js";
import type { ComposeDeps } from "../../src/app/compose-outbox.js";
import { openCase } from "../../src/core/case/open-case.js";
import { highestCaseNumber } from "../../src/core/mail/case-tag.js";
import { REPO_ROOT, repoRules } from "../support/rules.js";

const REQUEST = { site: "Storgatan 1, Malmö", nmEmail: "nina@kund.example", stations: 1, macsShipped: [], installService: false, locale: "sv" as const };

describe("case nonce", () => {
  it("gives two cases opened under one id different outbox keys and Message-IDs", async () => {
    const rules = await repoRules();
    const deps: ComposeDeps = {
      renderer: await loadTemplates(join(REPO_ROOT, "templates")),
      mailFrom: "Aktiveringar <desk@desk.example>",
      mailFromAddress: "desk@desk.example",
      mailDomain: "desk.example",
      plusAddressing: true,
      secret: "0123456789abcdef0123",
      blankForm: () => Promise.reject(new Error("no forms in this test")),
    };
    const now = "2026-12-04T12:00:00.000Z";
    const first = async (nonce?: string) => {
      const d = openCase("ACT-100001", REQUEST, rules, now, "test", nonce);
      const { entries } = await composeOutbox(deps, d.case, d.checklist, d.outbox, "open:ACT-100001", now);
      return entries[0];
    };
    const [a, b, again, old] = await Promise.all([first("aaaaaaaaaaaa"), first("bbbbbbbbbbbb"), first("aaaaaaaaaaaa"), first()]);
    expect(a?.messageId).not.toBe(b?.messageId);
    expect(a?.key).not.toBe(b?.key);
    // Deterministic per case: a retry of the same case's commit composes the same entry.
    expect(again?.messageId).toBe(a?.messageId);
    // Cases opened before the nonce existed keep the Message-IDs they had.
    expect(old?.messageId).toMatch(/^<act-100001\.[0-9a-f]{16}\.[a-z2-7]{8}@desk\.example>$/);
    expect(old?.messageId).not.toBe(a?.messageId);
  });

  it("reads the highest case number from subjects, for the id floor after a lost store", () => {
    expect(highestCaseNumber(["[ACT-100007] Aktivering (ref abcdefgh)", "Re: [ACT-100012] x", "no tag", "[act-100009]"])).toBe(100012);
    expect(highestCaseNumber([])).toBe(0);
  });
});
