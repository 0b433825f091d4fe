/**
 * OAuth2 on both sides, against real parts on loopback: an oidc-provider authorisation server
 * (client credentials), a Dovecot that accepts only XOAUTH2/OAUTHBEARER tokens it introspects there,
 * and an smtp-server sink that accepts only XOAUTH2 and introspects too. The bot's side is the real
 * credential source, watcher and SMTP pool.
 */
import { ImapFlow } from "imapflow";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { AuthError } from "../../../src/adapters/auth/credential.js";
import { oauth2Source } from "../../../src/adapters/auth/oauth2.js";
import type { NewMail } from "../../../src/adapters/imap/mailbox-watcher.js";
import { MailboxWatcher } from "../../../src/adapters/imap/mailbox-watcher.js";
import { createSmtpPool } from "../../../src/adapters/smtp/smtp-pool.js";
import { mailboxCheck } from "../../../src/cli/mailbox-check.js";
import { loadConfig } from "../../../src/config.js";
import { watchAuth } from "../../../src/runtime/auth-health.js";
import { createMetrics } from "../../../src/runtime/metrics.js";
import type { AuthServer, TestClient } from "../../support/auth-server.js";
import { startAuthServer } from "../../support/auth-server.js";
import type { OAuthDovecot } from "../../support/oauth-dovecot.js";
import { startOAuthDovecot } from "../../support/oauth-dovecot.js";

const desk: TestClient = { clientId: "desk-bot", clientSecret: "desk-secret-0123456789abcdef", email: "desk@oauth.test" };
const log = pino({ level: "silent" });

let auth: AuthServer;
let dovecot: OAuthDovecot;
let smtp: SMTPServer;
let smtpPort = 0;
const received: { user: string; to: string[]; bytes: number }[] = [];

