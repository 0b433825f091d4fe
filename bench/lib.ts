/**
 * Shared pieces of `npm run bench`: a desk (Dovecot user, SMTP relay, Redis prefix, blob store) with a
 * bot on it, run as deployed (`activation-bot run` in a process of its own), the people's replies built
 * as a mail client builds them and appended straight into the desk's INBOX (that APPEND is the mail's
 * "arrival"), the bot's own timestamps and progress read back from Redis (its BullMQ jobs, the outbox,
 * the mail ledger), the bot process's memory and CPU from /proc, and small statistics helpers.
 * Progress goes to stderr; only run.ts writes stdout.
 */
import type { ChildProcess } from "node:child_process";
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Job } from "bullmq";
import { ImapFlow } from "imapflow";
import { Redis } from "ioredis";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { Queues } from "../src/adapters/queue/queues.js";
import { createQueues } from "../src/adapters/queue/queues.js";
import type { CommandResult } from "../src/app/case-commands.js";
import { openCaseCommand, teamCommand } from "../src/app/case-commands.js";
import type { Config } from "../src/config.js";
import { loadConfig } from "../src/config.js";
import type { OpenCaseRequest } from "../src/core/case/open-case.js";
import type { OutboxEntry } from "../src/core/case/outbox-entry.js";
import type { LocalRelay, MailUser, RelayedMessage } from "../src/demo/local-mail.js";
import { createMailUser, imapPort, imapUrl, PACKAGE_DIR, servicesDir, startLocalRelay } from "../src/demo/local-mail.js";
import type { Context } from "../src/main.js";
import { buildContext, caseCommandDeps, createLogger } from "../src/main.js";
import { dispatchCommitted } from "../src/runtime/reminders.js";
import { watcherLockKey } from "../src/runtime/run.js";

export const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of an unsorted list. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export const round1 = (v: number): number => Math.round(v * 10) / 10;

export function summary(values: number[]): { p50: number; p95: number; max: number } {
  return { p50: round1(percentile(values, 50)), p95: round1(percentile(values, 95)), max: round1(Math.max(...values)) };
}

export const mb = (bytes: number): number => round1(bytes / (1024 * 1024));

