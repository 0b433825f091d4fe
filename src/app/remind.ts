/**
 * remind: fires one planned reminder step over ports. The step is re-checked against the case as it
 * is now (the core's decideReminder), so a reminder planned before progress does nothing.
 */
import { decideReminder, decideTeamEscalation } from "../core/case/reminders.js";
import { withTeamSteps } from "../core/case/work-items.js";
import type { StageId } from "../core/types.js";
import type { CaseCommandDeps } from "./case-commands.js";
import { composeOutbox } from "./compose-outbox.js";
import { holdSupervised } from "./supervision.js";

export interface ReminderJobData {
  caseId: string;
  stage: StageId;
  n: number;
  /** team_escalation: the flag for a team step that waits too long (planned apart from the reminders). */
  kind: "reminder" | "escalation" | "team_escalation";
  plannedFrom: string;
}

/**
 * `done`: the step happened now; `already_fired`: it had happened before (a retried job); `cancelled`:
 * the plan is over (the case moved on, had activity, or misses nothing).
 */
export type RemindOutcome = { kind: "cancelled"; reason: string } | { kind: "done"; outbox: string[] } | { kind: "already_fired" };

export async function fireReminder(deps: CaseCommandDeps, job: ReminderJobData): Promise<RemindOutcome> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await deps.store.getCase(job.caseId);
    if (!c) return { kind: "cancelled", reason: `no case ${job.caseId}` };
    const now = deps.clock.now().toISOString();
    const outcome = job.kind === "team_escalation" ? decideTeamEscalation(c, job, deps.rules, now) : decideReminder(c, { ...job, kind: job.kind }, deps.rules, now);
    if (outcome.kind === "cancelled") return outcome;
    const { decision } = outcome;
    const trigger = `remind:${job.stage}:${job.plannedFrom}:${job.kind === "team_escalation" ? "team" : job.n}`;
    const composed = await composeOutbox(deps.compose, withTeamSteps(decision.case, decision.checklist, deps.rules), decision.checklist, decision.outbox, trigger, now);
    // Supervised mode: the reminder waits as a draft, in this same commit, until a team member sends it.
    const supervised = await holdSupervised(deps.compose.supervision, composed.case, composed.entries, now);
    const result = await deps.store.commit({
      before: c,
      case: supervised.case,
      events: [...decision.events, ...supervised.events],
      outbox: composed.entries,
      mail: { key: `reminder:${job.caseId}:${trigger}`, outcome: "reminder" },
      messageIds: composed.entries.map((e) => e.messageId),
      looseFlags: [],
      ...(supervised.held.length ? { drafts: { hold: supervised.held } } : {}),
    });
    if (result === "already_handled") return { kind: "already_fired" };
    if (result === "committed") return { kind: "done", outbox: supervised.outgoing.map((e) => e.key) };
  }
  throw new Error(`case ${job.caseId} kept changing while firing a reminder`);
}
