/**
 * The fault suite's rig (issue 20): a desk on the real Dovecot reached through a cuttable TCP proxy,
 * the suite's own Redis with AOF, the SMTP sink (smtp-server), the bot as `activation-bot run` in a
 * process of its own, a seeded workload of case threads, and a checker over the mailbox, the store,
 * the sink and the Sent folder.
 */
import type { ChildProcessByStdio } from "node:child_process";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { ImapFlow } from "imapflow";
import { simpleParser } from "mailparser";
import { createQueues, enqueueOutbox } from "../../src/adapters/queue/queues.js";
import type { Queues } from "../../src/adapters/queue/queues.js";
import { openCaseCommand } from "../../src/app/case-commands.js";
import { loadConfig } from "../../src/config.js";
import type { LocalRelay, MailUser, RelayedMessage } from "../../src/demo/local-mail.js";
import { createMailUser, imapPort, startLocalRelay } from "../../src/demo/local-mail.js";
import type { Context } from "../../src/main.js";
import { buildContext, caseCommandDeps, createLogger } from "../../src/main.js";
import type { Redis } from "ioredis";
import { connectRedis } from "../../src/adapters/redis/connect.js";
import { REPO_ROOT } from "../support/rules.js";
import { botBuild, botBuildEnv } from "./bot-build.js";
import type { PrivateRedis } from "./private-redis.js";
import { storeContents } from "./private-redis.js";
import type { TcpProxy } from "./tcp-proxy.js";
import { startTcpProxy } from "./tcp-proxy.js";

export interface LogLine {
  msg?: string;
  level?: number;
  port?: number;
  code?: string;
  /** The watcher's reconnect attempt ("watcher connection failed, reconnecting"): 1 after a session that worked. */
  attempt?: number;
}

