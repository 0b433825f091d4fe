/**
 * The start-up held by the mailbox login (src/runtime/login-hold.ts) on real parts: the waiting
 * server on a real port, the project's Dovecot refusing a wrong password, MailboxOps as `run` uses it.
 */
import pino from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { passwordSource } from "../../src/adapters/auth/password.js";
import { MailboxOps } from "../../src/adapters/imap/mailbox-ops.js";
import type { MailUser } from "../../src/demo/local-mail.js";
import { createMailUser, imapUrl } from "../../src/demo/local-mail.js";
import { watchAuth } from "../../src/runtime/auth-health.js";
import { untilMailboxLogin } from "../../src/runtime/login-hold.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { OperatorAlerts } from "../../src/runtime/operator-alerts.js";

const log = pino({ level: "silent" });
let user: MailUser;

beforeAll(async () => {
  user = await createMailUser("login-hold", { domain: "desk.test" });
});

function parts(provider: "entra" | "password", mailbox: string) {
  const metrics = createMetrics();
  const alerts = new OperatorAlerts({ metrics, log, intervalMs: 60_000 });
  const auth = watchAuth(provider === "password" ? passwordSource(mailbox, "") : { provider, get: () => Promise.reject(new Error("not asked in this test")) }, metrics, log, { alerts, mailbox });
  return { metrics, alerts, auth };
}

async function readyz(port: number): Promise<{ status: number; body: { ok: boolean; checks: Record<string, string> } }> {
  const res = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: res.status, body: (await res.json()) as { ok: boolean; checks: Record<string, string> } };
}

describe("start-up until the mailbox login works", () => {
  it("serves /readyz from the first moment: not ready, waiting for the first token, until the login is done", async () => {
    const p = parts("entra", "desk@example.com");
    let release: (v: string) => void = () => undefined;
    const gate = new Promise<string>((r) => (release = r));
    let port = 0;
    const held = untilMailboxLogin(() => gate, { ...p, log, http: { host: "127.0.0.1", port: 0 }, onListening: (n) => (port = n) });
    await expect.poll(() => port).toBeGreaterThan(0);
    expect(await readyz(port)).toEqual({ status: 503, body: { ok: false, checks: { auth: "waiting for the first entra token for desk@example.com", startup: "waiting for the mailbox login" } } });
    release("folders");
    expect(await held).toBe("folders");
    // The waiting server is gone: the bot's own server takes the port.
    await expect(fetch(`http://127.0.0.1:${port}/readyz`)).rejects.toThrow();
  });

  it("a refused password holds the start: /readyz and the banner say imap_login_refused with the setting to fix; stopping ends the wait", async () => {
    const p = parts("password", user.address);
    const wrong: MailUser = { ...user, pass: "not-the-password" };
    const ops = new MailboxOps({ url: imapUrl(wrong), mailbox: "INBOX", folders: { processed: "Processed", quarantine: "Quarantine", sent: undefined }, log });
    const stop = new AbortController();
    let port = 0;
    const held = untilMailboxLogin(() => ops.ensureFolders(), { ...p, log, http: { host: "127.0.0.1", port: 0 }, signal: stop.signal, retryMs: [300], onListening: (n) => (port = n) });
    held.catch(() => undefined);
    await expect.poll(async () => (port ? (await readyz(port)).body.checks.auth : ""), { timeout: 10_000 }).toMatch(/^failed \(imap_login_refused\): the IMAP server refused the login/);
    expect((await readyz(port)).body.checks.auth).toContain("check the user and password in IMAP_URL");
    const page = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    expect(page).toContain('data-cause="mailbox_login"');
    expect(await p.metrics.registry.metrics()).toMatch(/activation_bot_auth_failures_total\{provider="password",code="imap_login_refused"\} [1-9]/);
    // Tried again on its schedule, still refused.
    await expect.poll(async () => Number(/code="imap_login_refused"\} (\d+)/.exec(await p.metrics.registry.metrics())?.[1]), { timeout: 5000 }).toBeGreaterThan(2);
    stop.abort();
    await expect(held).rejects.toThrow(/stopped while waiting for the mailbox login|AUTHENTICATIONFAILED|Authentication failed|Command failed/i);
    await ops.close();
  });

  it("a failure that is not the login (nothing listens) stops the start at once, as before", async () => {
    const p = parts("password", user.address);
    const ops = new MailboxOps({ url: "imap://u:p@127.0.0.1:1", mailbox: "INBOX", folders: { processed: "Processed", quarantine: "Quarantine", sent: undefined }, log });
    await expect(untilMailboxLogin(() => ops.ensureFolders(), { ...p, log })).rejects.toThrow(/ECONNREFUSED|connect/i);
    expect(p.alerts.active()).toEqual([]);
    await ops.close();
  });
});
