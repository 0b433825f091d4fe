/**
 * Issue 17 on a Dovecot set up the way other servers behave (scripts/services.sh up-other): personal
 * namespace `INBOX.` with `.` as separator, `Sent Items` marked `\Sent`, no IDLE and no MOVE. The
 * desk's mailbox lives there; the people on the other side of the thread stay on the project's Dovecot.
 */
import { execFileSync } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasBareLineEnd } from "../../src/adapters/imap/crlf.js";
import { FolderError } from "../../src/adapters/imap/folders.js";
import { MailboxOps } from "../../src/adapters/imap/mailbox-ops.js";
import { MailboxWatcher } from "../../src/adapters/imap/mailbox-watcher.js";
import type { MailActor } from "../../src/demo/actor.js";
import { imapUrl, otherServer, withImap } from "../../src/demo/local-mail.js";
import { runBot } from "../../src/runtime/run.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";
import { confirmTeamStep, mailsOut } from "./helpers.js";

const server = otherServer();
/** Short, so the test is quick; imapflow's own fallback without IDLE is a NOOP every two minutes. */
const POLL_MS = 1000;

/** Logged-in IMAP connections of `user`, as the server counts them (doveadm who). */
function serverConnections(user: string): number {
  const out = execFileSync("doveadm", ["-c", path.join(server.dir, "dovecot.conf"), "who", "-1", user], { encoding: "utf8" });
  return out.split("\n").filter((l) => l.startsWith(`${user} `)).length;
}

const messages = (s: { messages?: number } | false): number => (s ? (s.messages ?? 0) : 0);

async function folderPaths(h: Harness): Promise<string[]> {
  return withImap(h.desk, async (c) => (await c.list()).map((m) => m.path).sort());
}

/**
 * Dovecot stores and serves its own line ends, so what the bot sent is read from the server's rawlog
 * (scripts/services.sh): every byte the user's sessions sent, for sessions begun after this.
 */
function startRawlog(user: string): void {
  execFileSync("install", ["-d", "-o", "mail", "-g", "mail", path.join(server.dir, "mail", user, "dovecot.rawlog")]);
}

/** What the user's logged sessions sent to the server, one Buffer per session. */
async function sentToServer(user: string): Promise<Buffer[]> {
  const dir = path.join(server.dir, "mail", user, "dovecot.rawlog");
  const names = (await readdir(dir)).filter((n) => n.endsWith(".in"));
  return Promise.all(names.map((n) => readFile(path.join(dir, n))));
}

