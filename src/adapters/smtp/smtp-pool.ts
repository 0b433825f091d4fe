/**
 * A small pool of SMTP connections (nodemailer's SMTPConnection) that sends finished messages as they
 * are: the outbox composes each mail once, and these bytes are what the server gets and what the Sent
 * folder keeps.
 *
 * nodemailer's own pooled transport would take the same bytes as `raw`, but wraps them in a new MIME
 * node and a stream pipeline per mail, and runs its plugin and rate-limit steps: in a backlog that was
 * about a millisecond of main thread per mail, a sixth of the bot's work. What this keeps of the
 * transport's behaviour:
 * - at most `size` connections, each sending one message at a time; callers beyond that wait in
 *   arrival order;
 * - a connection is kept for the next message, and dropped when the server closes it, times out or
 *   fails (it is opened again when needed);
 * - a message refused by the server (a recipient or the data; not a 421) leaves the connection usable:
 *   the session is reset;
 * - a kept connection that turns out to be dead before a byte of the message went out (the server
 *   ended an idle session just then) is not the message's failure: it goes out over a new connection.
 * - a transient refusal that says "too many at once", Exchange Online's `432 4.3.2
 *   STOREDRV.ClientSubmit; sender thread limit exceeded` (more than 3 concurrent submissions per
 *   mailbox), is sent again after a jittered backoff (TRANSIENT_RETRY_MS) before it counts as a failure.
 */
import { Readable } from "node:stream";
import { parseConnectionUrl } from "nodemailer/lib/shared/index.js";
import SMTPConnection from "nodemailer/lib/smtp-connection/index.js";
import type { CredentialSource, MailCredential } from "../auth/credential.js";
import type { TlsTrust } from "../tls/tls-trust.js";
import { untrustedCertificate } from "../tls/tls-trust.js";

export interface SmtpPoolOptions {
  url: string;
  /** Asked on every new connection; without it, the user and password in `url` (if any). */
  credentials?: CredentialSource | undefined;
  size: number;
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
  /** Extra CAs (SMTP_CA_FILE / TLS_CA_FILE) and whether to verify at all (TLS_VERIFY). */
  tls?: TlsTrust | undefined;
  /** Hears each login: null when it worked, else its error (for the auth health and the last-login gauge). */
  onLogin?: ((err: Error | null) => void) | undefined;
  /** Hears each transient answer sent again (the enhanced code, e.g. 4.3.2). */
  onTransientRetry?: ((code: string) => void) | undefined;
  /** Backoff before each resend of a transient answer; default TRANSIENT_RETRY_MS. */
  transientRetryMs?: readonly number[] | undefined;
}

/**
 * Waits before sending again after a transient "too busy" answer (jittered over the upper half). Three
 * tries over ~7 s: Exchange frees a submission slot as soon as another send finishes; longer than that,
 * the outbox job's own backoff takes over.
 */
export const TRANSIENT_RETRY_MS = [1000, 2000, 4000] as const;

/** The enhanced status of an answer to be retried on the spot, or null. */
export function transientCode(err: { responseCode?: number; response?: string }): string | null {
  if (typeof err.responseCode !== "number" || err.responseCode < 400 || err.responseCode >= 500) return null;
  return /\b4\.3\.2\b/.test(err.response ?? "") ? "4.3.2" : null;
}

export interface SmtpEnvelope {
  from: string;
  to: string[];
}

export interface SmtpPool {
  /** Sends `raw` as it is; resolves with the server's final response line. */
  send(envelope: SmtpEnvelope, raw: Buffer): Promise<{ response: string }>;
  /**
   * Opens a connection (greeting, EHLO, login) and keeps it for the next send: at start-up a wrong
   * address or a refused login shows at once, and the first answer does not wait for the greeting.
   * Rejects with the connection's error.
   */
  verify(): Promise<void>;
  /** Closes every connection; sends still waiting for one are refused. */
  close(): void;
}

/** Errors that mean the connection, not the message, failed. */
const CONNECTION_ERRORS = new Set(["ECONNECTION", "ESOCKET", "ETIMEDOUT", "EPROTOCOL"]);

interface Slot {
  conn: SMTPConnection;
  /** Whether it was kept idle before the operation in hand (a fresh one's failure is not a stale session). */
  kept: boolean;
  dead: boolean;
  /** Fails the operation in hand, if any, when the connection fails outside its callback. */
  fail?: (err: Error) => void;
}

/** What an SMTP URL gives: connection options, and credentials when it has any. */
type UrlOptions = SMTPConnection.Options & { auth?: SMTPConnection.AuthenticationCredentials };

