/**
 * Redis settings the bot refuses to run without (SPEC §6): cases, the outbox and the mail ledger live
 * in Redis, so it must persist them (AOF) and must never evict a key. Through a Sentinel connection the
 * commands reach the master, which is the Redis that matters.
 */
import type { Redis } from "ioredis";
import { masters } from "./connect.js";

export type RedisSettingsCheck =
  | { ok: true }
  | { ok: false; code: "redis_aof_off" | "redis_eviction" | "redis_config_unreadable"; message: string };

/** Every master of a Cluster must pass: a key lost on any of them is lost. */
export async function checkRedisSettings(redis: Redis): Promise<RedisSettingsCheck> {
  const nodes = await masters(redis);
  for (const node of nodes) {
    const check = await checkOne(node);
    if (!check.ok) return nodes.length > 1 ? { ...check, message: `${node.options.host}:${node.options.port}: ${check.message}` } : check;
  }
  return { ok: true };
}

async function checkOne(redis: Redis): Promise<RedisSettingsCheck> {
  let aof: string | undefined;
  let policy: string | undefined;
  try {
    aof = ((await redis.config("GET", "appendonly")) as string[])[1];
    policy = ((await redis.config("GET", "maxmemory-policy")) as string[])[1];
  } catch (err) {
    return {
      ok: false,
      code: "redis_config_unreadable",
      message: `cannot read Redis settings (${(err as Error).message}): allow CONFIG GET for the bot's user, or check appendonly and maxmemory-policy by hand`,
    };
  }
  if (aof !== "yes") {
    return { ok: false, code: "redis_aof_off", message: `Redis has appendonly=${aof ?? "?"}: set "appendonly yes" (cases and the outbox would be lost on a restart)` };
  }
  if (policy !== "noeviction") {
    return { ok: false, code: "redis_eviction", message: `Redis has maxmemory-policy=${policy ?? "?"}: set "maxmemory-policy noeviction" (an evicted key loses a case's state)` };
  }
  return { ok: true };
}
