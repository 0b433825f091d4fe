/** ImapFlow clients from an `imap[s]://user:pass@host:port` URL. */
import { ImapFlow } from "imapflow";
import type { MailCredential } from "../auth/credential.js";
import type { TlsTrust } from "../tls/tls-trust.js";
import { untrustedCertificate } from "../tls/tls-trust.js";
import { ImapLoginError } from "./login-error.js";

export { ImapLoginError };

export interface ImapOptions {
  url: string;
  /** ms of quiet before imapflow enters IDLE on its own; low, so new mail is pushed at once. */
  idleDelayMs: number;
  autoIdle: boolean;
  /** Extra CAs (IMAP_CA_FILE / TLS_CA_FILE) and whether to verify at all (TLS_VERIFY). */
  tls?: TlsTrust | undefined;
  /** From the credential port, asked on every connect; without it, the user and password in `url`. */
  credential?: MailCredential | undefined;
}

export function createImapClient(opts: ImapOptions): ImapFlow {
  const u = new URL(opts.url);
  const secure = u.protocol === "imaps:";
  return new ImapFlow({
    host: u.hostname,
    port: Number(u.port) || (secure ? 993 : 143),
    secure,
    // imapflow logs in with AUTHENTICATE XOAUTH2 (or OAUTHBEARER) when given an access token.
    auth: opts.credential ?? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
    disableAutoIdle: !opts.autoIdle,
    autoIdleDelay: opts.idleDelayMs,
    // Re-issue IDLE every few minutes: some NATs and servers drop connections idle for longer.
    maxIdleTime: 4 * 60_000,
    connectionTimeout: 10_000,
    ...(opts.tls ? { tls: { rejectUnauthorized: opts.tls.rejectUnauthorized, ...(opts.tls.ca ? { ca: opts.tls.ca } : {}) } } : {}),
  });
}

function loginRefused(err: unknown, u: URL, usesCredential: boolean): ImapLoginError | null {
  const e = err as { authenticationFailed?: boolean; serverResponseCode?: string; responseText?: string };
  if (e.authenticationFailed !== true) return null;
  const user = decodeURIComponent(u.username) || "(no user)";
  const answer = [e.serverResponseCode, e.responseText].filter(Boolean).join(" ") || "login refused";
  const fix = usesCredential
    ? "check MAIL_AUTH and its OAUTH_* / ENTRA_* / GOOGLE_* settings, and that the account may use IMAP"
    : "check the user and password in IMAP_URL";
  return new ImapLoginError(
    `the IMAP server ${u.hostname} refused the login of ${user} (${answer}): ${fix}; \`activation-bot mailbox check\` tries the login alone`,
  );
}

/**
 * Connects `client`; a connect that fails (refused, TLS, login) closes the client, so no logged-in
 * connection is left behind; an untrusted certificate becomes a one-line TlsTrustError, a refused
 * login an ImapLoginError.
 */
export async function connectImap(client: ImapFlow, url: string): Promise<void> {
  try {
    await client.connect();
  } catch (err) {
    client.close();
    const u = new URL(url);
    throw (
      untrustedCertificate(err, `IMAP server ${u.hostname}:${u.port || (u.protocol === "imaps:" ? 993 : 143)}`, "IMAP_CA_FILE") ??
      loginRefused(err, u, client.options.auth?.accessToken !== undefined) ??
      err
    );
  }
}
