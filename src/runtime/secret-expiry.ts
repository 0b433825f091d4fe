/**
 * Client secrets and certificates expire on a date their issuer knows (Entra: 6 to 24 months) and the
 * bot does not, until logins start failing. The operator writes that date in `*_EXPIRES`; from
 * ALERT_EXPIRY_WARN_DAYS before it the bot warns (log, metric, banner, /readyz details), and once it
 * is past the alert is critical — unless a mailbox login succeeded after that date: then the date
 * written is what is wrong (a typo, the date of another secret), and a warning says so instead of
 * holding the bot not ready while it works. Checked at start and every minute.
 */
import type { Config } from "../config.js";
import type { Metrics } from "./metrics.js";
import type { OperatorAlerts, RaisedAlert } from "./operator-alerts.js";

const DAY_MS = 86_400_000;
export const SECRET_CHECK_MS = 60_000;

export interface SecretExpiry {
  /** The setting that holds the date, e.g. ENTRA_CLIENT_SECRET_EXPIRES. */
  setting: string;
  /** What expires, in words. */
  what: string;
  expires: Date;
}

const SETTINGS = [
  ["ENTRA_CLIENT_SECRET_EXPIRES", "the Entra client secret (ENTRA_CLIENT_SECRET)", "create a new client secret in the app registration (Certificates & secrets), put it in ENTRA_CLIENT_SECRET and its date in ENTRA_CLIENT_SECRET_EXPIRES"],
  ["ENTRA_CERTIFICATE_EXPIRES", "the Entra certificate (ENTRA_CERTIFICATE_FILE)", "upload a new certificate to the app registration, point ENTRA_CERTIFICATE_FILE / ENTRA_CERTIFICATE_THUMBPRINT at it and update ENTRA_CERTIFICATE_EXPIRES"],
  ["OAUTH_CLIENT_SECRET_EXPIRES", "the OAuth2 client secret (OAUTH_CLIENT_SECRET)", "issue a new client secret at the authorisation server, put it in OAUTH_CLIENT_SECRET and its date in OAUTH_CLIENT_SECRET_EXPIRES"],
  ["GOOGLE_SERVICE_ACCOUNT_EXPIRES", "the Google service account key (GOOGLE_SERVICE_ACCOUNT_FILE)", "create a new key for the service account, replace GOOGLE_SERVICE_ACCOUNT_FILE and update GOOGLE_SERVICE_ACCOUNT_EXPIRES"],
] as const;

type ExpirySetting = (typeof SETTINGS)[number][0];

export function configuredExpiries(c: Pick<Config, ExpirySetting>): (SecretExpiry & { fix: string })[] {
  return SETTINGS.flatMap(([setting, what, fix]) => {
    const expires = c[setting];
    return expires ? [{ setting, what, expires, fix }] : [];
  });
}

/**
 * The alert for one expiry date at `now`: null while it is more than `warnDays` away. `lastLoginAt`:
 * when a mailbox login last succeeded (ms), which a date already past contradicts.
 */
export function expiryAlert(e: SecretExpiry & { fix: string }, now: number, warnDays: number, lastLoginAt: number | null = null): RaisedAlert | null {
  const left = e.expires.getTime() - now;
  if (left > warnDays * DAY_MS) return null;
  const date = e.expires.toISOString().slice(0, 10);
  if (left <= 0 && lastLoginAt !== null && lastLoginAt > e.expires.getTime()) {
    const loggedIn = new Date(lastLoginAt).toISOString().slice(0, 16).replace("T", " ");
    return {
      cause: `secret_expiring:${e.setting}`,
      severity: "warning",
      code: "secret_expiry_date_wrong",
      message: `${e.setting} says ${e.what} expired on ${date}, but the mailbox logged in with it at ${loggedIn} UTC: the date is probably wrong`,
      fix: `look up the real expiry date where the secret was issued and correct ${e.setting}`,
    };
  }
  const days = Math.ceil(left / DAY_MS);
  return {
    cause: `secret_expiring:${e.setting}`,
    severity: left <= 0 ? "critical" : "warning",
    code: left <= 0 ? "secret_expired" : "secret_expiring",
    message: left <= 0 ? `${e.what} expired on ${date}: mailbox logins will be refused` : `${e.what} expires on ${date}, in ${days} day${days === 1 ? "" : "s"}`,
    fix: e.fix,
  };
}

/** Sets the expiry gauges, raises or clears each date's alert now and every SECRET_CHECK_MS. */
export function watchSecretExpiry(
  expiries: (SecretExpiry & { fix: string })[],
  deps: { alerts: OperatorAlerts; metrics: Pick<Metrics, "secretExpiry">; warnDays: number; now?: () => number; lastLoginAt?: () => number | null },
): { stop(): void; check(): void } {
  const now = deps.now ?? Date.now;
  for (const e of expiries) deps.metrics.secretExpiry.set({ secret: e.setting }, e.expires.getTime() / 1000);
  const check = () => {
    for (const e of expiries) {
      const a = expiryAlert(e, now(), deps.warnDays, deps.lastLoginAt?.() ?? null);
      if (a) deps.alerts.raise(a);
      else deps.alerts.clear(`secret_expiring:${e.setting}`);
    }
  };
  check();
  if (expiries.length === 0) return { stop: () => undefined, check };
  const timer = setInterval(check, SECRET_CHECK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer), check };
}
