/**
 * `npm run faults`: the fault suite at full size (issue 20). FAULTS_RUNS rounds (default 3), each one
 * run of every scenario with FAULTS_CASES cases (default 100); FAULTS_ONLY=imap_outage,bot_sigkill picks
 * scenarios. Prints one JSON line per scenario and one of totals (the goals: 0 lost, 0 stuck, 0 wrong
 * flags, 0 reused ids, recovery p95 ≤ 15 s, the 8th reconnect as fast as the 1st). redis_power_loss
 * runs Redis with `appendfsync everysec`, kills it once half the mails are in Processed and cuts its
 * AOF back 1 s: its notes say what the cut took and what the bot restored (commit-journal.ts).
 *
 * A campaign on a shared machine: FAULTS_RECORD=<file.jsonl> appends each run's line as it ends (with
 * the load average), FAULTS_UNTIL=<ISO time> starts no run after that time. A run that throws is
 * recorded with its error and counted, never ends the campaign.
 * `npx tsx test/faults/campaign-summary.ts <file.jsonl>` sums a record up per scenario.
 */
import { appendFileSync } from "node:fs";
import { loadavg } from "node:os";
import { basename, dirname } from "node:path";
import { botBuild } from "./bot-build.js";
import { startPrivateRedis } from "./private-redis.js";
import type { ScenarioOptions, ScenarioResult } from "./scenarios.js";
import { FAULTS_CLUSTER_PORT, botKill, clusterFailover, imapOutage, killAfterAccept, redisFailover, redisKill, repeatedCuts, smtpOutage, storeRebuilt, storeWiped, summarize, twoInstances } from "./scenarios.js";
import { startClusterTopology } from "../support/cluster-redis.js";
import { startSentinelTopology } from "../support/sentinel-redis.js";

const RUNS = Number(process.env.FAULTS_RUNS ?? 3);
const CASES = Number(process.env.FAULTS_CASES ?? 100);
const ONLY = process.env.FAULTS_ONLY?.split(",").filter(Boolean);
/** How long after the sink accepted an answer kill_after_smtp_accept kills the bot (the 4 ms). */
const AFTER_ACCEPT_MS = Number(process.env.FAULTS_AFTER_MS ?? 4);
const RECORD = process.env.FAULTS_RECORD;
const UNTIL = process.env.FAULTS_UNTIL ? Date.parse(process.env.FAULTS_UNTIL) : Infinity;
/**
 * How long a run may take to settle after its fault before what is left counts as stuck: a minute,
 * and 1.5 s a case beyond 40 (100 cases on a loaded 2-core machine take that long to work through;
 * the recovery figures say how long it really took).
 */
const SETTLE_MS = Math.max(60_000, CASES * 1500);

/** The build every run starts (`.faults-build/<hash of the sources>`), named in each record line. */
const build = basename(dirname(dirname((await botBuild()).main)));
const redis = await startPrivateRedis();
const scenarios: Record<string, (o: ScenarioOptions) => Promise<ScenarioResult>> = {
  imap_outage: (o) => imapOutage(redis, { ...o, outageMs: 10_000 + ((o.seed * 7919) % 20_000) }),
  repeated_cuts: (o) => repeatedCuts(redis, { ...o, cuts: 8, cutMs: 1000 }),
  bot_sigkill: (o) => botKill(redis, o),
  two_instances: (o) => twoInstances(redis, o),
  kill_after_smtp_accept: (o) => killAfterAccept(redis, { ...o, afterMs: AFTER_ACCEPT_MS }),
  // The same kill with the outbox sent by a process of its own: which setting leaves the smaller window.
  kill_after_smtp_accept_outbox_process: (o) => killAfterAccept(redis, { ...o, afterMs: AFTER_ACCEPT_MS, env: { OUTBOX_PROCESS: "true" } }),
  smtp_outage: (o) => smtpOutage(redis, { ...o, outageMs: 15_000 }),
  store_wiped: (o) => storeWiped(redis, o),
  store_rebuilt: (o) => storeRebuilt(redis, o),
  redis_sigkill: (o) => redisKill(redis, { ...o, downMs: 2000 }),
  // Redis behind Sentinel: the master killed in a burst, a fresh topology per run.
  redis_failover: async (o) => {
    const topo = await startSentinelTopology();
    try {
      return await redisFailover(topo, o);
    } finally {
      await topo.stop();
    }
  },
  // Redis Cluster: the master of the store's index slot killed in a burst, a fresh cluster per run.
  cluster_failover: async (o) => {
    const topo = await startClusterTopology({ replicas: 1, basePort: FAULTS_CLUSTER_PORT });
    try {
      return await clusterFailover(topo, o);
    } finally {
      await topo.stop();
    }
  },
  // A power loss under `appendfsync everysec`: the last second's commits gone, mails of it already in Processed.
  redis_power_loss: async (o) => {
    const lossy = await startPrivateRedis({ appendfsync: "everysec" });
    try {
      return await redisKill(lossy, { ...o, downMs: 2000, cutAofMs: 1000, killAfterMoves: Math.round(CASES / 2) });
    } finally {
      await lossy.stop();
    }
  },
};
const chosen = Object.keys(scenarios).filter((name) => !ONLY || ONLY.includes(name));
const results = new Map<string, ScenarioResult[]>(chosen.map((name) => [name, []]));
const errors = new Map<string, string[]>(chosen.map((name) => [name, []]));
const load = () => Number(loadavg()[0]?.toFixed(1));

try {
  for (let round = 1; round <= RUNS && Date.now() < UNTIL; round++) {
    for (const name of chosen) {
      if (Date.now() >= UNTIL) break;
      const started = Date.now();
      const loadBefore = load();
      let line: Record<string, unknown>;
      try {
        const r = await scenarios[name]!({ cases: CASES, seed: round, settleMs: SETTLE_MS });
        results.get(name)!.push(r);
        line = { ...r, scenario: name, round };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        errors.get(name)!.push(message);
        line = { scenario: name, round, error: message };
      }
      Object.assign(line, { build, cases: CASES, at: new Date(started).toISOString(), runMs: Date.now() - started, load1: [loadBefore, load()] });
      console.error(JSON.stringify(line));
      if (RECORD) appendFileSync(RECORD, JSON.stringify(line) + "\n");
    }
  }
  for (const name of chosen) {
    const rs = results.get(name)!;
    console.log(JSON.stringify({ scenario: name, ...summarize(rs), errors: errors.get(name)!, notes: rs.map((r) => r.notes) }));
  }
  console.log(JSON.stringify({ scenario: "all", ...summarize([...results.values()].flat()), errors: [...errors.values()].flat().length }));
} finally {
  await redis.stop();
}
process.exit(0);