/** Polls `fn` every `everyMs` until it returns true; throws after `timeoutMs` (a bound, not a figure). */
export async function until(fn: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** VmRSS and VmHWM (the kernel's high-water mark) of a process, in bytes, from /proc. */
export async function procRss(pid: number): Promise<{ rss: number; hwm: number } | null> {
  try {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
  } catch {
    return null;
  }
}

/**
 * A process and its descendants, from /proc: the bot's worker children (`run --workers-only`) when
 * WORKER_PROCESSES > 1. Children are forked by the main thread, whose `children` file lists them.
 */
export async function processTree(pid: number): Promise<number[]> {
  const pids = [pid];
  for (let i = 0; i < pids.length; i++) {
    const p = pids[i] as number;
    const kids = await readFile(`/proc/${p}/task/${p}/children`, "utf8").catch(() => "");
    pids.push(...kids.split(" ").filter(Boolean).map(Number));
  }
  return pids;
}

/**
 * The bot's memory: VmRSS summed over its process tree (one process unless WORKER_PROCESSES > 1), and
 * VmHWM, exact for one process, the sum of the processes' high-water marks (an upper bound) for more.
 */
export async function botRss(pid: number): Promise<{ rss: number; hwm: number; processes: number } | null> {
  const each = (await Promise.all((await processTree(pid)).map((p) => procRss(p)))).filter(
    (r): r is { rss: number; hwm: number } => r !== null && Number.isFinite(r.rss) && Number.isFinite(r.hwm),
  );
  if (each.length === 0) return null;
  return { rss: each.reduce((sum, r) => sum + r.rss, 0), hwm: each.reduce((sum, r) => sum + r.hwm, 0), processes: each.length };
}

let clockTicks: number | null = null;

/**
 * CPU time the bot has used so far, in seconds (user + system, all threads): its process tree, plus the
 * children it has already reaped (a restarted worker), from /proc/<pid>/stat.
 */
export async function botCpuSeconds(pid: number): Promise<number | null> {
  if (clockTicks === null) {
    try {
      clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  const ticks = async (p: number, reaped: boolean): Promise<number> => {
    try {
      const stat = await readFile(`/proc/${p}/stat`, "utf8");
      // Fields after "(comm)" start at field 3 (state): utime 14, stime 15, cutime 16, cstime 17.
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ").map(Number);
      return (f[11] ?? 0) + (f[12] ?? 0) + (reaped ? (f[13] ?? 0) + (f[14] ?? 0) : 0);
    } catch {
      return NaN;
    }
  };
  const [root, ...rest] = await processTree(pid);
  const total = await ticks(root ?? pid, true);
  if (Number.isNaN(total)) return null;
  const children = await Promise.all(rest.map((p) => ticks(p, false)));
  return (total + children.filter((t) => !Number.isNaN(t)).reduce((sum, t) => sum + t, 0)) / clockTicks;
}

/** Pids of the bot processes alive now (see Desk.startBot), sampled by the RssSampler. */
const liveBotPids = new Set<number>();

/**
 * Samples the RSS of the bot processes (VmRSS from /proc, and their VmHWM when they stop) and, apart,
 * of this bench process; `phase()` starts a new named peak, `peaks` (bots) and `benchPeaks` keep them.
 */
export class RssSampler {
  /** The sampler running now, told of a bot's high-water mark when the bot stops. */
  static active: RssSampler | null = null;
  /** Peak RSS of a bot process, by phase. */
  readonly peaks: Record<string, number> = {};
  /** Peak RSS of this bench process (relay, mail building, bookkeeping), by phase. */
  readonly benchPeaks: Record<string, number> = {};
  private current = "setup";
  private readonly timer: NodeJS.Timeout;
  private reading = false;

  constructor(everyMs = 20) {
    RssSampler.active = this;
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }

  phase(name: string): void {
    this.sample();
    this.current = name;
    this.sample();
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    this.benchPeaks[this.current] = Math.max(this.benchPeaks[this.current] ?? 0, rss);
    if (this.reading || liveBotPids.size === 0) return;
    this.reading = true;
    void Promise.all([...liveBotPids].map(async (pid) => {
      const r = await botRss(pid);
      if (r) this.noteBot(r.rss);
    })).finally(() => (this.reading = false));
  }

  /** A bot's RSS (or high-water mark) seen outside the sampling loop. */
  noteBot(bytes: number): void {
    if (Number.isFinite(bytes)) this.peaks[this.current] = Math.max(this.peaks[this.current] ?? 0, bytes);
  }

  /** Peak RSS of a bot process over the run (0 when no bot ran). */
  get peak(): number {
    return Math.max(0, ...Object.values(this.peaks));
  }

  get benchPeak(): number {
    this.sample();
    return Math.max(...Object.values(this.benchPeaks));
  }

  stop(): void {
    clearInterval(this.timer);
    if (RssSampler.active === this) RssSampler.active = null;
  }
}

// ---------------------------------------------------------------------------------------------------
// One desk: its mailbox, relay, Redis prefix, storage and bot

/** A bot running in a process of its own (`activation-bot run`, see botCommand). */
export interface BotProcess {
  pid: number;
  /** The command, e.g. "node dist/cli/main.js run". */
  label: string;
  spawnedAt: number;
  /** When the bench saw the bot's watcher lock in Redis (polled every 5 ms): the bot is at work. */
  readyAt: number;
}

export interface Desk {
  name: string;
  user: MailUser;
  relay: LocalRelay;
  config: Config;
  /** The bench's own context on the desk's Redis and blob store (case commands, reading state). */
  ctx: Context;
  /** The bench's handle on the desk's queues: dispatch of what its commands commit, the bot's jobs. */
  queues: Queues;
  /** The environment of the desk's bot process. */
  env: Record<string, string>;
  bot: BotProcess | null;
  startBot(): Promise<BotProcess>;
  /** SIGTERM, then waits for the bot to finish its running jobs and exit; its exit code or signal. */
  stopBot(): Promise<string | null>;
  /** Throws when the bot process has ended without stopBot() (for polling loops). */
  checkBot(): void;
  /** Rejects as soon as the bot process ends without stopBot(), else settles as `p` does. */
  guard<T>(p: Promise<T>): Promise<T>;
  /** Whether the bot's ingest job for one mail has finished (completed, or failed for good). */
  mailHandled(jobId: string): Promise<boolean>;
  /** Ingest jobs finished so far (completed + failed; completed jobs are kept). */
  ingestFinished(): Promise<number>;
  /** No outbox entry pending and no outbox job waiting, running or delayed: every answer sent and filed. */
  outboxSettled(): Promise<boolean>;
  close(): Promise<void>;
}

/** Environment of a desk's bot, so a child process runs the same bot as the bench's own context sees. */
export function deskEnv(user: MailUser, relay: LocalRelay, storage: string, prefix: string, secret: string): Record<string, string> {
  return {
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_PREFIX: prefix,
    IMAP_URL: imapUrl(user),
    SMTP_URL: relay.url,
    MAIL_FROM: `Aktiveringar <${user.address}>`,
    TAG_SECRET: secret,
    STORAGE_DIR: storage,
    HTTP_PORT: "0",
    LOG_LEVEL: "silent",
    // The bench runs on the machine's Redis, which keeps nothing (no AOF): `run` would refuse it.
    REDIS_SETTINGS_CHECK: process.env.REDIS_SETTINGS_CHECK ?? "false",
    // As the Docker image runs the bot (Dockerfile): glibc's default of one malloc arena per thread
    // lets libvips' threads hold tens of MB that a 30 MB mail never needs (measured: 234 → 196 MB peak).
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
    // Also as the image does: V8's young generation capped at 2 × 8 MB (measured: 195–205 → 183 MB).
    NODE_OPTIONS: process.env.BOT_NODE_OPTIONS ?? "--max-semi-space-size=8",
    ...botTuning(),
  };
}

/**
 * Environment of a bot run in the bench process (runBot: oauth-bench.ts, gap-bench.ts) on a Redis
 * prefix `bench:<name>:<random>:` and a STORAGE_DIR of its own; the mail settings are the caller's.
 */
export function inProcessBotEnv(name: string, storage: string): Record<string, string> {
  return {
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_PREFIX: `bench:${name}:${randomBytes(4).toString("hex")}:`,
    REDIS_SETTINGS_CHECK: "false",
    TAG_SECRET: randomBytes(16).toString("hex"),
    STORAGE_DIR: storage,
    HTTP_PORT: "0",
    LOG_LEVEL: "silent",
  };
}

/** The bot's documented tuning variables, passed through from the bench's environment when set. */
export const TUNING_KEYS = [
  "INGEST_CONCURRENCY",
  "OUTBOX_CONCURRENCY",
  "INGEST_BUDGET_MB",
  "WORKER_PROCESSES",
  "SMTP_POOL_SIZE",
  "IMAP_IDLE_DELAY_MS",
  "MAX_ATTACHMENT_BYTES",
] as const;

export function botTuning(): Record<string, string> {
  return Object.fromEntries(TUNING_KEYS.flatMap((k) => (process.env[k] ? [[k, process.env[k] as string]] : [])));
}

const cleanups: (() => Promise<void>)[] = [];

/** Runs every registered cleanup (desks, temp dirs), newest first; safe to call twice. */
export async function cleanupAll(): Promise<void> {
  while (cleanups.length) {
    const fn = cleanups.pop();
    await fn?.().catch((err: unknown) => log(`cleanup failed: ${String(err)}`));
  }
}

export function onCleanup(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/** Removes a Dovecot user made by createMailUser: its passwd file and its maildir (GBs of photos). */
export async function removeMailUser(user: MailUser): Promise<void> {
  await rm(path.join(servicesDir(), "users.d", user.user), { force: true });
  await rm(path.join(servicesDir(), "mail", user.user), { recursive: true, force: true });
}

let chosenCommand: { args: string[]; label: string } | null = null;

/**
 * `activation-bot run` as deployed (dist/, built by scripts/bench.sh), else from the sources via tsx.
 * Chosen once per run, so that every phase runs the same form even if src/ changes meanwhile.
 */
export function botCommand(): { args: string[]; label: string } {
  chosenCommand ??= chooseBotCommand();
  return chosenCommand;
}

function chooseBotCommand(): { args: string[]; label: string } {
  // BENCH_BOT_NODE_FLAGS: Node flags for the bot process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
  // (NODE_OPTIONS refuses --cpu-prof). The label says they were used.
  const flags = (process.env.BENCH_BOT_NODE_FLAGS ?? "").split(/\s+/).filter(Boolean);
  const chosen = chooseBotScript();
  return flags.length ? { args: [...flags, ...chosen.args], label: `${chosen.label} with ${flags.join(" ")}` } : chosen;
}

function chooseBotScript(): { args: string[]; label: string } {
  const dist = path.join(PACKAGE_DIR, "dist/cli/main.js");
  const newestSrc = (dir: string): number =>
    Math.max(
      0,
      ...readdirSync(dir, { withFileTypes: true }).map((e) =>
        e.isDirectory() ? newestSrc(path.join(dir, e.name)) : e.name.endsWith(".ts") ? statSync(path.join(dir, e.name)).mtimeMs : 0,
      ),
    );
  if (existsSync(dist) && statSync(dist).mtimeMs >= newestSrc(path.join(PACKAGE_DIR, "src"))) {
    return { args: [dist, "run"], label: "node dist/cli/main.js run" };
  }
  return { args: ["--import", "tsx", path.join(PACKAGE_DIR, "src/cli/main.ts"), "run"], label: "node --import tsx src/cli/main.ts run (dist/ stale)" };
}

/** Bot processes not yet exited: killed outright if the bench exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of liveChildren) child.kill("SIGKILL");
});

/** How long a bot gets to finish its running jobs after SIGTERM before it is killed. */
const STOP_GRACE_MS = 30_000;
/** A bound on the bot's start-up (from the sources under tsx on a loaded machine it takes seconds). */
const START_TIMEOUT_MS = 120_000;

export async function startDesk(name: string, opts: { withBot?: boolean } = {}): Promise<Desk> {
  const user = await createMailUser(`bench-${name}`, { domain: "desk.bench" });
  // Nobody's mailbox is added to the relay: the bot's answers are recorded (with their arrival time)
  // but not delivered on, so the people's mailboxes put no load on Dovecot during the measurements.
  const relay = await startLocalRelay();
  const storage = await mkdtemp(path.join(tmpdir(), `ab-bench-${name}-`));
  const env = deskEnv(user, relay, storage, `bench:${name}:${randomBytes(4).toString("hex")}:`, randomBytes(16).toString("hex"));
  const config = loadConfig(env);
  const ctx = await buildContext(config, { log: createLogger("silent") });
  const bullConnection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
  const queues = createQueues(bullConnection, config.REDIS_PREFIX, config.MAX_INGEST_ATTEMPTS);
  const lockKey = watcherLockKey(config);
  let closed = false;
  /** The running bot's child process, its exit (code or signal) and whether stopBot() ended it. */
  let running: { child: ChildProcess; exit: Promise<string>; died: Promise<never>; stopping: boolean; ended: string | null } | null = null;

  const desk: Desk = {
    name,
    user,
    relay,
    config,
    ctx,
    queues,
    env,
    bot: null,
    async startBot() {
      if (desk.bot) return desk.bot;
      const before = await ctx.redis.get(lockKey);
      const command = botCommand();
      const spawnedAt = Date.now();
      const child = spawn(process.execPath, command.args, {
        cwd: PACKAGE_DIR,
        env: { ...process.env, ...env },
        // stdout too goes to the bench's stderr: the bench's stdout carries only the JSON line.
        stdio: ["ignore", 2, 2],
      });
      liveChildren.add(child);
      const pid = child.pid ?? 0;
      if (pid) liveBotPids.add(pid);
      const exit = new Promise<string>((resolve) => {
        child.once("exit", (code, signal) => resolve(signal ?? String(code)));
        child.once("error", (err) => resolve(`spawn error: ${err.message}`));
      });
      const state: NonNullable<typeof running> = { child, exit, died: null as unknown as Promise<never>, stopping: false, ended: null };
      state.died = exit.then((how) => {
        liveChildren.delete(child);
        liveBotPids.delete(pid);
        state.ended = how;
        throw new Error(`bench: ${name}: the bot process ${pid} ended (${how}) while the bench needed it`);
      });
      state.died.catch(() => {
        if (!state.stopping) log(`${name}: bot process ${pid} ended unexpectedly (${state.ended ?? "?"})`);
      });
      running = state;
      await until(
        async () => {
          desk.checkBot();
          const token = await ctx.redis.get(lockKey);
          return token !== null && token !== before;
        },
        START_TIMEOUT_MS,
        `${name}: the bot process (${command.label}) to take the watcher lock ${lockKey}`,
        5,
      );
      desk.bot = { pid, label: command.label, spawnedAt, readyAt: Date.now() };
      return desk.bot;
    },
    async stopBot() {
      const state = running;
      desk.bot = null;
      running = null;
      if (!state) return null;
      state.stopping = true;
      if (state.ended === null) {
        // The bot's lifetime high-water mark, unless reset (big-mail phase): what the sampler may have
        // missed. Only for a single process: summed over worker processes it would overstate the peak.
        const pid = state.child.pid ?? 0;
        const r = pid ? await botRss(pid) : null;
        if (r?.processes === 1) RssSampler.active?.noteBot(r.hwm);
        state.child.kill("SIGTERM");
      }
      const timer = setTimeout(() => {
        log(`${name}: the bot did not stop within ${STOP_GRACE_MS / 1000} s of SIGTERM; killing it`);
        state.child.kill("SIGKILL");
      }, STOP_GRACE_MS);
      const how = await state.exit;
      clearTimeout(timer);
      if (how !== "0") log(`${name}: bot process ended with ${how}`);
      return how;
    },
    checkBot() {
      if (running?.ended != null) throw new Error(`bench: ${name}: the bot process ended (${running.ended})`);
      if (!running) throw new Error(`bench: ${name}: no bot running`);
    },
    guard<T>(p: Promise<T>): Promise<T> {
      return running ? Promise.race([p, running.died]) : p;
    },
    async mailHandled(jobId) {
      const state = await queues.ingest.getJobState(jobId);
      return state === "completed" || state === "failed";
    },
    async ingestFinished() {
      const counts = await queues.ingest.getJobCounts("completed", "failed");
      return (counts.completed ?? 0) + (counts.failed ?? 0);
    },
    async outboxSettled() {
      if ((await ctx.store.pendingOutbox()).length > 0) return false;
      const counts = await queues.outbox.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children");
      return Object.values(counts).every((v) => v === 0);
    },
    async close() {
      if (closed) return;
      closed = true;
      await desk.stopBot();
      await relay.settled();
      await relay.close();
      await queues.close();
      await bullConnection.quit().catch(() => bullConnection.disconnect());
      await deleteRedisPrefix(ctx, config.REDIS_PREFIX);
      await ctx.close();
      await rm(storage, { recursive: true, force: true });
      await removeMailUser(user);
    },
  };
  onCleanup(() => desk.close());
  if (opts.withBot !== false) await desk.startBot();
  return desk;
}

/** Removes every key under a prefix, a thousand at a time (a bench's own desk). */
export async function deleteRedisPrefix(ctx: Context, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await ctx.redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await ctx.redis.unlink(...keys);
  } while (cursor !== "0");
}

// ---------------------------------------------------------------------------------------------------
// Cases

export function ok(r: CommandResult): Extract<CommandResult, { kind: "ok" }> {
  if (r.kind !== "ok") throw new Error(`bench: command refused: ${r.reason}`);
  return r;
}

export interface BenchCase {
  id: string;
  nm: string;
  contractor?: string;
  /** The mail the reply answers (the first activation mail, or the site-preparation request). */
  request: OutboxEntry;
}

/**
 * Opens a case for a network manager of its own (the loop guard limits mails per recipient per day)
 * and hands its first mail to the bot. With `siteReadiness`, stage 1 is then completed by team
 * overrides, so the case waits in site_readiness for the contractor's form and photos.
 */
export async function openBenchCase(desk: Desk, i: number, opts: { siteReadiness?: boolean } = {}): Promise<BenchCase> {
  const tag = `${desk.name}-${i}-${randomBytes(3).toString("hex")}`;
  const nm = `nm-${tag}@kund.bench`;
  const contractor = opts.siteReadiness ? `bygg-${tag}@bygg.bench` : undefined;
  const req: OpenCaseRequest = {
    site: `Storgatan ${i + 1}, Malmö`,
    nmEmail: nm,
    nmName: "Nina",
    ...(contractor ? { contractorEmail: contractor } : {}),
    stations: 2,
    macsShipped: [],
    installService: opts.siteReadiness === true,
    locale: "sv",
  };
  const deps = caseCommandDeps(desk.ctx);
  const opened = ok(await openCaseCommand(deps, req, "bench"));
  const outbox = [...opened.outbox];
  let c = opened.case;
  if (opts.siteReadiness) {
    for (const item of ["account.organisation", "account.flex_billing", "account.contacts"]) {
      const r = ok(await teamCommand(deps, c.id, { kind: "override", item, why: "bench: confirmed by phone" }, "bench"));
      outbox.push(...r.outbox);
      c = r.case;
    }
    if (c.stage !== "site_readiness") throw new Error(`bench: ${c.id} is in ${c.stage}, not site_readiness`);
  }
  // As the CLI does after a command: the outbox entries to the queue (the bot, running or started later,
  // sends them) and the case's reminders planned.
  await dispatchCommitted(desk.queues, desk.ctx, c, outbox.map((e) => e.key));
  const request = contractor ? outbox.find((e) => e.to.includes(contractor)) : outbox.find((e) => e.to.includes(nm));
  if (!request) throw new Error(`bench: no request mail for ${c.id}`);
  return { id: c.id, nm, ...(contractor ? { contractor } : {}), request };
}

/** Opens `n` cases, two at a time, and waits until all their mails have reached the relay. */
export async function openBenchCases(desk: Desk, n: number, opts: { siteReadiness?: boolean } = {}): Promise<BenchCase[]> {
  const cases: BenchCase[] = new Array<BenchCase>(n);
  const before = desk.relay.received.length;
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < n) {
        const i = next++;
        cases[i] = await openBenchCase(desk, i, opts);
      }
    }),
  );
  const pending = async () => {
    desk.checkBot();
    return (await desk.ctx.store.pendingOutbox()).length === 0;
  };
  await until(pending, 300_000, `the first mails of ${n} cases`, 50);
  log(`${desk.name}: ${n} cases open, ${desk.relay.received.length - before} mails relayed`);
  return cases;
}

