/**
 * The operator-alert mechanism on real parts: Redis for the claim shared by instances, an
 * smtp-server sink as ALERT_EMAIL's relay, the shipped sv/en templates, prom-client metrics.
 */
import { Redis } from "ioredis";
import { simpleParser } from "mailparser";
import pino from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createAlertMailer } from "../../src/runtime/alert-mailer.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { OperatorAlerts } from "../../src/runtime/operator-alerts.js";
import { randomPrefix, redisUrl } from "../support/services.js";
import type { SmtpSink } from "../support/smtp-sink.js";
import { startSmtpSink } from "../support/smtp-sink.js";

const log = pino({ level: "silent" });
let redis: Redis;
let sink: SmtpSink;
const started: OperatorAlerts[] = [];

beforeAll(async () => {
  redis = new Redis(redisUrl());
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink.close();
  redis.disconnect();
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.stop()));
  sink.received.splice(0);
});

const loginAlert = {
  cause: "mailbox_login",
  severity: "critical" as const,
  code: "invalid_client",
  message: "mailbox desk@example.com cannot log in (oauth2): token endpoint refused (invalid_client)",
  fix: "the client id or secret is wrong, or the client was revoked: check OAUTH_CLIENT_ID / OAUTH_CLIENT_SECRET",
};

async function instance(prefix: string, env: Record<string, string> = {}, recheckMs = 100) {
  const config = loadConfig({
    REDIS_PREFIX: prefix,
    SMTP_URL: "smtp://127.0.0.1:1",
    ALERT_SMTP_URL: sink.url,
    ALERT_EMAIL: "ops@example.com",
    ALERT_INTERVAL_MS: "1500",
    MAIL_FROM: "Aktiveringar <desk@example.com>",
    ...env,
  });
  const metrics = createMetrics();
  const mailer = await createAlertMailer(config, redis, () => undefined);
  const alerts = new OperatorAlerts({ metrics, log, mailer: mailer ?? undefined, intervalMs: config.ALERT_INTERVAL_MS, recheckMs });
  started.push(alerts);
  return { alerts, metrics };
}

