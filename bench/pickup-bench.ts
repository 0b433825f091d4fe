/**
 * Pickup latency on a server without IDLE (the second Dovecot, `scripts/services.sh up-other`) at the
 * default IMAP_POLL_INTERVAL_MS: mails are appended at random moments, and each is timed from the end
 * of its APPEND to the watcher handing it over. The watcher runs in this process: the figure is the
 * poll schedule's, not the bot's work (which the latency phase measures).
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import pino from "pino";
import { MailboxWatcher } from "../src/adapters/imap/mailbox-watcher.js";
import { loadConfig } from "../src/config.js";
import { createMailUser, imapUrl, otherServer, withImap } from "../src/demo/local-mail.js";
import { log, sleep, summary, until } from "./lib.js";

export interface PickupFigures {
  n: number;
  interval_ms: number;
  p50: number;
  p95: number;
  max: number;
}

export async function pickupPhase(n: number): Promise<PickupFigures> {
  const server = otherServer();
  const intervalMs = loadConfig({}).IMAP_POLL_INTERVAL_MS;
  const user = await createMailUser("bench-pickup", { server, domain: "desk.bench" });
  const appendedAt = new Map<string, number>();
  const latencies: number[] = [];
  const picked = new Set<string>();
  const watcher = new MailboxWatcher({
    url: imapUrl(user),
    mailbox: "INBOX",
    idleDelayMs: 50,
    pollIntervalMs: intervalMs,
    log: pino({ level: "silent" }),
    loadState: async () => null,
    saveState: async () => undefined,
    async onMails(mails) {
      const now = Date.now();
      for (const m of mails) {
        const raw = Buffer.isBuffer(m.source) ? m.source.toString() : "";
        const id = /^Subject: (p\d+)/m.exec(raw)?.[1];
        const at = id ? appendedAt.get(id) : undefined;
        // The first handing over only: the watcher hands mail still in INBOX again at each reconcile
        // (every RECONCILE_MS, without a reclaim to ask), and this bench never moves its mails.
        if (id && at !== undefined && !picked.has(id)) {
          picked.add(id);
          latencies.push(now - at);
        }
      }
    },
  });
  log(`pickup: ${n} mails at random moments, no IDLE, polling every ${intervalMs} ms`);
  try {
    watcher.start();
    await until(() => watcher.pickup() !== null, 10_000, "the watcher connected");
    for (let i = 0; i < n; i++) {
      await sleep(Math.random() * intervalMs * 0.5);
      await withImap(user, (c) => c.append("INBOX", Buffer.from(`From: bench@example.org\r\nSubject: p${i}\r\n\r\nhi\r\n`)));
      appendedAt.set(`p${i}`, Date.now());
    }
    await until(() => latencies.length >= n, intervalMs * 3, "every mail picked up");
  } finally {
    await watcher.stop();
    await rm(path.join(server.dir, "users.d", user.user), { force: true });
    await rm(path.join(server.dir, "mail", user.user), { recursive: true, force: true });
  }
  const s = summary(latencies);
  return { n, interval_ms: intervalMs, ...s };
}
