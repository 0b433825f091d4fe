/**
 * A Redis of the fault suite's own (ports 6381–6389), with AOF as production should run it
 * (`appendonly yes`, `appendfsync always`; `everysec` to show what a power loss then costs), in a temp dir, so that the nemesis can SIGKILL it, cut
 * its AOF back and start it again without touching the shared Redis.
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, truncate, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { isCluster, masters } from "../../src/adapters/redis/connect.js";

const PORTS = [6381, 6382, 6383, 6384, 6385, 6386, 6387, 6388, 6389];

export interface PrivateRedis {
  port: number;
  url: string;
  /** SIGKILL, as a power loss of Redis's host would stop it. */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Size of the AOF's newest (incremental) file now. */
  aofSize(): Promise<number>;
  /** Cuts the AOF's newest file back to `bytes` (what was written up to some earlier moment). */
  cutAof(bytes: number): Promise<void>;
  /** A copy of the AOF as it is on disk now (Redis stopped), for `readAofCopy`. */
  copyAof(): Promise<string>;
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(false)));
    s.once("error", () => resolve(true));
  });
}

/** Where this machine's processes claim ports of PORTS: a file per port naming the claiming process. */
const CLAIMS = join(tmpdir(), "ab-private-redis-ports");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The claim file of one port made ours, unless a living process (this one included) holds it. */
async function takeClaim(file: string, again = true): Promise<boolean> {
  try {
    await writeFile(file, String(process.pid), { flag: "wx" });
    return true;
  } catch {
    const owner = Number(await readFile(file, "utf8").catch(() => "0"));
    if (owner === process.pid || (owner > 0 && alive(owner))) return false;
    // Its owner died without releasing it.
    await rm(file, { force: true });
    return again && takeClaim(file, false);
  }
}

/**
 * A port of PORTS that is free and claimed for the caller until `release`. A port is not merely
 * checked free: a Redis the nemesis killed leaves its port free for a moment, and another test file
 * (vitest runs files side by side) or a campaign must not start its own Redis there meanwhile.
 */
async function claimPort(): Promise<{ port: number; release(): Promise<void> }> {
  await mkdir(CLAIMS, { recursive: true });
  for (const port of PORTS) {
    const file = join(CLAIMS, String(port));
    if (!(await takeClaim(file))) continue;
    if (await portFree(port)) return { port, release: () => rm(file, { force: true }) };
    await rm(file, { force: true });
  }
  throw new Error(`no free port for the fault suite's Redis among ${PORTS.join(", ")}`);
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (!(await portFree(port))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`private Redis on ${port} did not start`);
}

export async function startPrivateRedis(opts: { appendfsync?: "always" | "everysec" } = {}): Promise<PrivateRedis> {
  const { port, release } = await claimPort();
  const dir = await mkdtemp(join(tmpdir(), "ab-faults-redis-"));
  let proc: ChildProcess | null = null;
  const incrFile = async () => {
    const aofDir = join(dir, "appendonlydir");
    const files = (await readdir(aofDir)).filter((f) => f.endsWith(".incr.aof")).sort();
    const last = files.at(-1);
    if (!last) throw new Error("no incremental AOF file");
    return join(aofDir, last);
  };
  const r: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      proc = spawn(
        "redis-server",
        ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--appendfsync", opts.appendfsync ?? "always", "--save", "", "--aof-load-truncated", "yes", "--auto-aof-rewrite-percentage", "0"],
        { stdio: "ignore" },
      );
      await waitReady(port);
    },
    async kill() {
      const p = proc;
      if (!p || p.exitCode !== null) return;
      const exited = new Promise((resolve) => p.once("exit", resolve));
      p.kill("SIGKILL");
      await exited;
      for (let i = 0; i < 100 && !(await portFree(port)); i++) await new Promise((res) => setTimeout(res, 20));
    },
    aofSize: async () => (await stat(await incrFile())).size,
    cutAof: async (bytes) => truncate(await incrFile(), bytes),
    async copyAof() {
      const copy = await mkdtemp(join(tmpdir(), "ab-faults-aof-"));
      await cp(join(dir, "appendonlydir"), join(copy, "appendonlydir"), { recursive: true });
      return copy;
    },
    async stop() {
      await r.kill();
      await rm(dir, { recursive: true, force: true });
      await release();
    },
  };
  try {
    await r.start();
  } catch (err) {
    await release();
    throw err;
  }
  return r;
}

