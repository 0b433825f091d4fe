/**
 * `npx tsx bench/work-queue.ts`: the work queue's server time at a size, through the HTTP server
 * (inject: server time, no socket). Fills a store of its own prefix with WORK_CASES cases that have
 * something to do (default 5 000, the open cases; a flag each, every 50th also a bounced
 * address, a third of them owned by maja, spread over 30 days and the stages before activation) and
 * WORK_ESCALATING cases close to escalation, written through the store's commit as the product writes
 * them (index included); then times the default page, "mine", by stage, a rare cause, an age filter
 * and the second page, and reports the HTML size. Prints one JSON line; the prefix is deleted afterwards.
 */
import { performance } from "node:perf_hooks";
import { nearEscalationWindow } from "../src/core/case/work-items.js";
import type { StageId } from "../src/core/types.js";
import { benchCase, openBenchStore, readOnlyDesk, timePage } from "./desk-pages.js";
import { log, round1 } from "./lib.js";

const CASES = Number(process.env.WORK_CASES ?? 5000);
const ESCALATING = Number(process.env.WORK_ESCALATING ?? 200);
const SAMPLES = 60;
const STAGES: StageId[] = ["open", "commissioning", "configuration", "ready_for_activation"];

async function main(): Promise<void> {
  const { ctx, drop } = await openBenchStore("work");
  try {
    const now = Date.now();
    const started = performance.now();
    const window = nearEscalationWindow(ctx.rules, new Date(now).toISOString());
    for (let i = 0; i < CASES + ESCALATING; i++) {
      const id = `ACT-${200000 + i}`;
      const at = new Date(now - (i % 30) * 86_400_000 - i * 1000).toISOString();
      const escalating = i >= CASES;
      const c = benchCase(id, {
        site: `Köpgatan ${i}, Malmö`,
        locale: i % 7 === 0 ? "en" : "sv",
        stage: escalating ? "open" : (STAGES[i % STAGES.length] as StageId),
        openedAt: at,
        activityAt: escalating ? new Date(Math.floor((window.from + window.to) / 2)).toISOString() : new Date(now).toISOString(),
        participants: [{ email: `nm-${i}@kund.bench`, role: "network_manager", ...(i % 50 === 0 ? { undeliverable: { at, diagnostic: "550 5.1.1 no such user" } } : {}) }],
        flags: escalating ? [] : [{ id: `loop:${i}`, code: i % 3 === 0 ? "evidence_rejected" : "loop", reason: "photo “elcentral.jpg” blurred; rate limit reached, nothing sent", at }],
        ...(i % 3 === 1 ? { owner: { name: "maja", by: "maja", at } } : {}),
      });
      const r = await ctx.store.commit({ before: null, case: c, events: [], outbox: [], messageIds: [], looseFlags: [] });
      if (r !== "committed") throw new Error(`bench: ${id} ${r}`);
    }
    log(`work: filled ${CASES + ESCALATING} cases in ${round1((performance.now() - started) / 1000)} s`);

    const app = await readOnlyDesk(ctx);
    let bytes = 0;
    const time = async (url: string) => {
      const { ms, maxBytes } = await timePage(app, () => url, SAMPLES);
      bytes = Math.max(bytes, maxBytes);
      return ms;
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
    await drop();
  }
}

await main();
