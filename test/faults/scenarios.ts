/**
 * The nemesis's scenarios (issue 20). Each starts a rig and a bot, runs a workload into a fault,
 * heals it, waits until the run settles and returns the checker's figures with the recovery times.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { caseOfToken } from "../../src/adapters/redis/slot-steps.js";
import type { BotProcess, Figures, OpenedCase } from "./fault-rig.js";
import { FaultRig, percentile, until } from "./fault-rig.js";
import type { PrivateRedis } from "./private-redis.js";
import { readAofCopy, storeContents } from "./private-redis.js";
import type { ClusterTopology } from "../support/cluster-redis.js";
import type { SentinelTopology } from "../support/sentinel-redis.js";
import { MASTER_NAME } from "../support/sentinel-redis.js";

export interface ScenarioResult {
  scenario: string;
  figures: Figures;
  faults: number;
  /**
   * ms from each fault's end (heal, kill, restart) until the mailbox and the store agree again
   * (FaultRig.settled: INBOX empty, every answer due at the sink, no outbox entry pending).
   */
  recoveryMs: number[];
  /** Per scenario: what else was measured (reconnect delays, the time to notice a lost store…). */
  notes: Record<string, unknown>;
}

export interface ScenarioOptions {
  cases: number;
  seed: number;
  /** How long a run may take to settle after its fault before it counts as stuck. */
  settleMs?: number;
}

const SETTLE_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settle(rig: FaultRig, from: number, opts: ScenarioOptions): Promise<number> {
  await until(() => rig.settled(), opts.settleMs ?? SETTLE_MS, "the run to settle", 200).catch(() => undefined);
  return Date.now() - from;
}

/** Waits until at least `n` ingest jobs are queued or running (the outage must catch mail in flight). */
async function jobsInFlight(rig: FaultRig, n: number): Promise<number> {
  return until(
    async () => {
      const c = await rig.queues.ingest.getJobCounts("waiting", "active", "delayed", "prioritized");
      const total = Object.values(c).reduce((s, v) => s + v, 0);
      return total >= n ? total : undefined;
    },
    20_000,
    `${n} ingest jobs in flight`,
    2,
  );
}

async function withRig(name: string, redis: Pick<PrivateRedis, "url">, fn: (rig: FaultRig) => Promise<ScenarioResult>, env: Record<string, string> = {}): Promise<ScenarioResult> {
  const rig = await FaultRig.start(name, redis, env);
  try {
    return await fn(rig);
  } finally {
    await rig.close();
  }
}

/** The IMAP server unreachable for `outageMs` from a moment when ≥ 3 ingest jobs are queued or running. */
export function imapOutage(redis: PrivateRedis, opts: ScenarioOptions & { outageMs: number }): Promise<ScenarioResult> {
  return withRig("outage", redis, async (rig) => {
    const bot = rig.startBot();
    await bot.waitFor("watching mailbox");
    const cases = await rig.openCases(opts.cases);
    const mails = rig.workload(cases, opts.seed);
    const appending = rig.append(mails);
    const inFlight = await jobsInFlight(rig, 3);
    rig.proxy.cut();
    await appending;
    await sleep(opts.outageMs);
    const healed = Date.now();
    const before = rig.proxy.connections.length;
    rig.proxy.heal();
    const recovery = await settle(rig, healed, opts);
    // The first connection through the proxy after the heal: the watcher's or the mover's, whichever came first.
    const reconnectMs = (rig.proxy.connections.slice(before).find((t) => t >= healed) ?? NaN) - healed;
    return {
      scenario: "imap_outage",
      figures: await rig.check(),
      faults: 1,
      recoveryMs: [recovery],
      notes: { outageMs: opts.outageMs, jobsInFlightAtCut: inFlight, reconnectMs, breakdown: await rig.recoveryBreakdown(healed) },
    };
  });
}

