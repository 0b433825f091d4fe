// Helpers for integration tests against the real services started by scripts/services.sh.
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { chown, mkdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ImapFlow } from "imapflow";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function servicesDir(): string {
  return path.resolve(process.env.SERVICES_DIR ?? path.join(repoRoot, ".test-services/dovecot"));
}

export function imapConfig(): { host: string; port: number } {
  return { host: "127.0.0.1", port: Number(process.env.IMAP_PORT ?? 31143) };
}

export function redisUrl(): string {
  return process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
}

const rand = (): string => randomBytes(6).toString("hex");

export function randomPrefix(name: string): string {
  return `t:${name}:${rand()}:`;
}

export interface MailUser {
  user: string;
  pass: string;
  address: string;
}

let mailIds: Promise<{ uid: number; gid: number }> | undefined;

function mailUserIds(): Promise<{ uid: number; gid: number }> {
  mailIds ??= readFile("/etc/passwd", "utf8").then((passwd) => {
    const line = passwd.split("\n").find((l) => l.startsWith("mail:"));
    const [, , uid, gid] = line?.split(":") ?? [];
    if (uid === undefined || gid === undefined) throw new Error("no 'mail' user in /etc/passwd");
    return { uid: Number(uid), gid: Number(gid) };
  });
  return mailIds;
}

/** A fresh Dovecot user (one passwd-file per user, see scripts/services.sh), usable at once. */
export async function createMailUser(prefix: string): Promise<MailUser> {
  const dir = servicesDir();
  const safe = prefix.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
  const user = `${safe}-${rand()}@test.local`;
  const pass = rand();
  const maildir = path.join(dir, "mail", user);
  const { uid, gid } = await mailUserIds();
  await mkdir(maildir, { recursive: true });
  await chown(maildir, uid, gid);
  try {
    await writeFile(path.join(dir, "users.d", user), `${user}:{PLAIN}${pass}\n`, { mode: 0o644 });
  } catch (err) {
    throw new Error(`cannot add a mail user in ${dir}; run 'bash scripts/services.sh up' first`, { cause: err });
  }
  return { user, pass, address: user };
}

async function withImap<T>(user: string, pass: string, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ ...imapConfig(), secure: false, auth: { user, pass }, logger: false });
  client.on("error", () => {}); // failures reject the pending command; an unheard 'error' would crash the worker
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export async function appendMail(user: string, pass: string, raw: Buffer | string, mailbox = "INBOX"): Promise<void> {
  await withImap(user, pass, async (client) => {
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
  const fetched = await withImap(user, pass, async (client) => {
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

export interface SinkMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  at: number;
}

export interface SmtpSink {
  port: number;
  url: string;
  received: SinkMessage[];
  events: EventEmitter<{ message: [SinkMessage] }>;
  waitFor(predicate: (m: SinkMessage) => boolean, timeoutMs?: number): Promise<SinkMessage>;
  addMailbox(address: string, user: string, pass: string): void;
  close(): Promise<void>;
}

/**
 * A receiving SMTP server that keeps every message and delivers it into the Dovecot INBOX of
 * each recipient registered with addMailbox. Delivery happens before the 250 reply, so once the
 * sender's transaction succeeds (and `received`/`waitFor` see it) the mail is already in the
 * mailbox; a failed delivery is still recorded, and answered with 451.
 */
export async function startSmtpSink(opts: { closeTimeoutMs?: number } = {}): Promise<SmtpSink> {
  const received: SinkMessage[] = [];
  const events = new EventEmitter<{ message: [SinkMessage] }>();
  const mailboxes = new Map<string, { user: string; pass: string }>();

  const deliver = async (msg: SinkMessage): Promise<void> => {
    for (const rcpt of msg.envelope.to) {
      const box = mailboxes.get(rcpt.toLowerCase());
      if (!box) continue;
      // What a real MTA's local delivery adds; bounce/auto-reply logic reads Return-Path.
      const trace = `Return-Path: <${msg.envelope.from}>\r\nDelivered-To: ${rcpt}\r\n`;
      await appendMail(box.user, box.pass, Buffer.concat([Buffer.from(trace), msg.raw]));
    }
  };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    // Pooled clients keep connections open; the default would hold close() for 30 s.
    closeTimeout: opts.closeTimeoutMs ?? 500,
    logger: false,
    onAuth(auth, _session, cb) {
      cb(null, { user: auth.username ?? "anonymous" });
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", cb);
      stream.on("end", () => {
        const { mailFrom, rcptTo } = session.envelope;
        const msg: SinkMessage = {
          envelope: { from: mailFrom ? mailFrom.address : "", to: rcptTo.map((r) => r.address) },
          raw: Buffer.concat(chunks),
          at: Date.now(),
        };
        const settle = (err?: Error): void => {
          received.push(msg);
          events.emit("message", msg);
          cb(err);
        };
        deliver(msg).then(
          () => settle(),
          (err: unknown) => {
            const e = new Error(`sink delivery failed: ${String(err)}`) as Error & { responseCode: number };
            e.responseCode = 451;
            settle(e);
          },
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    received,
    events,
    addMailbox(address, user, pass) {
      mailboxes.set(address.toLowerCase(), { user, pass });
    },
    waitFor(predicate, timeoutMs = 10_000) {
      const hit = received.find(predicate);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const onMessage = (m: SinkMessage): void => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          events.off("message", onMessage);
          resolve(m);
        };
        const timer = setTimeout(() => {
          events.off("message", onMessage);
          reject(new Error(`smtp sink: no matching message within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        events.on("message", onMessage);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
