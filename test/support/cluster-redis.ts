/**
 * A real Redis Cluster on loopback for the Cluster tests: three masters (6401–6403), each with AOF and
 * noeviction, in a temp dir, made one cluster by `redis-cli --cluster create`. Stop kills what it started.
 */
import type { ChildProcess } from "node:child_process";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export const CLUSTER_PORTS = [6401, 6402, 6403] as const;

export interface ClusterTopology {
  /** `host:port,…` as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  stop(): Promise<void>;
}

async function waitFor(check: () => Promise<boolean>, what: string, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function answers(port: number): Promise<boolean> {
  const probe = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export async function startClusterTopology(): Promise<ClusterTopology> {
  const taken = [];
  for (const port of CLUSTER_PORTS) if (await answers(port)) taken.push(port);
  if (taken.length) throw new Error(`ports ${taken.join(", ")} are taken (a Redis left by an earlier run? stop it by its pid)`);
  const dir = mkdtempSync(join(tmpdir(), "ab-cluster-"));
  const procs: ChildProcess[] = [];
  for (const port of CLUSTER_PORTS) {
    procs.push(
      spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`,
          "--cluster-node-timeout", "2000", "--appendonly", "yes", "--appendfilename", `aof-${port}.aof`, "--appenddirname", `aof-${port}`,
          "--dbfilename", `dump-${port}.rdb`, "--maxmemory-policy", "noeviction", "--save", ""],
        { stdio: "ignore" },
      ),
    );
  }
  const stop = async () => {
    await Promise.all(procs.map((p) => new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once("exit", () => resolve());
      p.kill("SIGKILL");
    })));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of CLUSTER_PORTS) await waitFor(() => answers(port), `Redis on ${port}`);
    const create = spawnSync("redis-cli", ["--cluster", "create", ...CLUSTER_PORTS.map((p) => `127.0.0.1:${p}`), "--cluster-yes"], { encoding: "utf8" });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of CLUSTER_PORTS) {
      const node = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await waitFor(async () => {
        if (node.status !== "ready") await node.connect();
        return /cluster_state:ok/.test((await node.call("CLUSTER", "INFO")) as string);
      }, `node ${port} to see the cluster ok`);
      node.disconnect();
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: CLUSTER_PORTS.map((p) => `127.0.0.1:${p}`).join(","), stop };
}
