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
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { OverviewStore } from "../src/adapters/redis/overview-store.js";
import { loadConfig } from "../src/config.js";
import type { OutboxEntry } from "../src/core/case/outbox-entry.js";
import type { Case, CaseEvent, StageId } from "../src/core/types.js";
import { createHttpServer } from "../src/http/server.js";
import { buildContext, type Context } from "../src/main.js";
import { createMetrics } from "../src/runtime/metrics.js";
import { deleteRedisPrefix, log, round1, summary } from "./lib.js";

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
    const c: Case = {
      id,
      site: `Överblicksgatan ${i}, Malmö`,
      locale: "sv",
      stage,
      openedAt: new Date(opened).toISOString(),
      activityAt: moved,
      participants: [{ email: `nm-${i}@kund.bench`, role: "network_manager" }],
      stations: 1,
      macsShipped: [],
      installService: false,
      flags: i % 4 === 0 ? [{ id: `unclear_answer:${i}`, code: "unclear_answer", reason: "contacts unclear", at: moved }] : [],
      evidence: [],
      overrides: [],
      messageIds: [],
      subject: "Aktivering",
      rulesVersion: "bench",
      version: 0,
    };
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
  const storage = await mkdtemp(join(tmpdir(), "bench-overview-"));
  const config = loadConfig({ REDIS_PREFIX: `bench:overview:${randomBytes(4).toString("hex")}:`, TAG_SECRET: randomBytes(16).toString("hex"), STORAGE_DIR: storage, LOG_LEVEL: "silent" });
  const ctx = await buildContext(config);
  try {
    const now = Date.now();
    const app = createHttpServer({
      store: ctx.store,
      blobs: ctx.blobs,
      rules: ctx.rules,
      renderer: ctx.renderer,
      metrics: createMetrics(),
      teamCommand: () => Promise.reject(new Error("bench: read only")),
      settleLooseFlag: () => Promise.reject(new Error("bench: read only")),
      readiness: async () => ({ ok: true, checks: {} }),
      overview: new OverviewStore(ctx.redis, config.REDIS_PREFIX),
    });
    await app.ready();
    let bytes = 0;
    const time = async () => {
      for (let i = 0; i < 10; i++) await app.inject({ method: "GET", url: "/overview", headers: { "x-team-member": "maja" } });
      const ms: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t = performance.now();
        const res = await app.inject({ method: "GET", url: "/overview", headers: { "x-team-member": "maja" } });
        ms.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`bench: /overview answered ${res.statusCode}`);
        bytes = Math.max(bytes, res.body.length);
      }
      return summary(ms);
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
    await deleteRedisPrefix(ctx, config.REDIS_PREFIX);
    await ctx.close();
    await rm(storage, { recursive: true, force: true });
  }
}

// Run on its own (`npx tsx bench/overview.ts`): one JSON line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.stdout.write(`${JSON.stringify(await overviewBench())}\n`);