describe("a mailbox on a server with an INBOX. namespace, no IDLE and no MOVE", () => {
  let h: Harness;
  let nm: MailActor;

  beforeAll(async () => {
    h = await startHarness("other", { server, env: { IMAP_POLL_INTERVAL_MS: String(POLL_MS) } });
    nm = await h.actor("nm", "Nina Nätansvarig");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("creates its folders below INBOX., uses Sent Items by its \\Sent mark, and starts a second time", async () => {
    const first = await folderPaths(h);
    expect(first).toEqual(["INBOX", "INBOX.Processed", "INBOX.Quarantine", "INBOX.Sent Items"]);
    startRawlog(h.desk.user);
    await h.restart();
    expect(await folderPaths(h)).toEqual(first);
  });

  it("runs a case thread to the next stage: replies picked up by polling, Sent copies filed", async () => {
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina" });
    const caseId = opened.case.id;
    const first = await nm.next();
    expect(first.subject).toContain(`[${caseId}]`);
    // No IDLE: only the poller can find the reply within the test's time (imapflow alone: two minutes).
    await nm.reply(first, "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.");
    const second = await nm.next(10_000);
    expect(second.subject).toBe(`Re: ${first.subject}`);
    expect(h.bot.watcher.pickup()).toMatchObject({ mode: "polling: no IDLE" });
    expect(h.bot.watcher.pickup()?.pollPickups).toBeGreaterThanOrEqual(1);
    await nm.reply(second, "Operativa kontakter och behörigheter är utsedda: Kalle Drift, kalle@example.se.");
    const third = await nm.next(10_000);
    expect(third.text).toContain("är klart");
    // The account is the team's to verify (issue 22) before the case goes on.
    await confirmTeamStep(h, caseId, "account.verified");
    await eventually(async () => (await h.ctx.store.getCase(caseId))?.stage === "commissioning", 10_000, "the case in commissioning");

    const sentByBot = await eventually(async () => {
      const out = (await mailsOut(h, caseId)).length;
      const counts = await withImap(h.desk, async (c) => ({
        sent: messages(await c.status("Sent Items", { messages: true })),
        processed: messages(await c.status("Processed", { messages: true })),
      }));
      return out >= 3 && counts.sent === out && counts.processed === 2 ? out : undefined;
    }, 10_000, "one copy in Sent Items of each mail the bot sent, the replies in Processed");
    expect(sentByBot).toBeGreaterThanOrEqual(3);
    const res = await fetch(`http://127.0.0.1:${h.bot.httpPort}/readyz`);
    const body = (await res.json()) as { checks: Record<string, string> };
    expect(body.checks.pickup).toBe(`polling: no IDLE (every ${POLL_MS} ms)`);
    const metrics = await (await fetch(`http://127.0.0.1:${h.bot.httpPort}/metrics`)).text();
    expect(metrics).toContain('activation_bot_imap_pickup_polling{reason="no_idle"} 1');
    expect(metrics).toMatch(/activation_bot_imap_connections 3/);
    expect(metrics).toMatch(/activation_bot_imap_poll_pickups_total [1-9]/);
  });

  it("files a mail seen again (copied back into INBOX, as a Gmail label or a colleague's drag does) without a second answer", async () => {
    const [caseId] = (await h.ctx.store.listCases()).map((c) => c.id);
    expect(caseId).toBeDefined();
    const before = { out: (await mailsOut(h, caseId!)).length, events: (await h.ctx.store.events(caseId!)).length };
    const processed = await withImap(h.desk, async (c) => messages(await c.status("Processed", { messages: true })));
    expect(processed).toBe(2);
    // Both replies the bot already handled come back into INBOX (new UIDs, same bytes).
    await withImap(h.desk, async (c) => {
      await c.mailboxOpen("INBOX.Processed");
      await c.messageCopy("1:*", "INBOX");
    });
    await eventually(async () => {
      const n = await withImap(h.desk, async (c) => ({
        inbox: messages(await c.status("INBOX", { messages: true })),
        processed: messages(await c.status("Processed", { messages: true })),
      }));
      return n.inbox === 0 && n.processed === 4;
    }, 15_000, "the copies filed in Processed again");
    // The ledger (Message-ID, else the bytes' SHA-256) knew them: nothing answered, nothing recorded twice.
    await new Promise((r) => setTimeout(r, 1500));
    expect((await mailsOut(h, caseId!)).length).toBe(before.out);
    expect((await h.ctx.store.events(caseId!)).length).toBe(before.events);
    const metrics = await (await fetch(`http://127.0.0.1:${h.bot.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/activation_bot_mails_ingested_total\{outcome="already_handled"[^}]*\} 2/);
  });

  it("re-creates a Processed folder deleted under the running bot", async () => {
    await withImap(h.desk, (c) => c.mailboxDelete("Processed"));
    await withImap(h.desk, (c) => c.append("INBOX", Buffer.from("From: someone@example.org\r\nSubject: hello\r\nMessage-ID: <x1@example.org>\r\n\r\nhi\r\n")));
    await eventually(async () => {
      const n = await withImap(h.desk, async (c) => {
        const list = await c.list();
        return list.some((m) => m.path === "INBOX.Processed") ? messages(await c.status("Processed", { messages: true })) : 0;
      });
      return n === 1;
    }, 15_000, "the mail in a re-created Processed folder");
  });

  it("appends CRLF whatever it is given", async () => {
    const ops = new MailboxOps({ url: imapUrl(h.desk), mailbox: "INBOX", folders: { processed: "Processed", quarantine: "Quarantine" }, log: h.ctx.log });
    try {
      await ops.appendSent(Buffer.from("From: a@example.org\nSubject: bare LF\n\nline one\nline two\rline three\n"));
    } finally {
      await ops.close();
    }
    const wire = (await sentToServer(h.desk.user)).find((b) => b.includes("Subject: bare LF"));
    expect(wire?.toString()).toContain("From: a@example.org\r\nSubject: bare LF\r\n\r\nline one\r\nline two\r\nline three\r\n");
  });

  it("holds three IMAP connections while running; a start that fails on a folder leaves none", async () => {
    await eventually(async () => serverConnections(h.desk.user) === 3, 5_000, "three connections");
    await h.stopBot();
    await eventually(async () => serverConnections(h.desk.user) === 0, 5_000, "no connections after stop");
    // Everything the bot sent since the restart, its Sent copies' APPENDs among it, has CRLF line ends.
    const sessions = await sentToServer(h.desk.user);
    expect(sessions.filter((b) => b.includes(' APPEND "INBOX.Sent Items"')).length).toBeGreaterThanOrEqual(1);
    for (const bytes of sessions) expect(hasBareLineEnd(bytes)).toBe(false);
    const bad = { ...h.ctx, config: { ...h.ctx.config, IMAP_PROCESSED_FOLDER: "Other/x" } };
    for (let i = 0; i < 3; i++) {
      const err: unknown = await runBot(bad).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(FolderError);
      expect((err as Error).message).toMatch(/^IMAP folder "INBOX\.Other\/x" \(IMAP_PROCESSED_FOLDER\) cannot be used: the server answered "NO \[CANNOT\] Invalid mailbox name/);
      expect((err as Error).message).not.toContain("\n");
    }
    expect(serverConnections(h.desk.user)).toBe(0);

    // A watcher whose folder cannot be opened retries, closing each logged-in connection it made.
    const watcher = new MailboxWatcher({
      url: imapUrl(h.desk),
      mailbox: "INBOX.Missing",
      idleDelayMs: 50,
      pollIntervalMs: POLL_MS,
      log: h.ctx.log,
      onMails: async () => undefined,
      loadState: async () => null,
      saveState: async () => undefined,
    });
    const failures: unknown[] = [];
    watcher.on("disconnected", () => failures.push(1));
    watcher.start();
    await eventually(async () => failures.length >= 3, 10_000, "three failed watcher connects");
    expect(serverConnections(h.desk.user)).toBe(0);
    await watcher.stop();
    await h.startBot();
  });
});
