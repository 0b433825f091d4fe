/** The login health's bookkeeping: one problem per part (token, IMAP, SMTP), the alert while any is in force. */
import pino from "pino";
import { describe, expect, it } from "vitest";
import { passwordSource } from "../../src/adapters/auth/password.js";
import { isLoginRefusal, watchAuth } from "../../src/runtime/auth-health.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { OperatorAlerts } from "../../src/runtime/operator-alerts.js";

const log = pino({ level: "silent" });
/** What nodemailer rejects a refused AUTH with. */
const smtpRefusal = Object.assign(new Error("Invalid login: 535 5.7.8 Authentication credentials invalid"), { code: "EAUTH", responseCode: 535, response: "535 5.7.8 Authentication credentials invalid" });
/** What imapflow rejects a refused LOGIN with. */
const imapRefusal = Object.assign(new Error("Command failed"), { authenticationFailed: true, responseText: "Authentication failed." });

describe("mailbox login health", () => {
  it("tells a refused login from other failures", () => {
    expect(isLoginRefusal(smtpRefusal)).toBe(true);
    expect(isLoginRefusal(imapRefusal)).toBe(true);
    expect(isLoginRefusal(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(false);
    expect(isLoginRefusal(Object.assign(new Error("Greeting never received"), { code: "ETIMEDOUT" }))).toBe(false);
  });

  it("keeps an SMTP refusal while IMAP logs in, and clears the alert only when SMTP logs in again", async () => {
    const metrics = createMetrics();
    const alerts = new OperatorAlerts({ metrics, log, intervalMs: 60_000 });
    const auth = watchAuth(passwordSource("desk@example.com", ""), metrics, log, { alerts, mailbox: "desk@example.com" });
    expect(auth.readiness()).toEqual({ ok: false, text: "waiting for the first login to desk@example.com" });
    auth.loginSucceeded("imap");
    expect(auth.readiness()).toEqual({ ok: true, text: "ok" });
    expect(auth.loginFailed("smtp", smtpRefusal)).toBe(true);
    expect(auth.readiness().text).toBe("failed (smtp_login_refused): the SMTP server refused the login: 535 5.7.8 Authentication credentials invalid; check the user and password in SMTP_URL (or MAIL_AUTH if the server wants tokens)");
    auth.loginSucceeded("imap");
    expect(alerts.active().map((a) => a.code)).toEqual(["smtp_login_refused"]);
    auth.loginSucceeded("smtp");
    expect(alerts.active()).toEqual([]);
    expect(auth.readiness().ok).toBe(true);
    expect(await metrics.registry.metrics()).toMatch(/activation_bot_mailbox_last_login_seconds\{mailbox="desk@example.com",protocol="smtp"\} \d+/);
  });

  it("a dropped connection is not a refused login", () => {
    const metrics = createMetrics();
    const alerts = new OperatorAlerts({ metrics, log, intervalMs: 60_000 });
    const auth = watchAuth(passwordSource("desk@example.com", ""), metrics, log, { alerts, mailbox: "desk@example.com" });
    auth.loginSucceeded("imap");
    expect(auth.loginFailed("imap", new Error("IMAP connection closed"))).toBe(false);
    expect(alerts.active()).toEqual([]);
  });
});
