/**
 * Issue 17: server habits Dovecot's configuration cannot produce, played by a proxy in front of the
 * second Dovecot (test/support/imap-proxy.ts): IDLE that never pushes, CREATE answering a plain NO
 * for an existing folder, and IMAPS with a self-signed certificate.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectImap, createImapClient } from "../../src/adapters/imap/connect.js";
import { createFolder } from "../../src/adapters/imap/folders.js";
import { createSmtpPool } from "../../src/adapters/smtp/smtp-pool.js";
import { TlsTrustError } from "../../src/adapters/tls/tls-trust.js";
import { loadConfig } from "../../src/config.js";
import { checkMailSettings, imapTls } from "../../src/runtime/mail-settings.js";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import type { MailUser } from "../../src/demo/local-mail.js";
import { createMailUser, otherServer, withImap } from "../../src/demo/local-mail.js";
import { startImapProxy } from "../support/imap-proxy.js";
import type { ImapProxy } from "../support/imap-proxy.js";
import { REPO_ROOT } from "../support/rules.js";
import { randomPrefix } from "../support/services.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";

const server = otherServer();
/** Ports assigned to this work: 31190–31199. */
const TLS_PORT = 31190;
const SILENT_IDLE_PORT = 31191;
const NO_ALREADYEXISTS_PORT = 31192;
const RESTART_PORT = 31193;
const SMTPS_PORT = 31194;

const url = (u: MailUser, scheme: string, port: number) => `${scheme}://${encodeURIComponent(u.user)}:${encodeURIComponent(u.pass)}@127.0.0.1:${port}`;
const messages = (s: { messages?: number } | false): number => (s ? (s.messages ?? 0) : 0);

describe("a server that advertises IDLE but never pushes", () => {
  let proxy: ImapProxy;
  let h: Harness;
  beforeAll(async () => {
    proxy = await startImapProxy({ target: server.port, port: SILENT_IDLE_PORT, silentIdle: true });
    h = await startHarness("silent-idle", { server, env: { IMAP_POLL_INTERVAL_MS: "1000" } });
    await h.stopBot();
    h.env.IMAP_URL = url(h.desk, "imap", SILENT_IDLE_PORT);
    Object.assign(h.ctx.config, { IMAP_URL: h.env.IMAP_URL });
    await h.startBot();
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
  });

  it("is noticed the first time a poll finds mail IDLE did not announce, and mail keeps coming by polling", async () => {
    await eventually(async () => h.bot.watcher.pickup()?.mode === "idle", 5_000, "the watcher in IDLE");
    // Delivered a minute ago (INTERNALDATE), never announced: the poll finds it.
    await withImap(h.desk, (c) =>
      c.append("INBOX", Buffer.from("From: someone@example.org\r\nSubject: one\r\nMessage-ID: <silent-1@example.org>\r\n\r\nhi\r\n"), [], new Date(Date.now() - 60_000)),
    );
    await eventually(async () => h.bot.watcher.pickup()?.mode === "polling: IDLE does not push", 10_000, "IDLE found silent");
    const ready = (await (await fetch(`http://127.0.0.1:${h.bot.httpPort}/readyz`)).json()) as { checks: Record<string, string> };
    expect(ready.checks.pickup).toBe("polling: IDLE does not push (every 1000 ms)");
    const metrics = await (await fetch(`http://127.0.0.1:${h.bot.httpPort}/metrics`)).text();
    expect(metrics).toContain('activation_bot_imap_pickup_polling{reason="idle_silent"} 1');

    await withImap(h.desk, (c) => c.append("INBOX", Buffer.from("From: someone@example.org\r\nSubject: two\r\nMessage-ID: <silent-2@example.org>\r\n\r\nhi\r\n")));
    await eventually(async () => messages(await withImap(h.desk, (c) => c.status("Processed", { messages: true }))) === 2, 10_000, "both mails processed");
  });
});

