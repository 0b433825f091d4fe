/**
 * What a person of the desk must do about one case, one item per thing (SPEC §6 queue): every open
 * flag, evidence that failed its check, a case ready to activate, a participant whose mail bounces, a
 * case whose escalation is at most a working day away. Each says on whom the case waits and since
 * when, and when the next reminder goes out. Pure: the caller passes the time.
 */
import type { Rules } from "../rules/rules.js";
import type { Case, StageId } from "../types.js";
import { evaluateChecklist } from "./checklist.js";
import { reminderPlan, reminderPlanStart, workingDaysBetween } from "./reminders.js";

export const WORK_CAUSES = ["flag", "evidence_rejected", "ready_to_activate", "bounced", "near_escalation"] as const;
export type WorkCause = (typeof WORK_CAUSES)[number];

export interface WorkItem {
  /** Null for a mail tied to no case (unmatched, ambiguous, quarantined). */
  caseId: string | null;
  site: string;
  stage: StageId;
  locale: string;
  cause: WorkCause;
  /** The flag code, checklist item id or address the item is about. */
  subject: string;
  /** The cause in words. */
  what: string;
  waitingOn: "team" | "participants";
  since: string;
  workingDays: number;
  nextReminder: string | null;
}

/** Stages in which the bot reminds and escalates (rules/reminders.yaml applies). */
const DONE_STAGES: ReadonlySet<StageId> = new Set<StageId>(["activated", "closed"]);

export function workItems(c: Case, rules: Rules, now: string): WorkItem[] {
  if (c.stage === "closed") return [];
  const r = rules.reminders;
  const plan = DONE_STAGES.has(c.stage) ? [] : reminderPlan(reminderPlanStart(c) || c.openedAt, r);
  const next = plan.find((s) => s.at > now) ?? null;
  const base = { caseId: c.id, site: c.site, stage: c.stage, locale: c.locale, nextReminder: next?.at ?? null };
  const item = (cause: WorkCause, subject: string, what: string, waitingOn: WorkItem["waitingOn"], since: string): WorkItem => ({
    ...base,
    cause,
    subject,
    what,
    waitingOn,
    since,
    workingDays: workingDaysBetween(since, now, r),
  });

  const items: WorkItem[] = [];
  for (const f of c.flags) if (!f.resolved) items.push(item("flag", f.code, f.reason, "team", f.at));
  for (const i of evaluateChecklist(c, rules).items) {
    if (i.state.status === "failed") items.push(item("evidence_rejected", i.id, i.state.reason, "participants", c.activityAt || c.openedAt));
  }
  if (c.stage === "ready_for_activation") items.push(item("ready_to_activate", c.id, "every item is in: activate the stations", "team", c.activityAt || c.openedAt));
  for (const p of c.participants) {
    if (p.undeliverable) items.push(item("bounced", p.email, `mail to ${p.email} bounces: ${p.undeliverable.diagnostic}`, "team", p.undeliverable.at));
  }
  if (next?.kind === "escalation" && workingDaysBetween(now, next.at, r) <= 1) {
    items.push(item("near_escalation", c.id, "escalates within a working day unless someone answers", "participants", c.activityAt || c.openedAt));
  }
  return items;
}
