/**
 * `npm run faults`: the fault suite at full size (issue 20). Every scenario FAULTS_RUNS times (default
 * 3) with FAULTS_CASES cases (default 100); FAULTS_ONLY=imap_outage,bot_sigkill picks scenarios.
 * Prints one JSON line per scenario and one of totals (the goals: 0 lost, 0 stuck, 0 wrong flags,
 * 0 reused ids, recovery p95 ≤ 15 s, the 8th reconnect as fast as the 1st). redis_power_loss runs
 * Redis with `appendfsync everysec` and cuts its AOF back 1 s: it shows what that setting loses.
 */
import { startPrivateRedis } from "./private-redis.js";
import type { ScenarioOptions, ScenarioResult } from "./scenarios.js";
import { botKill, imapOutage, killAfterAccept, redisFailover, redisKill, repeatedCuts, smtpOutage, storeRebuilt, storeWiped, summarize, twoInstances } from "./scenarios.js";
import { startSentinelTopology } from "../support/sentinel-redis.js";

const RUNS = Number(process.env.FAULTS_RUNS ?? 3);
const CASES = Number(process.env.FAULTS_CASES ?? 100);
const ONLY = process.env.FAULTS_ONLY?.split(",").filter(Boolean);
/** How long after the sink accepted an answer kill_after_smtp_accept kills the bot (the 4 ms). */
const AFTER_ACCEPT_MS = Number(process.env.FAULTS_AFTER_MS ?? 4);
/** Seconds a scenario may start new runs for (a campaign on a shared machine): its line then counts the runs done. */
const SCENARIO_BUDGET_MS = Number(process.env.FAULTS_SCENARIO_SECONDS ?? Infinity) * 1000;

const redis = await startPrivateRedis();
const all: ScenarioResult[] = [];
try {
  const scenarios: Record<string, (o: ScenarioOptions) => Promise<ScenarioResult>> = {
    imap_outage: (o) => imapOutage(redis, { ...o, outageMs: 10_000 + ((o.seed * 7919) % 20_000) }),
    repeated_cuts: (o) => repeatedCuts(redis, { ...o, cuts: 8, cutMs: 1000 }),
    bot_sigkill: (o) => botKill(redis, o),
    two_instances: (o) => twoInstances(redis, o),
    kill_after_smtp_accept: (o) => killAfterAccept(redis, { ...o, afterMs: AFTER_ACCEPT_MS }),
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
    // What `appendfsync everysec` costs on a power loss (README: not a supported setting).
    redis_power_loss: async (o) => {
      const lossy = await startPrivateRedis({ appendfsync: "everysec" });
      try {
        return await redisKill(lossy, { ...o, downMs: 2000, cutAofMs: 1000 });
      } finally {
        await lossy.stop();
      }
    },
  };
  for (const [name, run] of Object.entries(scenarios)) {
    if (ONLY && !ONLY.includes(name)) continue;
    const results: ScenarioResult[] = [];
    const started = Date.now();
    for (let i = 0; i < RUNS && (i === 0 || Date.now() - started < SCENARIO_BUDGET_MS); i++) {
      const r = await run({ cases: CASES, seed: i + 1 });
      results.push(r);
      console.error(JSON.stringify({ run: i + 1, ...r, figures: r.figures }));
    }
    all.push(...results);
    console.log(JSON.stringify({ scenario: name, ...summarize(results), notes: results.map((r) => r.notes) }));
  }
  console.log(JSON.stringify({ scenario: "all", ...summarize(all) }));
} finally {
  await redis.stop();
}
process.exit(0);
