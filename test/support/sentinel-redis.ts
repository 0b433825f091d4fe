/**
 * A real Sentinel topology on loopback for the failover test: a master (6391), a replica (6392) and three
 * sentinels (26391–26393), each with AOF and noeviction, in a temp dir. Stop kills what it started.
 * After killMaster, rejoinOldMaster waits for the sentinels to promote the replica and starts the old
 * master again from its AOF, as a restarted pod would: the sentinels make it the new master's replica.
 */
import type { ChildProcess } from "node:child_process";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export const MASTER_PORT = 6391;
export const REPLICA_PORT = 6392;
export const SENTINEL_PORTS = [26391, 26392, 26393] as const;
export const MASTER_NAME = "abtest";

export function redisServerAvailable(): boolean {
  return spawnSync("redis-server", ["--version"]).status === 0;
}

export interface SentinelTopology {
  sentinels: string;
  killMaster(): void;
  /** After killMaster: waits until the sentinels name the replica, then restarts the old master as its replica. */
  rejoinOldMaster(): Promise<void>;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function portInUse(port: number): Promise<boolean> {
  const probe = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export async function startSentinelTopology(): Promise<SentinelTopology> {
  const taken = [];
  for (const port of [MASTER_PORT, REPLICA_PORT, ...SENTINEL_PORTS]) if (await portInUse(port)) taken.push(port);
  if (taken.length) throw new Error(`ports ${taken.join(", ")} are taken (a Redis left by an earlier run? stop it by its pid)`);
  const dir = mkdtempSync(join(tmpdir(), "ab-sentinel-"));
  const procs = new Map<string, ChildProcess>();
  const server = (name: string, args: string[]) => {
    const p = spawn("redis-server", args, { stdio: "ignore" });
    procs.set(name, p);
  };
  const data = (port: number) => ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", `dump-${port}.rdb`,
    "--appendonly", "yes", "--appendfilename", `aof-${port}.aof`, "--appenddirname", `aof-${port}`, "--maxmemory-policy", "noeviction", "--save", ""];
  server("master", data(MASTER_PORT));
  server("replica", [...data(REPLICA_PORT), "--replicaof", "127.0.0.1", String(MASTER_PORT)]);
  const replica = new Redis(REPLICA_PORT, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await waitFor(async () => {
    if (replica.status !== "ready") await replica.connect();
    return /master_link_status:up/.test(await replica.info("replication"));
  }, "the replica to sync");
  replica.disconnect();
  for (const port of SENTINEL_PORTS) {
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(conf, [
      `port ${port}`, "bind 127.0.0.1", `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${MASTER_PORT} 2`,
      `sentinel down-after-milliseconds ${MASTER_NAME} 1000`,
      `sentinel failover-timeout ${MASTER_NAME} 5000`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`,
    ].join("\n") + "\n");
    server(`sentinel-${port}`, [conf, "--sentinel"]);
  }
  const s = new Redis(SENTINEL_PORTS[0], { lazyConnect: true, maxRetriesPerRequest: 1 });
  await waitFor(async () => {
    if (s.status !== "ready") await s.connect();
    const info = await s.info("sentinel");
    return /sentinels=3/.test(info) && /slaves=1/.test(info);
  }, "three sentinels to know the master and replica");
  s.disconnect();
  return {
    sentinels: SENTINEL_PORTS.map((p) => `127.0.0.1:${p}`).join(","),
    killMaster() {
      procs.get("master")?.kill("SIGKILL");
    },
    async rejoinOldMaster() {
      // The old master comes back as the replica of the master the sentinels name, as a restarted pod
      // of a Sentinel deployment should (it asks them first). Started as a master from its AOF, it was
      // one until a sentinel noticed it (up to 10 s), and a client sent there by a sentinel that still
      // named it lost whatever it wrote when it was demoted and synced (seen: jobs added after the kill
      // ran and vanished). So: every sentinel names the new master, then the old one starts as replica.
      const asks = SENTINEL_PORTS.map((port) => new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 1 }));
      await waitFor(async () => {
        const named = await Promise.all(asks.map(async (ask) => {
          if (ask.status !== "ready") await ask.connect();
          return Number(((await ask.call("SENTINEL", "get-master-addr-by-name", MASTER_NAME)) as string[])[1]);
        }));
        return named.every((port) => port === REPLICA_PORT);
      }, "every sentinel to name the promoted replica");
      for (const ask of asks) ask.disconnect();
      server("master", [...data(MASTER_PORT), "--replicaof", "127.0.0.1", String(REPLICA_PORT)]);
      const old = new Redis(MASTER_PORT, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await waitFor(async () => {
        if (old.status !== "ready") await old.connect();
        const replication = await old.info("replication");
        // Started from its AOF it may still call itself master (seen once under a full suite's load):
        // told again whom to follow, as the sentinels would tell it.
        if (/role:master/.test(replication)) await old.call("REPLICAOF", "127.0.0.1", String(REPLICA_PORT));
        return /role:slave[\s\S]*master_link_status:up/.test(replication);
      }, "the old master to rejoin as a replica", 60_000);
      old.disconnect();
    },
    async stop() {
      await Promise.all([...procs.values()].map((p) => new Promise<void>((resolve) => {
        if (p.exitCode !== null || p.signalCode !== null) return resolve();
        p.once("exit", () => resolve());
        p.kill("SIGKILL");
      })));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
