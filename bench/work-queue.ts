/**
 * `npx tsx bench/work-queue.ts`: the work queue's server time at a size, through the HTTP server
 * (inject: server time, no socket). Fills a store of its own prefix with WORK_CASES cases that have
 * something to do (default 5 000, the open cases; a flag each, every 50th also a bounced
 * address, a third of them owned by maja, spread over 30 days and the stages before activation) and
 * WORK_ESCALATING cases close to escalation, written through the store's commit as the product writes
 * them (index included); then times the default page, "mine", by stage, a rare cause, an age filter
 * and the second page, and reports the HTML size. Prints one JSON line; the prefix is deleted afterwards.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { loadConfig } from "../src/config.js";
import { nearEscalationWindow } from "../src/core/case/work-items.js";
import type { Case, StageId } from "../src/core/types.js";
import { createHttpServer } from "../src/http/server.js";
import { buildContext } from "../src/main.js";
import { createMetrics } from "../src/runtime/metrics.js";
import { deleteRedisPrefix, log, round1, summary } from "./lib.js";

const CASES = Number(process.env.WORK_CASES ?? 5000);
const ESCALATING = Number(process.env.WORK_ESCALATING ?? 200);
const SAMPLES = 60;
const STAGES: StageId[] = ["open", "commissioning", "configuration", "ready_for_activation"];

async function main(): Promise<void> {
  const storage = await mkdtemp(join(tmpdir(), "bench-work-"));
  const config = loadConfig({ REDIS_PREFIX: `bench:work:${randomBytes(4).toString("hex")}:`, TAG_SECRET: randomBytes(16).toString("hex"), STORAGE_DIR: storage, LOG_LEVEL: "silent" });
  const ctx = await buildContext(config);
  try {
    const now = Date.now();
    const started = performance.now();
    const window = nearEscalationWindow(ctx.rules, new Date(now).toISOString());
    for (let i = 0; i < CASES + ESCALATING; i++) {
      const id = `ACT-${200000 + i}`;
      const at = new Date(now - (i % 30) * 86_400_000 - i * 1000).toISOString();
      const escalating = i >= CASES;
      const c: Case = {
        id,
        site: `Köpgatan ${i}, Malmö`,
        locale: i % 7 === 0 ? "en" : "sv",
        stage: escalating ? "open" : (STAGES[i % STAGES.length] as StageId),
        openedAt: at,
        activityAt: escalating ? new Date(Math.floor((window.from + window.to) / 2)).toISOString() : new Date(now).toISOString(),
        participants: [{ email: `nm-${i}@kund.bench`, role: "network_manager", ...(i % 50 === 0 ? { undeliverable: { at, diagnostic: "550 5.1.1 no such user" } } : {}) }],
        stations: 1,
        macsShipped: [],
        installService: false,
        flags: escalating ? [] : [{ id: `loop:${i}`, code: i % 3 === 0 ? "evidence_rejected" : "loop", reason: "photo “elcentral.jpg” blurred; rate limit reached, nothing sent", at }],
        evidence: [],
        overrides: [],
        messageIds: [],
        subject: "Aktivering",
        rulesVersion: "bench",
        version: 0,
        ...(i % 3 === 1 ? { owner: { name: "maja", by: "maja", at } } : {}),
      };
      const r = await ctx.store.commit({ before: null, case: c, events: [], outbox: [], messageIds: [], looseFlags: [] });
      if (r !== "committed") throw new Error(`bench: ${id} ${r}`);
    }
    log(`work: filled ${CASES + ESCALATING} cases in ${round1((performance.now() - started) / 1000)} s`);

    const app = createHttpServer({
      store: ctx.store,
      blobs: ctx.blobs,
      rules: ctx.rules,
      renderer: ctx.renderer,
      metrics: createMetrics(),
      teamCommand: () => Promise.reject(new Error("bench: read only")),
      settleLooseFlag: () => Promise.reject(new Error("bench: read only")),
      readiness: async () => ({ ok: true, checks: {} }),
    });
    await app.ready();
    let bytes = 0;
    const time = async (url: string) => {
      for (let i = 0; i < 10; i++) await app.inject({ method: "GET", url, headers: { "x-team-member": "maja" } });
      const ms: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t = performance.now();
        const res = await app.inject({ method: "GET", url, headers: { "x-team-member": "maja" } });
        ms.push(performance.now() - t);
        if (res.statusCode !== 200) throw new Error(`bench: ${url} answered ${res.statusCode}`);
        bytes = Math.max(bytes, res.body.length);
      }
      return summary(ms);
    };
    const first = (await app.inject({ method: "GET", url: "/api/work" })).json() as { next: string | null };
    const result = {
      cases_with_work: CASES,
      near_escalation: ESCALATING,
      work_page_ms: await time("/work"),
      mine_ms: await time("/work?owner=mine"),
      by_stage_ms: await time("/work?sort=stage"),
      newest_ms: await time("/work?sort=newest"),
      rare_cause_ms: await time("/work?cause=bounced"),
      near_escalation_ms: await time("/work?cause=near_escalation"),
      age_filter_ms: await time("/work?days=15"),
      second_page_ms: await time(`/work?cursor=${encodeURIComponent(first.next ?? "")}`),
      api_work_ms: await time("/api/work"),
      html_kb_max: round1(bytes / 1024),
    };
    await app.close();
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    await deleteRedisPrefix(ctx, config.REDIS_PREFIX);
    await ctx.close();
    await rm(storage, { recursive: true, force: true });
  }
}

await main();
