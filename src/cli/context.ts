/** Runs a CLI command with a built context and closes it afterwards. */
import type { Redis } from "ioredis";
import { connectRedis } from "../adapters/redis/connect.js";
import { CaseStore } from "../adapters/redis/case-store.js";
import type { Queues } from "../adapters/queue/queues.js";
import { createQueues } from "../adapters/queue/queues.js";
import { loadConfig } from "../config.js";
import type { Context } from "../main.js";
import { buildContext } from "../main.js";
import { dispatchCommitted } from "../runtime/reminders.js";
import type { Case } from "../core/types.js";

export interface CliContext extends Context {
  /** Hands committed outbox entries and the case's reminders to the running bot's queues. */
  dispatch(c: Case, outboxKeys: string[]): Promise<void>;
}

export async function withContext<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const ctx = await buildContext(loadConfig(), {});
  let queues: Queues | null = null;
  let connection: Redis | null = null;
  const cli: CliContext = {
    ...ctx,
    async dispatch(c, keys) {
      connection ??= connectRedis(ctx.config);
      queues ??= createQueues(connection, ctx.config.REDIS_PREFIX, ctx.config.MAX_INGEST_ATTEMPTS);
      await dispatchCommitted(queues, ctx, c, keys);
    },
  };
  try {
    return await fn(cli);
  } finally {
    await (queues as Queues | null)?.close();
    await (connection as Redis | null)?.quit();
    await ctx.close();
  }
}

/**
 * Runs a command that only reads the case store (`cases list`) with the store alone: no rules, no
 * templates, no answer reader warmed up, so a list costs a connection and one page of reads.
 */
export async function withStore<T>(fn: (store: CaseStore) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const redis = connectRedis(config);
  try {
    return await fn(new CaseStore(redis, config.REDIS_PREFIX));
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}

export function print(json: boolean | undefined, data: unknown, text: () => string): void {
  console.log(json ? JSON.stringify(data, null, 2) : text());
}
