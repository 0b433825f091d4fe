/**
 * The real bot (runBot) on a mailbox that takes only OAuth2, end to end on loopback: Entra's
 * client-credentials flow (msal-node) against an HTTPS token endpoint of its own, a Dovecot whose only
 * passdb is oauth2 (tokens introspected at that endpoint), and a submission server that accepts only
 * XOAUTH2 and introspects too. A case thread runs through it; a revoked app holds the start-up, then
 * turns /readyz red, raises the desk's banner, the metrics and one alert mail; restored, all clear.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCaseCommand } from "../../src/app/case-commands.js";
import { loadConfig } from "../../src/config.js";
import type { Context } from "../../src/main.js";
import { buildContext, caseCommandDeps, createLogger } from "../../src/main.js";
import type { RunningBot } from "../../src/runtime/run.js";
import { runBot } from "../../src/runtime/run.js";
import type { OAuthMailDesk } from "../support/oauth-mail-desk.js";
import { startOAuthMailDesk } from "../support/oauth-mail-desk.js";
import type { SmtpSink } from "../support/smtp-sink.js";
import { startSmtpSink } from "../support/smtp-sink.js";
import type { Xoauth2Submission } from "../support/smtp-sink.js";
import type { TokenEndpoints } from "../support/token-endpoints.js";
import { plainReply } from "../support/reply-mail.js";

/** Its own port: oauth2-mail.test.ts runs the other OAuth Dovecot, maybe at the same time. */
const DOVECOT_PORT = 31147;
const DESK = "aktiveringar@oauth.test";
const app = { tenantId: "5d2e8f10-7a3b-4c1d-9e6f-0a1b2c3d4e5f", clientId: "7c9d0e1f-aaaa-4bbb-8ccc-dddd00001111", clientSecret: "correct-secret-value", mailbox: DESK };

