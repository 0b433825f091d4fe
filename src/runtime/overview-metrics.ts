/**
 * The overview's figures as Prometheus gauges (issue 18 item 10), read once per scrape through the same
 * use case as the desk's overview page (app/overview.ts): a few counts and ranks of the store's indexes,
 * never a case. Cases per stage and open flags per cause are `activation_bot_cases` and
 * `activation_bot_flags_open` (store-metrics.ts): one name per figure.
 */
import { Gauge, type Registry } from "prom-client";
import type { OverviewSource } from "../app/ports.js";
import { readOverview } from "../app/overview.js";
import { OVERVIEW_WEEKS } from "../core/case/overview.js";
import type { StageId } from "../core/types.js";

export function registerOverviewMetrics(
  registry: Registry,
  src: { overview: OverviewSource; stages: readonly StageId[]; now?: () => number },
  guarded: (gauge: string, read: () => Promise<void>) => () => Promise<void>,
) {
  const store = src.overview;
  const now = src.now ?? Date.now;

  const oldest = new Gauge({
    name: "activation_bot_stage_oldest_seconds",
    help: "Time in stage of the case longest in it, by stage (0 with no case in the stage; closed is not timed)",
    labelNames: ["stage"] as const,
    registers: [registry],
    collect: () => refresh(),
  });
  const median = new Gauge({
    name: "activation_bot_stage_median_seconds",
    help: "Median time in stage of the cases in it, by stage (0 with no case in the stage; closed is not timed)",
    labelNames: ["stage"] as const,
    registers: [registry],
    collect: () => refresh(),
  });
  const weekly = (name: string, what: string) =>
    new Gauge({
      name,
      help: `${what} in the ISO week (UTC) weeks_ago weeks before this one (0: this week so far), the last ${OVERVIEW_WEEKS} weeks`,
      labelNames: ["weeks_ago"] as const,
      registers: [registry],
      collect: () => refresh(),
    });
  const opened = weekly("activation_bot_cases_opened_week", "Cases opened");
  const activated = weekly("activation_bot_cases_activated_week", "Cases activated");
  const lag = new Gauge({
    name: "activation_bot_reply_lag_seconds",
    help: "Reply lag over the last 7 days, from the answered mail's processing to the reply's acceptance by the SMTP server: quantile 0.5 and 0.95 (0 with no reply)",
    labelNames: ["quantile"] as const,
    registers: [registry],
    collect: () => refresh(),
  });
  const replies = new Gauge({
    name: "activation_bot_reply_lag_replies",
    help: "Replies sent in the last 7 days, over which activation_bot_reply_lag_seconds is taken",
    registers: [registry],
    collect: () => refresh(),
  });

  // The gauges of one scrape share one reading (prom-client starts every collect at once), which sets them all; a failed one is counted once (activation_bot_metric_read_failures_total{gauge="overview"}).
  const read = guarded("overview", async () => {
    const f = await readOverview(store, src.stages, now());
    for (const s of f.stages) {
      if (s.stage === "closed") continue;
      oldest.set({ stage: s.stage }, s.oldestSeconds ?? 0);
      median.set({ stage: s.stage }, s.medianSeconds ?? 0);
    }
    f.weeks.forEach((w, i) => {
      const weeksAgo = String(f.weeks.length - 1 - i);
      opened.set({ weeks_ago: weeksAgo }, w.opened);
      activated.set({ weeks_ago: weeksAgo }, w.activated);
    });
    lag.set({ quantile: "0.5" }, f.replyLag.medianSeconds ?? 0);
    lag.set({ quantile: "0.95" }, f.replyLag.p95Seconds ?? 0);
    replies.set(f.replyLag.replies);
  });
  let inFlight: Promise<void> | null = null;
  function refresh(): Promise<void> {
    if (!inFlight) inFlight = read().finally(() => (inFlight = null));
    return inFlight;
  }
}