describe("a server whose IDLE pushes", () => {
  it("is not called silent when polls race its pushes", async () => {
    const h = await startHarness("idle-pushes", { env: { IMAP_POLL_INTERVAL_MS: "1000" } });
    try {
      for (let i = 0; i < 4; i++) {
        await withImap(h.desk, (c) => c.append("INBOX", Buffer.from(`From: someone@example.org\r\nSubject: m${i}\r\nMessage-ID: <push-${i}@example.org>\r\n\r\nhi\r\n`)));
        await new Promise((r) => setTimeout(r, 700));
      }
      await eventually(async () => messages(await withImap(h.desk, (c) => c.status("Processed", { messages: true }))) === 4, 10_000, "four mails processed");
      expect(h.bot.watcher.pickup()?.mode).toBe("idle");
    } finally {
      await h.close();
    }
  });
});

describe("a server restarted under the running bot", () => {
  it("gets its connections back, and the next mails are moved to Processed, not quarantined", async () => {
    const proxy = await startImapProxy({ target: server.port, port: RESTART_PORT });
    const h = await startHarness("restart", { server, env: { IMAP_POLL_INTERVAL_MS: "1000" } });
    try {
      await h.stopBot();
      Object.assign(h.ctx.config, { IMAP_URL: url(h.desk, "imap", RESTART_PORT) });
      await h.startBot();
      const deliver = (i: number) =>
        withImap(h.desk, (c) => c.append("INBOX", Buffer.from(`From: someone@example.org\r\nSubject: r${i}\r\nMessage-ID: <restart-${i}@example.org>\r\n\r\nhi\r\n`)));
      await deliver(1);
      await eventually(async () => messages(await withImap(h.desk, (c) => c.status("Processed", { messages: true }))) === 1, 10_000, "first mail processed");
      proxy.dropAll();
      await deliver(2);
      await deliver(3);
      // A bound on liveness, not a speed figure (the fault suite's repeated_cuts measures the recovery):
      // a full suite on 2 loaded cores once took longer than 20 s here.
      await eventually(async () => messages(await withImap(h.desk, (c) => c.status("Processed", { messages: true }))) === 3, 60_000, "mails after the restart processed");
      expect(messages(await withImap(h.desk, (c) => c.status("Quarantine", { messages: true })))).toBe(0);
      expect((await h.ctx.store.looseFlags()).filter((f) => f.code === "processing_error")).toEqual([]);
    } finally {
      await h.close();
      await proxy.close();
    }
  }, 120_000);
});

describe("a server that answers CREATE of an existing folder with a plain NO", () => {
  it("counts the NO only when a fresh LIST does not show the folder", async () => {
    const proxy = await startImapProxy({ target: server.port, port: NO_ALREADYEXISTS_PORT, noAlreadyExists: true });
    const user = await createMailUser("create-no", { server });
    const client = createImapClient({ url: url(user, "imap", NO_ALREADYEXISTS_PORT), idleDelayMs: 0, autoIdle: false });
    try {
      await connectImap(client, url(user, "imap", NO_ALREADYEXISTS_PORT));
      await client.mailboxCreate("Processed");
      await expect(client.mailboxCreate("Processed")).rejects.toThrow();
      await expect(createFolder(client, "processed", "INBOX.Processed")).resolves.toBeUndefined();
    } finally {
      await client.logout().catch(() => client.close());
      await proxy.close();
    }
  });
});

