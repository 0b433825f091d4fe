// Jobs a dead process of this host held, on real Redis and BullMQ: handed back to wait at start-up
// rather than after their locks lapse; a live process's jobs and another host's are left alone.
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createQueues, handOnJobsOfDeadWorkers } from "../../src/adapters/queue/queues.js";
import { workerIsDead } from "../../src/runtime/leader-lock.js";
import { randomPrefix, redisUrl } from "../support/services.js";

/** The pid of a process that ran and ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((r) => child.once("exit", r));
  return child.pid ?? 0;
}

describe("jobs of dead workers", () => {
  const conns: Redis[] = [];
  afterAll(() => conns.forEach((c) => c.disconnect()));

  it("names dead only a process of this host that no longer runs, or this pid's earlier life", async () => {
    const gone = await deadPid();
    expect(workerIsDead(`${hostname()}:${gone}`, false)).toBe(true);
    expect(workerIsDead(`${hostname()}:${process.pid}`, false)).toBe(false);
    expect(workerIsDead(`${hostname()}:${process.pid}`, true)).toBe(true);
    expect(workerIsDead(`another-host:${gone}`, false)).toBe(false);
    expect(workerIsDead("not a worker name", false)).toBe(false);
  });

  it("hands a dead worker's active job on at once, so the next worker takes it though its lock has not lapsed", async () => {
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    conns.push(connection);
    const queues = createQueues(connection, randomPrefix("deadjobs"), 3);
    const gone = await deadPid();
    await queues.ingest.add("mail", { blob: "b1", uidValidity: "1", uid: 1, seenAt: 0 }, { jobId: "1-1" });
    await queues.ingest.add("mail", { blob: "b2", uidValidity: "1", uid: 2, seenAt: 0 }, { jobId: "1-2" });
    // Two workers take one job each and stop without finishing it, their locks held for a minute: one
    // named after the dead process, one after another host's.
    for (const name of [`${hostname()}:${gone}`, `another-host:${gone}`]) {
      const w = new Worker(queues.ingest.name, null, { connection, prefix: queues.prefixes.ingest, name, autorun: false, lockDuration: 60_000 });
      expect(await w.getNextJob(`token-${name}`, { block: false })).toBeTruthy();
      await w.close(true);
    }
    const handed = await handOnJobsOfDeadWorkers(queues.ingest, connection, (n) => workerIsDead(n, false));
    expect(handed).toHaveLength(1);
    const done: string[] = [];
    const next = new Worker(queues.ingest.name, async (job) => void done.push(job.id ?? ""), { connection, prefix: queues.prefixes.ingest, stalledInterval: 500 });
    try {
      await new Promise<void>((resolve) => next.on("completed", () => resolve()));
      // The other host's job keeps its lock: it waits for the lapse, as before.
      expect(done).toEqual(handed);
      expect(await queues.ingest.getJobState(done[0] ?? "")).toBe("completed");
    } finally {
      await next.close();
      await queues.close();
    }
  }, 30_000);
});