describe("operator alerts", () => {
  it("mails a critical alert once per interval per cause across instances, with the cause, code and fix", async () => {
    const prefix = randomPrefix("alerts");
    const a = await instance(prefix);
    const b = await instance(prefix);
    a.alerts.start();
    b.alerts.start();
    // Both instances see the failure, repeatedly (every reconnect raises it again).
    for (let i = 0; i < 5; i++) {
      a.alerts.raise(loginAlert);
      b.alerts.raise(loginAlert);
    }
    await a.alerts.settled();
    await b.alerts.settled();
    expect(sink.received).toHaveLength(1);
    const mail = sink.received[0]!;
    expect(mail.to).toEqual(["ops@example.com"]);
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe(`Aktiveringsboten behöver åtgärd: ${loginAlert.message}`);
    expect(parsed.text).toContain("Kod: invalid_client");
    expect(parsed.text).toContain(`Gör så här: ${loginAlert.fix}`);
    expect(parsed.text).toContain("högst en gång per 1.5 s");
    expect(parsed.headers.get("auto-submitted")).toBe("auto-generated");
    // Within the interval the re-offers (every 100 ms) send nothing; after it, the alert still on, one more.
    await new Promise((r) => setTimeout(r, 700));
    expect(sink.received).toHaveLength(1);
    await expect.poll(() => sink.received.length, { timeout: 4000, interval: 100 }).toBe(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.received).toHaveLength(2);
    expect(await a.metrics.registry.metrics()).toMatch(/activation_bot_operator_alert\{cause="mailbox_login",severity="critical"\} 1/);
    const sent = [a, b].map(async (x) => /activation_bot_alert_mails_total\{cause="mailbox_login",outcome="sent"\} (\d+)/.exec(await x.metrics.registry.metrics())?.[1] ?? "0");
    expect((await Promise.all(sent)).map(Number).reduce((x, y) => x + y, 0)).toBe(2);
  });

  it("a cause cleared stops the alert mails, drops from the list, sets the metric to 0, and is mailed once as resolved", async () => {
    const { alerts, metrics } = await instance(randomPrefix("alerts"));
    alerts.start();
    alerts.raise(loginAlert);
    await alerts.settled();
    expect(alerts.active().map((x) => x.cause)).toEqual(["mailbox_login"]);
    alerts.clear("mailbox_login");
    expect(alerts.active()).toEqual([]);
    expect(await metrics.registry.metrics()).toMatch(/activation_bot_operator_alert\{cause="mailbox_login",severity="critical"\} 0/);
    await alerts.settled();
    expect(sink.received).toHaveLength(2);
    const resolved = await simpleParser(sink.received[1]!.raw);
    expect(resolved.subject).toBe(`Åtgärdat: ${loginAlert.message}`);
    expect(resolved.text).toContain("fungerar igen");
    expect(resolved.text).toMatch(/Åtgärdat: \d{4}-\d{2}-\d{2}T/);
    expect(resolved.headers.get("x-activation-alert-state")).toBe("resolved");
    expect(await metrics.registry.metrics()).toMatch(/activation_bot_alert_mails_total\{cause="mailbox_login",outcome="resolved"\} 1/);
    // Cleared once, resolved once: no more mail, whatever the re-offers do.
    alerts.clear("mailbox_login");
    await new Promise((r) => setTimeout(r, 2000));
    expect(sink.received).toHaveLength(2);
  });

  it("says resolved only where an alert mail went: a warning, or an alert another instance mailed, clears silently", async () => {
    const prefix = randomPrefix("alerts");
    const a = await instance(prefix, { ALERT_LOCALE: "en" });
    const b = await instance(prefix, { ALERT_LOCALE: "en" });
    a.alerts.raise(loginAlert);
    await a.alerts.settled();
    b.alerts.raise(loginAlert);
    b.alerts.raise({ cause: "smtp_budget", severity: "warning", code: "smtp_budget", message: "budget spent", fix: "wait" });
    await b.alerts.settled();
    expect(sink.received).toHaveLength(1);
    b.alerts.clear("mailbox_login");
    b.alerts.clear("smtp_budget");
    await b.alerts.settled();
    expect(sink.received).toHaveLength(1);
    a.alerts.clear("mailbox_login");
    await a.alerts.settled();
    expect(sink.received).toHaveLength(2);
    const resolved = await simpleParser(sink.received[1]!.raw);
    expect(resolved.subject).toBe(`Resolved: ${loginAlert.message}`);
    expect(resolved.text).toContain("works again");
  });

  it("warnings are not mailed; each cause is mailed on its own", async () => {
    const { alerts } = await instance(randomPrefix("alerts"));
    alerts.raise({ cause: "secret_expiring:ENTRA_CLIENT_SECRET_EXPIRES", severity: "warning", code: "secret_expiring", message: "expires in 12 days", fix: "renew it" });
    alerts.raise(loginAlert);
    alerts.raise({ cause: "store_lost", severity: "critical", code: "store_lost", message: "the store lost its epoch marker", fix: "restore Redis" });
    await alerts.settled();
    expect(sink.received.map((m) => /X-Activation-Alert: (\S+)/.exec(m.raw)?.[1]).sort()).toEqual(["mailbox_login", "store_lost"]);
    expect(alerts.active().map((x) => x.severity)).toEqual(["critical", "critical", "warning"]);
  });

  it("a mail that could not go out is tried again at the next offer, not after the interval", async () => {
    const prefix = randomPrefix("alerts");
    const down = await startSmtpSink();
    const port = down.port;
    await down.close();
    const { alerts, metrics } = await instance(prefix, { ALERT_SMTP_URL: `smtp://127.0.0.1:${port}`, ALERT_INTERVAL_MS: "3600000" }, 200);
    alerts.start();
    alerts.raise(loginAlert);
    await alerts.settled();
    expect(await metrics.registry.metrics()).toMatch(/activation_bot_alert_mails_total\{cause="mailbox_login",outcome="failed"\} [1-9]/);
    // The relay comes back on the same port: the next offer sends, although the interval is an hour.
    const back = await startSmtpSink({ port });
    try {
      await expect.poll(() => back.received.length, { timeout: 4000, interval: 100 }).toBe(1);
    } finally {
      await alerts.stop();
      await back.close();
    }
  });

  it("goes through SMTP_URL when ALERT_SMTP_URL does not take it (whichever transport still works)", async () => {
    const down = await startSmtpSink();
    const port = down.port;
    await down.close();
    const { alerts } = await instance(randomPrefix("alerts"), { ALERT_SMTP_URL: `smtp://127.0.0.1:${port}`, SMTP_URL: sink.url });
    alerts.raise(loginAlert);
    await alerts.settled();
    expect(sink.received.map((m) => m.to)).toEqual([["ops@example.com"]]);
  });

  it("writes the English template with ALERT_LOCALE=en", async () => {
    const { alerts } = await instance(randomPrefix("alerts"), { ALERT_LOCALE: "en" });
    alerts.raise(loginAlert);
    await alerts.settled();
    const parsed = await simpleParser(sink.received[0]?.raw ?? "");
    expect(parsed.subject).toBe(`Activation bot needs action: ${loginAlert.message}`);
    expect(parsed.text).toContain(`What to do: ${loginAlert.fix}`);
  });
});
