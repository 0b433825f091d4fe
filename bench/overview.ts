/**
 * `npx tsx bench/overview.ts`: the overview page's server time at 1 000 and at 10 000 cases in one run
 * (issue 19: nothing in the request path proportional to the store). One store of its own prefix is
 * filled through the store's commit as the product writes it (index, stage entry times and week
 * counters included) with cases spread over 12 weeks and every stage, a tenth activated by a
 * stage_changed event, every fifth with a reply marked sent (the reply lag record); GET /overview is
 * timed through the HTTP server (inject: server time, no socket) at OVERVIEW_SMALL cases, the store is
 * filled on to OVERVIEW_LARGE, and timed again. Prints one JSON line with both and their p95 ratio
 * (≈ 1 when the page reads indexes only); the prefix is deleted afterwards.
 */
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { OverviewStore } from "../src/adapters/redis/overview-store.js";
import type { OutboxEntry } from "../src/core/case/outbox-entry.js";
import type { CaseEvent, StageId } from "../src/core/types.js";
import type { Context } from "../src/main.js";
import { benchCase, openBenchStore, readOnlyDesk, timePage } from "./desk-pages.js";
import { log, round1 } from "./lib.js";

const SMALL = Number(process.env.OVERVIEW_SMALL ?? 1000);
const LARGE = Number(process.env.OVERVIEW_LARGE ?? 10000);
const SAMPLES = 100;
const STAGES: StageId[] = ["open", "site_readiness", "commissioning", "configuration", "ready_for_activation", "activated", "closed"];
const DAY = 86_400_000;

async function fill(ctx: Context, from: number, to: number, now: number): Promise<void> {
  for (let i = from; i < to; i++) {
    const id = `ACT-${200000 + i}`;
    const opened = now - (i % 84) * DAY - (i % 1000) * 1000;
    const stage = STAGES[i % STAGES.length] as StageId;
    const moved = new Date(Math.min(now, opened + ((i % 5) + 1) * DAY)).toISOString();
    const c = benchCase(id, {
      site: `Överblicksgatan ${i}, Malmö`,
      stage,
      openedAt: new Date(opened).toISOString(),
      activityAt: moved,
      participants: [{ email: `nm-${i}@kund.bench`, role: "network_manager" }],
      flags: i % 4 === 0 ? [{ id: `unclear_answer:${i}`, code: "unclear_answer", reason: "contacts unclear", at: moved }] : [],
    });
    const events: CaseEvent[] = stage === "open" ? [] : [{ at: moved, kind: "stage_changed", by: "bot", summary: `open → ${stage}`, stage }];
    const r = await ctx.store.commit({ before: null, case: c, events, outbox: [], messageIds: [], looseFlags: [] });
    if (r !== "committed") throw new Error(`bench: ${id} ${r}`);
    if (i % 5 === 0) {
      const createdAt = new Date(now - (i % 7) * DAY + 1000).toISOString();
      const entry = { key: `${id}.reply`, caseId: id, kind: "progress", to: [`nm-${i}@kund.bench`], messageId: `<${id}.reply@bench>`, autoSubmitted: "auto-replied", createdAt } as OutboxEntry;
      await ctx.store.markSent(entry, "250 ok", new Date(Date.parse(createdAt) + 500 + (i % 20) * 100).toISOString());
    }
  }
}

export interface OverviewBench {
  overview_cases_small: number;
  overview_cases_large: number;
  overview_page_ms_small: { p50: number; p95: number; max: number };
  overview_page_ms_large: { p50: number; p95: number; max: number };
  overview_p95_ratio_large_vs_small: number;
  overview_html_kb_max: number;
}

/** The overview page timed at `small` and at `large` cases of one store (run.ts's `overview` phase uses it too). */
export async function overviewBench(small: number = SMALL, large: number = LARGE): Promise<OverviewBench> {
  const SMALL_N = small;
  const LARGE_N = large;
  const { ctx, drop } = await openBenchStore("overview");
  try {
    const now = Date.now();
    const app = await readOnlyDesk(ctx, { overview: new OverviewStore(ctx.redis, ctx.config.REDIS_PREFIX) });
    let bytes = 0;
    const time = async () => {
      const { ms, maxBytes } = await timePage(app, () => "/overview", SAMPLES);
      bytes = Math.max(bytes, maxBytes);
      return ms;
    };
    let started = performance.now();
    await fill(ctx, 0, SMALL_N, now);
    log(`overview: filled ${SMALL_N} cases in ${round1((performance.now() - started) / 1000)} s`);
    const small = await time();
    started = performance.now();
    await fill(ctx, SMALL_N, LARGE_N, now);
    log(`overview: filled on to ${LARGE_N} cases in ${round1((performance.now() - started) / 1000)} s`);
    const large = await time();
    await app.close();
    const result = {
      overview_cases_small: SMALL_N,
      overview_cases_large: LARGE_N,
      overview_page_ms_small: small,
      overview_page_ms_large: large,
      overview_p95_ratio_large_vs_small: round1(large.p95 / Math.max(0.001, small.p95)),
      overview_html_kb_max: round1(bytes / 1024),
    };
    return result;
  } finally {
    await drop();
  }
}

// Run on its own (`npx tsx bench/overview.ts`): one JSON line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.stdout.write(`${JSON.stringify(await overviewBench())}\n`);