/** Eight cuts of the IMAP connection, each 2 s after the watcher came back; reconnect delay of each. */
export function repeatedCuts(redis: PrivateRedis, opts: ScenarioOptions & { cuts: number; cutMs: number }): Promise<ScenarioResult> {
  return withRig("cuts", redis, async (rig) => {
    const bot = rig.startBot();
    await bot.waitFor("watching mailbox");
    const cases = await rig.openCases(opts.cases);
    const mails = rig.workload(cases, opts.seed);
    const per = Math.ceil(mails.length / opts.cuts);
    const reconnectMs: number[] = [];
    const recoveryMs: number[] = [];
    // The backoff step the watcher took after each cut: 1 (its first) when it reset after a session that worked.
    const firstAttempt: (number | null)[] = [];
    for (let i = 0; i < opts.cuts; i++) {
      await sleep(2000);
      await rig.append(mails.slice(i * per, (i + 1) * per));
      const mark = bot.lines.length;
      rig.proxy.cut();
      await sleep(opts.cutMs);
      const healed = Date.now();
      const before = rig.proxy.connections.length;
      rig.proxy.heal();
      const back = await until(() => rig.proxy.connections.slice(before).find((t) => t >= healed), 60_000, "the watcher to reconnect", 10);
      reconnectMs.push(back - healed);
      recoveryMs.push(await settle(rig, healed, opts));
      firstAttempt.push(bot.lines.slice(mark).find((l) => l.msg === "watcher connection failed, reconnecting")?.attempt ?? null);
    }
    return { scenario: "repeated_cuts", figures: await rig.check(), faults: opts.cuts, recoveryMs, notes: { reconnectMs, firstAttempt } };
  });
}

/** The bot SIGKILLed while mail is being processed, and started again at once. */
export function botKill(redis: PrivateRedis, opts: ScenarioOptions): Promise<ScenarioResult> {
  return withRig("kill", redis, async (rig) => {
    const bot = rig.startBot();
    await bot.waitFor("watching mailbox");
    const cases = await rig.openCases(opts.cases);
    const mails = rig.workload(cases, opts.seed);
    const appending = rig.append(mails);
    await until(async () => ((await rig.queues.ingest.getActiveCount()) > 0 ? true : undefined), 20_000, "a job in processing", 2);
    const killed = Date.now();
    await bot.kill("SIGKILL");
    // The mail in the mailbox at the kill: what "in flight" means here.
    const inFlight = rig.appended.filter((m) => m.answerDue).map((m) => m.messageId);
    const again = rig.startBot();
    await again.waitFor("watching mailbox");
    const restarted = Date.now();
    const startupMs = restarted - killed;
    await until(() => inFlight.every((id) => rig.answersTo(id).length > 0), opts.settleMs ?? SETTLE_MS, "the in-flight mail's answers", 100).catch(() => undefined);
    const inFlightMs = Date.now() - killed;
    await appending;
    const settledMs = await settle(rig, killed, opts);
    // Recovery counts from the kill, the restart's start-up included (startupMs: the part that is
    // Node loading the bot, which on a loaded machine is most of it); afterRestartMs leaves it out.
    return {
      scenario: "bot_sigkill",
      figures: await rig.check(),
      faults: 1,
      recoveryMs: [inFlightMs],
      notes: { inFlight: inFlight.length, startupMs, afterRestartMs: inFlightMs - startupMs, settledMs, breakdown: await rig.recoveryBreakdown(killed) },
    };
  });
}

/** The SMTP relay refusing the desk for `outageMs` during a burst. */
export function smtpOutage(redis: PrivateRedis, opts: ScenarioOptions & { outageMs: number }): Promise<ScenarioResult> {
  return withRig("smtp", redis, async (rig) => {
    const bot = rig.startBot();
    await bot.waitFor("watching mailbox");
    const cases = await rig.openCases(opts.cases);
    const mails = rig.workload(cases, opts.seed);
    const from = rig.desk.address;
    rig.relay.refuse(from, "4.3.0 relay down (fault suite)");
    await rig.append(mails);
    await sleep(opts.outageMs);
    const healed = Date.now();
    rig.relay.refuse(from, null);
    const recovery = await settle(rig, healed, opts);
    return { scenario: "smtp_outage", figures: await rig.check(), faults: 1, recoveryMs: [recovery], notes: { outageMs: opts.outageMs, breakdown: await rig.recoveryBreakdown(healed) } };
  });
}

