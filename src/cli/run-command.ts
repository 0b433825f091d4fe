/** `activation-bot run` (SPEC §6): the watcher, the workers, the outbox and the review UI in one process, or a part of them. */
import { ConfigError, loadConfig } from "../config.js";

export interface RunOptions {
  /** Only ingest and outbox jobs: no watcher, no HTTP (a child started by WORKER_PROCESSES). */
  workersOnly?: boolean;
  /** Only the outbox (the child started by OUTBOX_PROCESS). */
  outboxOnly?: boolean;
  /** Begin a new store although the mailbox has history. */
  fresh?: boolean;
}

export async function runCommand(opts: RunOptions): Promise<void> {
  const [{ buildContext }, { runBot }, { startWorkerProcesses }] = await Promise.all([import("../main.js"), import("../runtime/run.js"), import("../runtime/worker-processes.js")]);
  const ctx = await buildContext(loadConfig());
  if (ctx.config.REDIS_SETTINGS_CHECK) {
    const { checkRedisSettings } = await import("../adapters/redis/boot-check.js");
    const check = await checkRedisSettings(ctx.redis);
    if (!check.ok) {
      await ctx.close();
      throw new ConfigError(`${check.code}: ${check.message} (REDIS_SETTINGS_CHECK=false skips this, for a throwaway Redis only)`);
    }
  }
  const outboxOnly = opts.outboxOnly === true;
  const workersOnly = opts.workersOnly === true || outboxOnly;
  // With OUTBOX_PROCESS the outbox is sent by a child of its own, and by no other process.
  const outbox = outboxOnly || !ctx.config.OUTBOX_PROCESS;
  const bot = await runBot(ctx, workersOnly ? { watch: false, ingest: !outboxOnly, outbox } : { fresh: opts.fresh === true, outbox });
  const workers = !workersOnly && ctx.config.WORKER_PROCESSES > 1 ? startWorkerProcesses(ctx.config.WORKER_PROCESSES - 1, ctx.log) : null;
  const sender = !workersOnly && ctx.config.OUTBOX_PROCESS ? startWorkerProcesses(1, ctx.log, undefined, ["run", "--outbox-only"]) : null;
  const children = workers || sender ? { pids: () => [...(workers?.pids() ?? []), ...(sender?.pids() ?? [])], stop: () => Promise.all([workers?.stop(), sender?.stop()]).then(() => undefined) } : null;
  ctx.log.info({ http: bot.httpPort, workersOnly, workerProcesses: children?.pids() ?? [] }, "activation bot running");
  const shutdown = async (signal: string) => {
    ctx.log.info({ signal }, "shutting down: finishing running jobs");
    await Promise.all([bot.stop(), children?.stop()]);
    await ctx.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  // A worker child whose parent is gone (even killed outright) stops too: its IPC channel closes.
  if (workersOnly) process.once("disconnect", () => void shutdown("parent gone"));
}
