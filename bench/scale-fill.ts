/**
 * The scale bench's store (bench/scale.ts): `n` cases made through the product's own use cases, with
 * SMTP and IMAP short-circuited. Every case is opened with openCaseCommand; 95 % are then closed by the
 * team's close command; every tenth open case gets a mail from a stranger in its thread, handled by
 * processMail as the ingest worker would (an unknown_sender flag: 500 flagged of 100 000). The answers
 * are marked sent and filed through the store, as the sender and the Sent filer do. While the fill
 * runs, the closed cases go to the archive in batches (app/archive-cases.ts, with the clock moved
 * ARCHIVE_AFTER_DAYS ahead as the leader's timer would see it), so no second pass over the store is
 * needed. Nothing writes a key by hand.
 */
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { archiveClosedCases } from "../src/app/archive-cases.js";
import { openCaseCommand, teamCommand } from "../src/app/case-commands.js";
import { processMail } from "../src/app/process-mail.js";
import { DAY_MS } from "../src/core/case/archive.js";
import type { OutboxEntry } from "../src/core/case/outbox-entry.js";
import { caseCommandDeps, processMailDeps, type Context } from "../src/main.js";
import { buildReply, log, mb, round1, sleep } from "./lib.js";

/** One case in OPEN_EVERY stays open (the issue: 5 000 of 100 000). */
export const OPEN_EVERY = 20;
/** One case in FLAG_EVERY is open with a flag (the issue: 500 of 100 000). */
export const FLAG_EVERY = 200;
/**
 * Cases made at once (SCALE_FILL_CONCURRENCY): on a shared machine the fill waits mostly on Redis
 * round trips and on being scheduled, not on its own CPU, so more in flight fill faster.
 */
const FILL_CONCURRENCY = Number(process.env.SCALE_FILL_CONCURRENCY ?? 32);

export interface FillFigures {
  cases: number;
  fill_s: number;
  cases_per_s: number;
  /** Cases made by this fill (a resumed fill adds to what was there). */
  made_now: number;
  archived: number;
  closed_not_archived: number;
  /** Peak RSS over the fill: this process (which archives) and the sum of the fill processes' peaks. */
  fill_peak_rss_mb: number;
  fill_processes_peak_rss_mb: number;
  redis_used_memory_mb: number;
}

export function isOpenCase(i: number): boolean {
  return i % OPEN_EVERY === 0;
}

/** The clock of the archive timer ARCHIVE_AFTER_DAYS (plus one) from now. */
function archiveClock(ctx: Context) {
  return { now: () => new Date(Date.now() + (ctx.config.ARCHIVE_AFTER_DAYS + 1) * DAY_MS) };
}

/**
 * Cases `shard`, `shard + shards`, … below `n` (one fill process's share), FILL_CONCURRENCY at a time.
 * `progress` is told of every 1 000 cases made.
 */
export async function fillShard(ctx: Context, n: number, shard: number, shards: number, progress: (made: number) => void): Promise<void> {
  const deps = caseCommandDeps(ctx);
  const mailDeps = processMailDeps(ctx);
  let next = shard;
  let made = 0;
  // SCALE_FILL_UNTIL (ms since the epoch): no case is begun after it, so the fill fits a bench run.
  const until = Number(process.env.SCALE_FILL_UNTIL ?? Infinity);
  const one = async (i: number) => {
    const tag = randomBytes(3).toString("hex");
    const opened = await openCaseCommand(
      deps,
      {
        site: `Storgatan ${i + 1}, ${["Malmö", "Lund", "Ystad", "Solna"][i % 4]}`,
        nmEmail: `nm-${i}-${tag}@kund.bench`,
        nmName: `Nina ${tag}`,
        installerEmail: `el-${i}@el.bench`,
        stations: 2,
        macsShipped: [mac(i, 1), mac(i, 2)],
        installService: false,
        locale: "sv",
      },
      "bench",
    );
    if (opened.kind !== "ok") throw new Error(opened.reason);
    const outbox: OutboxEntry[] = [...opened.outbox];
    if (!isOpenCase(i)) {
      const closed = await teamCommand(deps, opened.case.id, { kind: "action", action: "close", why: "bench", force: true }, "bench");
      if (closed.kind !== "ok") throw new Error(closed.reason);
      outbox.push(...closed.outbox);
    } else if (i % FLAG_EVERY === 0) {
      const first = outbox[0];
      if (!first) throw new Error(`bench: ${opened.case.id} sent no first mail`);
      const stranger = await buildReply(first, { name: "Okänd Avsändare", address: `okand-${i}@annan.bench` }, "Hej, vi tar över installationen. Mvh");
      const handled = await processMail(mailDeps, stranger.raw);
      if (handled.kind !== "case" || !handled.decision.case.flags.some((f) => f.code === "unknown_sender" && !f.resolved)) throw new Error(`bench: the stranger's mail to ${opened.case.id} raised no unknown_sender flag (${handled.kind})`);
      outbox.push(...handled.outbox);
    }
    // As the sender and the Sent filer would: sent, then filed.
    const at = new Date().toISOString();
    for (const e of outbox) await ctx.store.markSent(e, "250 bench", at);
    await ctx.store.markFiled(outbox.map((e) => e.key));
  };
  await Promise.all(
    Array.from({ length: FILL_CONCURRENCY }, async () => {
      while (next < n && Date.now() < until) {
        const i = next;
        next += shards;
        await one(i);
        if (++made % 1000 === 0) progress(1000);
      }
    }),
  );
  progress(made % 1000);
}