/**
 * The store wiped under a running bot: it must notice (readyz, log), stop taking mail, refuse to
 * start again on the empty store, and after `run --fresh` hand out no case id or Message-ID again.
 */
export function storeWiped(redis: PrivateRedis, opts: ScenarioOptions): Promise<ScenarioResult> {
  return withRig("wipe", redis, async (rig) => {
    const bot = rig.startBot();
    await bot.waitFor("watching mailbox");
    const port = await bot.httpPort();
    const cases = await rig.openCases(opts.cases);
    await rig.append(rig.workload(cases, opts.seed));
    await until(() => rig.settled(), opts.settleMs ?? SETTLE_MS, "the first half to settle", 200);

    const wiped = Date.now();
    rig.forgetBefore();
    const prefix = rig.env.REDIS_PREFIX ?? "";
    const keys = await rig.ctx.redis.keys(`${prefix}*`);
    if (keys.length) await rig.ctx.redis.del(...keys);
    const readyz = await until(
      async () => {
        const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null);
        return r && r.status !== 200 ? ((await r.json()) as { checks?: { store?: string } }) : undefined;
      },
      20_000,
      "/readyz to report the lost store",
      100,
    );
    const noticedMs = Date.now() - wiped;
    // Mail that comes now is not taken into the empty store: it stays in INBOX.
    const late = rig.workload(cases.slice(0, 2), opts.seed + 1).map((m) => ({ ...m, answerDue: false }));
    await rig.append(late);
    await sleep(3000);
    const leftInInbox = (await rig.folderIds("INBOX")).length;
    const processedLate = leftInInbox < late.length;

    await bot.kill("SIGTERM");
    const refused = rig.startBot();
    const code = await refused.exited;
    const refusal = refused.stderr.join("\n");

    const fresh = rig.startBot(["--fresh"]);
    await fresh.waitFor("watching mailbox");
    const newCases = await rig.openCases(Math.min(3, opts.cases));
    await rig.append(rig.workload(newCases, opts.seed + 2).filter((m) => m.kind === "answer"));
    const recovery = await settle(rig, Date.now(), opts);
    const figures = await rig.check();
    return {
      scenario: "store_wiped",
      figures,
      faults: 1,
      recoveryMs: [recovery],
      notes: {
        noticedMs,
        readyzStore: readyz.checks?.store ?? null,
        tookMailAfterWipe: processedLate,
        restartExitCode: code,
        refusalNamesFix: /--fresh/.test(refusal) && /store_lost/.test(refusal),
        oldCases: cases.map((c) => c.id),
        newCases: newCases.map((c) => c.id),
      },
    };
  });
}

/**
 * The store wiped under a running bot, then rebuilt from the mailbox (`activation-bot rebuild`) and
 * the bot started again: the cases come back in the stage they had, more mail in their threads is
 * answered once, nothing already sent goes again, and new cases take new ids.
 */
