import { beforeAll, describe, expect, it } from "vitest";
import { addWorkingDays, decideReminder, reminderPlan, reminderStep } from "../../src/core/case/reminders.js";
import { openCase } from "../../src/core/case/open-case.js";
import type { Rules } from "../../src/core/rules/rules.js";
import { repoRules } from "../support/rules.js";

let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

describe("reminders count working days in the desk's time zone", () => {
  it("skips the weekend: three working days after a Thursday is the next Tuesday, 09:00 Stockholm", () => {
    // 2026-11-26 is a Thursday; 09:00 CET is 08:00 UTC.
    expect(addWorkingDays("2026-11-26T10:00:00Z", 3, rules.reminders).toISOString()).toBe("2026-12-01T08:00:00.000Z");
  });

  it("skips the holidays listed in rules (Christmas)", () => {
    // Tue 22 Dec + 3 working days: 23, (24, 25 holidays, 26-27 weekend), 28, 29.
    expect(addWorkingDays("2026-12-22T10:00:00Z", 3, rules.reminders).toISOString()).toBe("2026-12-29T08:00:00.000Z");
  });

  it("plans the reminders of rules/reminders.yaml and an escalation after them", () => {
    const plan = reminderPlan("2026-11-26T10:00:00Z", rules.reminders);
    expect(plan.map((s) => s.kind)).toEqual(["reminder", "reminder", "escalation"]);
    expect(plan[0]?.at).toBe("2026-12-01T08:00:00.000Z");
  });

  it("gives one step at a time, and none past the escalation", () => {
    const plan = reminderPlan("2026-11-26T10:00:00Z", rules.reminders);
    expect(plan.map((s) => reminderStep("2026-11-26T10:00:00Z", s.n, rules.reminders))).toEqual(plan);
    expect(reminderStep("2026-11-26T10:00:00Z", plan.length + 1, rules.reminders)).toBeUndefined();
    expect(reminderStep("2026-11-26T10:00:00Z", 0, rules.reminders)).toBeUndefined();
  });
});

describe("a reminder when it fires", () => {
  const opened = () =>
    openCase("ACT-100001", { site: "S", nmEmail: "nm@kund.se", stations: 1, macsShipped: [], installService: false, locale: "sv" }, rules, "2026-11-26T10:00:00.000Z", "t").case;

  it("reminds the stage's audience of the open items", () => {
    const c = opened();
    const r = decideReminder(c, { stage: "open", n: 1, kind: "reminder", plannedFrom: c.activityAt }, rules, "2026-12-01T08:00:00.000Z");
    expect(r.kind).toBe("due");
    if (r.kind !== "due") return;
    expect(r.decision.outbox[0]).toMatchObject({ kind: "reminder", to: ["nm@kund.se"] });
    expect(r.decision.outbox[0]?.content.open.map((o) => o.id)).toEqual(["account.organisation", "account.flex_billing", "account.contacts"]);
  });

  it("is cancelled by activity after it was planned, and by a stage change", () => {
    const c = opened();
    const later = { ...c, activityAt: "2026-11-27T10:00:00.000Z" };
    expect(decideReminder(later, { stage: "open", n: 1, kind: "reminder", plannedFrom: c.activityAt }, rules, "2026-12-01T08:00:00.000Z").kind).toBe("cancelled");
    const moved = { ...c, stage: "commissioning" as const };
    expect(decideReminder(moved, { stage: "open", n: 1, kind: "reminder", plannedFrom: c.activityAt }, rules, "2026-12-01T08:00:00.000Z").kind).toBe("cancelled");
  });

  it("escalates to the flagged queue after the last reminder", () => {
    const c = opened();
    const r = decideReminder(c, { stage: "open", n: 3, kind: "escalation", plannedFrom: c.activityAt }, rules, "2026-12-10T08:00:00.000Z");
    expect(r.kind === "due" && r.decision.case.flags.map((f) => f.code)).toEqual(["no_reply_escalation"]);
  });
});
