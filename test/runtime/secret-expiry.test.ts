/** `*_EXPIRES` dates: parsed by the configuration, warned about 30 days ahead, critical once past. */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { OperatorAlerts } from "../../src/runtime/operator-alerts.js";
import { configuredExpiries, expiryAlert, watchSecretExpiry } from "../../src/runtime/secret-expiry.js";

const DAY = 86_400_000;
const now = Date.parse("2026-12-04T12:00:00Z");

describe("secret expiry", () => {
  it("reads the dates from the configuration, and refuses a date that is not one", () => {
    const c = loadConfig({ ENTRA_CLIENT_SECRET_EXPIRES: "2027-01-02", OAUTH_CLIENT_SECRET_EXPIRES: "2027-03-01T08:00:00Z" });
    expect(configuredExpiries(c).map((e) => [e.setting, e.expires.toISOString()])).toEqual([
      ["ENTRA_CLIENT_SECRET_EXPIRES", "2027-01-02T00:00:00.000Z"],
      ["OAUTH_CLIENT_SECRET_EXPIRES", "2027-03-01T08:00:00.000Z"],
    ]);
    expect(() => loadConfig({ ENTRA_CLIENT_SECRET_EXPIRES: "next year" })).toThrow(/ENTRA_CLIENT_SECRET_EXPIRES: must be a date/);
    expect(() => loadConfig({ ENTRA_CLIENT_SECRET_EXPIRES: "2027-02-30x" })).toThrow(/ENTRA_CLIENT_SECRET_EXPIRES/);
  });

  it("is quiet more than 30 days ahead, warns from 30 days, and is critical once expired", () => {
    const [e] = configuredExpiries(loadConfig({ ENTRA_CLIENT_SECRET_EXPIRES: "2027-01-03" }));
    expect(e).toBeDefined();
    expect(expiryAlert(e!, Date.parse("2027-01-03T00:00:00Z") - 31 * DAY, 30)).toBeNull();
    expect(expiryAlert(e!, Date.parse("2027-01-03T00:00:00Z") - 30 * DAY, 30)).toMatchObject({
      cause: "secret_expiring:ENTRA_CLIENT_SECRET_EXPIRES",
      severity: "warning",
      code: "secret_expiring",
      message: "the Entra client secret (ENTRA_CLIENT_SECRET) expires on 2027-01-03, in 30 days",
      fix: expect.stringContaining("ENTRA_CLIENT_SECRET_EXPIRES"),
    });
    expect(expiryAlert(e!, Date.parse("2027-01-02T12:00:00Z"), 30)?.message).toContain("in 1 day");
    expect(expiryAlert(e!, Date.parse("2027-01-03T00:00:01Z"), 30)).toMatchObject({ severity: "critical", code: "secret_expired" });
  });

  it("sets the expiry gauge and raises the warning (banner, /readyz) at start", async () => {
    const metrics = createMetrics();
    const alerts = new OperatorAlerts({ metrics, log: pino({ level: "silent" }), intervalMs: 60_000 });
    const config = loadConfig({ ENTRA_CLIENT_SECRET_EXPIRES: "2026-12-20", ENTRA_CERTIFICATE_EXPIRES: "2027-12-20" });
    const watch = watchSecretExpiry(configuredExpiries(config), { alerts, metrics, warnDays: 30, now: () => now });
    watch.stop();
    expect(alerts.active().map((a) => [a.cause, a.severity])).toEqual([["secret_expiring:ENTRA_CLIENT_SECRET_EXPIRES", "warning"]]);
    const text = await metrics.registry.metrics();
    expect(text).toContain(`activation_bot_secret_expiry_seconds{secret="ENTRA_CLIENT_SECRET_EXPIRES"} ${Date.parse("2026-12-20T00:00:00Z") / 1000}`);
    expect(text).toContain('activation_bot_operator_alert{cause="secret_expiring:ENTRA_CLIENT_SECRET_EXPIRES",severity="warning"} 1');
  });

  it("a date past that a later login contradicts is a warning about the date, not a critical alert", () => {
    const [e] = configuredExpiries(loadConfig({ ENTRA_CLIENT_SECRET_EXPIRES: "2026-11-03" }));
    expect(expiryAlert(e!, now, 30, null)).toMatchObject({ severity: "critical", code: "secret_expired" });
    // A login before the date proves nothing about it.
    expect(expiryAlert(e!, now, 30, Date.parse("2026-11-02T09:00:00Z"))).toMatchObject({ severity: "critical" });
    expect(expiryAlert(e!, now, 30, Date.parse("2026-12-04T11:58:00Z"))).toEqual({
      cause: "secret_expiring:ENTRA_CLIENT_SECRET_EXPIRES",
      severity: "warning",
      code: "secret_expiry_date_wrong",
      message:
        "ENTRA_CLIENT_SECRET_EXPIRES says the Entra client secret (ENTRA_CLIENT_SECRET) expired on 2026-11-03, but the mailbox logged in with it at 2026-12-04 11:58 UTC: the date is probably wrong",
      fix: "look up the real expiry date where the secret was issued and correct ENTRA_CLIENT_SECRET_EXPIRES",
    });
  });

  it("the running check turns the critical alert into that warning once a login works (not ready → ready)", () => {
    const metrics = createMetrics();
    const alerts = new OperatorAlerts({ metrics, log: pino({ level: "silent" }), intervalMs: 60_000 });
    let lastLogin: number | null = null;
    const config = loadConfig({ OAUTH_CLIENT_SECRET_EXPIRES: "2026-10-01" });
    const watch = watchSecretExpiry(configuredExpiries(config), { alerts, metrics, warnDays: 30, now: () => now, lastLoginAt: () => lastLogin });
    expect(alerts.critical().map((a) => a.code)).toEqual(["secret_expired"]);
    lastLogin = now - 1000;
    watch.check();
    watch.stop();
    expect(alerts.critical()).toEqual([]);
    expect(alerts.active().map((a) => [a.severity, a.code])).toEqual([["warning", "secret_expiry_date_wrong"]]);
  });
});
