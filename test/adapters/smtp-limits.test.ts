/**
 * Microsoft's SMTP limits against a real smtp-server that answers as Exchange Online does: the
 * transient `432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded` is sent again after a
 * backoff; the daily recipient budget in real Redis admits, puts off (never drops) and warns.
 */
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUDGET_WINDOW_MS, RecipientBudget } from "../../src/adapters/redis/recipient-budget.js";
import { createSmtpPool, transientCode } from "../../src/adapters/smtp/smtp-pool.js";
import { smtpDailyRecipients } from "../../src/runtime/credentials.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { OperatorAlerts } from "../../src/runtime/operator-alerts.js";
import { admitRecipients } from "../../src/runtime/smtp-budget.js";
import { randomPrefix, redisUrl } from "../support/services.js";
import type { SmtpSink } from "../support/smtp-sink.js";
import { startSmtpSink } from "../support/smtp-sink.js";

const STOREDRV = "4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded [Hostname=AM0PR01MB1234.eurprd01.prod.exchangelabs.com]";
const raw = Buffer.from("From: desk@example.com\r\nTo: nina@example.com\r\nSubject: t\r\n\r\nhello\r\n");
let sink: SmtpSink;
let redis: Redis;

beforeAll(async () => {
  sink = await startSmtpSink();
  redis = new Redis(redisUrl());
});
afterAll(async () => {
  await sink.close();
  redis.disconnect();
});

describe("432 4.3.2 STOREDRV", () => {
  it("reads the enhanced code only from a 4xx answer that carries 4.3.2", () => {
    expect(transientCode({ responseCode: 432, response: `432 ${STOREDRV}` })).toBe("4.3.2");
    expect(transientCode({ responseCode: 451, response: "451 4.3.2 System not accepting network messages" })).toBe("4.3.2");
    expect(transientCode({ responseCode: 451, response: "451 4.7.1 Try again later" })).toBeNull();
    expect(transientCode({ responseCode: 550, response: "550 5.3.2 no" })).toBeNull();
  });

  it.each(["mail", "data"] as const)("at %s is sent again after a backoff and delivered once", async (stage) => {
    const before = sink.received.length;
    const froms = sink.mailFroms();
    const retries: string[] = [];
    sink.refuseNext(stage, 2, 432, STOREDRV);
    const pool = createSmtpPool({ url: sink.url, size: 1, transientRetryMs: [100, 100, 100], onTransientRetry: (c) => retries.push(c) });
    const t0 = Date.now();
    try {
      await pool.send({ from: "desk@example.com", to: ["nina@example.com"] }, raw);
    } finally {
      pool.close();
    }
    expect(retries).toEqual(["4.3.2", "4.3.2"]);
    expect(sink.received.length - before).toBe(1);
    expect(sink.mailFroms() - froms).toBe(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  it("fails with the server's answer once the retries are spent (the outbox job's backoff takes over)", async () => {
    sink.refuseNext("mail", 4, 432, STOREDRV);
    const retries: string[] = [];
    const pool = createSmtpPool({ url: sink.url, size: 1, transientRetryMs: [50, 50, 50], onTransientRetry: (c) => retries.push(c) });
    const err = await pool.send({ from: "desk@example.com", to: ["nina@example.com"] }, raw).catch((e: unknown) => e);
    pool.close();
    expect(err).toMatchObject({ responseCode: 432 });
    expect(retries).toHaveLength(3);
  });

  it("a permanent refusal is not sent again", async () => {
    const froms = sink.mailFroms();
    sink.refuseNext("mail", 1, 550, "5.7.1 Client does not have permissions to send as this sender");
    const pool = createSmtpPool({ url: sink.url, size: 1, transientRetryMs: [50] });
    await expect(pool.send({ from: "desk@example.com", to: ["nina@example.com"] }, raw)).rejects.toMatchObject({ responseCode: 550 });
    pool.close();
    expect(sink.mailFroms() - froms).toBe(1);
  });
});

describe("daily recipient budget", () => {
  it("defaults to the provider's limit: Exchange 10 000, Google 2 000, else none", () => {
    expect(smtpDailyRecipients({ MAIL_AUTH: "entra", SMTP_DAILY_RECIPIENTS: undefined })).toBe(10_000);
    expect(smtpDailyRecipients({ MAIL_AUTH: "google", SMTP_DAILY_RECIPIENTS: undefined })).toBe(2_000);
    expect(smtpDailyRecipients({ MAIL_AUTH: "password", SMTP_DAILY_RECIPIENTS: undefined })).toBe(0);
    expect(smtpDailyRecipients({ MAIL_AUTH: "entra", SMTP_DAILY_RECIPIENTS: 500 })).toBe(500);
  });

  it("admits until spent, puts off the next entry until the oldest recipients leave the 24-hour window, and never counts a retry twice", async () => {
    let now = Date.parse("2026-12-04T08:00:00Z");
    const prefix = randomPrefix("budget");
    const budget = new RecipientBudget(redis, prefix, 5, () => now);
    expect(await budget.admit("a", 3)).toEqual({ waitMs: 0, used: 3 });
    now += 3_600_000;
    expect(await budget.admit("b", 2)).toEqual({ waitMs: 0, used: 5 });
    expect(await budget.admit("a", 3)).toEqual({ waitMs: 0, used: 5 });
    // c (1 recipient) fits when a's 3 recipients, admitted an hour before b, leave the window.
    expect(await budget.admit("c", 1)).toEqual({ waitMs: BUDGET_WINDOW_MS - 3_600_000, used: 5 });
    // Another instance shares the budget.
    expect(await new RecipientBudget(redis, prefix, 5, () => now).admit("d", 1)).toMatchObject({ waitMs: BUDGET_WINDOW_MS - 3_600_000 });
    now += BUDGET_WINDOW_MS - 3_600_000;
    expect(await budget.admit("c", 1)).toEqual({ waitMs: 0, used: 3 });
    // An entry larger than the whole budget could never fit: it goes, and the relay decides.
    expect((await budget.admit("big", 9)).waitMs).toBe(0);
    await redis.del(`${prefix}smtp-recipients`);
  });

  it("warns from 80 % of the budget and while it is spent (banner, /readyz details, gauge), and clears when it frees", async () => {
    let now = Date.parse("2026-12-04T08:00:00Z");
    const prefix = randomPrefix("budget");
    const budget = new RecipientBudget(redis, prefix, 10, () => now);
    const metrics = createMetrics();
    const alerts = new OperatorAlerts({ metrics, log: pino({ level: "silent" }), intervalMs: 60_000 });
    const deps = { metrics, alerts };
    expect(await admitRecipients(budget, deps, "a", 7)).toBe(0);
    expect(alerts.active()).toEqual([]);
    expect(await admitRecipients(budget, deps, "b", 1)).toBe(0);
    expect(alerts.active()).toMatchObject([{ cause: "smtp_budget", severity: "warning", code: "smtp_budget_low", message: "8 of the SMTP relay's 10 recipients in 24 hours are used" }]);
    expect(await admitRecipients(budget, deps, "c", 3)).toBeGreaterThan(0);
    expect(alerts.active()).toMatchObject([{ code: "smtp_budget_spent", message: expect.stringContaining("answers wait") }]);
    expect(await metrics.registry.metrics()).toContain("activation_bot_smtp_recipients_24h 8");
    now += BUDGET_WINDOW_MS;
    expect(await admitRecipients(budget, deps, "c", 3)).toBe(0);
    expect(alerts.active()).toEqual([]);
    await redis.del(`${prefix}smtp-recipients`);
  });
});