/** Fill processes still running: killed if the bench exits without waiting for them. */
const fillChildren = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of fillChildren) child.kill("SIGKILL");
});

/**
 * Fills the store to `n` cases (fewer when `maxSeconds` runs out first: `cases` says how many) with SCALE_FILL_PROCESSES processes (default 4: on a shared machine each
 * gets its own share of the CPU, and the fill is bound by its CPU share), each with a context of its
 * own; this process archives meanwhile.
 */
export async function fillStore(ctx: Context, n: number, maxSeconds = Infinity, from = 0): Promise<FillFigures> {
  const threads = Math.max(1, Number(process.env.SCALE_FILL_PROCESSES ?? 4));
  const started = performance.now();
  let peakRss = process.memoryUsage.rss();
  let done = 0;
  let filling = true;
  const clock = archiveClock(ctx);
  let archived = 0;
  // Archives while the fill runs; a round with nothing new waits a little for more closed cases.
  const archiver = (async () => {
    while (filling) {
      const round = await archiveClosedCases({ store: ctx.store, clock }, ctx.config.ARCHIVE_AFTER_DAYS);
      archived += round.archived.length;
      if (round.archived.length === 0) await sleep(200);
    }
  })();
  const progress = (made: number) => {
    done += made;
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    if (made > 0 && done % 5000 === 0) log(`scale: ${done}/${n} cases in ${round1((performance.now() - started) / 1000)} s, ${archived} archived, rss ${mb(peakRss)} MB`);
  };
  const childPeaks: number[] = [];
  const env = { REDIS_PREFIX: ctx.config.REDIS_PREFIX, STORAGE_DIR: ctx.config.STORAGE_DIR, TAG_SECRET: ctx.config.TAG_SECRET };
  try {
    await Promise.all(
      Array.from(
        { length: threads },
        (_, shard) =>
          new Promise<void>((resolve, reject) => {
            // A process of its own (forked with this one's Node flags, so tsx loads it as this one was).
            const child = fork(fileURLToPath(new URL("./scale-fill-worker.ts", import.meta.url)), [], {
              env: { ...process.env, ...env, SCALE_FILL_SHARD: `${from + shard}/${threads}/${n}`, SCALE_FILL_UNTIL: String(Date.now() + maxSeconds * 1000) },
            });
            fillChildren.add(child);
            let peakChild = 0;
            child.on("message", (m: { made: number; rss: number }) => {
              peakChild = Math.max(peakChild, m.rss);
              progress(m.made);
            });
            child.once("error", reject);
            child.once("exit", (code) => {
              fillChildren.delete(child);
              childPeaks.push(peakChild);
              if (code === 0) resolve();
              else reject(new Error(`bench: fill process ${shard} exited with ${code}`));
            });
          }),
      ),
    );
  } finally {
    filling = false;
    await archiver;
  }
  // What the archiver has not reached yet, bounded too (SCALE_ARCHIVE_MAX_S): `closed_not_archived` says what is left.
  const archiveUntil = Date.now() + Number(process.env.SCALE_ARCHIVE_MAX_S ?? Infinity) * 1000;
  while (Date.now() < archiveUntil) {
    const round = await archiveClosedCases({ store: ctx.store, clock }, ctx.config.ARCHIVE_AFTER_DAYS);
    archived += round.archived.length;
    if (round.archived.length === 0) break;
  }
  const closedNotArchived = (await ctx.store.archiveCounts()).due;
  const s = (performance.now() - started) / 1000;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const info = await ctx.redis.info("memory");
  const used = Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0);
  const cases = await ctx.store.countList({ kind: "all" });
  log(`scale: filled ${done} cases (${cases} in the store, ${n} asked) in ${round1(s)} s (${archived} archived, ${closedNotArchived} closed not archived)`);
  return { cases, made_now: done, fill_s: round1(s), cases_per_s: round1(done / s), archived, closed_not_archived: closedNotArchived, fill_peak_rss_mb: mb(peakRss), fill_processes_peak_rss_mb: mb(childPeaks.reduce((a, b) => a + b, 0)), redis_used_memory_mb: mb(used) };
}

function mac(i: number, station: number): string {
  const hex = (i * 4 + station).toString(16).padStart(10, "0");
  return `02${hex}`.match(/../g)?.join(":") ?? "";
}
