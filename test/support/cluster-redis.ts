/**
 * A real Redis Cluster on loopback for the Cluster tests: three masters (6401–6403), each with AOF and
 * noeviction, in a temp dir, made one cluster by `redis-cli --cluster create`; with `replicas: 1` a
 * replica for each (the next three ports), so that a master can be killed and the cluster fail over
 * (`killMasterOf`, `restartKilled`). Stop kills what it started.
 */
import type { ChildProcess } from "node:child_process";
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export const CLUSTER_PORTS = [6401, 6402, 6403] as const;

export interface ClusterTopology {
  /** `host:port,…` as REDIS_CLUSTER_NODES takes it. */
  nodes: string;
  /** SIGKILLs the master serving `key`'s slot; returns its port. */
  killMasterOf(key: string): Promise<number>;
  /** Waits until `key`'s slot is served by a master other than `port` (a replica promoted). */
  failedOver(key: string, port: number, ms?: number): Promise<void>;
  /** Starts a killed node again from its AOF and nodes file: it rejoins as a replica. */
  restartKilled(port: number): Promise<void>;
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

/** `CLUSTER NODES` as one node sees it, one line per node (address, flags, master, link). */
async function nodesView(port: number): Promise<string> {
  const node = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  node.on("error", () => undefined);
  try {
    await node.connect();
    const text = (await node.call("CLUSTER", "NODES")) as string;
    return text.trim().split("\n").map((l) => l.split(" ").filter((_, i) => [1, 2, 3, 7, 8].includes(i)).join(" ")).join(" | ");
  } catch (err) {
    return `unreachable (${(err as Error).message})`;
  } finally {
    node.disconnect();
  }
}

/** The master serving `key`'s slot, by its port, asked of any live node. */
async function masterPortOf(key: string, ports: readonly number[]): Promise<number> {
  for (const port of ports) {
    const node = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    node.on("error", () => undefined);
    try {
      await node.connect();
      const slot = Number(await node.call("CLUSTER", "KEYSLOT", key));
      const ranges = (await node.call("CLUSTER", "SLOTS")) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
      const range = ranges.find(([from, to]) => slot >= from && slot <= to);
      if (range) return range[2][1];
    } catch {
      // a dead node: ask the next
    } finally {
      node.disconnect();
    }
  }
  throw new Error(`no live node knows the master of ${key}`);
}

/**
 * `basePort`: the masters' first port (6401: CLUSTER_PORTS), replicas after them; the fault suite uses
 * its own, so that it and the Cluster test can run side by side.
 */
export async function startClusterTopology(opts: { replicas?: 0 | 1; basePort?: number } = {}): Promise<ClusterTopology> {
  const base = opts.basePort ?? CLUSTER_PORTS[0];
  const masterPorts = [base, base + 1, base + 2];
  const ports = [...masterPorts, ...(opts.replicas ? [base + 3, base + 4, base + 5] : [])];
  const taken = [];
  for (const port of ports) if (await answers(port)) taken.push(port);
  if (taken.length) throw new Error(`ports ${taken.join(", ")} are taken (a Redis left by an earlier run? stop it by its pid)`);
  const dir = mkdtempSync(join(tmpdir(), "ab-cluster-"));
  const procs = new Map<number, ChildProcess>();
  const startNode = (port: number) =>
    procs.set(
      port,
      spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--cluster-enabled", "yes", "--cluster-config-file", `nodes-${port}.conf`,
          "--cluster-node-timeout", "2000", "--appendonly", "yes", "--appendfilename", `aof-${port}.aof`, "--appenddirname", `aof-${port}`,
          "--dbfilename", `dump-${port}.rdb`, "--maxmemory-policy", "noeviction", "--save", "",
          // A replica's first sync at once, not after Redis's 5 s wait for more replicas: a replica that
          // never synced cannot take over.
          "--repl-diskless-sync-delay", "0"],
        { stdio: "ignore" },
      ),
    );
  // Every command each node runs, scripts' included (FAULTS_MONITOR_DIR, for a post-mortem).
  const monitorDir = process.env.FAULTS_MONITOR_DIR;
  const monitors: ChildProcess[] = [];
  const monitor = (port: number) => {
    if (!monitorDir) return;
    mkdirSync(monitorDir, { recursive: true });
    const out = openSync(join(monitorDir, `monitor-${port}-${Date.now()}.log`), "a");
    monitors.push(spawn("redis-cli", ["-p", String(port), "monitor"], { stdio: ["ignore", out, "ignore"] }));
    closeSync(out);
  };
  for (const port of ports) startNode(port);
  const stop = async () => {
    for (const m of monitors) m.kill("SIGKILL");
    await Promise.all([...procs.values()].map((p) => new Promise<void>((resolve) => {
      if (p.exitCode !== null || p.signalCode !== null) return resolve();
      p.once("exit", () => resolve());
      p.kill("SIGKILL");
    })));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitFor(() => answers(port), `Redis on ${port}`);
    const create = spawnSync("redis-cli", ["--cluster", "create", ...ports.map((p) => `127.0.0.1:${p}`), "--cluster-replicas", String(opts.replicas ?? 0), "--cluster-yes"], { encoding: "utf8" });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    for (const port of ports) {
      const node = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await waitFor(async () => {
        if (node.status !== "ready") await node.connect();
        return /cluster_state:ok/.test((await node.call("CLUSTER", "INFO")) as string);
      }, `node ${port} to see the cluster ok`);
      node.disconnect();
    }
    // Every replica in sync with its master: only then can it be promoted when the master dies.
    for (const port of ports.slice(masterPorts.length)) {
      const node = new Redis(port, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await waitFor(async () => {
        if (node.status !== "ready") await node.connect();
        return /master_link_status:up/.test(await node.info("replication"));
      }, `replica ${port} to finish its first sync`);
      node.disconnect();
    }
    for (const port of ports) monitor(port);
  } catch (err) {
    await stop();
    throw err;
  }
  const killMasterOf = async (key: string) => {
    const port = await masterPortOf(key, ports);
    const proc = procs.get(port);
    if (!proc) throw new Error(`no process on ${port}`);
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGKILL");
    await exited;
    return port;
  };
  const failedOver = async (key: string, port: number, ms = 60_000) => {
    try {
      await waitFor(async () => (await masterPortOf(key, ports.filter((p) => p !== port))) !== port, `a replica to take over ${key}'s slot from ${port}`, ms);
    } catch (err) {
      // What each live node then saw, for the post-mortem.
      const views = await Promise.all(ports.filter((p) => p !== port).map(async (p) => `${p}: ${await nodesView(p)}`));
      throw new Error(`${(err as Error).message}; the nodes saw:\n${views.join("\n")}`);
    }
  };
  const restartKilled = async (port: number) => {
    startNode(port);
    await waitFor(() => answers(port), `Redis on ${port} again`);
    monitor(port);
  };
  return { nodes: masterPorts.map((p) => `127.0.0.1:${p}`).join(","), killMasterOf, failedOver, restartKilled, stop };
}
