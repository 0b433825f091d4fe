/**
 * The one place the bot opens a Redis connection (store, BullMQ queues and workers, CLI), so that every
 * connection follows the same topology: one Redis at REDIS_URL, or the master that REDIS_SENTINELS name.
 */
import type { RedisOptions } from "ioredis";
import { Redis } from "ioredis";
import type { Config } from "../../config.js";

export type RedisTarget = Pick<Config, "REDIS_URL" | "REDIS_SENTINELS" | "REDIS_SENTINEL_NAME" | "REDIS_SENTINEL_PASSWORD">;

/** `host:port,host:port` → ioredis' sentinel list (the config schema has checked the form). */
export function parseSentinels(list: string): { host: string; port: number }[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const at = s.lastIndexOf(":");
      return { host: s.slice(0, at), port: Number(s.slice(at + 1)) };
    });
}

/**
 * `maxRetriesPerRequest: null` for every connection: BullMQ requires it for workers, and a command
 * issued during a failover should wait for the new master instead of failing the mail.
 */
export function connectRedis(target: RedisTarget, extra: RedisOptions = {}): Redis {
  if (!target.REDIS_SENTINELS) return new Redis(target.REDIS_URL, { maxRetriesPerRequest: null, ...extra });
  const url = new URL(target.REDIS_URL);
  const db = Number(url.pathname.replace(/^\//, "") || "0");
  return new Redis({
    sentinels: parseSentinels(target.REDIS_SENTINELS),
    name: target.REDIS_SENTINEL_NAME,
    sentinelPassword: target.REDIS_SENTINEL_PASSWORD,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: Number.isInteger(db) ? db : 0,
    maxRetriesPerRequest: null,
    // After a failover the old master may come back as a replica: a write it refuses (READONLY) makes
    // ioredis reconnect, and so ask the sentinels again.
    reconnectOnError: (err) => err.message.startsWith("READONLY"),
    ...extra,
  });
}
