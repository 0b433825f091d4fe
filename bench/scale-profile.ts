/**
 * Where the scale bench's stall comes from (bench/scale.ts's load window, profiled): fills a store of
 * PROF_CASES cases (or reuses the one under PROF_PREFIX), serves the desk as the bench does, warms it
 * with the bench's injected requests, then loads PROF_PATH (default `/`) with 10 clients for PROF_S
 * seconds while the V8 CPU profiler runs. Prints one JSON line: the stall figures, the GC pauses over
 * 10 ms, and for every stretch of the loop busy longer than PROF_STALL_MS (default 30) the functions
 * its samples were in (self time), so a stall is named by what ran in it. PROF_DROP=1 deletes the store.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { Session } from "node:inspector/promises";
import { join } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { buildContext } from "../src/main.js";
import { loadConfig } from "../src/config.js";
import { readOnlyDesk } from "./desk-pages.js";
import { fillStore } from "./scale-fill.js";
import { loadWindow } from "./scale-load.js";
import { deleteRedisPrefix, log, round1 } from "./lib.js";

const N = Number(process.env.PROF_CASES ?? 1000);
const PREFIX = process.env.PROF_PREFIX ?? `bench-prof-${randomBytes(3).toString("hex")}:`;
const SECONDS = Number(process.env.PROF_S ?? 15);
const PATH = process.env.PROF_PATH ?? "/";
const STALL_MS = Number(process.env.PROF_STALL_MS ?? 30);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
}

/** Busy stretches longer than STALL_MS (idle/program/GC samples aside), each with its top self-time frames. */
function stalls(p: Profile): { at_ms: number; ms: number; top: string[] }[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const name = (id: number) => {
    const f = byId.get(id)?.callFrame;
    return f ? `${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}` : "?";
  };
  const idle = (id: number) => byId.get(id)?.callFrame.functionName === "(idle)";
  const out: { at_ms: number; ms: number; top: string[] }[] = [];
  let t = p.startTime;
  let start = -1;
  let self = new Map<string, number>();
  const close = (end: number) => {
    const ms = (end - start) / 1000;
    if (ms > STALL_MS) {
      const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([k, v]) => `${round1(v / 1000)} ${k}`);
      out.push({ at_ms: round1((start - p.startTime) / 1000), ms: round1(ms), top });
    }
    start = -1;
    self = new Map();
  };
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i] ?? 0;
    if (idle(id)) {
      if (start >= 0) close(t);
      return;
    }
    if (start < 0) start = t;
    const dt = p.timeDeltas[i + 1] ?? 0;
    self.set(name(id), (self.get(name(id)) ?? 0) + dt);
  });
  if (start >= 0) close(t);
  return out;
}

/** Self time by function over the whole profile (idle aside), the top `n`, in ms. */
function selfTimes(p: Profile, n: number): string[] {
  const byId = new Map(p.nodes.map((x) => [x.id, x]));
  const self = new Map<string, number>();
  p.samples.forEach((id, i) => {
    const f = byId.get(id)?.callFrame;
    if (!f || f.functionName === "(idle)") return;
    const k = `${f.functionName || "(anon)"} ${f.url.split("/").slice(-2).join("/")}:${f.lineNumber + 1}`;
    self.set(k, (self.get(k) ?? 0) + (p.timeDeltas[i + 1] ?? 0));
  });
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${round1(v / 1000)} ${k}`);
}

async function main() {
  const storage = join("/var/tmp", PREFIX.replace(/\W/g, ""));
  await mkdir(storage, { recursive: true });
  const secret = "prof-secret-0123456789abcdef";
  const ctx = await buildContext(loadConfig({ ...process.env, REDIS_PREFIX: PREFIX, STORAGE_DIR: storage, TAG_SECRET: secret, LOG_LEVEL: "silent" }));
  try {
    if (process.env.PROF_DROP === "1") {
      await deleteRedisPrefix(ctx, PREFIX);
      await rm(storage, { recursive: true, force: true });
      log(`profile: store ${PREFIX} deleted`);
      return;
    }
    const there = await ctx.store.countList({ kind: "all" });
    if (there < N) await fillStore(ctx, N, Infinity, there > 0 ? there + 1000 : 0);
    const app = await readOnlyDesk(ctx);
    if (process.env.PROF_WARM !== "0") {
      for (const url of ["/", "/work", "/api/cases?stage=open", "/search?q=storgatan", `/cases/ACT-100001`]) {
        for (let i = 0; i < 10; i++) await app.inject({ method: "GET", url, headers: { "x-team-member": "maja" } });
      }
    }
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const gcs: { at: number; ms: number; kind: number }[] = [];
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.duration > 10) gcs.push({ at: Math.round(e.startTime), ms: round1(e.duration), kind: ((e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0) });
    });
    obs.observe({ entryTypes: ["gc"] });
    const session = new Session();
    session.connect();
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: 500 });
    await session.post("Profiler.start");
    const load = await loadWindow(base, PATH, SECONDS, ctx.redis, `${PREFIX}bench:watcher-lock`);
    const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: Profile };
    obs.disconnect();
    await app.close();
    const cases = await ctx.store.countList({ kind: "all" });
    process.stdout.write(`${JSON.stringify({ cases, path: PATH, prefix: PREFIX, ...load, gc_over_10ms: gcs, self_ms: selfTimes(profile, 40), stalls: stalls(profile) })}\n`);
    log(`profile: store ${PREFIX} kept (delete with PROF_PREFIX=${PREFIX} PROF_DROP=1)`);
  } finally {
    await ctx.close();
  }
}

await main();
