/**
 * The queue watchdog: notices a worker of this process that no longer takes jobs — BullMQ's worker that
 * stops silently after a Redis failover (its blocking connection never came back), a worker closed by
 * mistake — while jobs wait. JOB_DEADLINE_MS ends a job that hangs; this catches the worker that takes
 * none. It raises a critical operator alert (`worker_stalled:<queue>`: banner, /readyz, metric, mail),
 * so the process is restarted (readiness, or an operator), and clears it once the worker takes jobs again.
 */
import type { Queue, Worker } from "bullmq";
import type { RaisedAlert } from "./operator-alerts.js";

/** How often the watchdog looks. */
export const WORKER_WATCH_MS = 15_000;
/** A job waiting this long while a worker with free slots took nothing is a stalled worker. */
export const WORKER_STALL_MS = 60_000;

export interface WorkerSample {
  /** Jobs this worker has started so far. */
  taken: number;
  /** Jobs it runs now, and how many it may. */
  inFlight: number;
  concurrency: number;
  /** Whether BullMQ says it runs (not closed, not paused). */
  running: boolean;
  /** Age in ms of the oldest job waiting in its queue; null when none waits. */
  oldestWaitingMs: number | null;
}

/**
 * Stalled: a job has waited longer than `stallMs`, and since the previous look the worker, with a slot
 * free, took nothing (another instance's worker would have taken it too: then every worker is stuck).
 */
export function workerStalled(previous: WorkerSample | null, now: WorkerSample, stallMs: number): boolean {
  if (now.oldestWaitingMs === null || now.oldestWaitingMs < stallMs) return false;
  if (!now.running) return true;
  if (!previous || now.taken !== previous.taken) return false;
  return now.inFlight < now.concurrency;
}

export interface WatchdogDeps {
  alerts: { raise(a: RaisedAlert): void; clear(cause: string): void };
  stallMs?: number;
  everyMs?: number;
}

/** Counts the jobs a worker starts and ends (BullMQ does not expose its running count). */
function track(worker: Worker): { sample(): Pick<WorkerSample, "taken" | "inFlight" | "concurrency" | "running"> } {
  let taken = 0;
  let inFlight = 0;
  worker.on("active", () => {
    taken++;
    inFlight++;
  });
  const done = () => {
    inFlight = Math.max(0, inFlight - 1);
  };
  worker.on("completed", done);
  worker.on("failed", done);
  return { sample: () => ({ taken, inFlight, concurrency: worker.concurrency, running: worker.isRunning() && !worker.isPaused() }) };
}

async function oldestWaitingMs(queue: Queue, now: number): Promise<number | null> {
  const [oldest] = await queue.getJobs(["wait"], 0, 0, true);
  return oldest ? Math.max(0, now - oldest.timestamp) : null;
}

/** Watches each worker against its queue; stop() ends the timer. */
export function watchWorkers(pairs: { worker: Worker; queue: Queue }[], deps: WatchdogDeps): { stop(): void; check(): Promise<void> } {
  const stallMs = deps.stallMs ?? WORKER_STALL_MS;
  const watched = pairs.map((p) => ({ ...p, counts: track(p.worker), previous: null as WorkerSample | null }));
  let checking: Promise<void> | null = null;
  const check = async () => {
    for (const w of watched) {
      // A Redis that cannot be read says nothing about the worker: the store's own alerts cover it.
      const waiting = await oldestWaitingMs(w.queue, Date.now()).catch(() => undefined);
      if (waiting === undefined) continue;
      const now: WorkerSample = { ...w.counts.sample(), oldestWaitingMs: waiting };
      const cause = `worker_stalled:${w.queue.name}`;
      if (workerStalled(w.previous, now, stallMs)) {
        deps.alerts.raise({
          cause,
          severity: "critical",
          code: "worker_stalled",
          message: `the ${w.queue.name} worker of this process takes no jobs: one has waited ${Math.round(now.oldestWaitingMs! / 1000)} s with ${now.concurrency - now.inFlight} of ${now.concurrency} slots free${now.running ? "" : " (the worker is not running)"}`,
          fix: "restart this bot process (a Redis failover can leave BullMQ's blocking connection dead); if it comes back, check that Redis (or the master the sentinels name) answers",
        });
      } else if (now.taken !== w.previous?.taken || now.oldestWaitingMs === null) {
        deps.alerts.clear(cause);
      }
      w.previous = now;
    }
  };
  const timer = setInterval(() => {
    checking ??= check().finally(() => (checking = null));
  }, deps.everyMs ?? WORKER_WATCH_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