let oauthDesk: OAuthMailDesk;
let endpoints: TokenEndpoints;
let submission: Xoauth2Submission;
let alertSink: SmtpSink;
let ctx: Context;
let bot: RunningBot | null = null;
let httpPort = 0;
let storage = "";

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function get(path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${httpPort}${path}`);
  return { status: res.status, text: await res.text() };
}

/** An IMAP session on the desk's mailbox with a token of the app's own. */
async function withDesk<T>(fn: (c: ImapFlow) => Promise<T>): Promise<T> {
  const { credentialSource } = await import("../../src/runtime/credentials.js");
  const cred = await credentialSource(ctx.config)!.get();
  const client = new ImapFlow({ host: "127.0.0.1", port: DOVECOT_PORT, secure: false, auth: { user: DESK, accessToken: "accessToken" in cred ? cred.accessToken : "" }, logger: false });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

beforeAll(async () => {
  oauthDesk = await startOAuthMailDesk(app, { port: DOVECOT_PORT, tokenTtlSeconds: 20 });
  ({ endpoints, submission } = oauthDesk);
  alertSink = await startSmtpSink();
  storage = await mkdtemp(join(tmpdir(), "ab-oauth-bot-"));
  httpPort = await freePort();
  const config = loadConfig({
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_PREFIX: `t:oauthbot:${randomBytes(4).toString("hex")}:`,
    ...oauthDesk.env,
    // 20 s tokens renewed 15 s early: the watcher logs in again every ~5 s.
    TOKEN_REFRESH_MARGIN_MS: "15000",
    ALERT_EMAIL: "ops@vendor.example",
    ALERT_SMTP_URL: alertSink.url,
    ALERT_INTERVAL_MS: "3600000",
    ALERT_LOCALE: "en",
    TAG_SECRET: randomBytes(16).toString("hex"),
    STORAGE_DIR: storage,
    HTTP_PORT: String(httpPort),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
  });
  ctx = await buildContext(config, { log: createLogger(config.LOG_LEVEL) });
}, 60_000);

afterAll(async () => {
  await bot?.stop();
  await ctx?.close();
  await alertSink?.close();
  await oauthDesk?.close();
  if (storage) await rm(storage, { recursive: true, force: true });
});

describe("the bot on an OAuth2-only mailbox (Entra flow, Dovecot oauth2 passdb, XOAUTH2 submission)", () => {
  it("holds its start while the app is revoked: /readyz says why, the desk shows the banner, one alert mail; starts once restored", async () => {
    endpoints.revoke(app.clientId);
    const starting = runBot(ctx);
    // Served from the first moment ("waiting for the first entra token"), then the refusal with its hint.
    const auth = async () => {
      const r = await get("/readyz").catch(() => ({ status: 0, text: "{}" }));
      return r.status === 503 ? ((JSON.parse(r.text) as { checks?: Record<string, string> }).checks?.auth ?? "") : "";
    };
    await expect.poll(auth, { timeout: 15_000, interval: 100 }).toMatch(/^failed \(/);
    const readyz = JSON.parse((await get("/readyz")).text) as { ok: boolean; checks: Record<string, string> };
    expect(readyz.ok).toBe(false);
    expect(readyz.checks.auth).toMatch(/^failed \(AADSTS7000215\): .*Invalid client secret provided.*; the client secret is wrong/);
    const page = await get("/work");
    expect(page.status).toBe(503);
    expect(page.text).toContain('data-cause="mailbox_login"');
    expect(page.text).toContain("ENTRA_CLIENT_SECRET");
    const metrics = (await get("/metrics")).text;
    expect(metrics).toMatch(/activation_bot_auth_failures_total\{provider="entra",code="AADSTS7000215"\} [1-9]/);
    expect(metrics).toContain('activation_bot_operator_alert{cause="mailbox_login",severity="critical"} 1');
    await expect.poll(() => alertSink.received.length, { timeout: 10_000 }).toBe(1);
    const alert = await simpleParser(alertSink.received[0]!.raw);
    expect(alert.subject).toMatch(/^Activation bot needs action: mailbox aktiveringar@oauth\.test cannot log in \(entra\)/);
    expect(alert.text).toContain("Code: AADSTS7000215");
    expect(alertSink.received[0]!.to).toEqual(["ops@vendor.example"]);

    endpoints.restore(app.clientId);
    bot = await starting;
    await expect.poll(async () => (await get("/readyz")).status, { timeout: 20_000, interval: 200 }).toBe(200);
    expect(JSON.parse((await get("/readyz")).text)).toMatchObject({ ok: true, checks: { auth: "ok", watcher: "ok" } });
    expect((await get("/")).text).not.toContain('class="operator-alerts"');
    // The operator who was told is told it is over: one mail that says resolved.
    await expect.poll(() => alertSink.received.length, { timeout: 10_000 }).toBe(2);
    const resolved = await simpleParser(alertSink.received[1]!.raw);
    expect(resolved.headers.get("x-activation-alert-state")).toBe("resolved");
    expect(resolved.headers.get("x-activation-alert")).toBe("mailbox_login");
  }, 60_000);

  it("runs a case thread: the first mail and the answer go out by XOAUTH2, the reply is read and filed, Sent holds the copies", async () => {
    expect(bot).not.toBeNull();
    const opened = await openCaseCommand(
      caseCommandDeps(ctx),
      { site: "Storgatan 1, Malmö", stations: 2, macsShipped: [], installService: false, locale: "sv", nmEmail: "nina@kund.example", nmName: "Nina" },
      "test",
    );
    if (opened.kind !== "ok") throw new Error(opened.reason);
    await bot!.dispatch(opened.case, opened.outbox.map((e) => e.key));
    await expect.poll(() => submission.received.length, { timeout: 15_000 }).toBe(1);
    const first = await simpleParser(submission.received[0]!.raw);
    expect(submission.received[0]).toMatchObject({ user: DESK, to: ["nina@kund.example"] });
    expect(first.subject).toContain(`[${opened.case.id}]`);

    // Nina answers in the thread; the mail reaches the desk's INBOX.
    const replyId = `<reply-${randomBytes(4).toString("hex")}@kund.example>`;
    const reply = plainReply({
      from: "Nina <nina@kund.example>",
      to: first.replyTo?.value[0]?.address ?? DESK,
      subject: `Re: ${first.subject ?? ""}`,
      messageId: replyId,
      inReplyTo: first.messageId ?? "",
      date: new Date().toUTCString(),
      text: "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.",
    });
    await withDesk((c) => c.append("INBOX", reply));
    await expect.poll(() => submission.received.length, { timeout: 20_000 }).toBe(2);
    const answer = await simpleParser(submission.received[1]!.raw);
    expect(answer.inReplyTo).toBe(replyId);
    expect(answer.subject).toBe(`Re: ${first.subject ?? ""}`);
    expect(answer.text).toContain("Utse operativa kontakter");

    await expect
      .poll(
        () =>
          withDesk(async (c) => {
            const count = async (box: string) => {
              const s = await c.status(box, { messages: true });
              return s ? s.messages : -1;
            };
            return [await count("INBOX"), await count("Processed"), await count("Sent")];
          }),
        { timeout: 15_000 },
      )
      .toEqual([0, 1, 2]);
    const metrics = (await get("/metrics")).text;
    expect(metrics).toContain("activation_bot_imap_idle_connected 1");
    expect(metrics).toMatch(/activation_bot_mailbox_last_login_seconds\{mailbox="aktiveringar@oauth\.test",protocol="imap"\} \d+/);
    expect(metrics).toMatch(/activation_bot_mailbox_last_login_seconds\{mailbox="aktiveringar@oauth\.test",protocol="smtp"\} \d+/);
    expect(metrics).toMatch(/activation_bot_auth_token_expiry_seconds\{provider="entra"\} \d+/);
  }, 60_000);

  it("an app revoked while running turns /readyz red with the banner within a token renewal, mails nothing more within the interval, and clears when restored", async () => {
    endpoints.revoke(app.clientId);
    await expect.poll(async () => (await get("/readyz")).status, { timeout: 20_000, interval: 250 }).toBe(503);
    const readyz = JSON.parse((await get("/readyz")).text) as { checks: Record<string, string> };
    expect(readyz.checks.auth).toMatch(/AADSTS7000215|imap_login_refused|smtp_login_refused/);
    expect((await get("/")).text).toContain('data-cause="mailbox_login"');
    endpoints.restore(app.clientId);
    await expect.poll(async () => (await get("/readyz")).status, { timeout: 30_000, interval: 250 }).toBe(200);
    expect((await get("/")).text).not.toContain('class="operator-alerts"');
    // The same cause within ALERT_INTERVAL_MS: no second alert mail, so no second "resolved" either.
    await new Promise((r) => setTimeout(r, 1000));
    expect(alertSink.received).toHaveLength(2);
  }, 60_000);
});
