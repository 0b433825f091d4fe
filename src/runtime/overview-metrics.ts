/**
 * The overview's figures as Prometheus gauges (issue 18 item 10), read once per scrape through the same
 * use case as the desk's overview page (app/overview.ts): a few counts and ranks of the store's indexes,
 * never a case. Cases per stage and open flags per cause are `activation_bot_cases` and
 * `activation_bot_flags_open` (store-metrics.ts): one name per figure.
 */
import type { Redis } from "ioredis";
import { Gauge, type Registry } from "prom-client";
import { OverviewStore } from "../adapters/redis/overview-store.js";
import { readOverview } from "../app/overview.js";
import type { OverviewFigures } from "../core/case/overview.js";
import { OVERVIEW_WEEKS } from "../core/case/overview.js";
import type { StageId } from "../core/types.js";

/** The gauges of one scrape share one reading: prom-client starts every collect at once. */
const READING_REUSE_MS = 1000;

export function registerOverviewMetrics(
  registry: Registry,
  src: { redis: Redis; prefix: string; stages: readonly StageId[]; now?: () => number },
  guarded: (gauge: string, read: () => Promise<void>) => () => Promise<void>,
) {
  const store = new OverviewStore(src.redis, src.prefix);
  let last: { at: number; figures: Promise<OverviewFigures> } | null = null;
  const figures = (): Promise<OverviewFigures> => {
    const now = (src.now ?? Date.now)();
    if (!last || now - last.at > READING_REUSE_MS) last = { at: now, figures: readOverview(store, src.stages, now) };
    const p = last.figures;
    // A failed reading is not reused by the next scrape.
    p.catch(() => (last = null));
    return p;
  };

  const oldest = new Gauge({
    name: "activation_bot_stage_oldest_seconds",
    help: "Time in stage of the case longest in it, by stage (0 with no case in the stage; closed is not timed)",
    labelNames: ["stage"] as const,
    registers: [registry],
    collect: guarded("overview", async () => {
      for (const s of (await figures()).stages) if (s.stage !== "closed") oldest.set({ stage: s.stage }, s.oldestSeconds ?? 0);
    }),
  });

  const median = new Gauge({
    name: "activation_bot_stage_median_seconds",
    help: "Median time in stage of the cases in it, by stage (0 with no case in the stage; closed is not timed)",
    labelNames: ["stage"] as const,
    registers: [registry],
    collect: guarded("overview", async () => {
      for (const s of (await figures()).stages) if (s.stage !== "closed") median.set({ stage: s.stage }, s.medianSeconds ?? 0);
    }),
  });

  const weekly = (name: string, help: string, pick: (w: OverviewFigures["weeks"][number]) => number) => {
    const g: Gauge<"weeks_ago"> = new Gauge({
      name,
      help: `${help} in the ISO week (UTC) weeks_ago weeks before this one (0: this week so far), the last ${OVERVIEW_WEEKS} weeks`,
      labelNames: ["weeks_ago"] as const,
      registers: [registry],
      collect: guarded("overview", async () => {
        const weeks = (await figures()).weeks;
        weeks.forEach((w, i) => g.set({ weeks_ago: String(weeks.length - 1 - i) }, pick(w)));
      }),
    });
    return g;
  };
  weekly("activation_bot_cases_opened_week", "Cases opened", (w) => w.opened);
  weekly("activation_bot_cases_activated_week", "Cases activated", (w) => w.activated);

  const lag = new Gauge({
    name: "activation_bot_reply_lag_seconds",
    help: "Reply lag over the last 7 days, from the answered mail's processing to the reply's acceptance by the SMTP server: quantile 0.5 and 0.95 (0 with no reply)",
    labelNames: ["quantile"] as const,
    registers: [registry],
    collect: guarded("overview", async () => {
      const r = (await figures()).replyLag;
      lag.set({ quantile: "0.5" }, r.medianSeconds ?? 0);
      lag.set({ quantile: "0.95" }, r.p95Seconds ?? 0);
    }),
  });

  const replies = new Gauge({
    name: "activation_bot_reply_lag_replies",
    help: "Replies sent in the last 7 days, over which activation_bot_reply_lag_seconds is taken",
    registers: [registry],
    collect: guarded("overview", async () => {
      replies.set((await figures()).replyLag.replies);
    }),
  });
}
