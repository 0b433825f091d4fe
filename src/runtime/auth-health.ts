/**
 * Makes a failing mailbox login loud. Two ways it fails: no credential can be had (the token endpoint
 * refuses: the wrapped source sees it), or the server refuses the one it was given (the watcher, the
 * mailbox connections and the SMTP pool report it with `loginFailed`). Either one is counted
 * (activation_bot_auth_failures_total{provider,code}), logged with the provider's code and a hint,
 * kept for /readyz and raised as the operator alert `mailbox_login` until a login succeeds again. A
 * good token sets the token-expiry gauge, a good login the last-login gauge. Until the first login
 * /readyz says the bot is waiting for it.
 */
import type { Logger } from "pino";
import type { AuthProvider, CredentialSource } from "../adapters/auth/credential.js";
import { AuthError } from "../adapters/auth/credential.js";
import { MAILBOX_LOGIN_HINT } from "../adapters/auth/hints.js";
import type { Metrics } from "./metrics.js";
import type { OperatorAlerts } from "./operator-alerts.js";

export const MAILBOX_LOGIN_ALERT = "mailbox_login";

export type AuthProblem = { code: string; message: string; hint: string };

export type LoginProtocol = "imap" | "smtp";

export interface AuthHealth {
  source: CredentialSource;
  /** null while logins work (or none failed yet); else what failed and what to do. */
  problem(): AuthProblem | null;
  /** The /readyz line: `ok`, `waiting for …`, or `failed (code): … ; hint`. */
  readiness(): { ok: boolean; text: string };
  loginSucceeded(protocol: LoginProtocol): void;
  /** When a login (IMAP or SMTP) last succeeded, in ms; null before the first. */
  lastLoginAt(): number | null;
  /** Reports a failed connect; returns true when it was the login that was refused (then raised as an alert). */
  loginFailed(protocol: LoginProtocol, err: unknown): boolean;
}

export interface AuthHealthOptions {
  alerts?: OperatorAlerts | undefined;
  /** The mailbox's name in the metrics and messages (MAIL_USER, or the IMAP URL's user). */
  mailbox?: string | undefined;
}

/** Whether a connect failed because the server refused the login (not the network, not TLS). */
export function isLoginRefusal(err: unknown): boolean {
  if (typeof err !== "object" || err === null) return false;
  const e = err as { authenticationFailed?: unknown; code?: unknown; responseCode?: unknown };
  // imapflow: AUTHENTICATIONFAILED / NO to LOGIN or AUTHENTICATE; nodemailer: EAUTH (535, 534, 454).
  return e.authenticationFailed === true || e.code === "EAUTH";
}

export function watchAuth(source: CredentialSource, metrics: Metrics, log: Logger, opts: AuthHealthOptions = {}): AuthHealth {
  // One problem per part that can fail: a login that works on one protocol does not clear the other's refusal.
  const problems = new Map<"token" | LoginProtocol, AuthProblem>();
  const first = (): AuthProblem | null => problems.get("token") ?? problems.get("imap") ?? problems.get("smtp") ?? null;
  let loggedIn = false;
  let lastLogin: number | null = null;
  let tokenHad = false;
  const mailbox = opts.mailbox ?? "";
  const provider: AuthProvider = source.provider;

  function fail(part: "token" | LoginProtocol, e: AuthError): void {
    metrics.authFailures.inc({ provider: e.provider, code: e.code });
    const changed = problems.get(part)?.code !== e.code;
    problems.set(part, { code: e.code, message: e.message, hint: e.hint });
    if (changed || !opts.alerts) log.error({ provider: e.provider, code: e.code, hint: e.hint, mailbox }, e.message);
    raise();
  }

  /** The alert follows the problems: the first one in force is shown, none clears it. */
  function raise(): void {
    const p = first();
    if (!p) return void opts.alerts?.clear(MAILBOX_LOGIN_ALERT);
    opts.alerts?.raise({ cause: MAILBOX_LOGIN_ALERT, severity: "critical", code: p.code, message: `mailbox ${mailbox} cannot log in (${provider}): ${p.message}`, fix: p.hint });
  }

  function recovered(...parts: ("token" | LoginProtocol)[]): void {
    const had = problems.size > 0;
    for (const part of parts) problems.delete(part);
    if (had && problems.size === 0) log.info({ provider, mailbox }, "mailbox login works again");
    raise();
  }

  return {
    problem: first,
    readiness() {
      const problem = first();
      if (problem) return { ok: false, text: `failed (${problem.code}): ${problem.message}; ${problem.hint}` };
      if (loggedIn) return { ok: true, text: "ok" };
      if (provider !== "password" && !tokenHad) return { ok: false, text: `waiting for the first ${provider} token for ${mailbox}` };
      return { ok: false, text: `waiting for the first login to ${mailbox}` };
    },
    lastLoginAt: () => lastLogin,
    loginSucceeded(protocol) {
      loggedIn = true;
      lastLogin = Date.now();
      metrics.mailboxLastLogin.set({ mailbox, protocol }, lastLogin / 1000);
      // A login needs a credential: the token part works too.
      recovered(protocol, "token");
    },
    loginFailed(protocol, err) {
      if (err instanceof AuthError || !isLoginRefusal(err)) return false;
      const text = err instanceof Error ? err.message : String(err);
      const response = (err as { response?: unknown; responseText?: unknown }).responseText ?? (err as { response?: unknown }).response;
      fail(
        protocol,
        new AuthError(
          provider,
          `${protocol}_login_refused`,
          `the ${protocol.toUpperCase()} server refused the login${typeof response === "string" && response ? `: ${response.trim()}` : `: ${text}`}`,
          provider === "password"
            ? `check the user and password in ${protocol === "imap" ? "IMAP_URL" : "SMTP_URL"} (or MAIL_AUTH if the server wants tokens)`
            : MAILBOX_LOGIN_HINT,
        ),
      );
      return true;
    },
    source: {
      provider,
      async get() {
        try {
          const c = await source.get();
          tokenHad = true;
          if ("accessToken" in c) metrics.authTokenExpiry.set({ provider }, c.expiresAt / 1000);
          // A token had again clears a token failure; a refused login stays until that protocol logs in.
          if (problems.has("token")) recovered("token");
          return c;
        } catch (err) {
          const e = err instanceof AuthError ? err : new AuthError(provider, "credential_failed", String(err), "see the log line's error");
          fail("token", e);
          throw e;
        }
      },
    },
  };
}
