/**
 * A real SMTP server (smtp-server) on loopback that keeps what it receives and can be told to answer
 * as a provider does under load: a reply code and text for the next N messages at MAIL FROM or at
 * the end of DATA (Exchange Online's `432 4.3.2 STOREDRV.ClientSubmit; sender thread limit exceeded`).
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface SinkMessage {
  from: string;
  to: string[];
  raw: string;
  user?: string;
}

export interface SmtpSink {
  url: string;
  port: number;
  received: SinkMessage[];
  /** The next `times` messages get `code text` at `stage` instead of being accepted. */
  refuseNext(stage: "mail" | "data", times: number, code: number, text: string): void;
  /** MAIL FROM commands seen, refused or not. */
  mailFroms(): number;
  close(): Promise<void>;
}

export async function startSmtpSink(opts: { port?: number } = {}): Promise<SmtpSink> {
  const received: SinkMessage[] = [];
  const refusals: { stage: "mail" | "data"; left: number; code: number; text: string }[] = [];
  let mailFroms = 0;
  const refusal = (stage: "mail" | "data"): Error | undefined => {
    const r = refusals.find((x) => x.stage === stage && x.left > 0);
    if (!r) return undefined;
    r.left--;
    return Object.assign(new Error(r.text), { responseCode: r.code });
  };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    allowInsecureAuth: true,
    closeTimeout: 200,
    logger: false,
    onAuth(auth, _session, done) {
      done(null, { user: auth.username });
    },
    onMailFrom(_address, _session, cb) {
      mailFroms++;
      cb(refusal("mail"));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const err = refusal("data");
        if (err) return cb(err);
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
          ...(session.user ? { user: String(session.user) } : {}),
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    refuseNext: (stage, times, code, text) => void refusals.push({ stage, left: times, code, text }),
    mailFroms: () => mailFroms,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface Xoauth2Submission {
  url: string;
  port: number;
  /** Every accepted message, with when it was accepted and the login that sent it. */
  received: { at: number; user: string; to: string[]; raw: string }[];
  close(): Promise<void>;
}

/**
 * A submission server that accepts only XOAUTH2 and checks each token at the authorisation server
 * (`introspect`: active, and issued for the user logging in), as Exchange Online and Gmail do.
 */
export async function startXoauth2Submission(introspect: (token: string) => Promise<{ active: boolean; email?: string }>): Promise<Xoauth2Submission> {
  const received: Xoauth2Submission["received"] = [];
  const server = new SMTPServer({
    authMethods: ["XOAUTH2"],
    disabledCommands: ["STARTTLS"],
    logger: false,
    closeTimeout: 200,
    onAuth(a, _session, done) {
      if (a.method !== "XOAUTH2" || !a.accessToken) return done(new Error("XOAUTH2 only"));
      introspect(a.accessToken).then(
        (r) => (r.active && r.email === a.username ? done(null, { user: a.username }) : done(null, { data: { status: "401", schemes: "bearer" } })),
        (err: Error) => done(err),
      );
    },
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({ at: Date.now(), user: String(session.user), to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, port, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}
