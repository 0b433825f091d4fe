/**
 * Helpers for integration tests against the real services started by scripts/services.sh. Mail users
 * and the SMTP relay are the product's own local-mail module (src/demo/local-mail.ts), which the demo
 * and the benchmark use too; this file adds what only tests need: reading a mailbox back.
 */
import { randomBytes } from "node:crypto";
import type { ParsedMail } from "mailparser";
import { Redis } from "ioredis";
import { simpleParser } from "mailparser";
import { StoreEpoch } from "../../src/adapters/redis/store-epoch.js";
import { imapPort, withImap } from "../../src/demo/local-mail.js";

export type { LocalRelay, MailUser } from "../../src/demo/local-mail.js";
export { createMailUser, servicesDir, startLocalRelay } from "../../src/demo/local-mail.js";

export function imapConfig(): { host: string; port: number } {
  return { host: "127.0.0.1", port: imapPort() };
}

export function redisUrl(): string {
  return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** What `run` does on a store it begins (a new desk): the epoch marker, without which `case open` refuses. */
export async function beginStore(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl());
  try {
    await new StoreEpoch(redis, prefix).begin();
  } finally {
    redis.disconnect();
  }
}

export function randomPrefix(name: string): string {
  return `t:${name}:${randomBytes(6).toString("hex")}:`;
}


export async function appendMail(user: string, pass: string, raw: Buffer | string, mailbox = "INBOX"): Promise<void> {
  await withImap({ user, pass }, async (client) => {
    if (mailbox.toUpperCase() !== "INBOX") await client.mailboxCreate(mailbox);
    const res = await client.append(mailbox, raw);
    if (!res) throw new Error(`APPEND to ${mailbox} failed for ${user}`);
  });
}

export interface StoredMail {
  uid: number;
  flags: string[];
  raw: Buffer;
  parsed: ParsedMail;
  headers: ParsedMail["headers"];
  subject: string | undefined;
}

/** All messages of a mailbox, oldest first; a mailbox that does not exist yet is empty. */
export async function listMailbox(user: string, pass: string, mailbox = "INBOX"): Promise<StoredMail[]> {
  const fetched = await withImap({ user, pass }, async (client) => {
    const known = await client.list();
    if (!known.some((m) => m.path.toUpperCase() === mailbox.toUpperCase())) return [];
    const lock = await client.getMailboxLock(mailbox, { readOnly: true });
    try {
      const exists = client.mailbox ? client.mailbox.exists : 0;
      if (exists === 0) return [];
      return await client.fetchAll("1:*", { uid: true, flags: true, source: true });
    } finally {
      lock.release();
    }
  });
  return Promise.all(
    fetched.map(async (m) => {
      const raw = m.source ?? Buffer.alloc(0);
      const parsed = await simpleParser(raw);
      return { uid: m.uid, flags: [...(m.flags ?? [])], raw, parsed, headers: parsed.headers, subject: parsed.subject };
    }),
  );
}

export async function waitForMail(
  user: string,
  pass: string,
  predicate: (m: StoredMail) => boolean,
  opts: { mailbox?: string; timeoutMs?: number; intervalMs?: number } = {},
): Promise<StoredMail> {
  const { mailbox = "INBOX", timeoutMs = 10_000, intervalMs = 200 } = opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = await listMailbox(user, pass, mailbox);
    const hit = all.find(predicate);
    if (hit) return hit;
    if (Date.now() >= deadline) {
      const seen = all.map((m) => JSON.stringify(m.subject ?? "")).join(", ") || "none";
      throw new Error(`no matching mail in ${user}/${mailbox} after ${timeoutMs} ms; subjects: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