export function storeRebuilt(redis: PrivateRedis, opts: ScenarioOptions): Promise<ScenarioResult> {
  return withRig("rebuild", redis, async (rig) => {
    const bot = rig.startBot();
    await bot.waitFor("watching mailbox");
    const cases = await rig.openCases(opts.cases);
    await rig.append(rig.workload(cases, opts.seed));
    await until(() => rig.settled(), opts.settleMs ?? SETTLE_MS, "the first half to settle", 200);
    const desk = rig.desk.address;
    await until(async () => (await rig.sentIds()).length >= rig.relay.received.filter((m) => m.envelope.from === desk).length, 30_000, "every copy in Sent", 200);
    const stages = new Map<string, string>();
    for (const c of cases) stages.set(c.id, (await rig.ctx.store.getCase(c.id))?.stage ?? "");

    const wiped = Date.now();
    const keys = await rig.ctx.redis.keys(`${rig.env.REDIS_PREFIX ?? ""}*`);
    if (keys.length) await rig.ctx.redis.del(...keys);
    await until(() => bot.lines.find((l) => l.code === "store_lost"), 20_000, "the bot to notice the lost store", 50);
    await bot.kill("SIGTERM");
    const started = Date.now();
    const rebuilt = await rig.cli(["rebuild", "--json"]);
    const rebuildMs = Date.now() - started;
    if (rebuilt.code !== 0) throw new Error(`rebuild failed (${rebuilt.code}): ${rebuilt.stderr}`);
    const report = JSON.parse(rebuilt.stdout) as { cases: { id: string; stage: string }[]; withoutRecord: string[] };
    let wrongStages = 0;
    for (const c of cases) if ((await rig.ctx.store.getCase(c.id))?.stage !== stages.get(c.id)) wrongStages++;

    const again = rig.startBot();
    await again.waitFor("watching mailbox");
    const restarted = Date.now();
    const newCases = await rig.openCases(Math.min(3, opts.cases));
    await rig.append([...rig.workload(cases, opts.seed + 1), ...rig.workload(newCases, opts.seed + 2)].filter((m) => m.kind === "answer"));
    const recovery = await settle(rig, restarted, opts);
    return {
      scenario: "store_rebuilt",
      figures: await rig.check(),
      faults: 1,
      // From the restart on the rebuilt store until the new mail is answered (the rebuild is the operator's step: rebuildMs).
      recoveryMs: [recovery],
      notes: {
        breakdown: await rig.recoveryBreakdown(restarted),
        rebuildMs,
        casesRebuilt: report.cases.length,
        withoutRecord: report.withoutRecord.length,
        wrongStages,
        noticedToRestartMs: restarted - wiped,
        oldCases: cases.map((c) => c.id),
        newCases: newCases.map((c) => c.id),
      },
    };
  });
}

/** Totals over scenario results, as the JSON line prints them. */
export function summarize(results: ScenarioResult[]) {
  const sum = (f: (r: ScenarioResult) => number) => results.reduce((s, r) => s + f(r), 0);
  const recovery = results.flatMap((r) => r.recoveryMs);
  const sorted = [...recovery].sort((a, b) => a - b);
  return {
    runs: results.length,
    mails: sum((r) => r.figures.mails),
    faults: sum((r) => r.faults),
    lost: sum((r) => r.figures.lost),
    stuck: sum((r) => r.figures.stuck),
    wrong_flags: sum((r) => r.figures.wrongFlags),
    duplicated: sum((r) => r.figures.duplicated),
    sent_duplicates: sum((r) => r.figures.sentDuplicates),
    unanswered: sum((r) => r.figures.unanswered),
    reused_ids: sum((r) => r.figures.reusedIds),
    unrecorded: sum((r) => r.figures.unrecorded ?? 0),
    unrecorded_sends: sum((r) => r.figures.unrecordedSends ?? 0),
    recovery_max_ms: sorted.at(-1) ?? 0,
    recovery_p95_ms: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] ?? 0,
  };
}

/**
 * Redis SIGKILLed during a burst and started again from its AOF after `downMs`. With `cutAofMs`, the
 * AOF is first cut back to what it held that long before the kill: a power loss of Redis's host under
 * `appendfsync everysec` (under `always` every acknowledged write was on disk, so there is no cut).
 * The kill comes once `killAfterMoves` mails have been answered and moved to Processed, so that the
 * second cut away holds commits whose mails the mailbox already shows as handled. The notes say what
 * the cut took (the AOF before and after it, each loaded by a Redis of its own: ledger entries, outbox
 * entries, send marks), where those mails were at the kill, and how much of it the store holds again
 * at the end (`restored`); the figures' `unrecorded` counts what it still lacks.
 */
