// The work queue's next reminder follows a pause or a "remind now" of the team: the summary carries
// where the reminder plan starts, as the reminder queue plans it (reminderPlanStart).
import { beforeAll, describe, expect, it } from "vitest";
import { caseSummary } from "../../src/core/case/case-summary.js";
import { openCase } from "../../src/core/case/open-case.js";
import { reminderPlan, reminderPlanStart } from "../../src/core/case/reminders.js";
import { workIndex, workRows } from "../../src/core/case/work-items.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case } from "../../src/core/types.js";
import { repoRules } from "../support/rules.js";

const OPENED = "2026-12-01T10:00:00.000Z";
const NOW = "2026-12-02T10:00:00.000Z";
const PAUSED_UNTIL = "2026-12-14T08:00:00.000Z";
/** Any one thing to do, so the case has a row. */
const TO_DO = { cause: "flag", subject: "unknown_sender", what: "a stranger wrote", waitingOn: "team", since: NOW } as const;
let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

function newCase(): Case {
  return openCase("ACT-100001", { site: "Storgatan 1", nmEmail: "nina@kund.se", stations: 1, macsShipped: [], installService: false, locale: "sv" }, rules, OPENED, "test").case;
}

describe("the work queue's next reminder", () => {
  it("counts from the last activity when the team has not paused the reminders", () => {
    const c = newCase();
    const summary = caseSummary(c);
    expect(summary.remindFrom).toBeUndefined();
    const [row] = workRows({ ...summary, work: [TO_DO] }, rules, NOW);
    expect(row?.nextReminder).toBe(reminderPlan(c.activityAt, rules.reminders).find((s) => s.at > NOW)?.at);
  });

  it("counts from the end of a pause, in the summary the queue reads and in the escalation index", () => {
    const c: Case = { ...newCase(), reminderRestart: { from: PAUSED_UNTIL, by: "maja", at: NOW, cause: "paused" } };
    const summary = caseSummary(c);
    expect(summary.remindFrom).toBe(PAUSED_UNTIL);
    const [row] = workRows({ ...summary, work: [TO_DO] }, rules, NOW);
    const expected = reminderPlan(reminderPlanStart(c), rules.reminders).find((s) => s.at > NOW)?.at;
    expect(row?.nextReminder).toBe(expected);
    expect(row?.nextReminder && row.nextReminder > PAUSED_UNTIL).toBe(true);
    expect(workIndex(c)["work:activity"]).toBe(Date.parse(PAUSED_UNTIL));
  });
});