/** What a store held, by the keys the checker compares (case-store.ts's layout under one prefix). */
export interface StoreContents {
  /** Mail ledger keys (`mid:<Message-ID>`, …): one per mail whose commit the store holds. */
  ledger: string[];
  /** Outbox keys whose entry is marked sent. */
  sent: string[];
  /** Outbox keys whose entry exists (any status). */
  outbox: string[];
}

/** `s` as a literal in a SCAN pattern. */
export function glob(s: string): string {
  return s.replace(/[*?[\]\\{}]/g, "\\$&");
}

/** Every key matching `pattern` on these nodes (a Redis, or every master of a Cluster: connect.ts `masters`). */
export async function scanKeys(nodes: Redis[], pattern: string): Promise<string[]> {
  const out: string[] = [];
  for (const node of nodes) {
    for (let cursor = "0"; ; ) {
      const [next, found] = await node.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      out.push(...found);
      if ((cursor = next) === "0") break;
    }
  }
  return out;
}

/**
 * Reads what a store under `prefix` holds. On a Cluster (the connection a cluster one, `prefix` its
 * tagged `{…}`) every master is scanned, and the outbox entries are found in their cases' own slots
 * (store-keys.ts).
 */
export async function storeContents(redis: Redis, prefix: string): Promise<StoreContents> {
  const nodes = await masters(redis);
  const keys = (pattern: string) => scanKeys(nodes, pattern);
  const ledger = (await keys(`${glob(prefix)}mail:*`)).map((k) => k.slice(prefix.length + "mail:".length));
  const outboxPattern = isCluster(redis) ? `${glob(prefix.replace(/[{}]/g, ""))}\\{ACT-*\\}:outbox:*` : `${glob(prefix)}outbox:*`;
  const outboxHashes = (await keys(outboxPattern)).filter((k) => !/outbox:(pending|drafts|unfiled)$/.test(k));
  const outboxKeys = outboxHashes.map((k) => k.slice(k.lastIndexOf("outbox:") + "outbox:".length));
  const status = await Promise.all(outboxHashes.map((k) => redis.hget(k, "status")));
  // The sent keys picked before any sort: `status` is in the order of `outboxKeys` as scanned.
  const sent = outboxKeys.filter((_, i) => status[i] === "sent");
  return { ledger: ledger.sort(), outbox: [...outboxKeys].sort(), sent: sent.sort() };
}

/**
 * What a copy of an AOF (`copyAof`) holds under `prefix`: loaded by a Redis of its own on a spare port
 * (as the real one would load it on restart), read, and the copy removed.
 */
export async function readAofCopy(copy: string, prefix: string): Promise<StoreContents> {
  const { port, release } = await claimPort();
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", copy, "--appendonly", "yes", "--save", "", "--aof-load-truncated", "yes", "--auto-aof-rewrite-percentage", "0"], { stdio: "ignore" });
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  try {
    await waitReady(port);
    const client = new Redis({ port, host: "127.0.0.1", lazyConnect: true, maxRetriesPerRequest: 50, retryStrategy: () => 100 });
    try {
      await client.connect();
      // Ready only once the AOF is loaded (a Redis still loading answers -LOADING).
      for (let i = 0; i < 200 && (await client.info("persistence")).includes("loading:1"); i++) await new Promise((r) => setTimeout(r, 50));
      return await storeContents(client, prefix);
    } finally {
      client.disconnect();
    }
  } finally {
    proc.kill("SIGKILL");
    await exited;
    await rm(copy, { recursive: true, force: true });
    await release();
  }
}