// ---------------------------------------------------------------------------------------------------
// Replies

export interface Attachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/**
 * The raw reply a mail client sends to `to` (Re-subject, In-Reply-To, References, the quoted history),
 * as the desk's MTA delivers it: Return-Path and Delivered-To on top.
 */
export async function buildReply(
  to: OutboxEntry,
  from: { name: string; address: string },
  text: string,
  attachments: Attachment[] = [],
): Promise<{ raw: Buffer; messageId: string }> {
  const messageId = `<bench.${randomBytes(8).toString("hex")}@${from.address.split("@")[1] ?? "bench"}>`;
  const quoted = to.text.split("\n").map((l) => `> ${l}`).join("\n");
  const composer = new MailComposer({
    from: `${from.name} <${from.address}>`,
    to: to.replyTo,
    subject: /^(re|sv):/i.test(to.subject) ? to.subject : `SV: ${to.subject}`,
    messageId,
    date: new Date(),
    inReplyTo: to.messageId,
    references: [...to.references, to.messageId],
    text: `${text}\n\nDen ${new Date(to.createdAt).toISOString().slice(0, 10)} skrev ${to.from}:\n${quoted}\n`,
    attachments,
  });
  const body = await composer.compile().build();
  const trace = `Return-Path: <${from.address}>\r\nDelivered-To: ${to.replyTo}\r\n`;
  return { raw: Buffer.concat([Buffer.from(trace), body]), messageId };
}

