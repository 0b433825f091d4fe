/**
 * Reminder jobs: delayed BullMQ jobs (they survive restarts, since they live in Redis), one per case
 * at a time. Activity plans the first step; each step, once fired, plans the next. Job ids name case,
 * stage, plan start and step, so planning twice is a no-op, and a step planned before newer activity
 * cancels itself, and so its plan, when it fires (app/remind.ts). Planning every step at once left
 * three delayed jobs behind each mail, and cost a backlog three job adds per mail.
 */
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Queues } from "../adapters/queue/queues.js";
import { REMIND_QUEUE, enqueueOutbox } from "../adapters/queue/queues.js";
import type { ReminderJobData, RemindOutcome } from "../app/remind.js";
import { fireReminder } from "../app/remind.js";
import { awaitingTeam, evaluateChecklist, participantOpenItems, teamStepIds } from "../core/case/checklist.js";
import { reminderPlanStart, reminderStep, teamEscalationAt } from "../core/case/reminders.js";
import { stageRule } from "../core/rules/rules.js";
import type { Case } from "../core/types.js";
import type { Context } from "../main.js";
import { caseCommandDeps } from "../main.js";

type Plan = Pick<ReminderJobData, "caseId" | "stage" | "plannedFrom">;

/** Hands a committed case's new outbox entries and its reminder plan to the queues. */
export async function dispatchCommitted(queues: Queues, ctx: Context, c: Case, outboxKeys: string[]): Promise<void> {
  await enqueueOutbox(queues, outboxKeys);
  await scheduleReminders(queues, ctx, c);
}

/**
 * Plans the first reminder step from the case's last activity, if its stage waits on someone, and
 * the team escalation when the stage waits on the team alone (a team step that waits too long).
 */
export async function scheduleReminders(queues: Queues, ctx: Context, c: Case): Promise<void> {
  await Promise.all([
    stageRule(ctx.rules, c.stage).reminders ? scheduleStep(queues, ctx, { caseId: c.id, stage: c.stage, plannedFrom: reminderPlanStart(c) }, 1) : undefined,
    scheduleTeamEscalation(queues, ctx, c),
  ]);
}

/** One job per case, stage and activity: planning twice is a no-op; it checks the case again when it fires. */
async function scheduleTeamEscalation(queues: Queues, ctx: Context, c: Case): Promise<void> {
  if (teamStepIds(ctx.rules, c.stage).size === 0) return;
  const checklist = evaluateChecklist(c, ctx.rules);
  if (!awaitingTeam(checklist, c.stage, ctx.rules).some((i) => i.state.status === "missing") || participantOpenItems(checklist, c.stage, ctx.rules).length > 0) return;
  const data: ReminderJobData = { caseId: c.id, stage: c.stage, plannedFrom: c.activityAt, n: 0, kind: "team_escalation" };
  await queues.remind.add("remind", data, {
    jobId: `${c.id}-${c.stage}-${Date.parse(c.activityAt)}-team`,
    delay: Math.max(0, Date.parse(teamEscalationAt(c.activityAt, ctx.rules.reminders)) - ctx.clock.now().getTime()),
  });
}

/** After a step fired, or had fired before this retry, the plan's next step is planned. */
export async function planNextStep(queues: Queues, ctx: Context, fired: ReminderJobData, outcome: RemindOutcome): Promise<void> {
  if (outcome.kind === "cancelled" || fired.kind === "team_escalation") return;
  await scheduleStep(queues, ctx, fired, fired.n + 1);
}

async function scheduleStep(queues: Queues, ctx: Context, plan: Plan, n: number): Promise<void> {
  const step = reminderStep(plan.plannedFrom, n, ctx.rules.reminders);
  if (!step) return;
  const data: ReminderJobData = { caseId: plan.caseId, stage: plan.stage, plannedFrom: plan.plannedFrom, n: step.n, kind: step.kind };
  await queues.remind.add("remind", data, {
    jobId: `${plan.caseId}-${plan.stage}-${Date.parse(plan.plannedFrom)}-${step.n}`,
    delay: Math.max(0, Date.parse(step.at) - ctx.clock.now().getTime()),
  });
}

export function startReminderWorker(
  queues: Queues,
  ctx: Context,
  connection: Redis,
): Worker {
  const deps = caseCommandDeps(ctx);
  const worker = new Worker<ReminderJobData>(
    REMIND_QUEUE,
    async (job) => {
      const outcome = await fireReminder(deps, job.data);
      ctx.log.info({ case: job.data.caseId, step: job.data.n, outcome: outcome.kind }, "reminder fired");
      if (outcome.kind === "done") await enqueueOutbox(queues, outcome.outbox);
      await planNextStep(queues, ctx, job.data, outcome);
    },
    { connection, prefix: queues.prefixes.remind, concurrency: 2 },
  );
  worker.on("error", (err) => ctx.log.error({ err }, "reminder worker error"));
  return worker;
}