describe("IMAPS with a self-signed certificate", () => {
  let dir: string;
  let proxy: ImapProxy;
  let user: MailUser;
  let caFile: string;
  let keyFile: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ab-tls-"));
    // A test-only self-signed certificate for 127.0.0.1 and localhost, valid for a century (made with
    // `openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj /CN=localhost -addext subjectAltName=IP:127.0.0.1,DNS:localhost`).
    caFile = path.join(REPO_ROOT, "test/fixtures/tls/self-signed-cert.pem");
    keyFile = path.join(REPO_ROOT, "test/fixtures/tls/self-signed-key.pem");
    proxy = await startImapProxy({ target: server.port, port: TLS_PORT, tls: { key: await readFile(keyFile, "utf8"), cert: await readFile(caFile, "utf8") } });
    user = await createMailUser("tls", { server });
  });
  afterAll(async () => {
    await proxy?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses an untrusted certificate in one line naming the server and IMAP_CA_FILE, and connects with the CA file", async () => {
    const imaps = url(user, "imaps", TLS_PORT);
    const refused = createImapClient({ url: imaps, idleDelayMs: 0, autoIdle: false });
    const err: unknown = await connectImap(refused, imaps).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TlsTrustError);
    expect((err as Error).message).toMatch(/^IMAP server 127\.0\.0\.1:31190: TLS certificate not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT\).*Set IMAP_CA_FILE/);
    expect((err as Error).message).not.toContain("\n");

    const trusted = createImapClient({ url: imaps, idleDelayMs: 0, autoIdle: false, tls: { ca: await readFile(caFile, "utf8"), rejectUnauthorized: true } });
    await connectImap(trusted, imaps);
    expect((await trusted.list()).some((m) => m.path === "INBOX")).toBe(true);
    await trusted.logout();
  });

  it("connects without checking only with TLS_VERIFY=false, which warns", async () => {
    const config = loadConfig({ IMAP_URL: url(user, "imaps", TLS_PORT), TLS_VERIFY: "false" });
    const warnings: string[] = [];
    checkMailSettings(config, pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) }));
    expect(warnings.join("")).toContain("TLS_VERIFY=false");
    const client = createImapClient({ url: config.IMAP_URL ?? "", idleDelayMs: 0, autoIdle: false, tls: imapTls(config) });
    await connectImap(client, config.IMAP_URL ?? "");
    await client.logout();
  });

  it("refuses an SMTP server's untrusted certificate in one line naming SMTP_CA_FILE, and sends with the CA file", async () => {
    const smtp = new SMTPServer({ secure: true, key: await readFile(keyFile), cert: await readFile(caFile), authOptional: true, closeTimeout: 200 });
    smtp.on("error", () => undefined); // the refused client's aborted handshake
    await new Promise<void>((resolve) => smtp.listen(SMTPS_PORT, "127.0.0.1", () => resolve()));
    try {
      const refused = createSmtpPool({ url: `smtps://127.0.0.1:${SMTPS_PORT}`, size: 1 });
      const err: unknown = await refused.verify().then(() => null, (e: unknown) => e);
      refused.close();
      expect(err).toBeInstanceOf(TlsTrustError);
      expect((err as Error).message).toMatch(/^SMTP server 127\.0\.0\.1:31194: TLS certificate not trusted .*Set SMTP_CA_FILE/);
      const trusted = createSmtpPool({ url: `smtps://127.0.0.1:${SMTPS_PORT}`, size: 1, tls: { ca: await readFile(caFile, "utf8"), rejectUnauthorized: true } });
      await trusted.verify();
      trusted.close();
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it("`activation-bot run` stops with that line, no stack trace", async () => {
    const env = {
      ...process.env,
      LOG_LEVEL: "silent",
      REDIS_PREFIX: randomPrefix("tls"),
      TAG_SECRET: "tls-test-secret-0123456789",
      STORAGE_DIR: dir,
      IMAP_URL: url(user, "imaps", TLS_PORT),
      SMTP_URL: "smtp://127.0.0.1:1",
      HTTP_PORT: "0",
    };
    const r = await promisify(execFile)(path.join(REPO_ROOT, "node_modules/.bin/tsx"), [path.join(REPO_ROOT, "src/cli/main.ts"), "run"], { cwd: REPO_ROOT, env }).then(
      () => ({ code: 0, stderr: "" }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("IMAP_CA_FILE");
  });
});
