/**
 * The scale bench's stall window (bench/scale.ts): 10 clients load a page over loopback HTTP for a
 * while, with `/healthz` asked every 100 ms beside them and the watcher lock (runtime/leader-lock.ts,
 * the TTL `run` uses) renewed in this process, as in `activation-bot run`. The clients run in a worker
 * thread: in the server's thread their own fetch and parse of every page would count as the server's
 * stall, which a bot (whose clients are browsers elsewhere) does not have; the worker starts (and loads
 * fetch) before the window opens, for the same reason. The stall is given over the whole window and
 * from its second second on (both named). The same window with no clients is measured first: on a
 * shared machine, being scheduled out shows as loop delay too.
 */
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { Redis } from "ioredis";
import { createLeaderLock } from "../src/runtime/leader-lock.js";
import { round1, sleep } from "./lib.js";

/** Plain JavaScript for the worker: 10 page loops and one /healthz probe until the deadline. */
const CLIENTS = `
const { parentPort, workerData } = require("node:worker_threads");
(async () => {
  // Ready first: the worker's own start (loading fetch) is not the server's stall.
  await (await fetch(workerData.base + "/healthz")).text();
  parentPort.postMessage({ ready: true });
  await new Promise((r) => parentPort.once("message", r));
  const until = Date.now() + workerData.ms;
  let pages = 0, bytes = 0, healthMax = 0, failures = 0;
  const page = async () => {
    while (Date.now() < until) {
      try {
        const res = await fetch(workerData.base + workerData.path);
        const body = await res.text();
        if (res.status !== 200) failures++;
        pages++;
        bytes = Math.max(bytes, body.length);
      } catch { failures++; }
    }
  };
  const health = async () => {
    while (Date.now() < until) {
      const t = performance.now();
      try { await (await fetch(workerData.base + "/healthz")).text(); } catch { failures++; }
      healthMax = Math.max(healthMax, performance.now() - t);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await Promise.all([...Array.from({ length: workerData.clients }, page), health()]);
  parentPort.postMessage({ pages, bytes, healthMax, failures });
})();`;

export interface LoadFigures {
  /** Longest event-loop delay with the clients (monitorEventLoopDelay, 5 ms resolution), the whole window. */
  loop_stall_ms_max: number;
  loop_stall_ms_p99: number;
  /** The same from the window's second second on: the server's first page loads over sockets aside. */
  loop_stall_ms_max_after_1s: number;
  loop_stall_ms_p99_after_1s: number;
  /** The same with no clients, in a window just before. */
  loop_stall_ms_max_idle: number;
  /** Share of the window the loop was busy (performance.eventLoopUtilization). */
  loop_utilization: number;
  pages: number;
  pages_per_s: number;
  healthz_ms_max: number;
  failed_requests: number;
  watcher_lock_lost: boolean;
}

export async function loadWindow(base: string, path: string, seconds: number, redis: Redis, lockKey: string): Promise<LoadFigures> {
  const idle = monitorEventLoopDelay({ resolution: 5 });
  idle.enable();
  await sleep(Math.min(10, seconds) * 1000);
  idle.disable();

  let lost = false;
  const lock = createLeaderLock(redis, lockKey, 10_000);
  let held = false;
  lock.start(
    () => void (held = true),
    async () => void (lost = true),
  );
  const h = monitorEventLoopDelay({ resolution: 5 });
  const later = monitorEventLoopDelay({ resolution: 5 });
  type Got = { pages: number; bytes: number; healthMax: number; failures: number };
  const w = new Worker(CLIENTS, { eval: true, workerData: { base, path, ms: seconds * 1000, clients: 10 } });
  const ready = new Promise<void>((resolve, reject) => {
    w.once("message", () => resolve());
    w.once("error", reject);
  });
  await ready;
  const done = new Promise<Got>((resolve, reject) => {
    w.once("message", (m: Got) => resolve(m));
    w.once("error", reject);
  });
  const elu0 = performance.eventLoopUtilization();
  h.enable();
  w.postMessage("go");
  const after1s = setTimeout(() => later.enable(), 1000);
  const got = await done;
  clearTimeout(after1s);
  void w.terminate();
  h.disable();
  later.disable();
  const elu = performance.eventLoopUtilization(elu0);
  await lock.stop();
  return {
    loop_stall_ms_max: round1(h.max / 1e6),
    loop_stall_ms_p99: round1(h.percentile(99) / 1e6),
    loop_stall_ms_max_after_1s: round1(later.max / 1e6),
    loop_stall_ms_p99_after_1s: round1(later.percentile(99) / 1e6),
    loop_stall_ms_max_idle: round1(idle.max / 1e6),
    loop_utilization: Math.round(elu.utilization * 100) / 100,
    pages: got.pages,
    pages_per_s: round1(got.pages / seconds),
    healthz_ms_max: round1(got.healthMax),
    failed_requests: got.failures,
    watcher_lock_lost: lost || !held,
  };
}