beforeAll(async () => {
  auth = await startAuthServer({ clients: [desk], tokenTtlSeconds: 15 });
  dovecot = await startOAuthDovecot({ url: auth.introspectionUrl, clientId: auth.introspector.clientId, clientSecret: auth.introspector.clientSecret });
  smtp = new SMTPServer({
    authMethods: ["XOAUTH2"],
    authOptional: false,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onAuth(a, _session, done) {
      if (a.method !== "XOAUTH2" || !a.accessToken) return done(new Error("XOAUTH2 only"));
      auth.introspect(a.accessToken).then(
        (r) => (r.active && r.email === a.username ? done(null, { user: a.username }) : done(null, { data: { status: "401", schemes: "bearer" } })),
        (err: Error) => done(err),
      );
    },
    onData(stream, session, done) {
      let bytes = 0;
      stream.on("data", (c: Buffer) => (bytes += c.length));
      stream.on("end", () => {
        received.push({ user: String(session.user), to: session.envelope.rcptTo.map((r) => r.address), bytes });
        done();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
  smtpPort = (smtp.server.address() as AddressInfo).port;
}, 30_000);

afterAll(async () => {
  await new Promise<void>((r) => smtp?.close(() => r()));
  await dovecot?.stop();
  await auth?.close();
});

function source(secret = desk.clientSecret, marginMs = 5_000) {
  return oauth2Source({ tokenUrl: auth.tokenUrl, clientId: desk.clientId, clientSecret: secret, resource: auth.resource, user: desk.email, marginMs });
}

async function appendWithToken(raw: string): Promise<void> {
  const c = await source().get();
  if (!("accessToken" in c)) throw new Error("expected a token");
  const client = new ImapFlow({ host: "127.0.0.1", port: dovecot.port, secure: false, auth: { user: c.user, accessToken: c.accessToken }, logger: false });
  await client.connect();
  await client.append("INBOX", raw);
  await client.logout();
}

describe("OAuth2 mailbox login", () => {
  test("a token from the token endpoint logs in to IMAP (watcher picks up mail) and SMTP (XOAUTH2)", async () => {
    const mails: NewMail[] = [];
    const watcher = new MailboxWatcher({
      url: `imap://127.0.0.1:${dovecot.port}`,
      mailbox: "INBOX",
      idleDelayMs: 50,
      pollIntervalMs: 5_000,
      credentials: source(),
      log,
      onMails: async (m) => void mails.push(...m),
      loadState: async () => null,
      saveState: async () => undefined,
    });
    const connected = new Promise((r) => watcher.once("connected", r));
    watcher.start();
    await connected;
    await appendWithToken("From: site@example.com\r\nTo: desk@oauth.test\r\nSubject: oauth pickup\r\n\r\nhello\r\n");
    await expect.poll(() => mails.length, { timeout: 10_000 }).toBe(1);
    expect(String(mails[0]?.source)).toContain("Subject: oauth pickup");
    await watcher.stop();

    const pool = createSmtpPool({ url: `smtp://127.0.0.1:${smtpPort}`, size: 1, credentials: source() });
    await pool.send({ from: desk.email, to: ["site@example.com"] }, Buffer.from("Subject: answer\r\n\r\nok\r\n"));
    pool.close();
    expect(received).toEqual([{ user: desk.email, to: ["site@example.com"], bytes: expect.any(Number) }]);
  }, 30_000);

  test("a wrong client secret is an AuthError with the endpoint's code and a hint naming the setting", async () => {
    const err = await source("not-the-secret").get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ provider: "oauth2", code: "invalid_client" });
    expect((err as AuthError).hint).toContain("OAUTH_CLIENT_SECRET");
  });

  test("a token within the margin of expiry is replaced before use", async () => {
    // 15 s tokens, 14 s margin: the held token is stale after 1 s.
    const s = source(desk.clientSecret, 14_000);
    const first = await s.get();
    expect(await s.get()).toEqual(first);
    await new Promise((r) => setTimeout(r, 1_100));
    const second = await s.get();
    expect("accessToken" in second && "accessToken" in first && second.accessToken !== first.accessToken).toBe(true);
  });

  test("a refused secret is counted by provider and code and kept for /readyz until a token is had again", async () => {
    const metrics = createMetrics();
    let secret = "revoked-or-wrong";
    const health = watchAuth(
      { provider: "oauth2", get: () => source(secret).get() },
      metrics,
      log,
    );
    await expect(health.source.get()).rejects.toBeInstanceOf(AuthError);
    expect(health.problem()).toMatchObject({ code: "invalid_client" });
    const text = await metrics.registry.metrics();
    expect(text).toContain('activation_bot_auth_failures_total{provider="oauth2",code="invalid_client"} 1');
    secret = desk.clientSecret;
    await health.source.get();
    expect(health.problem()).toBeNull();
    expect(await metrics.registry.metrics()).toMatch(/activation_bot_auth_token_expiry_seconds\{provider="oauth2"\} \d+/);
  });

  test("mailbox check logs in with the token on both sides and says whose token it is, until when", async () => {
    const config = loadConfig({
      MAIL_AUTH: "oauth2",
      MAIL_USER: desk.email,
      MAIL_FROM: `Desk <${desk.email}>`,
      OAUTH_TOKEN_URL: auth.tokenUrl,
      OAUTH_CLIENT_ID: desk.clientId,
      OAUTH_CLIENT_SECRET: desk.clientSecret,
      OAUTH_RESOURCE: auth.resource,
      IMAP_URL: `imap://127.0.0.1:${dovecot.port}`,
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    });
    const lines = await mailboxCheck(config);
    expect(lines.find((l) => l.check === "credential")).toMatchObject({ status: "ok", detail: expect.stringContaining(`oauth2 token for ${desk.email}, expires `) });
    expect(lines.filter((l) => /login/i.test(l.check)).map((l) => [l.check, l.status])).toEqual([
      ["IMAP login", "ok"],
      ["SMTP login", "ok"],
    ]);
  }, 30_000);

  test("the watcher logs in again with a fresh token before its token expires, and finds mail appended meanwhile", async () => {
    // 15 s tokens, 12 s margin: a planned reconnect every ~3 s.
    const mails: NewMail[] = [];
    let connects = 0;
    const watcher = new MailboxWatcher({
      url: `imap://127.0.0.1:${dovecot.port}`,
      mailbox: "INBOX",
      idleDelayMs: 50,
      pollIntervalMs: 5_000,
      credentials: source(desk.clientSecret, 12_000),
      tokenMarginMs: 12_000,
      log,
      onMails: async (m) => void mails.push(...m),
      loadState: async () => null,
      saveState: async () => undefined,
    });
    watcher.on("connected", () => connects++);
    watcher.start();
    await expect.poll(() => connects, { timeout: 10_000 }).toBe(1);
    const before = new Set(mails.map((m) => m.uid));
    for (let i = 0; i < 8; i++) {
      await appendWithToken(`From: site@example.com\r\nSubject: during renewals ${i}\r\n\r\nx\r\n`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await expect.poll(() => mails.filter((m) => !before.has(m.uid) && String(m.source).includes("during renewals")).length, { timeout: 10_000 }).toBeGreaterThanOrEqual(8);
    expect(connects).toBeGreaterThanOrEqual(2);
    await watcher.stop();
  }, 40_000);
});
