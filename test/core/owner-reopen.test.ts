// Owners and reopening (issue 18, part 7): pure team actions, recorded with the member's name.
import { beforeAll, describe, expect, it } from "vitest";
import { openCase } from "../../src/core/case/open-case.js";
import type { TeamResult } from "../../src/core/case/team-actions.js";
import { assignOwner, reopenCase, takeTeamAction } from "../../src/core/case/team-actions.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case } from "../../src/core/types.js";
import { repoRules } from "../support/rules.js";

const NOW = "2026-12-04T10:00:00.000Z";
let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

function newCase(): Case {
  return openCase("ACT-100001", { site: "Storgatan 1", nmEmail: "nina@kund.se", stations: 1, macsShipped: [], installService: false, locale: "sv" }, rules, "2026-12-01T10:00:00.000Z", "test").case;
}

function ok(r: TeamResult) {
  if (r.kind !== "ok") throw new Error(r.reason);
  return r.decision;
}

describe("assigning an owner", () => {
  it("records who assigned whom, and changes nothing else", () => {
    const c = newCase();
    const d = ok(assignOwner(c, "maja", "olle", rules, NOW));
    expect(d.case.owner).toEqual({ name: "maja", by: "olle", at: NOW });
    expect(d.case.stage).toBe(c.stage);
    expect(d.case.activityAt).toBe(c.activityAt);
    expect(d.outbox).toEqual([]);
    expect(d.events).toEqual([{ at: NOW, kind: "owner_changed", by: "olle", summary: "assigned to maja by olle", words: { code: "owner_assigned", params: { owner: "maja", by: "olle" } } }]);
  });

  it("says whose it was when it changes hands or is unassigned", () => {
    const mine = ok(assignOwner(newCase(), "maja", "maja", rules, NOW)).case;
    expect(ok(assignOwner(mine, "olle", "maja", rules, NOW)).events[0]?.summary).toBe("assigned to olle by maja (was maja)");
    const none = ok(assignOwner(mine, null, "olle", rules, NOW));
    expect(none.case.owner).toBeUndefined();
    expect(none.events[0]?.summary).toBe("unassigned by olle (was maja)");
  });

  it("refuses a no-op, an empty name and control characters", () => {
    const mine = ok(assignOwner(newCase(), "maja", "maja", rules, NOW)).case;
    expect(assignOwner(mine, "maja", "maja", rules, NOW)).toMatchObject({ kind: "refused", reason: "ACT-100001 is already assigned to maja", words: { code: "already_assigned" } });
    expect(assignOwner(newCase(), null, "maja", rules, NOW).kind).toBe("refused");
    expect(assignOwner(newCase(), "  ", "maja", rules, NOW).kind).toBe("refused");
    expect(assignOwner(newCase(), "ma\u0007ja", "maja", rules, NOW).kind).toBe("refused");
  });
});

describe("reopening a closed case", () => {
  it("returns it to the stage it was closed from, with the member's name and reason, reminders counting from now", () => {
    const closed = ok(takeTeamAction(newCase(), "close", "olle", "customer cancelled", { force: true }, rules, "2026-12-02T10:00:00.000Z")).case;
    expect(closed.closedFrom).toBe("open");
    const d = ok(reopenCase(closed, "maja", "the customer came back", rules, NOW));
    expect(d.case.stage).toBe("open");
    expect(d.case.closedFrom).toBeUndefined();
    expect(d.case.activityAt).toBe(NOW);
    expect(d.events).toEqual([
      {
        at: NOW,
        kind: "stage_changed",
        by: "maja",
        summary: "closed → open: reopened by maja: the customer came back",
        words: { code: "case_reopened", params: { to: "open", by: "maja", why: "the customer came back" } },
        stage: "open",
      },
    ]);
    expect(d.outbox).toEqual([]);
  });

  it("sends a case closed before the stage was kept to where its checklist stands", () => {
    const legacy: Case = { ...newCase(), stage: "closed" };
    expect(ok(reopenCase(legacy, "maja", "why", rules, NOW)).case.stage).toBe("open");
  });

  it("refuses a case that is not closed, and a reopen without a reason", () => {
    expect(reopenCase(newCase(), "maja", "why", rules, NOW)).toMatchObject({ kind: "refused", reason: expect.stringContaining("only a closed case can be reopened") });
    const closed = ok(takeTeamAction(newCase(), "close", "olle", "x", { force: true }, rules, NOW)).case;
    expect(reopenCase(closed, "maja", " ", rules, NOW)).toMatchObject({ kind: "refused", reason: "reopening needs a reason", words: { code: "reopen_needs_reason" } });
  });
});
