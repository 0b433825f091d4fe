/**
 * Local mail for the demo, the tests and the benchmark: Dovecot users on the private Dovecot that
 * scripts/services.sh runs, and an SMTP relay (the `smtp-server` package on loopback) that delivers
 * each accepted message into the recipients' Dovecot inboxes, the way a real MTA's local delivery
 * would: plus-addresses delivered to their base mailbox, Return-Path and Delivered-To added.
 * The relay answers 250 first and delivers right after, like a queueing MTA, so the sender's
 * latency is the SMTP transaction alone.
 */
import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { chown, mkdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ImapFlow } from "imapflow";
import { SMTPServer } from "smtp-server";

export const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export function servicesDir(): string {
  return path.resolve(process.env.SERVICES_DIR ?? path.join(PACKAGE_DIR, ".test-services/dovecot"));
}

export function imapPort(): number {
  return Number(process.env.IMAP_PORT ?? 31143);
}

/**
 * The second Dovecot (`scripts/services.sh up-other`), set up like servers that are not Dovecot:
 * `INBOX.` namespace, `Sent Items` marked `\Sent`, no IDLE, no MOVE.
 */
export interface MailServer {
  dir: string;
  port: number;
}

export function otherServer(): MailServer {
  return {
    dir: path.resolve(process.env.OTHER_SERVICES_DIR ?? `${servicesDir()}-other`),
    port: Number(process.env.OTHER_IMAP_PORT ?? 31144),
  };
}

export interface MailUser {
  user: string;
  pass: string;
  address: string;
  /** The IMAP port of the user's server; absent: the project's Dovecot (imapPort()). */
  port?: number;
}

let mailIds: Promise<{ uid: number; gid: number }> | undefined;

function mailUserIds(): Promise<{ uid: number; gid: number }> {
  mailIds ??= readFile("/etc/passwd", "utf8").then((passwd) => {
    const [, , uid, gid] = passwd.split("\n").find((l) => l.startsWith("mail:"))?.split(":") ?? [];
    if (uid === undefined || gid === undefined) throw new Error("no 'mail' user in /etc/passwd");
    return { uid: Number(uid), gid: Number(gid) };
  });
  return mailIds;
}

/** A Dovecot user whose login is its address; `local` gets a random suffix unless `exact`. */
export async function createMailUser(local: string, opts: { domain?: string; exact?: boolean; server?: MailServer } = {}): Promise<MailUser> {
  const dir = opts.server?.dir ?? servicesDir();
  const safe = local.toLowerCase().replace(/[^a-z0-9.-]+/g, "-");
  const user = `${opts.exact ? safe : `${safe}-${randomBytes(4).toString("hex")}`}@${opts.domain ?? "test.local"}`;
  const pass = randomBytes(8).toString("hex");
  const maildir = path.join(dir, "mail", user);
  const { uid, gid } = await mailUserIds();
  await mkdir(maildir, { recursive: true });
  await chown(maildir, uid, gid);
  try {
    // One passwd-file per user (scripts/services.sh): a new file is read at once by Dovecot.
    await writeFile(path.join(dir, "users.d", user), `${user}:{PLAIN}${pass}\n`, { mode: 0o644 });
  } catch (err) {
    throw new Error(`cannot add a mail user in ${dir}; run 'bash scripts/services.sh up' first`, { cause: err });
  }
  return { user, pass, address: user, ...(opts.server ? { port: opts.server.port } : {}) };
}

export function imapUrl(u: MailUser): string {
  return `imap://${encodeURIComponent(u.user)}:${encodeURIComponent(u.pass)}@127.0.0.1:${u.port ?? imapPort()}`;
}

export async function withImap<T>(u: Pick<MailUser, "user" | "pass" | "port">, fn: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({ host: "127.0.0.1", port: u.port ?? imapPort(), secure: false, auth: { user: u.user, pass: u.pass }, logger: false });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

export interface RelayedMessage {
  envelope: { from: string; to: string[] };
  raw: Buffer;
  at: number;
}

export interface LocalRelay {
  port: number;
  url: string;
  received: RelayedMessage[];
  waitFor(predicate: (m: RelayedMessage) => boolean, timeoutMs?: number): Promise<RelayedMessage>;
  addMailbox(u: MailUser): void;
  /** Resolves when every delivery started so far has reached its mailbox. */
  settled(): Promise<void>;
  /** While a reason is set, `sender` is refused with a temporary error (451), as in an outage. */
  refuse(sender: string, reason: string | null): void;
  close(): Promise<void>;
}

export async function startLocalRelay(): Promise<LocalRelay> {
  const received: RelayedMessage[] = [];
  const events = new EventEmitter();
  const mailboxes = new Map<string, MailUser>();
  const deliveries = new Set<Promise<void>>();
  const refusing = new Map<string, string>();

  const base = (address: string) => address.toLowerCase().replace(/\+[^@]*@/, "@");
  const deliver = async (msg: RelayedMessage) => {
    for (const rcpt of msg.envelope.to) {
      const box = mailboxes.get(base(rcpt));
      if (!box) continue;
      const trace = `Return-Path: <${msg.envelope.from}>\r\nDelivered-To: ${rcpt}\r\n`;
      await withImap(box, (c) => c.append("INBOX", Buffer.concat([Buffer.from(trace), msg.raw])));
    }
  };

  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    // Pooled clients keep connections open; the default would hold close() for 30 s.
    closeTimeout: 500,
    logger: false,
    onMailFrom(address, _session, cb) {
      const reason = refusing.get(address.address.toLowerCase());
      cb(reason ? Object.assign(new Error(reason), { responseCode: 451 }) : undefined);
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", cb);
      stream.on("end", () => {
        const msg: RelayedMessage = {
          envelope: {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
          },
          raw: Buffer.concat(chunks),
          at: Date.now(),
        };
        received.push(msg);
        cb();
        events.emit("message", msg);
        const d = deliver(msg).catch((err: unknown) => {
          events.emit("deliveryError", err);
        });
        deliveries.add(d);
        void d.finally(() => deliveries.delete(d));
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
    addMailbox: (u) => void mailboxes.set(base(u.address), u),
    refuse(sender, reason) {
      if (reason) refusing.set(sender.toLowerCase(), reason);
      else refusing.delete(sender.toLowerCase());
    },
    settled: async () => {
      await Promise.all([...deliveries]);
    },
    waitFor(predicate, timeoutMs = 15_000) {
      const hit = received.find(predicate);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const onMessage = (m: RelayedMessage) => {
          if (!predicate(m)) return;
          clearTimeout(timer);
          events.off("message", onMessage);
          resolve(m);
        };
        const timer = setTimeout(() => {
          events.off("message", onMessage);
          reject(new Error(`relay: no matching message within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        events.on("message", onMessage);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
