/**
 * The overview through the product's own use cases on real Redis: cases opened, answered, activated and
 * closed by the commands the desk and CLI use, replies marked sent by the store as the outbox does; then
 * the figures read by the use case, shown on GET /overview (Swedish and English), and scraped as gauges.
 * The store is never read case by case: the reading is a few counts and ranks of indexes.
 */
import type { FastifyInstance } from "fastify";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OverviewStore } from "../../src/adapters/redis/overview-store.js";
import { openCaseCommand, teamCommand } from "../../src/app/case-commands.js";
import { readOverview } from "../../src/app/overview.js";
import { processMail } from "../../src/app/process-mail.js";
import type { OutboxEntry } from "../../src/core/case/outbox-entry.js";
import { STAGES } from "../../src/core/types.js";
import { caseCommandDeps, processMailDeps, type Context } from "../../src/main.js";
import { registerStoreMetrics } from "../../src/runtime/store-metrics.js";
import { startDeskApp, type DeskApp } from "../support/desk-app.js";
import { plainReply } from "../support/reply-mail.js";

// Friday 4 December 2026, noon UTC: ISO week 2026-W49.
const NOW = Date.parse("2026-12-04T12:00:00.000Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("the overview", () => {
  let desk: DeskApp;
  let ctx: Context;
  let app: FastifyInstance;
  let clock = NOW;

  beforeEach(async () => {
    desk = await startDeskApp("overview", {
      clock: { now: () => new Date(clock) },
      http: (c) => ({ overview: new OverviewStore(c.redis, c.config.REDIS_PREFIX), now: () => clock }),
    });
    ({ ctx, app } = desk);
  });

  afterEach(() => desk.close());

  async function open(at: number, site: string, nmEmail: string) {
    clock = at;
    const r = await openCaseCommand(caseCommandDeps(ctx), { site, nmEmail, nmName: "Nina Berg", stations: 1, macsShipped: [], installService: false, locale: "sv" }, "maja");
    if (r.kind !== "ok") throw new Error(r.reason);
    return r;
  }

  async function act(at: number, id: string, action: "activate" | "close") {
    clock = at;
    const r = await teamCommand(caseCommandDeps(ctx), id, { kind: "action", action, why: "per telefon", force: true }, "maja");
    if (r.kind !== "ok") throw new Error(r.reason);
  }

  /** The network manager answers the first mail at `at`; the bot's reply is made then (auto-replied). */
  async function answered(at: number, first: OutboxEntry, from: string, n: number): Promise<OutboxEntry> {
    clock = at;
    const mail = Buffer.from(
      plainReply({ from: `Nina Berg <${from}>`, to: "activations@desk.example", subject: `Re: ${first.subject}`, messageId: `<reply-${n}@kund.example>`, inReplyTo: first.messageId, date: "Tue, 01 Dec 2026 09:00:00 +0000", text: "Hej, vi har tagit emot laddarna." }),
    );
    const handled = await processMail(processMailDeps(ctx), { blob: (await ctx.blobs.put(mail)).id });
    if (handled.kind !== "case") throw new Error(`reply ${n} not handled: ${handled.kind}`);
    const reply = handled.outbox.find((e) => e.autoSubmitted === "auto-replied");
    if (!reply) throw new Error(`no reply to mail ${n}`);
    return reply;
  }

  it("counts cases per stage with their median and oldest time in stage, weekly arrivals and activations, and reply lag", async () => {
    // Two cases opened on Monday 16 November (W47), two on Monday 30 November (W49).
    const a = await open(Date.parse("2026-11-16T10:00:00.000Z"), "Storgatan 1, Malmö", "nina@kund.example");
    const b = await open(Date.parse("2026-11-16T12:00:00.000Z"), "Storgatan 2, Malmö", "nils@kund.example");
    const c = await open(Date.parse("2026-11-30T09:00:00.000Z"), "Storgatan 3, Malmö", "nora@kund.example");
    const d = await open(Date.parse("2026-11-30T10:00:00.000Z"), "Storgatan 4, Malmö", "nils2@kund.example");
    // B activated on Wednesday 2 December (W49); D closed on Thursday 3 December.
    await act(Date.parse("2026-12-02T10:00:00.000Z"), b.case.id, "activate");
    await act(Date.parse("2026-12-03T10:00:00.000Z"), d.case.id, "close");
    // Replies: A's answered in 2 s, C's in 6 s (sent by the store's markSent, as the outbox does); the first mails are no replies.
    for (const first of [...a.outbox, ...c.outbox]) await ctx.store.markSent(first, "250 ok", new Date(Date.parse(first.createdAt) + 1000).toISOString());
    const ra = await answered(Date.parse("2026-12-03T08:00:00.000Z"), a.outbox[0] as OutboxEntry, "nina@kund.example", 1);
    await ctx.store.markSent(ra, "250 ok", new Date(Date.parse(ra.createdAt) + 2000).toISOString());
    const rc = await answered(Date.parse("2026-12-03T09:00:00.000Z"), c.outbox[0] as OutboxEntry, "nora@kund.example", 2);
    await ctx.store.markSent(rc, "250 ok", new Date(Date.parse(rc.createdAt) + 6000).toISOString());
    clock = NOW;

    const stages = ctx.rules.stages.map((s) => s.id);
    const f = await readOverview(new OverviewStore(ctx.redis, ctx.config.REDIS_PREFIX), stages, NOW);
    const byStage = Object.fromEntries(f.stages.map((s) => [s.stage, s]));
    // A replied-to case stays open (nothing in the reply moved its checklist far enough): A and C are open.
    expect(byStage.open?.cases).toBe(2);
    const aSince = NOW - Date.parse("2026-11-16T10:00:00.000Z");
    const cSince = NOW - Date.parse("2026-11-30T09:00:00.000Z");
    expect(byStage.open?.oldestSeconds).toBe(aSince / 1000);
    expect(byStage.open?.medianSeconds).toBe((aSince + cSince) / 2000);
    expect(byStage.activated).toMatchObject({ cases: 1, oldestSeconds: (2 * DAY + 2 * HOUR) / 1000, medianSeconds: (2 * DAY + 2 * HOUR) / 1000 });
    expect(byStage.closed).toMatchObject({ cases: 1, oldestSeconds: null, medianSeconds: null });
    expect(f.weeks).toHaveLength(12);
    expect(f.weeks.at(-1)).toEqual({ week: "2026-W49", opened: 2, activated: 1 });
    expect(f.weeks.find((w) => w.week === "2026-W47")).toEqual({ week: "2026-W47", opened: 2, activated: 0 });
    expect(f.weeks.find((w) => w.week === "2026-W48")).toEqual({ week: "2026-W48", opened: 0, activated: 0 });
    expect(f.replyLag).toEqual({ replies: 2, medianSeconds: 4, p95Seconds: 6, windowDays: 7 });

    // The page, in English and in Swedish: the table beneath each chart carries the numbers.
    const en = await app.inject({ method: "GET", url: "/overview", cookies: { desk_lang: "en" } });
    expect(en.statusCode).toBe(200);
    expect(en.headers["content-security-policy"]).toContain("default-src 'none'");
    // No script but the desk's own keyboard file: the charts are SVG drawn on the server.
    expect(en.body.replace(/<script src="\/assets\/desk-keys\.js" defer(="")?><\/script>/, "")).not.toContain("<script");
    expect(en.body).toMatch(/<tr data-stage="open"><th scope="row">open<\/th><td class="num cases">2<\/td><td class="num median">11 d<\/td><td class="num oldest">18 d<\/td>/);
    expect(en.body).toContain('<tr data-week="2026-W49"><th scope="row">2026-W49</th><td class="num opened">2</td><td class="num activated">1</td></tr>');
    expect(en.body).toContain('<dd class="lag-median">4 s</dd>');
    expect(en.body).toContain('<dd class="lag-p95">6 s</dd>');
    expect(en.body).toMatch(/<svg class="overview-chart"[^>]*role="img" aria-labelledby="ov-stages-title ov-stages-desc"/);
    const sv = await app.inject({ method: "GET", url: "/overview", cookies: { desk_lang: "sv" } });
    expect(sv.body).toContain("<h1>Översikt</h1>");
    expect(sv.body).toMatch(/<tr data-stage="activated"><th scope="row">aktiverad<\/th><td class="num cases">1<\/td><td class="num median">2,1 d<\/td>/);
    expect(sv.body).toContain('<a href="/overview">Översikt</a>');
    // The JSON API gives the same figures.
    const api = await app.inject({ method: "GET", url: "/api/overview" });
    expect(api.statusCode).toBe(200);
    expect(api.json()).toEqual(JSON.parse(JSON.stringify(f)));

    // The gauges, scraped from the same indexes.
    const registry = new Registry();
    registerStoreMetrics(registry, { store: ctx.store, overview: new OverviewStore(ctx.redis, ctx.config.REDIS_PREFIX), stages: [...STAGES], queues: {}, now: () => NOW });
    const text = await registry.metrics();
    expect(text).toContain(`activation_bot_stage_oldest_seconds{stage="open"} ${aSince / 1000}`);
    expect(text).toContain(`activation_bot_stage_median_seconds{stage="activated"} ${(2 * DAY + 2 * HOUR) / 1000}`);
    expect(text).toContain('activation_bot_cases_opened_week{weeks_ago="0"} 2');
    expect(text).toContain('activation_bot_cases_opened_week{weeks_ago="2"} 2');
    expect(text).toContain('activation_bot_cases_activated_week{weeks_ago="0"} 1');
    expect(text).toContain('activation_bot_reply_lag_seconds{quantile="0.5"} 4');
    expect(text).toContain('activation_bot_reply_lag_seconds{quantile="0.95"} 6');
    expect(text).toContain("activation_bot_reply_lag_replies 2");
    expect(text).not.toMatch(/activation_bot_metric_read_failures_total\{gauge="overview"\} [1-9]/);
  });

  it("drops replies older than the window from the lag record, and keeps a case's stage entry time through a commit that leaves it in its stage", async () => {
    const a = await open(Date.parse("2026-11-02T10:00:00.000Z"), "Kvarngatan 1, Lund", "nina@kund.example");
    const old = await answered(Date.parse("2026-11-20T08:00:00.000Z"), a.outbox[0] as OutboxEntry, "nina@kund.example", 1);
    await ctx.store.markSent(old, "250 ok", new Date(Date.parse(old.createdAt) + 9000).toISOString());
    // A note a week later changes the case but not its stage: its time in stage still counts from its opening.
    await teamCommand(caseCommandDeps(ctx), a.case.id, { kind: "note", text: "ringde Nina" }, "maja");
    const f = await readOverview(new OverviewStore(ctx.redis, ctx.config.REDIS_PREFIX), ["open"], NOW);
    expect(f.replyLag).toMatchObject({ replies: 0, medianSeconds: null, p95Seconds: null });
    expect(f.stages[0]?.oldestSeconds).toBe((NOW - Date.parse("2026-11-02T10:00:00.000Z")) / 1000);
    expect(await ctx.redis.zcard(`${ctx.config.REDIS_PREFIX}stats:replylag:ms`)).toBe(0);
    const en = await app.inject({ method: "GET", url: "/overview", cookies: { desk_lang: "en" } });
    expect(en.body).toContain("No replies sent in that time.");
  });
});
