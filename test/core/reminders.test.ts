import { beforeAll, describe, expect, it } from "vitest";
import { addWorkingDays, deskDay, decideReminder, decideTeamEscalation, reminderPlan, reminderStep, teamEscalationAt } from "../../src/core/case/reminders.js";
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

  it("reads the same local date from a remembered quarter hour as from formatting each instant, across midnight and DST", () => {
    // Stockholm's DST ends and starts, Kathmandu's +05:45, Lord Howe's half-hour DST shift, Chatham's +12:45/+13:45.
    const zones: [string, string][] = [
      ["Europe/Stockholm", "2026-10-24T20:00:00Z"],
      ["Europe/Stockholm", "2026-03-28T20:00:00Z"],
      ["Asia/Kathmandu", "2026-12-03T16:00:00Z"],
      ["Australia/Lord_Howe", "2026-04-04T12:00:00Z"],
      ["Pacific/Chatham", "2026-09-26T09:00:00Z"],
    ];
    for (const [time_zone, from] of zones) {
      const r = { ...rules.reminders, time_zone };
      const format = new Intl.DateTimeFormat("sv-SE", { timeZone: time_zone, year: "numeric", month: "2-digit", day: "2-digit" });
      // Every 7 minutes 13 seconds over two days: instants on and off the quarter hours, in both directions.
      const start = Date.parse(from);
      const instants = Array.from({ length: 400 }, (_, i) => start + i * 433_000);
      for (const t of [...instants, ...instants.reverse()]) {
        const iso = new Date(t).toISOString();
        expect(deskDay(iso, r), `${time_zone} ${iso}`).toBe(format.format(t));
      }
    }
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

describe("a team step that waits too long (issue 22)", () => {
  const NM = "nm@kund.se";
  const answered = () => {
    const c = openCase("ACT-100002", { site: "S", nmEmail: NM, stations: 1, macsShipped: [], installService: false, locale: "sv" }, rules, "2026-11-26T10:00:00.000Z", "t").case;
    const ok = (text: string) => ({ status: "ok" as const, value: true, text });
    // The network manager answered every item of stage 1 on Thursday; only the team's verification holds the case.
    return {
      ...c,
      activityAt: "2026-11-26T12:00:00.000Z",
      evidence: [{ mail: "m1", at: "2026-11-26T12:00:00.000Z", from: NM, answers: { "account.organisation": ok("a"), "account.flex_billing": ok("b"), "account.contacts": ok("c") }, forms: [], photos: [], macs: [] }],
    };
  };
  const step = (c: { activityAt: string }) => ({ stage: "open" as const, plannedFrom: c.activityAt });

  it("is planned team_escalate_after_working_days working days after the last activity (Thursday + 2 = Monday 09:00)", () => {
    expect(rules.reminders.team_escalate_after_working_days).toBe(2);
    expect(teamEscalationAt("2026-11-26T12:00:00.000Z", rules.reminders)).toBe("2026-11-30T08:00:00.000Z");
  });

  it("flags the case team_step_overdue naming the step, and mails nobody", () => {
    const c = answered();
    const r = decideTeamEscalation(c, step(c), rules, "2026-11-30T08:00:00.000Z");
    expect(r.kind).toBe("due");
    if (r.kind !== "due") return;
    expect(r.decision.outbox).toEqual([]);
    expect(r.decision.case.flags.map((f) => [f.code, f.reason])).toEqual([
      ["team_step_overdue", "account.verified has waited on the commissioning team for 2 working days (since 2026-11-26T12:00:00.000Z)"],
    ]);
  });

  it("is cancelled when the team acted, the case moved on, a participant still owes an item, or the case is flagged already", () => {
    const c = answered();
    const at = "2026-11-30T08:00:00.000Z";
    const acted = { ...c, teamChecks: [{ item: "account.verified", verdict: "sent_back" as const, by: "Maja", at: "2026-11-27T09:00:00.000Z", reason: "org.nr" }] };
    expect(decideTeamEscalation(acted, step(c), rules, at)).toMatchObject({ kind: "cancelled" });
    expect(decideTeamEscalation({ ...c, stage: "commissioning" }, step(c), rules, at)).toMatchObject({ kind: "cancelled", reason: "case moved on to commissioning" });
    const owes = { ...c, evidence: [] };
    expect(decideTeamEscalation(owes, step(c), rules, at)).toMatchObject({ kind: "cancelled", reason: "the case waits on a participant too" });
    const once = decideTeamEscalation(c, step(c), rules, at);
    if (once.kind !== "due") throw new Error("not due");
    expect(decideTeamEscalation(once.decision.case, step(c), rules, at)).toMatchObject({ kind: "cancelled", reason: "already flagged" });
  });

  it("does not escalate a step the team sent back: that waits on the participant's fix", () => {
    const c = answered();
    const sentBack = { ...c, teamChecks: [{ item: "account.verified", verdict: "sent_back" as const, by: "Maja", at: c.activityAt, reason: "org.nr" }] };
    expect(decideTeamEscalation(sentBack, step(c), rules, "2026-11-30T08:00:00.000Z")).toMatchObject({ kind: "cancelled", reason: "no team step holds the case" });
  });
});
