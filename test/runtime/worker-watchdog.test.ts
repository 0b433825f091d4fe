// The queue watchdog on real Redis and BullMQ: a worker that takes no job while one waits raises
// `worker_stalled:<queue>`, and taking jobs again clears it; a worker busy at full capacity is not stalled.
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { RaisedAlert } from "../../src/runtime/operator-alerts.js";
import type { WorkerSample } from "../../src/runtime/worker-watchdog.js";
import { watchWorkers, workerStalled } from "../../src/runtime/worker-watchdog.js";
import { randomPrefix, redisUrl } from "../support/services.js";

const sample = (s: Partial<WorkerSample>): WorkerSample => ({ taken: 3, inFlight: 0, concurrency: 4, running: true, oldestWaitingMs: 90_000, ...s });

describe("worker watchdog", () => {
  it("calls a worker with free slots that took nothing while a job waited past the limit stalled, and no other", () => {
    expect(workerStalled(sample({}), sample({}), 60_000)).toBe(true);
    // Busy at full capacity: the waiting job waits for a slot, not for a dead worker.
    expect(workerStalled(sample({ inFlight: 4 }), sample({ inFlight: 4 }), 60_000)).toBe(false);
    // It took a job since the last look.
    expect(workerStalled(sample({ taken: 2 }), sample({}), 60_000)).toBe(false);
    // Nothing waits, or not for long.
    expect(workerStalled(sample({}), sample({ oldestWaitingMs: null }), 60_000)).toBe(false);
    expect(workerStalled(sample({}), sample({ oldestWaitingMs: 5_000 }), 60_000)).toBe(false);
    // A worker that is not running is stalled at the first look.
    expect(workerStalled(null, sample({ running: false }), 60_000)).toBe(true);
  });

  const conns: Redis[] = [];
  afterAll(() => conns.forEach((c) => c.disconnect()));

  it("raises worker_stalled for a worker that takes no job while one waits, and clears it once it takes jobs", async () => {
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    conns.push(connection);
    const prefix = `${randomPrefix("watchdog")}bull`;
    const queue = new Queue("ingest", { connection, prefix });
    // A worker that does not run: what a worker whose blocking connection died looks like from outside.
    const worker = new Worker("ingest", async () => "done", { connection, prefix, autorun: false, concurrency: 2 });
    const raised: RaisedAlert[] = [];
    const cleared: string[] = [];
    const watchdog = watchWorkers([{ worker, queue }], { alerts: { raise: (a) => raised.push(a), clear: (c) => cleared.push(c) }, stallMs: 300, everyMs: 3_600_000 });
    try {
      await watchdog.check();
      expect(raised).toEqual([]);
      await queue.add("mail", {}, { jobId: "m-1" });
      await new Promise((r) => setTimeout(r, 400));
      await watchdog.check();
      expect(raised).toHaveLength(1);
      expect(raised[0]).toMatchObject({ cause: "worker_stalled:ingest", severity: "critical", code: "worker_stalled" });
      expect(raised[0]?.message).toMatch(/takes no jobs: one has waited \d+ s with 2 of 2 slots free \(the worker is not running\)/);
      expect(raised[0]?.fix).toMatch(/restart this bot process/);

      void worker.run();
      await new Promise<void>((resolve) => worker.once("completed", () => resolve()));
      await watchdog.check();
      expect(cleared).toContain("worker_stalled:ingest");
      expect(raised).toHaveLength(1);
    } finally {
      watchdog.stop();
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