export interface BotProcess {
  pid: number;
  lines: LogLine[];
  stderr: string[];
  httpPort(): Promise<number>;
  waitFor(msg: string, timeoutMs?: number): Promise<LogLine>;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** One mail the workload appends to the desk's INBOX. */
export interface WorkMail {
  id: string;
  kind: "answer" | "out_of_office" | "stranger" | "unmatched";
  messageId: string;
  raw: Buffer;
  /** An answer from the network manager: one reply from the bot is due. */
  answerDue: boolean;
}

export interface OpenedCase {
  id: string;
  first: RelayedMessage;
  firstMessageId: string;
  subject: string;
  replyTo: string;
  nm: string;
}

export interface Figures {
  mails: number;
  lost: number;
  stuck: number;
  quarantined: number;
  wrongFlags: number;
  duplicated: number;
  sentDuplicates: number;
  unanswered: number;
  reusedIds: number;
  /**
   * Mails in Processed whose commit the store does not hold (no ledger entry for their Message-ID):
   * state lost while the mailbox says the mail was handled. 0 unless something lost commits for good.
   */
  unrecorded: number;
  /** Answers the sink accepted whose outbox entry the store does not hold as sent. */
  unrecordedSends: number;
}


/**
 * Where a recovery's time went, from the fault's end (`from`), read from the queues' own record of
 * each job (BullMQ's processedOn / finishedOn, this machine's clock): the mails worked through after
 * it, when the first was taken, when the last ingest and the last send finished, and how many jobs a
 * stalled check handed on (their worker died holding them).
 */
export interface RecoveryBreakdown {
  /** Ingest jobs that finished after `from`: the backlog worked through. */
  backlog: number;
  /** From `from` until the first of them was taken by a worker. */
  firstTakenMs: number | null;
  /** From `from` until half of them, 95 % of them, and the last of them finished (stragglers show as a gap). */
  backlogHalfMs: number | null;
  backlog95Ms: number | null;
  backlogDoneMs: number | null;
  /** The backlog's pace from the first taken to the last done. */
  mailsPerSecond: number | null;
  /** From `from` until the last outbox job finished (the last answer out). */
  lastSentMs: number | null;
  /** Jobs finished after `from` that a stalled check had handed on (their lock lapsed). */
  stalledJobs: number;
}

export async function until<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, what: string, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export class FaultRig {
  readonly appended: WorkMail[] = [];
  readonly cases: OpenedCase[] = [];
  /** From which mail appended and which mail at the sink on the store must know them (`forgetBefore`). */
  private storeSince = { appended: 0, relayed: 0 };
  private bots: BotProcess[] = [];
  /** One connection to the desk's mailbox for the checker's polls (a login per poll strained Dovecot). */
  private imap: ImapFlow | null = null;
  private imapTurn: Promise<unknown> = Promise.resolve();
  private constructor(
    readonly desk: MailUser,
    readonly relay: LocalRelay,
    readonly proxy: TcpProxy,
    readonly redis: Pick<PrivateRedis, "url">,
    readonly env: Record<string, string>,
    readonly ctx: Context,
    readonly queues: Queues,
    private readonly bull: Redis,
    private readonly storage: string,
    /** How to start the CLI: `[<build>/cli/main.js]`, or tsx over the sources (`entry: "tsx"`). */
    private readonly entry: string[],
  ) {}

  static async start(name: string, redis: Pick<PrivateRedis, "url">, extraEnv: Record<string, string> = {}, opts: { entry?: "build" | "tsx" } = {}): Promise<FaultRig> {
    const entry = opts.entry === "tsx" ? ["--import", "tsx", join(REPO_ROOT, "src/cli/main.ts")] : [(await botBuild()).main];
    const desk = await createMailUser(`faults-${name}`, { domain: "desk.test" });
    const relay = await startLocalRelay();
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: imapPort() });
    const storage = await mkdtemp(join(tmpdir(), `ab-faults-${name}-`));
    const env: Record<string, string> = {
      REDIS_URL: redis.url,
      REDIS_PREFIX: `f:${name}:${randomBytes(3).toString("hex")}:`,
      IMAP_URL: `imap://${encodeURIComponent(desk.user)}:${encodeURIComponent(desk.pass)}@127.0.0.1:${proxy.port}`,
      SMTP_URL: relay.url,
      MAIL_FROM: `Aktiveringar <${desk.address}>`,
      TAG_SECRET: randomBytes(16).toString("hex"),
      STORAGE_DIR: storage,
      HTTP_PORT: "0",
      LOG_LEVEL: "info",
      ...(opts.entry === "tsx" ? {} : botBuildEnv()),
      ...extraEnv,
    };
    const config = loadConfig(env);
    const ctx = await buildContext({ ...config, LOG_LEVEL: "silent" }, { log: createLogger("silent") });
    // Through connectRedis, as the bot connects: REDIS_SENTINELS in extraEnv (redis_failover) is followed.
    const bull = connectRedis(config);
    // The nemesis kills Redis: these connections reconnect; their errors meanwhile are expected.
    for (const r of [ctx.redis, bull]) r.on("error", () => undefined);
    const queues = createQueues(bull, config.REDIS_PREFIX, config.MAX_INGEST_ATTEMPTS);
    return new FaultRig(desk, relay, proxy, redis, env, ctx, queues, bull, storage, entry);
  }

  /**
   * `activation-bot run` in a process of its own, as deployed: `node <build>/cli/main.js run`, the
   * build of the current sources (bot-build.ts).
   */
  startBot(args: string[] = [], env: Record<string, string> = {}): BotProcess {
    const child: ChildProcessByStdio<null, null, Readable> = spawn(
      process.execPath,
      [...this.entry, "run", ...args],
      // A process group of its own: a kill reaches the bot's children too (OUTBOX_PROCESS, WORKER_PROCESSES),
      // as a crash of its host or container would.
      { cwd: REPO_ROOT, env: { ...process.env, ...this.env, ...env }, stdio: ["ignore", "ignore", "pipe"], detached: true },
    );
    const lines: LogLine[] = [];
    const stderr: string[] = [];
    let buffered = "";
    child.stderr.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const parts = buffered.split("\n");
      buffered = parts.pop() ?? "";
      for (const p of parts) {
        if (p.startsWith("{")) lines.push(JSON.parse(p) as LogLine);
        else if (p.trim()) stderr.push(p);
      }
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const bot: BotProcess = {
      pid: child.pid ?? 0,
      lines,
      stderr,
      exited,
      waitFor: (msg, timeoutMs = 60_000) =>
        until(() => lines.find((l) => l.msg === msg) ?? (child.exitCode !== null ? Promise.reject(new Error(`bot exited: ${stderr.join("\n")}`)) : undefined), timeoutMs, `log "${msg}"`),
      httpPort: async () => (await bot.waitFor("review UI listening")).port ?? 0,
      async kill(signal) {
        if (child.exitCode === null && child.signalCode === null) {
          try {
            process.kill(-(child.pid ?? 0), signal);
          } catch {
            child.kill(signal);
          }
        }
        return exited;
      },
    };
    this.bots.push(bot);
    return bot;
  }

  /**
   * For each answer the sink accepted from `from` on: the time from that acceptance to the moment the
   * bot recorded the send (the `at` it writes with the record, taken on the same machine's clock just
   * before the write), in ms. A kill inside this window sends the answer again. Answers recorded
   * otherwise (found in Sent after a restart) or not at all are counted apart.
   */
  async sendWindows(from: number): Promise<{ windowsMs: number[]; otherwise: number }> {
    const windowsMs: number[] = [];
    let otherwise = 0;
    const accepted = new Map<string, number[]>();
    for (const m of this.relay.received.slice(from)) {
      const id = headerOf(m.raw, "message-id");
      accepted.set(id, [...(accepted.get(id) ?? []), m.at]);
    }
    for (const [id, times] of accepted) {
      const key = outboxKeyOf(id);
      if (!key) continue;
      const entry = await this.ctx.store.outboxEntry(key);
      const at = entry?.status === "sent" && !entry.response.startsWith("found in") ? Date.parse(entry.at) : NaN;
      const last = times.filter((t) => t <= at + 1).at(-1);
      if (last === undefined) otherwise++;
      else windowsMs.push(Math.max(0, at - last));
    }
    return { windowsMs, otherwise };
  }

  /** Where the time since `from` went (RecoveryBreakdown), from the ingest and outbox jobs. */
  async recoveryBreakdown(from: number): Promise<RecoveryBreakdown> {
    const [ingest, outbox] = await Promise.all([this.queues.ingest.getJobs(["completed", "failed"]), this.queues.outbox.getJobs(["completed", "failed"])]);
    const after = ingest.filter((j) => (j.finishedOn ?? 0) >= from);
    const taken = after.map((j) => j.processedOn ?? 0).filter((t) => t >= from);
    const firstTaken = taken.length ? Math.min(...taken) : null;
    const done = after.length ? Math.max(...after.map((j) => j.finishedOn ?? 0)) : null;
    const sends = outbox.map((j) => j.finishedOn ?? 0).filter((t) => t >= from);
    return {
      backlog: after.length,
      firstTakenMs: firstTaken === null ? null : firstTaken - from,
      backlogHalfMs: after.length ? percentile(after.map((j) => (j.finishedOn ?? 0) - from), 50) : null,
      backlog95Ms: after.length ? percentile(after.map((j) => (j.finishedOn ?? 0) - from), 95) : null,
      backlogDoneMs: done === null ? null : done - from,
      mailsPerSecond: firstTaken !== null && done !== null && done > firstTaken ? Math.round((after.length / ((done - firstTaken) / 1000)) * 10) / 10 : null,
      lastSentMs: sends.length ? Math.max(...sends) - from : null,
      stalledJobs: after.filter((j) => j.stalledCounter > 0).length,
    };
  }

  /** Runs an `activation-bot` command other than `run` in a process of its own: exit code, stdout, stderr. */
  async cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [...this.entry, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...this.env, LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    return { code, stdout, stderr };
  }

  /** Runs `fn` on the rig's own connection to the desk (straight to Dovecot), one call at a time. */
  private withDesk<T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> {
    const run = async () => {
      if (!this.imap?.usable) {
        const client = new ImapFlow({ host: "127.0.0.1", port: imapPort(), secure: false, auth: { user: this.desk.user, pass: this.desk.pass }, logger: false });
        client.on("error", () => undefined);
        await client.connect();
        this.imap = client;
      }
      return fn(this.imap);
    };
    const turn = this.imapTurn.then(run, run);
    this.imapTurn = turn.catch(() => undefined);
    return turn;
  }

  /** Opens cases from this process (as `case open` does) and waits for their first mails at the sink. */
  async openCases(n: number): Promise<OpenedCase[]> {
    const opened: OpenedCase[] = [];
    for (let i = 0; i < n; i++) {
      const nm = `nm${this.cases.length + i}-${randomBytes(2).toString("hex")}@kund.test`;
      const r = await openCaseCommand(
        caseCommandDeps(this.ctx),
        { site: `Storgatan ${this.cases.length + i + 1}, Malmö`, nmEmail: nm, nmName: "Nina", stations: 1, macsShipped: [], installService: false, locale: "sv" },
        "faults",
      );
      if (r.kind !== "ok") throw new Error(r.reason);
      await enqueueOutbox(this.queues, r.outbox.map((e) => e.key));
      const entry = r.outbox[0];
      if (!entry) throw new Error("no first mail");
      opened.push({ id: r.case.id, first: undefined as unknown as RelayedMessage, firstMessageId: entry.messageId, subject: entry.subject, replyTo: entry.replyTo, nm });
    }
    for (const c of opened) {
      c.first = await this.relay.waitFor((m) => m.raw.includes(c.firstMessageId), 60_000);
    }
    this.cases.push(...opened);
    return opened;
  }

  /**
   * A seeded workload over the given cases: an answer from each network manager (some delivered
   * twice), out-of-office replies, strangers writing into threads, and mail that matches no case.
   */
  workload(cases: OpenedCase[], seed: number): WorkMail[] {
    let s = seed >>> 0 || 1;
    const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0), s / 2 ** 32);
    const out: WorkMail[] = [];
    const mail = (kind: WorkMail["kind"], from: string, c: OpenedCase | null, text: string, extra = ""): WorkMail => {
      const id = `${kind}-${randomBytes(4).toString("hex")}`;
      const messageId = `<${id}@kund.test>`;
      const thread = c ? `To: ${c.replyTo}\r\nSubject: SV: ${c.subject}\r\nIn-Reply-To: ${c.firstMessageId}\r\nReferences: ${c.firstMessageId}\r\n` : `To: <desk@desk.test>\r\nSubject: Fråga om laddbox ${id}\r\n`;
      const raw = Buffer.from(
        `From: ${from}\r\n${thread}Message-ID: ${messageId}\r\nDate: ${new Date().toUTCString()}\r\nX-Fault-Id: ${id}\r\n${extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${text}\r\n`,
      );
      return { id, kind, messageId, raw, answerDue: kind === "answer" };
    };
    for (const c of cases) {
      const answer = mail("answer", `Nina <${c.nm}>`, c, rnd() < 0.5 ? "Organisation och stationsinformation stämmer." : "Organisation och stationsinformation stämmer.\nFlex-fakturering är konfigurerad.");
      out.push(answer);
      if (rnd() < 0.15) out.push({ ...answer }); // a double delivery: the same mail twice
      if (rnd() < 0.2) out.push(mail("out_of_office", `Nina <${c.nm}>`, c, "Jag är på semester till måndag.", "Auto-Submitted: auto-replied\r\n"));
      if (rnd() < 0.1) out.push(mail("stranger", `Okänd <stranger-${randomBytes(2).toString("hex")}@annan.test>`, c, "Hej, vad gäller detta?"));
    }
    const unmatched = Math.max(1, Math.round(cases.length / 10));
    for (let i = 0; i < unmatched; i++) out.push(mail("unmatched", `Someone <someone${i}@annan.test>`, null, "Hej, jag vill ha en laddbox."));
    return out;
  }

  /** Appends mails to the desk's INBOX straight on Dovecot (not through the proxy). */
  async append(mails: WorkMail[]): Promise<void> {
    await this.withDesk(async (client) => {
      for (const m of mails) {
        await client.append("INBOX", m.raw);
        this.appended.push(m);
      }
    });
  }

  /** X-Fault-Id of each mail in a folder (one entry per copy). */
  async folderIds(folder: string): Promise<string[]> {
    return this.withDesk(async (client) => {
      const ids: string[] = [];
      const box = await client.mailboxOpen(folder).catch(() => null);
      if (!box || box.exists === 0) return ids;
      for await (const msg of client.fetch("1:*", { headers: ["x-fault-id"] })) {
        const m = /x-fault-id:\s*(\S+)/i.exec(msg.headers?.toString("utf8") ?? "");
        if (m?.[1]) ids.push(m[1]);
      }
      return ids;
    });
  }

  /** Message-IDs of the Sent folder (one entry per copy). */
  async sentIds(): Promise<string[]> {
    return this.withDesk(async (client) => {
      const box = await client.mailboxOpen("Sent").catch(() => null);
      const ids: string[] = [];
      if (!box || box.exists === 0) return ids;
      for await (const msg of client.fetch("1:*", { envelope: true })) if (msg.envelope?.messageId) ids.push(msg.envelope.messageId);
      return ids;
    });
  }

  /** Replies the sink holds to one incoming Message-ID. */
  answersTo(messageId: string): RelayedMessage[] {
    return this.relay.received.filter((m) => headerOf(m.raw, "in-reply-to") === messageId);
  }

  /**
   * The store was lost on purpose (store_wiped): what came and went before now is not the new store's
   * to know; `check` asks it only about what comes after.
   */
  forgetBefore(): void {
    this.storeSince = { appended: this.appended.length, relayed: this.relay.received.length };
  }

  /**
   * The mailbox and the store agree again, the end of a recovery: every answer due has reached the
   * sink, INBOX is empty (every mail handled, its effects committed, and moved), the store has no
   * outbox entry left pending, and it records every mail in Processed and every answer at the sink.
   */
  async settled(): Promise<boolean> {
    const due = new Set(this.appended.filter((m) => m.answerDue).map((m) => m.messageId));
    for (const id of due) if (this.answersTo(id).length === 0) return false;
    if ((await this.folderIds("INBOX")).length > 0) return false;
    if ((await this.ctx.store.pendingOutbox().catch(() => ["?"])).length > 0) return false;
    // Last, as it scans the store: every mail in Processed and every answer at the sink recorded.
    const u = await this.unrecorded(new Set(await this.folderIds("Processed"))).catch(() => null);
    return u !== null && u.unrecorded + u.unrecordedSends === 0;
  }

  async check(): Promise<Figures> {
    const inbox = await this.folderIds("INBOX");
    const processed = await this.folderIds("Processed");
    const quarantined = await this.folderIds("Quarantine");
    const sent = await this.sentIds();
    const count = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());
    const appended = count(this.appended.map((m) => m.id));
    const done = count([...processed, ...quarantined]);
    const inInbox = count(inbox);
    let lost = 0;
    let stuck = 0;
    for (const [id, n] of appended) {
      const there = (done.get(id) ?? 0) + (inInbox.get(id) ?? 0);
      lost += Math.max(0, n - there);
      stuck += inInbox.get(id) ?? 0;
    }
    const bySink = count(this.relay.received.map((m) => headerOf(m.raw, "message-id")));
    const duplicated = [...bySink.values()].reduce((s, n) => s + n - 1, 0);
    const sentDuplicates = [...count(sent).values()].reduce((s, n) => s + n - 1, 0);
    const due = new Set(this.appended.filter((m) => m.answerDue).map((m) => m.messageId));
    const unanswered = [...due].filter((id) => this.answersTo(id).length === 0).length;
    // A Message-ID reused: the sink got one id for mails of two different threads (subjects).
    const threadsOf = new Map<string, Set<string>>();
    for (const m of this.relay.received) {
      const id = headerOf(m.raw, "message-id");
      const subject = ((await simpleParser(m.raw)).subject ?? "").replace(/^(Re|SV): /i, "");
      threadsOf.set(id, (threadsOf.get(id) ?? new Set<string>()).add(subject));
    }
    const caseIds = this.cases.map((c) => c.id);
    const reusedIds = [...threadsOf.values()].filter((s) => s.size > 1).length + (caseIds.length - new Set(caseIds).size);
    const flags = await this.ctx.store.looseFlags();
    const wrongFlags = flags.filter((f) => f.code === "processing_error").length;
    const u = await this.unrecorded(new Set(processed));
    const { unrecorded, unrecordedSends } = u;
    const unansweredIds = [...due].filter((id) => this.answersTo(id).length === 0);
    const stuckIds = [...inInbox.keys()];
    if (unansweredIds.length + stuckIds.length + lost + duplicated + unrecorded + unrecordedSends > 0) {
      await this.writeDiagnosis({ unanswered: unansweredIds, stuck: stuckIds, unrecordedMails: u.mails, unrecordedSends: u.sends, lost, duplicated });
    }
    return {
      mails: this.appended.length,
      lost,
      stuck,
      quarantined: quarantined.length,
      wrongFlags,
      duplicated,
      sentDuplicates,
      unanswered,
      reusedIds,
      unrecorded,
      unrecordedSends,
    };
  }

  /**
   * A run whose figures are off leaves what a post-mortem needs in FAULTS_DIAG_DIR (when set): the ids
   * of what went wrong, the appended mails and the sink's mails naming them, and every bot's log
   * lines that mention one of them, speak of a restore, or are warnings and worse (pino level ≥ 40).
   */
  private async writeDiagnosis(what: { unanswered: string[]; stuck: string[]; unrecordedMails: string[]; unrecordedSends: string[]; lost: number; duplicated: number }): Promise<void> {
    const dir = process.env.FAULTS_DIAG_DIR;
    if (!dir) return;
    const ids = [...what.unanswered, ...what.stuck, ...what.unrecordedMails, ...what.unrecordedSends].map((id) => id.replace(/^<|>$/g, ""));
    const mentions = (text: string) => ids.some((id) => text.includes(id));
    const sink = this.relay.received.map((m) => ({ at: m.at, messageId: headerOf(m.raw, "message-id"), inReplyTo: headerOf(m.raw, "in-reply-to"), subject: headerOf(m.raw, "subject") }));
    // A Redis outage makes every worker log each reconnect: the first few say enough.
    const noisy = new Set(["worker error", "reminder worker error", "redis connection error"]);
    const logsOf = (b: BotProcess) => {
      const seen = new Map<string, number>();
      return b.lines.filter((l) => {
        if (!((l.level ?? 0) >= 40 || /restor|restart|epoch|journal|again/i.test(l.msg ?? "") || mentions(JSON.stringify(l)))) return false;
        const n = (seen.get(l.msg ?? "") ?? 0) + 1;
        seen.set(l.msg ?? "", n);
        return !noisy.has(l.msg ?? "") || n <= 3;
      });
    };
    // What the store says of each unanswered mail's case: its timeline and its outbox entries.
    const prefix = this.ctx.store.prefix;
    const keys = this.ctx.store.keys;
    const store = await Promise.all(
      what.unanswered.map(async (id) => {
        const outcome = await this.ctx.redis.get(`${prefix}mail:mid:${id.replace(/^<|>$/g, "")}`);
        const caseId = outcome?.startsWith("case:") ? outcome.slice("case:".length) : null;
        if (!caseId) return { mail: id, outcome };
        const events = (await this.ctx.redis.lrange(keys.events(caseId), 0, -1)).map((e) => {
          const { at, kind, summary, mail } = JSON.parse(e) as { at: string; kind: string; summary: string; mail?: string };
          return { at, kind, summary, mail };
        });
        const outbox: Record<string, unknown>[] = [];
        for (const outboxKey of await this.ctx.redis.zrange(keys.sentCase(caseId), 0, -1)) {
          const row = await this.ctx.redis.hgetall(keys.outbox(outboxKey));
          const entry = row.entry ? (JSON.parse(row.entry) as { kind?: string; inReplyTo?: string }) : {};
          // The outbox job of the entry, as BullMQ holds it: what became of the send.
          const job = await this.queues.outbox.getJob(outboxKey);
          const jobState = job ? { state: await job.getState(), finishedOn: job.finishedOn, processedOn: job.processedOn, returnvalue: job.returnvalue as unknown, failedReason: job.failedReason, attemptsMade: job.attemptsMade } : null;
          outbox.push({ key: outboxKey, status: row.status, sentAt: row.sentAt, attemptedAt: row.attemptedAt, kind: entry.kind, inReplyTo: entry.inReplyTo, job: jobState });
        }
        // A Cluster's index steps kept beside the case: which are applied, which still dirty, what each did.
        const kept = await this.ctx.redis.hgetall(keys.indexing(caseId));
        const steps = await Promise.all(
          Object.entries(kept).map(async ([token, json]) => {
            const x = JSON.parse(json) as { ledger?: { value: string }; ops?: { op: string; key: string; member?: string }[] | Record<string, never> };
            return {
              token,
              applied: await this.ctx.redis.zscore(`${prefix}steps:applied`, token),
              dirty: await this.ctx.redis.zscore(`${prefix}dirty`, token),
              ledger: x.ledger?.value ?? null,
              ops: (Array.isArray(x.ops) ? x.ops : []).map((o) => `${o.op} ${o.key.slice(prefix.length)} ${o.member ?? ""}`),
            };
          }),
        );
        const unfiled = await Promise.all(outbox.map(async (o) => [o.key, await this.ctx.redis.zscore(`${prefix}outbox:unfiled`, String(o.key))]));
        return { mail: id, outcome, events, outbox, steps, unfiled };
      }),
    );
    const diagnosis = {
      ...what,
      // The outbox as the store and BullMQ hold it: what waits, and in which state the queue's jobs are.
      pendingOutbox: await this.ctx.store.pendingOutbox().catch((err: unknown) => `unreadable: ${(err as Error).message}`),
      outboxJobs: await this.queues.outbox.getJobCounts("waiting", "active", "delayed", "completed", "failed", "prioritized", "waiting-children").catch((err: unknown) => `unreadable: ${(err as Error).message}`),
      appended: this.appended.filter((m) => mentions(`${m.id} ${m.messageId}`)).map(({ id, kind, messageId, answerDue }) => ({ id, kind, messageId, answerDue })),
      sink: sink.filter((m) => mentions(`${m.messageId} ${m.inReplyTo}`)),
      store,
      logs: this.bots.map(logsOf),
      stderr: this.bots.map((b) => b.stderr.slice(-20)),
    };
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}.json`), JSON.stringify(diagnosis, null, 1));
  }

  /** The mails in Processed and the answers at the sink that the store holds no record of. */
  async unrecorded(processed: Set<string>): Promise<{ unrecorded: number; unrecordedSends: number; mails: string[]; sends: string[] }> {
    const contents = await storeContents(this.ctx.redis, this.ctx.store.prefix);
    const ledger = new Set(contents.ledger);
    const sent = new Set(contents.sent);
    const mails = [...new Set(this.appended.slice(this.storeSince.appended).filter((m) => processed.has(m.id)).map((m) => m.messageId))].filter(
      (id) => !ledger.has(`mid:${id.slice(1, -1)}`),
    );
    const sends = [...new Set(this.relay.received.slice(this.storeSince.relayed).map((m) => outboxKeyOf(headerOf(m.raw, "message-id"))))].filter(
      (key): key is string => key !== null && !sent.has(key),
    );
    return { unrecorded: mails.length, unrecordedSends: sends.length, mails, sends };
  }

  async close(): Promise<void> {
    await Promise.all(this.bots.map((b) => b.kill("SIGKILL")));
    await this.queues.close();
    await this.bull.quit().catch(() => this.bull.disconnect());
    await this.ctx.close().catch(() => undefined);
    await this.imap?.logout().catch(() => undefined);
    await this.proxy.close();
    await this.relay.close();
    await rm(this.storage, { recursive: true, force: true });
  }
}

/** The outbox key in the bot's Message-ID (<act-100001.<entry>.<sig>@domain>), null for another's. */
function outboxKeyOf(messageId: string): string | null {
  const own = /^<(act-\d{6})\.([0-9a-f]+)\./i.exec(messageId);
  return own?.[1] && own[2] ? `${own[1].toUpperCase()}.${own[2]}` : null;
}

function headerOf(raw: Buffer, name: string): string {
  const head = raw.subarray(0, Math.max(0, raw.indexOf("\r\n\r\n"))).toString("utf8").replace(/\r\n[ \t]+/g, " ");
  const m = new RegExp(`^${name}:\\s*(.*)$`, "im").exec(head);
  return m?.[1]?.trim() ?? "";
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
