/**
 * Extra worker processes for `activation-bot run` (WORKER_PROCESSES): children running
 * `run --workers-only`, which take ingest and outbox jobs from the same queues as the parent but
 * neither watch the mailbox nor serve HTTP. The queues already make that safe (a job is handled by one
 * worker; a mail's effects are one commit), so this is only supervision: a child that exits
 * unexpectedly is started again after a backoff, and stop() ends them gracefully (SIGTERM: running
 * jobs finish) before the parent closes its own connections.
 */
import type { ChildProcess } from "node:child_process";
import { fork } from "node:child_process";
import type { Logger } from "pino";

const RESTART_BACKOFF_MS = [500, 1000, 2000, 5000, 10_000, 30_000];
/** A child that ran this long before exiting counts as healthy: its next restart starts the backoff over. */
const HEALTHY_AFTER_MS = 60_000;
/** After SIGTERM a child gets this long to finish its running jobs before it is killed. */
const STOP_GRACE_MS = 30_000;

export interface WorkerProcesses {
  pids(): number[];
  stop(): Promise<void>;
}

/**
 * Starts `count` children running `<entry> run --workers-only`. `entry` is the CLI script this process
 * was started with; the children inherit Node's flags (a TypeScript loader, for instance).
 */
export function startWorkerProcesses(count: number, log: Logger, entry: string = process.argv[1] ?? "", args: string[] = ["run", "--workers-only"]): WorkerProcesses {
  let stopping = false;
  const slots: { child: ChildProcess | null; failures: number; exited: Promise<void> }[] = [];

  function spawnInto(slot: number): void {
    const startedAt = Date.now();
    const child = fork(entry, args, { env: { ...process.env, WORKER_PROCESSES: "1" }, stdio: "inherit" });
    const state = slots[slot] ?? { child: null, failures: 0, exited: Promise.resolve() };
    state.child = child;
    state.exited = new Promise<void>((resolve) => {
      child.once("exit", (code, signal) => {
        state.child = null;
        resolve();
        if (stopping) return;
        state.failures = Date.now() - startedAt > HEALTHY_AFTER_MS ? 1 : state.failures + 1;
        const wait = RESTART_BACKOFF_MS[Math.min(state.failures - 1, RESTART_BACKOFF_MS.length - 1)] ?? 30_000;
        log.error({ pid: child.pid, code, signal, restartInMs: wait }, "worker process exited; restarting it");
        setTimeout(() => {
          if (!stopping) spawnInto(slot);
        }, wait).unref();
      });
    });
    slots[slot] = state;
    log.info({ pid: child.pid, slot, args }, "worker process started");
  }

  for (let i = 0; i < count; i++) spawnInto(i);

  return {
    pids: () => slots.flatMap((s) => (s.child?.pid ? [s.child.pid] : [])),
    async stop() {
      stopping = true;
      await Promise.all(
        slots.map(async (s) => {
          const child = s.child;
          if (!child) return;
          child.kill("SIGTERM");
          const killer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
          await s.exited;
          clearTimeout(killer);
        }),
      );
    },
  };
}
