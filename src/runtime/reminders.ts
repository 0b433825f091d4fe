/**
 * Reminder jobs: delayed BullMQ jobs (they survive restarts, since they live in Redis) planned from a
 * case's last activity. Job ids name case, stage, plan start and step, so planning twice is a no-op,
 * and a job planned before newer activity cancels itself when it fires (app/remind.ts).
 */
import { Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Queues } from "../adapters/queue/queues.js";
import { REMIND_QUEUE, enqueueOutbox } from "../adapters/queue/queues.js";
import type { ReminderJobData } from "../app/remind.js";
import { fireReminder } from "../app/remind.js";
import { reminderPlan } from "../core/case/reminders.js";
import { stageRule } from "../core/rules/rules.js";
import type { Case } from "../core/types.js";
import type { Context } from "../main.js";
import { caseCommandDeps } from "../main.js";

/** Hands a committed case's new outbox entries and its reminder plan to the queues. */
export async function dispatchCommitted(queues: Queues, ctx: Context, c: Case, outboxKeys: string[]): Promise<void> {
  await enqueueOutbox(queues, outboxKeys);
  await scheduleReminders(queues, ctx, c);
}

export async function scheduleReminders(queues: Queues, ctx: Context, c: Case): Promise<void> {
  if (!stageRule(ctx.rules, c.stage).reminders) return;
  const now = ctx.clock.now().getTime();
  await queues.remind.addBulk(
    reminderPlan(c.activityAt, ctx.rules.reminders).map((step) => ({
      name: "remind",
      data: { caseId: c.id, stage: c.stage, n: step.n, kind: step.kind, plannedFrom: c.activityAt } satisfies ReminderJobData,
      opts: { jobId: `${c.id}-${c.stage}-${Date.parse(c.activityAt)}-${step.n}`, delay: Math.max(0, Date.parse(step.at) - now) },
    })),
  );
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
    },
    { connection, prefix: queues.prefix, concurrency: 2 },
  );
  worker.on("error", (err) => ctx.log.error({ err }, "reminder worker error"));
  return worker;
}