/** One IMAP connection that appends mail into the desk's INBOX, as the desk's MTA would deliver it. */
export async function appender(desk: Desk): Promise<{ append(raw: Buffer): Promise<{ jobId: string }>; close(): Promise<void> }> {
  const client = new ImapFlow({
    host: "127.0.0.1",
    port: imapPort(),
    secure: false,
    auth: { user: desk.user.user, pass: desk.user.pass },
    logger: false,
    disableAutoIdle: true,
  });
  await client.connect();
  return {
    async append(raw) {
      const r = await client.append(desk.config.IMAP_MAILBOX, raw);
      if (!r || r.uid === undefined || r.uidValidity === undefined) throw new Error("bench: APPEND returned no UID (UIDPLUS missing?)");
      // The bot's ingest job id (src/adapters/queue/queues.ts ingestJobId).
      return { jobId: `${String(r.uidValidity)}-${r.uid}` };
    },
    close: () => client.logout().catch(() => client.close()),
  };
}

/** The header block of a relayed mail, for cheap matching of the bot's answer to our reply. */
export function headerBlock(m: RelayedMessage): string {
  const end = m.raw.indexOf("\r\n\r\n");
  return m.raw.subarray(0, end < 0 ? Math.min(m.raw.length, 8192) : end).toString("latin1");
}