export function createSmtpPool(opts: SmtpPoolOptions): SmtpPool {
  const { auth, ...connectionOptions } = parseConnectionUrl(opts.url) as UrlOptions;
  const options: SMTPConnection.Options = {
    ...connectionOptions,
    connectionTimeout: opts.connectionTimeoutMs ?? 10_000,
    greetingTimeout: opts.greetingTimeoutMs ?? 10_000,
    socketTimeout: opts.socketTimeoutMs ?? 60_000,
    ...(opts.tls ? { tls: { rejectUnauthorized: opts.tls.rejectUnauthorized, ...(opts.tls.ca ? { ca: opts.tls.ca } : {}) } } : {}),
  };
  const idle: Slot[] = [];
  const waiting: { resolve: (s: Slot | null) => void; reject: (e: Error) => void }[] = [];
  let open = 0;
  let closed = false;

  function drop(slot: Slot): void {
    if (slot.dead) return;
    slot.dead = true;
    open--;
    const i = idle.indexOf(slot);
    if (i >= 0) idle.splice(i, 1);
    slot.conn.close();
    // A waiter can now open a connection of its own.
    waiting.shift()?.resolve(null);
  }

  async function connect(): Promise<Slot> {
    const conn = new SMTPConnection(options);
    const slot: Slot = { conn, kept: false, dead: false };
    // Some failures come as events rather than through the callback in hand (a refused connection,
    // for one); either way the connection is done for, and so is the operation in hand.
    conn.on("error", (err) => {
      slot.fail?.(err);
      drop(slot);
    });
    conn.on("end", () => {
      slot.fail?.(Object.assign(new Error("SMTP connection closed"), { code: "ECONNECTION" }));
      drop(slot);
    });
    open++;
    try {
      await on(slot, (done) => conn.connect((err) => done(err)));
      const login = opts.credentials ? smtpAuth(await opts.credentials.get()) : auth;
      if (login) {
        await on(slot, (done) => conn.login(login, (err) => done(err))).catch((err: Error) => {
          opts.onLogin?.(err);
          throw err;
        });
        opts.onLogin?.(null);
      }
    } catch (err) {
      drop(slot);
      throw untrustedCertificate(err, `SMTP server ${options.host ?? "localhost"}:${options.port ?? ""}`, "SMTP_CA_FILE") ?? err;
    }
    return slot;
  }

  async function take(): Promise<Slot> {
    for (;;) {
      if (closed) throw new Error("SMTP pool closed");
      const slot = idle.pop();
      if (slot) return slot;
      if (open < opts.size) return connect();
      const handed = await new Promise<Slot | null>((resolve, reject) => waiting.push({ resolve, reject }));
      if (handed) return handed;
    }
  }

  function release(slot: Slot): void {
    if (slot.dead) return;
    if (closed) return drop(slot);
    slot.kept = true;
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(slot);
    else idle.push(slot);
  }

  async function sendOn(slot: Slot, envelope: SmtpEnvelope, raw: Buffer): Promise<string> {
    // A stream, so that a failure can tell whether the message had started to go out.
    const message = Readable.from([raw], { objectMode: false });
    try {
      // SMTPConnection keeps the envelope it is given and writes its state into it: each send gets its own.
      const own = { from: envelope.from, to: [...envelope.to] };
      const info = await on<SMTPConnection.SentMessageInfo>(slot, (done) => slot.conn.send(own, message, done));
      return String(info.response ?? "");
    } catch (err) {
      throw Object.assign(err as Error, { messageRead: message.readableDidRead });
    }
  }

  async function send(envelope: SmtpEnvelope, raw: Buffer, retried = false, transient = 0): Promise<{ response: string }> {
    const slot = await take();
    try {
      const response = await sendOn(slot, envelope, raw);
      release(slot);
      return { response };
    } catch (e) {
      const err = e as SMTPConnection.SMTPError & { messageRead?: boolean };
      const refused = (err.code === "EENVELOPE" || err.code === "EMESSAGE") && err.responseCode !== 421;
      if (refused && !slot.dead) {
        slot.conn.reset((resetErr) => (resetErr ? drop(slot) : release(slot)));
        const code = transientCode(err);
        const backoff = opts.transientRetryMs ?? TRANSIENT_RETRY_MS;
        const wait = backoff[transient];
        if (code && wait !== undefined && !closed) {
          opts.onTransientRetry?.(code);
          await new Promise((r) => setTimeout(r, Math.round(wait / 2 + (wait / 2) * Math.random())));
          return send(envelope, raw, retried, transient + 1);
        }
        throw err;
      }
      const stale = slot.kept && !err.messageRead && CONNECTION_ERRORS.has(err.code ?? "");
      drop(slot);
      if (stale && !retried) return send(envelope, raw, true, transient);
      throw err;
    }
  }

  return {
    send: (envelope, raw) => send(envelope, raw),
    async verify() {
      release(await take());
    },
    close() {
      closed = true;
      for (const w of waiting.splice(0)) w.reject(new Error("SMTP pool closed"));
      for (const slot of [...idle]) drop(slot);
    },
  };
}

/**
 * nodemailer's login data for a credential. An access token goes in as a ready token generator: the
 * token is the credential port's (refreshed there), not one nodemailer's Google-shaped OAuth2 fetches.
 */
function smtpAuth(c: MailCredential): SMTPConnection.Credentials | SMTPConnection.AuthenticationOAuth2 {
  if (!("accessToken" in c)) return { user: c.user, pass: c.pass };
  const oauth2 = {
    getToken: (_renew: boolean, done: (err: Error | null, token?: string) => void) => done(null, c.accessToken),
    buildXOAuth2Token: (token: string) => Buffer.from(`user=${c.user}\x01auth=Bearer ${token}\x01\x01`).toString("base64"),
  };
  return { user: c.user, oauth2 } as unknown as SMTPConnection.AuthenticationOAuth2;
}

/** Runs one operation on a connection: settles with its callback or with the connection's failure. */
function on<T = void>(slot: Slot, start: (done: (err?: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    slot.fail = reject;
    start((err, value) => {
      if (err) reject(err);
      else resolve(value as T);
    });
  }).finally(() => {
    slot.fail = undefined;
  });
}
