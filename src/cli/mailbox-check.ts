/**
 * `activation-bot mailbox check`: logs in as `run` would and says, line by line with ok / warn / fail
 * and a hint, whether this mailbox will work: the server and its capabilities, the namespace, each
 * folder, the connection bound, the credential, the SMTP login, and with `--send-test` one mail
 * through SMTP and into the Sent folder. Exits 1 when any line fails.
 */
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { ImapFlow } from "imapflow";
import type { CredentialSource } from "../adapters/auth/credential.js";
import { AuthError } from "../adapters/auth/credential.js";
import { connectImap, createImapClient } from "../adapters/imap/connect.js";
import { toCrlf } from "../adapters/imap/crlf.js";
import { FOLDER_SETTINGS, namespaceOf, readFolderPlan } from "../adapters/imap/folders.js";
import { createSmtpPool } from "../adapters/smtp/smtp-pool.js";
import type { Config } from "../config.js";
import { credentialSource } from "../runtime/credentials.js";
import { loadConfig } from "../config.js";
import { botFilesSentCopy, folderNames, imapConnectionsNeeded, imapMaxConnections, imapTls, smtpTls } from "../runtime/mail-settings.js";

export type CheckStatus = "ok" | "warn" | "fail";

export interface CheckLine {
  check: string;
  status: CheckStatus;
  detail: string;
  /** What to do about a warn or fail. */
  hint?: string;
}

/**
 * Lines a credential source adds (token expiry, the provider's account): the OAuth2 credential port
 * fills this; a password in IMAP_URL has nothing to add beyond the login itself.
 */
export type CredentialLines = (config: Config) => Promise<CheckLine[]>;

const passwordCredential: CredentialLines = async () => [{ check: "credential", status: "ok", detail: "password from IMAP_URL / SMTP_URL" }];

/** What each capability's absence means for the bot. */
const CAPABILITIES: { name: string; missing: (c: Config) => string }[] = [
  { name: "IDLE", missing: (c) => `no push: new mail is found by polling every ${c.IMAP_POLL_INTERVAL_MS} ms (IMAP_POLL_INTERVAL_MS)` },
  { name: "MOVE", missing: () => "moves are COPY + delete + EXPUNGE (works; three commands instead of one)" },
  { name: "UIDPLUS", missing: () => "without UID EXPUNGE a move expunges every mail marked deleted in the inbox: keep other clients from marking mail deleted there" },
  { name: "SPECIAL-USE", missing: () => "the Sent folder cannot be found by its \\Sent mark: set IMAP_SENT_FOLDER" },
  { name: "NAMESPACE", missing: () => "folder names are used as configured: give full paths (e.g. INBOX.Processed) if the server needs them" },
  { name: "CONDSTORE", missing: () => "not needed by this version" },
];

/** The token line of MAIL_AUTH=entra|google|oauth2: whether a token can be had, for whom, until when. */
const tokenCredential =
  (source: CredentialSource): CredentialLines =>
  async () => {
    try {
      const c = await source.get();
      const until = "expiresAt" in c ? `, expires ${new Date(c.expiresAt).toISOString()}` : "";
      return [{ check: "credential", status: "ok", detail: `${source.provider} token for ${c.user}${until}` }];
    } catch (err) {
      const e = err instanceof AuthError ? err : null;
      return [{ check: "credential", status: "fail", detail: `${source.provider}: ${e?.code ?? ""} ${(err as Error).message}`, hint: e?.hint ?? "check the MAIL_AUTH settings" }];
    }
  };

async function imapLines(config: Config, url: string, source?: CredentialSource): Promise<{ lines: CheckLine[]; client: ImapFlow | null }> {
  const lines: CheckLine[] = [];
  const u = new URL(url);
  const credential = await source?.get().catch(() => undefined);
  const client = createImapClient({ url, idleDelayMs: 0, autoIdle: false, tls: imapTls(config), credential });
  try {
    await connectImap(client, url);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const login = (err as { authenticationFailed?: boolean }).authenticationFailed === true;
    lines.push({
      check: "IMAP login",
      status: "fail",
      detail: `${u.hostname}: ${message}`,
      hint: login ? "the server refused the user name or password in IMAP_URL" : "check the host and port in IMAP_URL, and that this machine reaches it",
    });
    return { lines, client: null };
  }
  lines.push({ check: "IMAP login", status: "ok", detail: `${u.hostname}: ${client.greeting ?? "logged in"}` });
  for (const cap of CAPABILITIES) {
    const has = client.capabilities.has(cap.name);
    lines.push({ check: `capability ${cap.name}`, status: has || cap.name === "CONDSTORE" ? "ok" : "warn", detail: has ? "offered" : "not offered", ...(has ? {} : { hint: cap.missing(config) }) });
  }
  const ns = namespaceOf(client);
  lines.push({ check: "namespace", status: "ok", detail: `prefix "${ns.prefix}", delimiter "${ns.delimiter}"` });
  const mailbox = await client.status(config.IMAP_MAILBOX, { messages: true }).catch(() => false as const);
  lines.push(
    mailbox
      ? { check: `watched folder ${config.IMAP_MAILBOX}`, status: "ok", detail: `${mailbox.messages ?? 0} mails waiting` }
      : { check: `watched folder ${config.IMAP_MAILBOX}`, status: "fail", detail: "does not exist", hint: "set IMAP_MAILBOX to the folder new mail arrives in" },
  );
  for (const f of await readFolderPlan(client, folderNames(config))) {
    const via = f.via === "special-use" ? " (found by its \\Sent mark)" : "";
    lines.push(
      f.exists
        ? { check: `folder ${f.role}`, status: "ok", detail: `"${f.path}" exists${via}` }
        : { check: `folder ${f.role}`, status: "warn", detail: `"${f.path}" will be created at start`, hint: `or set ${FOLDER_SETTINGS[f.role]} to an existing folder` },
    );
  }
  lines.push({
    check: "Sent copy",
    status: "ok",
    detail: botFilesSentCopy(config) ? "the bot appends each sent mail to the Sent folder" : "the server files sent mail itself; the bot appends nothing",
  });
  return { lines, client };
}

