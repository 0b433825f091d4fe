/**
 * A real Sentinel topology on loopback for the failover test: a master (6391), a replica (6392) and three
 * sentinels (26391–26393), each with AOF and noeviction, in a temp dir. Stop kills what it started.
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

export async function startSentinelTopology(): Promise<SentinelTopology> {
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
