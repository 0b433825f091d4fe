/**
 * `activation-bot run` start-up (issue 20: recovery within 15 s of a fault): from spawn to `/readyz`
 * answering 200, and to the first mail processed (a mail waiting in INBOX before the start, as after a
 * crash), with the time of each start-up step from the bot's own log lines.
 *
 *   npx tsx bench/startup.ts [starts]                  the bench's bot command (dist/ when fresh)
 *   STARTUP_CLIS=/a/dist/cli/main.js,/b/dist/cli/main.js npx tsx bench/startup.ts 3
 *   STARTUP_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" (with STARTUP_CLIS): a profile of each start
 *
 * With several builds, their starts alternate on the same desk, so that they share the machine's load;
 * one JSON line per build: p50 and each start's figures, and the load average. The first start of a
 * desk begins its store; later ones are restarts, as after a fault.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import { withImap } from "../src/demo/local-mail.js";
import { botCommand, cleanupAll, log, percentile, sleep, startDesk } from "./lib.js";

const STARTS = Number(process.argv[2] ?? 3);
/** A start that takes longer than this is reported as failed. */
const START_TIMEOUT_MS = 180_000;
/** The log lines that mark start-up's steps (pino's `msg`), in the order they come. */
const STEPS = ["mailbox folders", "store checked", "review UI listening", "this instance holds the watcher lock", "watching mailbox"];

interface Start {
  readyz_ms: number;
  first_mail_ms: number;
  /** CPU time the bot had used by then (user + system): the figure the machine's load changes least. */
  readyz_cpu_ms: number;
  first_mail_cpu_ms: number;
  /** ms from spawn to each step's log line. */
  steps: Record<string, number>;
}

/** Linux's clock ticks per second (USER_HZ), the unit of /proc/<pid>/stat's CPU times. */
const USER_HZ = 100;

function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return NaN;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function status(url: string): Promise<{ status: number; text: string } | null> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return { status: r.status, text: await r.text() };
  } catch {
    return null;
  }
}

const ingested = (metrics: string): number =>
  metrics
    .split("\n")
    .filter((l) => l.startsWith("activation_bot_mails_ingested_total"))
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);

const desk = await startDesk("startup", { withBot: false });
try {
  const clis = (process.env.STARTUP_CLIS ?? "").split(",").filter(Boolean);
  // STARTUP_NODE_FLAGS: Node flags for the bot, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const flags = (process.env.STARTUP_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
  const entries = clis.length ? clis.map((cli) => ({ args: [...flags, cli, "run"], label: `node ${cli} run` })) : [botCommand()];
  const results = new Map<string, Start[]>(entries.map((e) => [e.label, []]));
  for (let i = 0; i < STARTS; i++) {
    for (const entry of entries) {
      const port = await freePort();
      // A mail waits in INBOX, as after a crash: the start is over when it is processed.
      const raw = Buffer.from(
        `From: Someone <someone-${i}@elsewhere.test>\r\nTo: ${desk.user.address}\r\nSubject: start-up ${i}\r\nMessage-ID: <startup-${i}-${Date.now()}@elsewhere.test>\r\nDate: ${new Date().toUTCString()}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello.\r\n`,
      );
      await withImap(desk.user, (c) => c.append("INBOX", raw));
      const spawnedAt = Date.now();
      const child = spawn(process.execPath, entry.args, {
        env: { ...process.env, ...desk.env, HTTP_PORT: String(port), LOG_LEVEL: "info" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      const steps: Record<string, number> = {};
      const tail: string[] = [];
      let buffered = "";
      child.stderr.on("data", (chunk: Buffer) => {
        buffered += chunk.toString("utf8");
        const lines = buffered.split("\n");
        buffered = lines.pop() ?? "";
        for (const line of lines) {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          if (!line.startsWith("{")) continue;
          const l = JSON.parse(line) as { msg?: string; time?: number };
          if (l.msg && STEPS.includes(l.msg) && l.time && steps[l.msg] === undefined) steps[l.msg] = l.time - spawnedAt;
        }
      });
      let ended = false;
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      void exited.then(() => (ended = true));
      let readyz = 0;
      let firstMail = 0;
      let readyzCpu = 0;
      let firstMailCpu = 0;
      const base = `http://127.0.0.1:${port}`;
      while ((!readyz || !firstMail) && Date.now() - spawnedAt < START_TIMEOUT_MS && !ended) {
        if (!readyz && (await status(`${base}/readyz`))?.status === 200) {
          readyz = Date.now() - spawnedAt;
          readyzCpu = cpuMs(child.pid ?? 0);
        }
        const m = firstMail ? null : await status(`${base}/metrics`);
        if (m && ingested(m.text) > 0) {
          firstMail = Date.now() - spawnedAt;
          firstMailCpu = cpuMs(child.pid ?? 0);
        }
        await sleep(20);
      }
      child.kill("SIGTERM");
      await exited;
      if (!readyz || !firstMail) throw new Error(`${entry.label}: start ${i} did not get ready (readyz ${readyz} ms, first mail ${firstMail} ms); its last lines:\n${tail.join("\n")}`);
      results.get(entry.label)?.push({ readyz_ms: readyz, first_mail_ms: firstMail, readyz_cpu_ms: readyzCpu, first_mail_cpu_ms: firstMailCpu, steps });
      log(`${entry.label}: start ${i}: readyz ${readyz} ms (CPU ${readyzCpu} ms), first mail ${firstMail} ms (CPU ${firstMailCpu} ms), load ${loadavg()[0]?.toFixed(1)}`);
    }
  }
  for (const [label, starts] of results) {
    console.log(
      JSON.stringify({
        cli: label,
        starts: starts.length,
        readyz_p50_ms: percentile(starts.map((s) => s.readyz_ms), 50),
        first_mail_p50_ms: percentile(starts.map((s) => s.first_mail_ms), 50),
        readyz_cpu_p50_ms: percentile(starts.map((s) => s.readyz_cpu_ms), 50),
        first_mail_cpu_p50_ms: percentile(starts.map((s) => s.first_mail_cpu_ms), 50),
        each: starts,
        load1: Number(loadavg()[0]?.toFixed(1)),
      }),
    );
  }
} finally {
  await cleanupAll();
}
process.exit(0);