export function redisKill(redis: PrivateRedis, opts: ScenarioOptions & { downMs: number; cutAofMs?: number; killAfterMoves?: number }): Promise<ScenarioResult> {
  return withRig(opts.cutAofMs ? "powerloss" : "rediskill", redis, async (rig) => {
    const bot = rig.startBot();
    await bot.waitFor("watching mailbox");
    const cases = await rig.openCases(opts.cases);
    const mails = rig.workload(cases, opts.seed);
    const sizes: { at: number; size: number }[] = [];
    const sampler = setInterval(() => void redis.aofSize().then((size) => sizes.push({ at: Date.now(), size })), 50);
    await sleep(1200);
    const appending = rig.append(mails);
    await jobsInFlight(rig, 3).catch(() => 0);
    if (opts.killAfterMoves) {
      const want = Math.min(opts.killAfterMoves, Math.floor(mails.length / 2));
      await until(async () => (await rig.folderIds("Processed")).length >= want, 60_000, `${want} mails in Processed`, 100).catch(() => undefined);
    } else await sleep(300);
    clearInterval(sampler);
    const killedAt = Date.now();
    await redis.kill();
    const sink = rig.relay.received.length;
    let cut: { bytes: number; before: string; after: string } | null = null;
    if (opts.cutAofMs) {
      // Further back than the samples go: to the first, taken before the workload's first mail.
      const before = [...sizes].reverse().find((s) => s.at <= killedAt - opts.cutAofMs!) ?? sizes[0];
      const now = sizes.at(-1)?.size ?? 0;
      if (before) {
        const uncut = await redis.copyAof();
        await redis.cutAof(before.size);
        cut = { bytes: now - before.size, before: uncut, after: await redis.copyAof() };
      }
    }
    const processedAtKill = new Set(await rig.folderIds("Processed"));
    await appending;
    await sleep(Math.max(0, opts.downMs - (Date.now() - killedAt)));
    await redis.start();
    const restarted = Date.now();
    const recovery = await settle(rig, restarted, opts);
    const figures = await rig.check();
    const notes: Record<string, unknown> = { downMs: opts.downMs, cutAofBytes: cut?.bytes ?? 0, processedAtKill: processedAtKill.size, sentAtKill: sink, breakdown: await rig.recoveryBreakdown(restarted) };
    if (cut) {
      const prefix = rig.env.REDIS_PREFIX ?? "";
      const [before, after] = [await readAofCopy(cut.before, prefix), await readAofCopy(cut.after, prefix)];
      const gone = (a: string[], b: string[]) => {
        const kept = new Set(b);
        return a.filter((k) => !kept.has(k));
      };
      const lostLedger = gone(before.ledger, after.ledger);
      const lostSent = gone(before.sent, after.sent);
      const lostOutbox = gone(before.outbox, after.outbox);
      const inProcessed = new Set(rig.appended.filter((m) => processedAtKill.has(m.id)).map((m) => `mid:${m.messageId.slice(1, -1)}`));
      const end = await storeContents(rig.ctx.redis, prefix);
      const has = (list: string[], keys: string[]) => {
        const set = new Set(list);
        return keys.filter((k) => set.has(k)).length;
      };
      notes.lostByCut = {
        ledger: lostLedger.length,
        ledgerOfProcessedMail: lostLedger.filter((k) => inProcessed.has(k)).length,
        outbox: lostOutbox.length,
        sentMarks: lostSent.length,
      };
      notes.restored = { ledger: has(end.ledger, lostLedger), outbox: has(end.outbox, lostOutbox), sentMarks: has(end.sent, lostSent) };
    }
    return { scenario: opts.cutAofMs ? "redis_power_loss" : "redis_sigkill", figures, faults: 1, recoveryMs: [recovery], notes };
  });
}

/**
 * The bot SIGKILLed `afterMs` after the SMTP sink accepted an answer, then started again: the
 * duplicate window. An answer sent again shows as `duplicated` (same Message-ID twice at the sink).
 */
