/**
 * Gauges read from the store and the queues when /metrics is scraped (issue "Cost follows open work"):
 * open work by stage and by flag, the outbox backlog and its age, the queues' depths, and Redis memory
 * per case. Each is one ZCARD, ZRANGE or INFO per scrape — none reads a case — so a scrape costs the same
 * at 100 000 cases as at 100. A failing read leaves the gauge at its last value and counts the failure:
 * the scrape itself never fails.
 */
import type { Queue } from "bullmq";
import { Counter, Gauge, Histogram, type Registry } from "prom-client";
import type { CaseStore } from "../adapters/redis/case-store.js";
import type { OverviewSource } from "../app/ports.js";
import { FLAG_CODES, type StageId } from "../core/types.js";
import { registerOverviewMetrics } from "./overview-metrics.js";

export interface StoreMetricSources {
  /** The case store: it owns its key names, the gauges only ask it for sizes. */
  store: Pick<CaseStore, "gaugeCounts" | "oldestPendingOutbox" | "oldestDraft" | "memoryAndCases" | "unfinishedSteps">;
  /** The overview's indexes (adapters/redis/overview-store.ts), for time in stage, weekly counts and reply lag. */
  overview: OverviewSource;
  stages: readonly StageId[];
  queues: Record<string, Pick<Queue, "getJobCounts">>;
  /** The clock of the overview's times in stage and windows (Date.now when absent; tests set it). */
  now?: () => number;
}

/** The BullMQ job states an operator watches; completed jobs are removed and not counted. */
const JOB_STATES = ["waiting", "active", "delayed", "failed", "prioritized"] as const;

export function registerStoreMetrics(registry: Registry, src: StoreMetricSources) {
  /** The reads of the scrape under way: prom-client starts every metric's collect at once. */
  const inFlight = new Set<Promise<void>>();
  const guarded = (gauge: string, read: () => Promise<void>) => () => {
    const p = read().catch(() => readFailures.inc({ gauge }));
    inFlight.add(p);
    return p.finally(() => inFlight.delete(p));
  };

  const casesByStage = new Gauge({
    name: "activation_bot_cases",
    help: "Cases in the store, by stage (closed included; archived cases are not in the hot store)",
    labelNames: ["stage"] as const,
    registers: [registry],
    collect: guarded("cases", async () => {
      const n = await src.store.gaugeCounts(src.stages.map((stage) => ({ kind: "stage", stage })));
      src.stages.forEach((stage, i) => casesByStage.set({ stage }, n.lists[i] ?? 0));
    }),
  });

  const flagsOpen = new Gauge({
    name: "activation_bot_flags_open",
    help: "Cases with an open flag, by the flag's code; loose flags (mail tied to no case) under code=loose",
    labelNames: ["code"] as const,
    registers: [registry],
    collect: guarded("flags", async () => {
      const n = await src.store.gaugeCounts(FLAG_CODES.map((code) => ({ kind: "flag", code })));
      FLAG_CODES.forEach((code, i) => flagsOpen.set({ code }, n.lists[i] ?? 0));
      flagsOpen.set({ code: "loose" }, n.looseOpen);
    }),
  });

  const outboxBacklog = new Gauge({
    name: "activation_bot_outbox_backlog",
    help: "Outbox entries not yet sent (state=pending), or sent but not yet filed in the Sent folder (state=unfiled)",
    labelNames: ["state"] as const,
    registers: [registry],
    collect: guarded("outbox", async () => {
      const n = await src.store.gaugeCounts([]);
      outboxBacklog.set({ state: "pending" }, n.outboxPending);
      outboxBacklog.set({ state: "unfiled" }, n.outboxUnfiled);
    }),
  });

  const outboxOldest = new Gauge({
    name: "activation_bot_outbox_oldest_pending_seconds",
    help: "Age of the oldest outbox entry not yet sent (0 when none waits)",
    registers: [registry],
    collect: guarded("outbox", async () => {
      const oldest = await src.store.oldestPendingOutbox();
      outboxOldest.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
    }),
  });

  const unfinished = new Gauge({
    name: "activation_bot_store_unfinished_changes",
    help: "Store changes whose index step waits (a Redis Cluster only: cut between the case's slot and the index slot; the outbox sweep finishes them)",
    registers: [registry],
    collect: guarded("outbox", async () => {
      unfinished.set(await src.store.unfinishedSteps());
    }),
  });

  // Supervised mode (core/case/drafts.ts): a draft left waiting holds a participant's answer back.
  const draftsWaiting = new Gauge({
    name: "activation_bot_drafts_waiting",
    help: "Drafts of the bot's mails (supervised mode) waiting for a team member to send, edit or discard them",
    registers: [registry],
    collect: guarded("drafts", async () => {
      draftsWaiting.set((await src.store.gaugeCounts([])).drafts);
    }),
  });

  const draftOldest = new Gauge({
    name: "activation_bot_drafts_oldest_seconds",
    help: "Age of the oldest draft waiting for the team (0 when none waits)",
    registers: [registry],
    collect: guarded("drafts", async () => {
      const oldest = await src.store.oldestDraft();
      draftOldest.set(oldest === null ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
    }),
  });

  const queueJobs = new Gauge({
    name: "activation_bot_queue_jobs",
    help: "Jobs in the bot's queues, by queue and state",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
    collect: guarded("queues", async () => {
      for (const [queue, q] of Object.entries(src.queues)) {
        const counts = await q.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) queueJobs.set({ queue, state }, counts[state] ?? 0);
      }
    }),
  });

  const bytesPerCase = new Gauge({
    name: "activation_bot_store_bytes_per_case",
    help: "Redis used_memory divided by the cases in the store (0 with no case); exact for a Redis of the bot's own",
    registers: [registry],
    collect: guarded("memory", async () => {
      const { usedMemory, cases } = await src.store.memoryAndCases();
      bytesPerCase.set(cases > 0 ? usedMemory / cases : 0);
    }),
  });

  // Time in stage, weekly arrivals and activations, reply lag (the desk's overview, overview-metrics.ts).
  registerOverviewMetrics(registry, src, guarded);

  // Registered after the gauges and waiting for their reads, so a scrape shows the failures of its own reads.
  const readFailures = new Counter({
    name: "activation_bot_metric_read_failures_total",
    help: "Scrapes in which a store or queue gauge could not be read (the gauge keeps its last value)",
    labelNames: ["gauge"] as const,
    registers: [registry],
    async collect() {
      await Promise.all(inFlight);
    },
  });

  return {
    /** From the outbox entry's commit to the SMTP server's acceptance; arrival→reply is this plus ingest_seconds. */
    outboxLagSeconds: new Histogram({
      name: "activation_bot_outbox_lag_seconds",
      help: "Time from an outbox entry's commit to its acceptance by the SMTP server",
      labelNames: ["kind"] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
  };
}
