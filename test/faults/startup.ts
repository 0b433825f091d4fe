/**
 * The bot's start-up, from spawn to "watching mailbox", as the fault suite starts it: from the build
 * (`node <build>/cli/main.js run`, as deployed) and, for comparison, from the sources under tsx.
 * `npx tsx test/faults/startup.ts [starts]` prints one JSON line per entry: wall time, the CPU time the
 * bot used until then (what the load does not change; wall ≈ CPU × the load's share on a busy machine)
 * and the load average.
 */
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { botBuild } from "./bot-build.js";
import { FaultRig, percentile } from "./fault-rig.js";
import { startPrivateRedis } from "./private-redis.js";

const STARTS = Number(process.argv[2] ?? 5);
/** Linux's clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat's CPU times. */
const USER_HZ = 100;

/** CPU time (user + system, ms) a process has used so far: on a shared machine, the figure load does not change. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
}

const build = await botBuild();
console.log(JSON.stringify({ build: build.main, buildMs: build.buildMs }));
const redis = await startPrivateRedis();
try {
  for (const entry of ["build", "tsx"] as const) {
    const rig = await FaultRig.start("startup", redis, {}, { entry });
    const ms: number[] = [];
    const cpu: number[] = [];
    try {
      for (let i = 0; i < STARTS; i++) {
        const started = Date.now();
        const bot = rig.startBot();
        await bot.waitFor("watching mailbox", 120_000);
        ms.push(Date.now() - started);
        cpu.push(cpuMs(bot.pid));
        await bot.kill("SIGTERM");
      }
    } finally {
      await rig.close();
    }
    console.log(JSON.stringify({ entry, starts: ms.length, p50: percentile(ms, 50), max: Math.max(...ms), ms, cpuMsP50: percentile(cpu, 50), cpuMs: cpu, load1: Number(loadavg()[0]?.toFixed(1)) }));
  }
} finally {
  await redis.stop();
}
process.exit(0);