export function isAnswerTo(m: RelayedMessage, messageId: string): boolean {
  return headerBlock(m).includes(messageId);
}

// ---------------------------------------------------------------------------------------------------
// The bot's own timestamps, from its BullMQ jobs (kept after completion: removeOnComplete by age)

export interface JobTimes {
  /** IngestJob.seenAt: when IDLE announced the mail. */
  seenAt: number;
  enqueuedAt: number;
  processedOn: number;
  finishedOn: number;
}

export function jobTimes(job: Job | undefined): JobTimes | null {
  if (!job?.processedOn || !job.finishedOn) return null;
  const data = job.data as { seenAt?: number };
  return { seenAt: data.seenAt ?? NaN, enqueuedAt: job.timestamp, processedOn: job.processedOn, finishedOn: job.finishedOn };
}

/** Completed outbox jobs by the Message-ID of the mail they sent. */
export async function outboxJobsByMessageId(desk: Desk): Promise<Map<string, JobTimes>> {
  const out = new Map<string, JobTimes>();
  const jobs = await desk.queues.outbox.getJobs(["completed"], 0, -1);
  for (const job of jobs) {
    const entry = await desk.ctx.store.outboxEntry(job.data.key);
    const t = jobTimes(job);
    if (entry && t) out.set(entry.messageId, t);
  }
  return out;
}

/** The Message-ID header of a relayed mail. */
export function messageIdOf(m: RelayedMessage): string {
  return /^message-id:\s*(<[^>\s]+>)/im.exec(headerBlock(m))?.[1] ?? "";
}


/**
 * How the bot recorded each reply in its mail ledger (`mid:<Message-ID>`): every bench reply should
 * have been handled in its case ("case:ACT-…"). Logs the others; returns how many they are.
 */
export async function unexpectedOutcomes(desk: Desk, messageIds: string[]): Promise<number> {
  let bad = 0;
  for (let i = 0; i < messageIds.length; i += 100) {
    const ids = messageIds.slice(i, i + 100);
    const outcomes = await Promise.all(ids.map((id) => desk.ctx.store.mailOutcome(`mid:${id.slice(1, -1)}`)));
    for (const [k, outcome] of outcomes.entries()) {
      if (outcome?.startsWith("case:")) continue;
      if (++bad <= 5) log(`${desk.name}: unexpected outcome ${outcome ?? "(none)"} for ${ids[k] ?? "?"}`);
    }
  }
  return bad;
}