function settingsLines(config: Config): CheckLine[] {
  const needed = imapConnectionsNeeded(config);
  const max = imapMaxConnections(config);
  const lines: CheckLine[] = [
    needed <= max
      ? { check: "IMAP connections", status: "ok", detail: `${needed} needed, at most ${max} allowed` }
      : { check: "IMAP connections", status: "fail", detail: `${needed} needed, at most ${max} allowed`, hint: "lower WORKER_PROCESSES, or raise IMAP_MAX_CONNECTIONS if the server allows more" },
  ];
  if (!config.TLS_VERIFY) lines.push({ check: "TLS", status: "warn", detail: "certificates are not checked (TLS_VERIFY=false)", hint: "use IMAP_CA_FILE / SMTP_CA_FILE instead" });
  return lines;
}

async function smtpLines(config: Config, sendTest: string | undefined, client: ImapFlow | null, source?: CredentialSource): Promise<CheckLine[]> {
  if (!config.SMTP_URL) return [{ check: "SMTP login", status: "fail", detail: "SMTP_URL is not set", hint: "set SMTP_URL to the submission server" }];
  const pool = createSmtpPool({ url: config.SMTP_URL, size: 1, tls: smtpTls(config), credentials: source });
  const host = new URL(config.SMTP_URL).hostname;
  const lines: CheckLine[] = [];
  try {
    try {
      await pool.verify();
      lines.push({ check: "SMTP login", status: "ok", detail: host });
    } catch (err) {
      lines.push({ check: "SMTP login", status: "fail", detail: `${host}: ${err instanceof Error ? err.message : String(err)}`, hint: "check the host, port and login in SMTP_URL" });
      return lines;
    }
    if (sendTest === undefined) return lines;
    const raw = toCrlf(
      await new MailComposer({
        from: config.MAIL_FROM,
        to: sendTest,
        subject: "activation-bot mailbox check",
        text: "A test mail from `activation-bot mailbox check`: the desk's mailbox can send.",
        headers: { "Auto-Submitted": "auto-generated" },
      })
        .compile()
        .build(),
    );
    try {
      const { response } = await pool.send({ from: config.mailFromAddress, to: [sendTest] }, raw);
      lines.push({ check: "test mail", status: "ok", detail: `sent to ${sendTest}: ${response}` });
    } catch (err) {
      lines.push({ check: "test mail", status: "fail", detail: `to ${sendTest}: ${err instanceof Error ? err.message : String(err)}`, hint: "the server refused it: check MAIL_FROM is an address this login may send as" });
      return lines;
    }
    if (client && botFilesSentCopy(config)) {
      const sent = (await readFolderPlan(client, folderNames(config))).find((f) => f.role === "sent");
      if (sent?.exists) {
        const stored = await client.append(sent.path, raw, ["\\Seen"]).then(() => null, (e: unknown) => e);
        lines.push(
          stored === null
            ? { check: "test mail in Sent", status: "ok", detail: `filed in "${sent.path}"` }
            : { check: "test mail in Sent", status: "fail", detail: `"${sent.path}": ${stored instanceof Error ? stored.message : String(stored)}`, hint: "the server refused the APPEND" },
        );
      }
    }
    return lines;
  } finally {
    pool.close();
  }
}

export async function mailboxCheck(config: Config, opts: { sendTest?: string; credential?: CredentialLines } = {}): Promise<CheckLine[]> {
  const lines = settingsLines(config);
  if (!config.IMAP_URL) {
    lines.push({ check: "IMAP login", status: "fail", detail: "IMAP_URL is not set", hint: "set IMAP_URL to imaps://user:pass@host:993" });
  }
  const source = credentialSource(config);
  lines.push(...(await (opts.credential ?? (source ? tokenCredential(source) : passwordCredential))(config)));
  const imap = config.IMAP_URL ? await imapLines(config, config.IMAP_URL, source) : { lines: [], client: null };
  lines.push(...imap.lines);
  try {
    lines.push(...(await smtpLines(config, opts.sendTest, imap.client, source)));
  } finally {
    await imap.client?.logout().catch(() => imap.client?.close());
  }
  return lines;
}

export function checkTable(lines: CheckLine[]): string {
  const width = Math.max(...lines.map((l) => l.check.length));
  return lines
    .map((l) => `${l.status.padEnd(4)}  ${l.check.padEnd(width)}  ${l.detail}${l.hint ? `\n${" ".repeat(width + 8)}→ ${l.hint}` : ""}`)
    .join("\n");
}

export async function mailboxCheckCommand(opts: { sendTest?: string; json?: boolean }): Promise<void> {
  const lines = await mailboxCheck(loadConfig(), opts.sendTest ? { sendTest: opts.sendTest } : {});
  const ok = !lines.some((l) => l.status === "fail");
  console.log(opts.json ? JSON.stringify({ ok, lines }) : checkTable(lines));
  if (!ok) process.exitCode = 1;
}