export function killAfterAccept(redis: PrivateRedis, opts: ScenarioOptions & { afterMs: number; env?: Record<string, string> }): Promise<ScenarioResult> {
  return withRig(
    "accept",
    redis,
    async (rig) => {
      const bot = rig.startBot();
      await bot.waitFor("watching mailbox");
      const cases = await rig.openCases(opts.cases);
      const before = rig.relay.received.length;
      const mails = rig.workload(cases, opts.seed);
      const appending = rig.append(mails);
      const accepted = await rig.relay.waitFor((m) => rig.relay.received.indexOf(m) >= before, 30_000);
      await sleep(opts.afterMs);
      const killed = Date.now();
      await bot.kill("SIGKILL");
      // The timer is late on a loaded machine: the kill's real distance from the acceptance.
      const killedAfterMs = killed - accepted.at;
      await appending;
      const again = rig.startBot();
      await again.waitFor("watching mailbox");
      const startupMs = Date.now() - killed;
      const recovery = await settle(rig, killed, opts);
      // From each answer's acceptance by the sink to the store's record of its send, over the whole run.
      const { windowsMs, otherwise } = await rig.sendWindows(before);
      const sendWindow = { sends: windowsMs.length, otherwise, p50: percentile(windowsMs, 50), p95: percentile(windowsMs, 95), max: percentile(windowsMs, 100) };
      return { scenario: "kill_after_smtp_accept", figures: await rig.check(), faults: 1, recoveryMs: [recovery], notes: { afterMs: opts.afterMs, killedAfterMs, sendWindowMs: sendWindow, startupMs, breakdown: await rig.recoveryBreakdown(killed) } };
    },
    opts.env,
  );
}

/**
 * Two instances with separate STORAGE_DIRs (a rolling deploy onto a new host): each takes jobs whose
 * mail the other stored, and the first, which watches, is SIGKILLed mid-burst. The second must fetch
 * the mails it lacks from the mailbox, take over the watcher, and quarantine nothing.
 */
export function twoInstances(redis: PrivateRedis, opts: ScenarioOptions): Promise<ScenarioResult> {
  return withRig(
    "two",
    redis,
    async (rig) => {
      const storage2 = await mkdtemp(join(tmpdir(), "ab-faults-two-b-"));
      try {
        const a = rig.startBot();
        await a.waitFor("watching mailbox");
        const b = rig.startBot([], { STORAGE_DIR: storage2 });
        await b.waitFor("activation bot running");
        const cases = await rig.openCases(opts.cases);
        const appending = rig.append(rig.workload(cases, opts.seed));
        await jobsInFlight(rig, 3).catch(() => 0);
        const killed = Date.now();
        await a.kill("SIGKILL");
        await appending;
        await b.waitFor("watching mailbox");
        const takeoverMs = Date.now() - killed;
        const recovery = await settle(rig, killed, opts);
        const refetched = b.lines.filter((l) => l.msg?.startsWith("mail fetched again from the mailbox")).length;
        return {
          scenario: "two_instances_separate_storage",
          figures: await rig.check(),
          faults: 1,
          recoveryMs: [recovery],
          notes: { refetchedByB: refetched, takeoverMs, breakdown: await rig.recoveryBreakdown(killed) },
        };
      } finally {
        await rm(storage2, { recursive: true, force: true });
      }
    },
    { WATCHER_LOCK_TTL_MS: "5000" },
  );
}

/**
 * A burst of mail with a Redis failover in it: the bot watching, `fail` run once ≥ 3 ingest jobs are in
 * flight (it kills a master and waits for what follows, returning its notes), then settled from the
 * kill and checked; `after` adds notes read once it settled.
 */
