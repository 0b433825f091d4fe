/**
 * The composition of the operator-alert mail: the Redis claim (at most one mail per cause and
 * interval across instances), the template in ALERT_LOCALE, and an SMTP connection of its own to
 * ALERT_SMTP_URL, else to SMTP_URL with the mailbox's own login.
 */
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { CredentialSource } from "../adapters/auth/credential.js";
import { AlertThrottle } from "../adapters/redis/alert-throttle.js";
import { alertSender, loadAlertTemplates } from "../adapters/smtp/alert-mail.js";
import { createSmtpPool } from "../adapters/smtp/smtp-pool.js";
import type { Config } from "../config.js";
import { smtpTls } from "./mail-settings.js";
import type { AlertMailer } from "./operator-alerts.js";

/**
 * null without ALERT_EMAIL. Each mail tries the transports in turn until one takes it: ALERT_SMTP_URL
 * (its own login, if any), then SMTP_URL with the mailbox's login (`credentials`, asked when a mail goes
 * out: the token source, if any) — whichever still works.
 */
export async function createAlertMailer(
  config: Config,
  redis: Redis,
  credentials: () => CredentialSource | undefined,
): Promise<AlertMailer | null> {
  const to = config.ALERT_EMAIL;
  if (!to || (!config.ALERT_SMTP_URL && !config.SMTP_URL)) return null;
  const templates = await loadAlertTemplates(config.TEMPLATES_DIR, config.ALERT_LOCALE);
  const throttle = new AlertThrottle(redis, config.REDIS_PREFIX);
  const mailboxLogin: CredentialSource | undefined =
    config.MAIL_AUTH === "password"
      ? undefined
      : {
          provider: config.MAIL_AUTH,
          get: () => {
            const c = credentials();
            if (!c) throw new Error("no mailbox credential source");
            return c.get();
          },
        };
  const transports = [
    ...(config.ALERT_SMTP_URL ? [{ url: config.ALERT_SMTP_URL, credentials: undefined }] : []),
    ...(config.SMTP_URL && config.SMTP_URL !== config.ALERT_SMTP_URL ? [{ url: config.SMTP_URL, credentials: mailboxLogin }] : []),
  ];
  // A connection per mail: alerts are rare, and a kept one would go stale between them.
  const send = async (alert: Parameters<AlertMailer["send"]>[0], resolvedAt?: string) => {
    const failures: string[] = [];
    for (const t of transports) {
      const pool = createSmtpPool({ url: t.url, size: 1, tls: smtpTls(config), credentials: t.credentials });
      try {
        return await alertSender({ pool, templates, from: config.MAIL_FROM, to, host: hostname(), intervalMs: config.ALERT_INTERVAL_MS })(alert, resolvedAt);
      } catch (err) {
        failures.push(`${t.url.replace(/\/\/[^@]*@/, "//")}: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        pool.close();
      }
    }
    throw new Error(`no SMTP transport took the alert mail (${failures.join("; ")})`);
  };
  return { claim: (cause, ms) => throttle.claim(cause, ms), release: (cause) => throttle.release(cause), send };
}
