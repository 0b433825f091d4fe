/**
 * The one place the bot opens a Redis connection (store, BullMQ queues and workers, CLI), so that every
 * connection follows the same topology: one Redis at REDIS_URL, the master that REDIS_SENTINELS name, or
 * the Redis Cluster that REDIS_CLUSTER_NODES reach.
 */
import type { RedisOptions } from "ioredis";
import { Cluster, Redis } from "ioredis";
import type { Config } from "../../config.js";

export type RedisTarget = Pick<Config, "REDIS_URL" | "REDIS_SENTINELS" | "REDIS_SENTINEL_NAME" | "REDIS_SENTINEL_PASSWORD"> &
  Partial<Pick<Config, "REDIS_CLUSTER_NODES">>;

/** `host:port,host:port` → ioredis' node list (the config schema has checked the form). */
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
  if (target.REDIS_CLUSTER_NODES) return connectCluster(target.REDIS_CLUSTER_NODES, target.REDIS_URL, extra);
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
    // Never give up asking the sentinels: ioredis' default already retries for ever, but a failover
    // can leave every sentinel answering with the old, dead master for seconds; the cap keeps that
    // round trip cheap without hammering them (at most one round per second per connection).
    sentinelRetryStrategy: (times: number) => Math.min(times * 50, 1000),
    // Not ioredis' failoverDetector: in 5.11 its +switch-master disconnect can land while the connection
    // is still asking the sentinels for the new master; the connector then rejects with "Connection is
    // closed" and the connection ends for good (status "end", no retry). A killed master closes the
    // connection anyway, and a demoted one refuses writes (below).
    // After a failover the old master may come back as a replica: a write it refuses (READONLY) was not
    // executed, so ioredis reconnects (asking the sentinels again) and sends that command again (2).
    reconnectOnError: (err) => (err.message.startsWith("READONLY") ? 2 : false),
    ...extra,
  });
}

/**
 * An ioredis Cluster, handed out as the `Redis` the rest of the bot is written against: both implement
 * ioredis' one command interface (commands, pipeline, multi, defineCommand, duplicate), and BullMQ
 * tells a Cluster apart by itself. What differs is confined here and to the boot check, which asks
 * every master.
 */
function connectCluster(nodes: string, redisUrl: string, extra: RedisOptions): Redis {
  const url = new URL(redisUrl);
  const cluster = new Cluster(parseSentinels(nodes), {
    redisOptions: {
      username: url.username ? decodeURIComponent(url.username) : undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      maxRetriesPerRequest: null,
      ...extra,
    },
    // A command while the cluster fails over (slots moving to a promoted replica) waits and retries
    // rather than failing the mail; the job watchdog bounds the wait.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 500,
    retryDelayOnTryAgain: 200,
    slotsRefreshTimeout: 2000,
    // Asked again every 5 s, not only on a MOVED or a lost node: a connection that sends nothing to a
    // failed-over master's slots would otherwise keep the old map (ioredis has no periodic refresh by default).
    slotsRefreshInterval: 5000,
  });
  return cluster as unknown as Redis; // same command interface, see above
}

/** True for a connection made by connectCluster. */
export function isCluster(redis: Redis): boolean {
  return (redis as unknown as { isCluster?: boolean }).isCluster === true;
}

/**
 * The masters of a Cluster connection (each a plain Redis), as the cluster names them now; or the
 * connection itself. The slot map is asked for first: after a failover the connection's own map can
 * still name the dead master and not the promoted replica, until a command of its slots is redirected.
 */
export async function masters(redis: Redis): Promise<Redis[]> {
  if (!isCluster(redis)) return [redis];
  const cluster = redis as unknown as Cluster;
  // Until the cluster connection is ready it knows no nodes; a command waits for that.
  if (cluster.nodes("master").length === 0) await cluster.ping();
  await new Promise<void>((resolve, reject) => cluster.refreshSlotsCache((err) => (err ? reject(err) : resolve())));
  return cluster.nodes("master");
}
