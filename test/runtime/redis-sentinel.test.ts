// Sentinel failover against real processes: master, replica and three sentinels on loopback. The bot's
// connections (connectRedis: the store's and BullMQ's) follow the failover; jobs added before, during
// and after the master's death all complete and their writes are on the new master.
import { randomBytes } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRedisSettings } from "../../src/adapters/redis/boot-check.js";
import { connectRedis } from "../../src/adapters/redis/connect.js";
import { withDeadline } from "../../src/runtime/job-deadline.js";
import type { SentinelTopology } from "../support/sentinel-redis.js";
import { MASTER_NAME, REPLICA_PORT, redisServerAvailable, startSentinelTopology } from "../support/sentinel-redis.js";

const JOBS = 40;

describe.skipIf(!redisServerAvailable())("Redis behind Sentinel", () => {
  let topo: SentinelTopology;
  beforeAll(async () => {
    topo = await startSentinelTopology();
  });
  afterAll(async () => {
    await topo?.stop();
  });

  const target = () => ({ REDIS_URL: "redis://127.0.0.1:6379", REDIS_SENTINELS: topo.sentinels, REDIS_SENTINEL_NAME: MASTER_NAME, REDIS_SENTINEL_PASSWORD: undefined });

  it("boot check passes on the master Sentinel names, and names the setting on a Redis without AOF", async () => {
    const viaSentinel = connectRedis(target());
    expect(await checkRedisSettings(viaSentinel)).toEqual({ ok: true });
    viaSentinel.disconnect();
    // The shared test Redis runs without persistence: the refusal names the setting.
    const plain = new Redis("redis://127.0.0.1:6379");
    const check = await checkRedisSettings(plain);
    const aof = ((await plain.config("GET", "appendonly")) as string[])[1];
    plain.disconnect();
    if (aof !== "yes") {
      expect(check).toMatchObject({ ok: false, code: "redis_aof_off" });
      expect(check.ok || check.message).toMatch(/appendonly yes/);
    }
  });

  // A command in flight at the kill can be lost with its connection, and the job that awaits it then
  // never finishes: the lock manager keeps extending its lock, so the stalled check never hands it out
  // (seen: "active, ran 1×, lock ttl 2990" 40 s after the failover). The bot's worker watchdog
  // (JOB_DEADLINE_MS, runtime/job-deadline.ts) fails such an attempt and BullMQ retries it; this worker
  // runs its jobs under the same watchdog, with a deadline to suit the test.
  // Regression, "a connection that never answers again after the failover": it was this test's WAIT.
  // WAIT blocks its connection until a replica acknowledges, and after the failover the new master had
  // no replica, so every job's WAIT held the one shared connection for its whole timeout, one after the
  // other: the jobs hit their deadlines while ioredis itself had long followed the failover. The old
  // master now comes back (as a restarted pod would) and the sentinels make it the new master's replica.
  it("store and BullMQ worker follow a failover: every job completes, every write is on the new master", async () => {
    const prefix = `ab-sent-${randomBytes(4).toString("hex")}:`;
    const store = connectRedis(target());
    const workerConn = connectRedis(target());
    const queueConn = connectRedis(target());
    const queue = new Queue("ingest", { connection: queueConn, prefix: `${prefix}bull` });
    const runs = new Map<string, number>();
    const worker = new Worker(
      "ingest",
      (job) =>
        withDeadline(
          (async () => {
            runs.set(job.id!, (runs.get(job.id!) ?? 0) + 1);
            await store.set(`${prefix}mail:${job.id}`, "done");
            // Replication is asynchronous: a write counts once a replica has it (else a kill right after
            // it loses it). Between the failover and the old master's return there is no replica: the
            // short timeout keeps WAIT from holding the shared connection for long then.
            await store.wait(1, 500);
          })(),
          10_000,
          `job ${job.id}`,
        ),
      // Jobs in flight at the kill lose their completion; BullMQ's stalled check hands them out again
      // once their lock expires (defaults: 30 s lock, 30 s check; shorter here to keep the test short).
      { connection: workerConn, prefix: `${prefix}bull`, concurrency: 4, lockDuration: 4000, stalledInterval: 2000 },
    );
    const add = async (i: number) => queue.add("mail", { i }, { jobId: `mail-${i}`, attempts: 10, backoff: { type: "fixed", delay: 200 } });

    for (let i = 0; i < JOBS / 2; i++) await add(i);
    // The queue's record is the truth, not this worker's "completed" events: a completion whose reply
    // was lost at the kill is sent again on the new master, where the job is already completed, and
    // that attempt then reports an error although the job is done.
    const completed = async () => (await queue.getJobCounts("completed")).completed ?? 0;
    while ((await completed()) < JOBS / 4) await new Promise((r) => setTimeout(r, 20));
    topo.killMaster();
    const rejoined = topo.rejoinOldMaster();
    rejoined.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
    for (let i = JOBS / 2; i < JOBS; i++) await add(i);
    await rejoined;

    const until = Date.now() + 40_000;
    while ((await completed()) < JOBS && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const done = new Set(await queue.getJobs(["completed"], 0, -1).then((jobs) => jobs.map((j) => j.id)));
    const missing = Array.from({ length: JOBS }, (_, i) => `mail-${i}`).filter((id) => !done.has(id));
    const states = await Promise.all(missing.map(async (id) => `${id}: ${await (await queue.getJob(id))?.getState()}, ran ${runs.get(id) ?? 0}×, lock ttl ${await store.pttl(`${prefix}bull:ingest:${id}:lock`)}, stalled ${await store.sismember(`${prefix}bull:ingest:stalled`, id)}, stalled-check ttl ${await store.pttl(`${prefix}bull:ingest:stalled-check`)}, done ${await store.get(`${prefix}mail:${id}`)}`));
    expect(states).toEqual([]);

    // Every connection followed the failover: none ended (ioredis' "end" is for good).
    expect([store, workerConn, queueConn].map((c) => c.status)).toEqual(["ready", "ready", "ready"]);
    // The new master is the old replica, and holds every job's write.
    expect(/tcp_port:(\d+)/.exec(await store.info("server"))?.[1]).toBe(String(REPLICA_PORT));
    expect(((await store.call("ROLE")) as unknown[])[0]).toBe("master");
    const values = await store.mget(...Array.from({ length: JOBS }, (_, i) => `${prefix}mail:mail-${i}`));
    expect(values.filter((v) => v === "done")).toHaveLength(JOBS);
    // At-least-once: only jobs in flight at the kill may run again (the bot's mail ledger dedupes them).
    const reruns = [...runs.values()].filter((n) => n > 1).length;
    expect(reruns).toBeLessThanOrEqual(4);

    await worker.close();
    await queue.close();
    for (const c of [store, workerConn, queueConn]) c.disconnect();
  }, 90_000);
});
