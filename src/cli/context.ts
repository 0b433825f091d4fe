/**
 * Runs a CLI command with a built context and closes it afterwards. The composition root, the queues and
 * their modules are loaded when a command asks for them (`await import`), not when the CLI starts: a
 * read-only command such as `cases list` must not pay for sharp, pdf-lib, mailparser or bullmq (issue 19).
 */
import type { Redis } from "ioredis";
import { connectRedis } from "../adapters/redis/connect.js";
import { CaseStore } from "../adapters/redis/case-store.js";
import type { Queues } from "../adapters/queue/queues.js";
import { loadConfig } from "../config.js";
import type { Context } from "../main.js";
import type { Case } from "../core/types.js";

export interface CliContext extends Context {
  /** Hands committed outbox entries and the case's reminders to the running bot's queues. */
  dispatch(c: Case, outboxKeys: string[]): Promise<void>;
}

export async function withContext<T>(fn: (ctx: CliContext) => Promise<T>): Promise<T> {
  const { buildContext } = await import("../main.js");
  const ctx = await buildContext(loadConfig(), {});
  let queues: Queues | null = null;
  let connection: Redis | null = null;
  const cli: CliContext = {
    ...ctx,
    async dispatch(c, keys) {
      const [{ createQueues }, { dispatchCommitted }] = await Promise.all([import("../adapters/queue/queues.js"), import("../runtime/reminders.js")]);
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
