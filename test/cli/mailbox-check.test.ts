/** `activation-bot mailbox check` as an operator runs it, against the second Dovecot (INBOX. namespace, no IDLE/MOVE) and the local SMTP relay. */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckLine } from "../../src/cli/mailbox-check.js";
import type { LocalRelay, MailUser } from "../../src/demo/local-mail.js";
import { createMailUser, imapUrl, otherServer, startLocalRelay, withImap } from "../../src/demo/local-mail.js";
import { CLI_MAIN, runCli, TSX } from "../support/cli.js";
import { REPO_ROOT } from "../support/rules.js";
import { randomPrefix } from "../support/services.js";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";

async function check(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return cli(["mailbox", "check", ...args], env);
}

const cli = (args: string[], env: Record<string, string>) => runCli(args, env);

/** A port nobody listens on now (the OS's pick, released again). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

const line = (lines: CheckLine[], name: string) => lines.find((l) => l.check === name);

describe("activation-bot mailbox check", () => {
  let relay: LocalRelay;
  let desk: MailUser;
  let env: Record<string, string>;
  beforeAll(async () => {
    relay = await startLocalRelay();
    desk = await createMailUser("check", { server: otherServer(), domain: "desk.test" });
    env = { IMAP_URL: imapUrl(desk), SMTP_URL: relay.url, MAIL_FROM: `Desk <${desk.address}>`, TAG_SECRET: "check-test-secret-0123456789" };
  });
  afterAll(async () => {
    await relay?.close();
  });

  it("reports the server's capabilities, namespace and folders, and sends a test mail into Sent Items", async () => {
    const r = await check(["--json", "--send-test", "someone@example.org"], env);
    expect(r.stderr).toBe("");
    const out = JSON.parse(r.stdout) as { ok: boolean; lines: CheckLine[] };
    expect(out.ok).toBe(true);
    expect(r.code).toBe(0);
    expect(line(out.lines, "IMAP login")?.status).toBe("ok");
    expect(line(out.lines, "capability IDLE")).toMatchObject({ status: "warn", hint: expect.stringContaining("polling") });
    expect(line(out.lines, "capability MOVE")?.status).toBe("warn");
    expect(line(out.lines, "capability UIDPLUS")?.status).toBe("ok");
    expect(line(out.lines, "namespace")?.detail).toBe('prefix "INBOX.", delimiter "."');
    expect(line(out.lines, "folder processed")).toMatchObject({ status: "warn", detail: '"INBOX.Processed" will be created at start' });
    expect(line(out.lines, "folder sent")).toMatchObject({ status: "ok", detail: '"INBOX.Sent Items" exists (found by its \\Sent mark)' });
    expect(line(out.lines, "SMTP login")?.status).toBe("ok");
    expect(line(out.lines, "test mail")?.status).toBe("ok");
    expect(line(out.lines, "test mail in Sent")).toMatchObject({ status: "ok", detail: 'filed in "INBOX.Sent Items"' });
    expect(relay.received.some((m) => m.envelope.to.includes("someone@example.org"))).toBe(true);
    const sent = await withImap(desk, (c) => c.status("Sent Items", { messages: true }));
    expect(sent && sent.messages).toBe(1);
  });

  it("fails, with a hint, on a refused login, and prints a table without --json", async () => {
    const r = await check([], { ...env, IMAP_URL: imapUrl({ ...desk, pass: "wrong" }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^fail\s+IMAP login\s+127\.0\.0\.1: /m);
    expect(r.stdout).toContain("→ the server refused the user name or password in IMAP_URL");
  });

  it("`activation-bot run` holds its start on a refused login, and /readyz names the server, the user, its answer and the setting", async () => {
    const storage = await mkdtemp(join(tmpdir(), "ab-check-"));
    const port = await freePort();
    const child = spawn(TSX, [CLI_MAIN, "run"], {
      cwd: REPO_ROOT,
      env: { ...process.env, LOG_LEVEL: "silent", ...env, IMAP_URL: imapUrl({ ...desk, pass: "wrong" }), REDIS_PREFIX: randomPrefix("check"), STORAGE_DIR: storage, HTTP_PORT: String(port) },
      stdio: "ignore",
      // Its own process group: tsx runs the bot in a child process, and the kill below must reach it too.
      detached: true,
    });
    try {
      let ready: { status: number; body: string } = { status: 0, body: "" };
      for (const until = Date.now() + 60_000; Date.now() < until && !ready.body.includes("refused the login"); ) {
        await new Promise((r) => setTimeout(r, 250));
        ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(async (r) => ({ status: r.status, body: await r.text() }), () => ready);
      }
      expect(ready.status).toBe(503);
      expect(ready.body).toContain(`the IMAP server 127.0.0.1 refused the login of ${desk.user} (AUTHENTICATIONFAILED`);
      expect(ready.body).toContain("check the user and password in IMAP_URL");
      expect(child.exitCode).toBeNull();
    } finally {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
      await rm(storage, { recursive: true, force: true });
    }
  }, 90_000);

  it("`activation-bot run` stops on a folder the server refuses with one line naming it, its setting and the answer", async () => {
    const storage = await mkdtemp(join(tmpdir(), "ab-check-"));
    try {
      const r = await cli(["run"], { ...env, IMAP_PROCESSED_FOLDER: "Other/x", REDIS_PREFIX: randomPrefix("check"), STORAGE_DIR: storage, HTTP_PORT: "0" });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/^IMAP folder "INBOX\.Other\/x" \(IMAP_PROCESSED_FOLDER\) cannot be used: the server answered "NO \[CANNOT\] Invalid mailbox name/);
    } finally {
      await rm(storage, { recursive: true, force: true });
    }
  });
});