async function failoverRun(
  rig: FaultRig,
  opts: ScenarioOptions,
  scenario: string,
  fail: (cases: OpenedCase[]) => Promise<Record<string, unknown>>,
  after: (bot: BotProcess) => Promise<Record<string, unknown>> = async () => ({}),
): Promise<ScenarioResult> {
  const bot = rig.startBot();
  await bot.waitFor("watching mailbox");
  const cases = await rig.openCases(opts.cases);
  const appending = rig.append(rig.workload(cases, opts.seed));
  const inFlight = await jobsInFlight(rig, 3).catch(() => 0);
  const killed = Date.now();
  const notes = await fail(cases);
  await appending;
  const recovery = await settle(rig, killed, opts);
  return { scenario, figures: await rig.check(), faults: 1, recoveryMs: [recovery], notes: { jobsInFlightAtKill: inFlight, ...notes, ...(await after(bot)), breakdown: await rig.recoveryBreakdown(killed) } };
}

/**
 * Redis behind Sentinel (test/support/sentinel-redis.ts): the master SIGKILLed during a burst; the
 * sentinels promote the replica, the bot (every connection through REDIS_SENTINELS) follows, and the old
 * master comes back as the new one's replica. Recovery is from the kill.
 */
export function redisFailover(topo: SentinelTopology, opts: ScenarioOptions): Promise<ScenarioResult> {
  return withRig(
    "failover",
    { url: "redis://127.0.0.1:6379" },
    (rig) =>
      failoverRun(rig, opts, "redis_failover", async () => {
        const killed = Date.now();
        topo.killMaster();
        await topo.rejoinOldMaster();
        return { rejoinedMs: Date.now() - killed };
      }),
    { REDIS_SENTINELS: topo.sentinels, REDIS_SENTINEL_NAME: MASTER_NAME },
  );
}

/** The fault suite's cluster ports (masters, then replicas): beside the Cluster test's 6401–6403. */
export const FAULTS_CLUSTER_PORT = 6411;

/**
 * Redis Cluster (test/support/cluster-redis.ts, three masters with a replica each): the master serving
 * the store's index slot (which every change touches), a case's own slot or the outbox queue's SIGKILLed
 * during a burst (by seed, in turn); the cluster promotes its replica, the bot (a cluster connection
 * everywhere) follows the moved slots, and the killed node comes back as a replica. Recovery is from the kill.
 */
export function clusterFailover(topo: ClusterTopology, opts: ScenarioOptions): Promise<ScenarioResult> {
  return withRig(
    "cluster",
    { url: "redis://127.0.0.1:6401" },
    (rig) =>
      failoverRun(
        rig,
        opts,
        "cluster_failover",
        async (cases) => {
          // By seed, in turn: the master of the index slot, of the first case's own slot, of the outbox queue's.
          const targets = [rig.ctx.store.prefix, `{${cases[0]?.id ?? ""}}`, rig.queues.prefixes.outbox];
          const pick = process.env.FAULTS_CLUSTER_TARGET ? ["index", "case", "outbox"].indexOf(process.env.FAULTS_CLUSTER_TARGET) : opts.seed % targets.length;
          const target = targets[pick] ?? rig.ctx.store.prefix;
          const killed = Date.now();
          const port = await topo.killMasterOf(target);
          await topo.failedOver(target, port);
          const failedOverMs = Date.now() - killed;
          await topo.restartKilled(port);
          return { killedMasterOf: target, killedPort: port, failedOverMs };
        },
        async (bot) => {
          // Dirty marks left: a refused change takes its own off; one left by a refusal in the failover (no
          // stored step; the sweep drops it after a minute) is no harm; one whose index step is stored
          // beside its case and not applied is a change left half done.
          const store = rig.ctx.store;
          const dirty = await store.redis.zrange(`${store.prefix}dirty`, 0, -1);
          const stored = await Promise.all(dirty.map((token) => store.redis.hexists(store.keys.indexing(caseOfToken(token)), token)));
          return {
            sweepsFinishingCutChanges: bot.lines.filter((l) => l.msg?.startsWith("store changes cut between")).length,
            unfinishedAtEnd: dirty.length,
            halfDoneAtEnd: stored.filter((n) => n === 1).length,
          };
        },
      ),
    { REDIS_CLUSTER_NODES: topo.nodes },
  );
}
