/**
 * Shared pieces of `npm run bench`: a desk (Dovecot user, SMTP relay, Redis prefix, blob store) with a
 * bot on it, the people's replies built as a mail client builds them and appended straight into the
 * desk's INBOX (that APPEND is the mail's "arrival"), the bot's own timestamps read back from its
 * BullMQ jobs, and small statistics helpers. Progress goes to stderr; only run.ts writes stdout.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import type { Job } from "bullmq";
import { ImapFlow } from "imapflow";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { CommandResult } from "../src/app/case-commands.js";
import { openCaseCommand, teamCommand } from "../src/app/case-commands.js";
import type { Config } from "../src/config.js";
import { loadConfig } from "../src/config.js";
import type { OpenCaseRequest } from "../src/core/case/open-case.js";
import type { OutboxEntry } from "../src/core/case/outbox-entry.js";
import type { LocalRelay, MailUser, RelayedMessage } from "../src/demo/local-mail.js";
import { createMailUser, imapPort, imapUrl, servicesDir, startLocalRelay } from "../src/demo/local-mail.js";
import type { Context } from "../src/main.js";
import { buildContext, caseCommandDeps, createLogger } from "../src/main.js";
import type { RunningBot } from "../src/runtime/run.js";
import { runBot } from "../src/runtime/run.js";

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

/** Samples this process's RSS; `phase()` starts a new named peak, `peaks` keeps them all. */
export class RssSampler {
  readonly peaks: Record<string, number> = {};
  private current = "setup";
  private readonly timer: NodeJS.Timeout;

  constructor(everyMs = 20) {
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
    this.peaks[this.current] = Math.max(this.peaks[this.current] ?? 0, rss);
  }

  get peak(): number {
    this.sample();
    return Math.max(...Object.values(this.peaks));
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

// ---------------------------------------------------------------------------------------------------
// One desk: its mailbox, relay, Redis prefix, storage and bot

export interface Desk {
  name: string;
  user: MailUser;
  relay: LocalRelay;
  config: Config;
  ctx: Context;
  bot: RunningBot | null;
  /** Mail keys / case ids handled by the bot, with the time (ms) of the onHandled event. */
  handled: Map<string, number>;
  handledCount: number;
  sentCount: number;
  startBot(): Promise<RunningBot>;
  stopBot(): Promise<void>;
  close(): Promise<void>;
}

/** Environment of a desk's bot, so a child process can run the same bot (see big-mail-child.ts). */
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
    ...botTuning(),
  };
}

/** The bot's documented tuning variables, passed through from the bench's environment when set. */
export const TUNING_KEYS = ["INGEST_CONCURRENCY", "OUTBOX_CONCURRENCY", "SMTP_POOL_SIZE", "IMAP_IDLE_DELAY_MS", "MAX_ATTACHMENT_BYTES"] as const;

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

export async function startDesk(name: string, opts: { withBot?: boolean } = {}): Promise<Desk> {
  const user = await createMailUser(`bench-${name}`, { domain: "desk.bench" });
  // Nobody's mailbox is added to the relay: the bot's answers are recorded (with their arrival time)
  // but not delivered on, so the people's mailboxes put no load on Dovecot during the measurements.
  const relay = await startLocalRelay();
  const storage = await mkdtemp(path.join(tmpdir(), `ab-bench-${name}-`));
  const config = loadConfig(deskEnv(user, relay, storage, `bench:${name}:${randomBytes(4).toString("hex")}:`, randomBytes(16).toString("hex")));
  const ctx = await buildContext(config, { log: createLogger("silent") });
  let closed = false;
  const desk: Desk = {
    name,
    user,
    relay,
    config,
    ctx,
    bot: null,
    handled: new Map(),
    handledCount: 0,
    sentCount: 0,
    async startBot() {
      const bot = await runBot(ctx, { http: false });
      bot.onHandled((info) => {
        desk.handledCount++;
        desk.handled.set(info.caseId ?? info.mail, Date.now());
        if (info.outcome !== "case") log(`${name}: unexpected outcome ${info.outcome} for ${info.mail}`);
      });
      bot.onSent(() => void desk.sentCount++);
      desk.bot = bot;
      return bot;
    },
    async stopBot() {
      const bot = desk.bot;
      desk.bot = null;
      await bot?.stop();
    },
    async close() {
      if (closed) return;
      closed = true;
      await desk.stopBot();
      await relay.settled();
      await relay.close();
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

async function deleteRedisPrefix(ctx: Context, prefix: string): Promise<void> {
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
  if (desk.bot) await desk.bot.dispatch(c, outbox.map((e) => e.key));
  const request = contractor ? outbox.find((e) => e.to.includes(contractor)) : outbox.find((e) => e.to.includes(nm));
  if (!request) throw new Error(`bench: no request mail for ${c.id}`);
  return { id: c.id, nm, ...(contractor ? { contractor } : {}), request };
}

/** Opens `n` cases, two at a time, and waits until all their mails have reached the relay. */
export async function openBenchCases(desk: Desk, n: number, opts: { siteReadiness?: boolean } = {}): Promise<BenchCase[]> {
  const cases: BenchCase[] = new Array<BenchCase>(n);
  const before = desk.sentCount;
  let next = 0;
  await Promise.all(
    [0, 1].map(async () => {
      while (next < n) {
        const i = next++;
        cases[i] = await openBenchCase(desk, i, opts);
      }
    }),
  );
  const pending = async () => (await desk.ctx.store.pendingOutbox()).length === 0;
  await until(pending, 300_000, `the first mails of ${n} cases`, 50);
  log(`${desk.name}: ${n} cases open, ${desk.sentCount - before} mails sent`);
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
  desk: Desk,
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

export function openQueues(desk: Desk): { ingest: Queue; outbox: Queue; close(): Promise<void> } {
  const prefix = `${desk.config.REDIS_PREFIX}bull`;
  const connection = desk.ctx.redis;
  const ingest = new Queue("ingest", { connection, prefix });
  const outbox = new Queue("outbox", { connection, prefix });
  return { ingest, outbox, close: async () => void (await Promise.all([ingest.close(), outbox.close()])) };
}

export function jobTimes(job: Job | undefined): JobTimes | null {
  if (!job?.processedOn || !job.finishedOn) return null;
  const data = job.data as { seenAt?: number };
  return { seenAt: data.seenAt ?? NaN, enqueuedAt: job.timestamp, processedOn: job.processedOn, finishedOn: job.finishedOn };
}

/** Completed outbox jobs by the Message-ID of the mail they sent. */
export async function outboxJobsByMessageId(desk: Desk, outbox: Queue): Promise<Map<string, JobTimes>> {
  const out = new Map<string, JobTimes>();
  const jobs = await outbox.getJobs(["completed"], 0, -1);
  for (const job of jobs) {
    const entry = await desk.ctx.store.outboxEntry((job.data as { key: string }).key);
    const t = jobTimes(job);
    if (entry && t) out.set(entry.messageId, t);
  }
  return out;
}

/** The Message-ID header of a relayed mail. */
export function messageIdOf(m: RelayedMessage): string {
  return /^message-id:\s*(<[^>\s]+>)/im.exec(headerBlock(m))?.[1] ?? "";
}

