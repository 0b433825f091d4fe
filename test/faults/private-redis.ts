/**
 * A Redis of the fault suite's own (ports 6381–6389), with AOF as production should run it
 * (`appendonly yes`, `appendfsync always`; `everysec` to show what a power loss then costs), in a temp dir, so that the nemesis can SIGKILL it, cut
 * its AOF back and start it again without touching the shared Redis.
 */
import type { ChildProcess } from "node:child_process";
import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm, stat, truncate } from "node:fs/promises";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(false)));
    s.once("error", () => resolve(true));
  });
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (!(await portFree(port))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`private Redis on ${port} did not start`);
}

export async function startPrivateRedis(opts: { appendfsync?: "always" | "everysec" } = {}): Promise<PrivateRedis> {
  let port = 0;
  for (const p of PORTS) {
    if (await portFree(p)) {
      port = p;
      break;
    }
  }
  if (!port) throw new Error(`no free port for the fault suite's Redis among ${PORTS.join(", ")}`);
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
    async stop() {
      await r.kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await r.start();
  return r;
}
