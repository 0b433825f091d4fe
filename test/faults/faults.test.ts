/**
 * The fault suite's short version (issue 20; `npm run faults` is the full one): the bot as
 * `activation-bot run` in its own process as deployed (`node <build>/cli/main.js run`, built once per
 * sources by bot-build.ts), on the suite's own Redis with AOF, the IMAP server behind a
 * cuttable proxy (and, for the Cluster's failover, on a cluster of its own). Small workloads, one run of each scenario: nothing lost, stranded, flagged wrongly,
 * sent twice or reused, and the watcher's backoff back at its first step after every cut.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { botBuild } from "./bot-build.js";
import type { PrivateRedis } from "./private-redis.js";
import { startPrivateRedis } from "./private-redis.js";
import type { ScenarioResult } from "./scenarios.js";
import { FAULTS_CLUSTER_PORT, botKill, clusterFailover, imapOutage, redisKill, repeatedCuts, storeWiped } from "./scenarios.js";
import { startClusterTopology } from "../support/cluster-redis.js";

/**
 * What every scenario must hold, whatever the machine's load. How fast it recovers (the 15 s goal,
 * the reconnect delays) is a speed target: `npm run faults` measures it and prints it, as the
 * benchmarks do; a timed assertion here failed on a loaded machine where Node alone took 25 s to start.
 */
function expectClean(r: ScenarioResult): void {
  expect(r.figures, JSON.stringify(r)).toMatchObject({ lost: 0, stuck: 0, wrongFlags: 0, duplicated: 0, sentDuplicates: 0, unanswered: 0, reusedIds: 0, unrecorded: 0, unrecordedSends: 0 });
}

describe("faults", () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    // The build (tsc, 45–90 s on a loaded machine) is made once here, not inside a scenario's time.
    await botBuild();
    redis = await startPrivateRedis();
  }, 300_000);
  afterAll(async () => {
    await redis?.stop();
  });

  it("strands nothing when IMAP is out for 10 s while mail is being processed", async () => {
    const r = await imapOutage(redis, { cases: 8, seed: 1, outageMs: 10_000 });
    expect(r.notes.jobsInFlightAtCut).toBeGreaterThanOrEqual(3);
    expectClean(r);
  }, 120_000);

  it("reconnects after the 8th cut in a row as fast as after the first", async () => {
    const r = await repeatedCuts(redis, { cases: 8, seed: 2, cuts: 8, cutMs: 1000 });
    expectClean(r);
    // Without a reset the 7th and 8th cut waited the 7th and 8th backoff step (the old cap, 30 s); with
    // it, the first failure after every cut is the watcher's first attempt again.
    expect(r.notes.firstAttempt, JSON.stringify(r.notes)).toEqual(Array.from({ length: 8 }, () => 1));
  }, 120_000);

  it("answers mail that was in flight when the bot was SIGKILLed, once, after a restart", async () => {
    expectClean(await botKill(redis, { cases: 8, seed: 3 }));
  }, 120_000);

  it("restores the commits a Redis restart lost though their mails were in Processed, and sends nothing twice", async () => {
    // The AOF cut back to before the workload's first mail: every commit of it is gone, also those
    // whose mails were moved (what a power loss under appendfsync everysec does to its last second).
    const r = await redisKill(redis, { cases: 6, seed: 5, downMs: 1000, cutAofMs: 60_000, killAfterMoves: 3 });
    const lost = r.notes.lostByCut as { ledger: number; ledgerOfProcessedMail: number; sentMarks: number };
    expect(lost.ledgerOfProcessedMail, JSON.stringify(r.notes)).toBeGreaterThanOrEqual(3);
    expect(r.notes.restored).toMatchObject({ ledger: lost.ledger, sentMarks: lost.sentMarks });
    expectClean(r);
  }, 180_000);

  it("notices a wiped store, takes no mail into it, refuses to restart on it, and reuses no id after --fresh", async () => {
    const r = await storeWiped(redis, { cases: 4, seed: 4 });
    expectClean(r);
    expect(r.notes).toMatchObject({ tookMailAfterWipe: false, restartExitCode: 2, refusalNamesFix: true });
    expect(String(r.notes.readyzStore)).toMatch(/^store_lost/);
    const old = new Set(r.notes.oldCases as string[]);
    expect((r.notes.newCases as string[]).filter((id) => old.has(id))).toEqual([]);
  }, 120_000);

  // By seed (scenarios.ts clusterFailover): 6 kills the master of the store's index slot, 8 the outbox
  // queue's, whose answers' jobs a failover loses: the outbox sweep must queue them again from the
  // pending list.
  it.each([
    ["the store's index slot", 6],
    ["the outbox queue's slot", 8],
  ] as const)("follows a Redis Cluster's failover of the master serving %s, losing and repeating nothing", async (_master, seed) => {
    const topo = await startClusterTopology({ replicas: 1, basePort: FAULTS_CLUSTER_PORT });
    try {
      const r = await clusterFailover(topo, { cases: 8, seed });
      expectClean(r);
      expect(r.notes.halfDoneAtEnd, JSON.stringify(r.notes)).toBe(0);
    } finally {
      await topo.stop();
    }
  }, 180_000);
});
