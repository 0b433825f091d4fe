/**
 * WORKER_PROCESSES: `activation-bot run` (the real CLI, in a process of its own) with one worker child.
 * Both processes take mail from the queues, a child that dies is started again, and SIGTERM ends both.
 */
import type { ChildProcessByStdio } from "node:child_process";
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor } from "../../src/demo/actor.js";
import { REPO_ROOT } from "../support/rules.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";

const CASES = 10;

interface LogLine {
  msg?: string;
  pid?: number;
}

describe("run with WORKER_PROCESSES=2", () => {
  let h: Harness;
  let nm: MailActor;
  let run: ChildProcessByStdio<null, null, Readable> | null = null;
  const lines: LogLine[] = [];

  beforeAll(async () => {
    h = await startHarness("procs");
    nm = await h.actor("nm", "Nina");
  });
  afterAll(async () => {
    if (run && run.exitCode === null) run.kill("SIGKILL");
    await h?.close();
  });

  const workerPids = () => lines.filter((l) => l.msg === "worker process started").map((l) => l.pid ?? 0);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it("shares the mail between the processes, restarts a dead child, and stops both on SIGTERM", async () => {
    const ids: string[] = [];
    for (let i = 0; i < CASES; i++) ids.push((await h.openCase({ nmEmail: nm.address, site: `Storgatan ${i + 1}, Malmö` })).case.id);
    const firsts = await eventually(async () => {
      const all = await nm.all();
      return all.length >= CASES ? all : undefined;
    }, 30_000, "the first mails");
    await h.stopBot();

    const c = h.ctx.config;
    const env = { ...process.env, ...h.env, LOG_LEVEL: "info", WORKER_PROCESSES: "2", INGEST_CONCURRENCY: "1", OUTBOX_CONCURRENCY: "1" };
    const child = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts"), "run"], { cwd: REPO_ROOT, env, stdio: ["ignore", "inherit", "pipe"] });
    run = child;
    let buffered = "";
    // The log (pino, JSON lines) goes to stderr, the children's too (they inherit it).
    child.stderr.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const p of parts) if (p.startsWith("{")) lines.push(JSON.parse(p) as LogLine);
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

    const [firstWorker] = await eventually(async () => (workerPids().length ? workerPids() : undefined), 20_000, "the worker process");
    // Both processes take jobs before the replies arrive: the parent and its worker child.
    await eventually(async () => lines.filter((l) => l.msg === "activation bot running").length >= 2, 30_000, "both processes to run");
    for (const m of firsts) await nm.reply(m, "Organisation och stationsinformation stämmer.");
    await eventually(async () => ((await nm.all()).length >= 2 * CASES ? true : undefined), 60_000, "an answer to every reply");

    const queues = ["ingest", "outbox"].map((name) => new Queue(name, { connection: { url: c.REDIS_URL }, prefix: `${c.REDIS_PREFIX}bull` }));
    try {
      const jobs = (await Promise.all(queues.map((q) => q.getJobs(["completed"], 0, -1)))).flat();
      const by = new Set(jobs.map((j) => j.processedBy));
      expect(by).toContain(`${hostname()}:${child.pid}`);
      expect(by).toContain(`${hostname()}:${firstWorker}`);
    } finally {
      await Promise.all(queues.map((q) => q.close()));
    }
    const answered = (await nm.all()).slice(CASES);
    expect(new Set(answered.map((m) => /\[(ACT-\d+)\]/.exec(m.subject)?.[1])).size).toBe(CASES);
    expect(answered.every((m) => ids.some((id) => m.subject.includes(id)))).toBe(true);

    process.kill(firstWorker ?? 0, "SIGKILL");
    const second = await eventually(async () => workerPids().find((p) => p !== firstWorker), 20_000, "a new worker process");
    expect(lines.some((l) => l.msg === "worker process exited; restarting it")).toBe(true);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(alive(second)).toBe(false);
  }, 120_000);
});
