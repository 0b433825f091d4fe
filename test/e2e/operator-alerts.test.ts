/**
 * Operator alerts on the real bot (Dovecot, Redis, the SMTP relay): a lost store shows in /readyz,
 * as the desk's banner, in the metric and as one alert mail straight over SMTP; a spent recipient
 * budget puts the outbox off (the entry waits, is sent once the window frees) with a warning.
 */
import { Queue } from "bullmq";
import { simpleParser } from "mailparser";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OUTBOX_QUEUE } from "../../src/adapters/queue/queues.js";
import type { SmtpSink } from "../support/smtp-sink.js";
import { startSmtpSink } from "../support/smtp-sink.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";

let alertSink: SmtpSink;
let h: Harness | null = null;

beforeAll(async () => {
  alertSink = await startSmtpSink();
});
afterEach(async () => {
  await h?.close();
  h = null;
  alertSink.received.splice(0);
});
afterAll(async () => {
  await alertSink.close();
});

const get = async (path: string) => {
  const res = await fetch(`http://127.0.0.1:${h!.bot.httpPort}${path}`);
  return { status: res.status, text: await res.text() };
};

describe("operator alerts on the running bot", () => {
  it("a store wiped under the bot: /readyz 503, the banner on the desk's pages, the metric, and one alert mail", async () => {
    h = await startHarness("alert-store", { env: { ALERT_EMAIL: "ops@vendor.example", ALERT_SMTP_URL: alertSink.url, ALERT_LOCALE: "en" } });
    expect((await get("/readyz")).status).toBe(200);
    await h.ctx.redis.del(`${h.env.REDIS_PREFIX}epoch`);
    await expect.poll(async () => (await get("/readyz")).status, { timeout: 10_000, interval: 200 }).toBe(503);
    const page = await get("/work");
    expect(page.text).toContain('data-cause="store_lost"');
    expect(page.text).toContain("restore Redis from its backup");
    expect((await get("/metrics")).text).toContain('activation_bot_operator_alert{cause="store_lost",severity="critical"} 1');
    await expect.poll(() => alertSink.received.length, { timeout: 10_000 }).toBe(1);
    const mail = await simpleParser(alertSink.received[0]!.raw);
    expect(mail.subject).toMatch(/^Activation bot needs action: the store at .* lost its epoch marker/);
    expect(mail.text).toContain("Code: store_lost");
    await new Promise((r) => setTimeout(r, 1500));
    expect(alertSink.received).toHaveLength(1);
  }, 60_000);

  it("a spent recipient budget: the next answer waits (not failed, not dropped) with a warning, and goes once the window frees", async () => {
    h = await startHarness("alert-budget", { env: { SMTP_DAILY_RECIPIENTS: "1" } });
    const nm1 = await h.actor("nm1", "Nina");
    const nm2 = await h.actor("nm2", "Olle");
    await h.openCase({ nmEmail: nm1.address, nmName: "Nina" });
    await nm1.next();
    const second = await h.openCase({ nmEmail: nm2.address, nmName: "Olle" });
    const key = second.outbox[0]!.key;
    const queue = new Queue(OUTBOX_QUEUE, { connection: h.ctx.redis, prefix: `${h.env.REDIS_PREFIX}bull` });
    try {
      await expect.poll(async () => (await queue.getJob(key))?.isDelayed(), { timeout: 10_000, interval: 200 }).toBe(true);
      const job = await queue.getJob(key);
      // Put off for the rest of the 24-hour window, on its first attempt still.
      expect(job?.delay).toBeGreaterThan(23 * 3_600_000);
      expect(job?.attemptsMade).toBe(0);
      expect((await h.ctx.store.outboxEntry(key))?.status).toBe("pending");
      const ready = JSON.parse((await get("/readyz")).text) as { ok: boolean; checks: Record<string, string> };
      expect(ready.ok).toBe(true);
      expect(ready.checks["alert:smtp_budget"]).toMatch(/^warning: the SMTP relay's budget of 1 recipients in 24 hours is spent/);
      expect((await get("/")).text).toContain('data-cause="smtp_budget"');
      const metrics = (await get("/metrics")).text;
      expect(metrics).toMatch(/activation_bot_outbox_budget_waits_total [1-9]/);
      expect(metrics).toContain("activation_bot_smtp_recipient_budget 1");
      expect(metrics).toContain("activation_bot_smtp_recipients_24h 1");
      // A day later (the window's members gone), the waiting job runs: the mail goes out once.
      await h.ctx.redis.del(`${h.env.REDIS_PREFIX}smtp-recipients`);
      await job?.promote();
      const mail = await nm2.next(15_000);
      expect(mail.subject).toContain(second.case.id);
      expect((await h.ctx.store.outboxEntry(key))?.status).toBe("sent");
    } finally {
      await queue.close();
    }
  }, 60_000);
});
