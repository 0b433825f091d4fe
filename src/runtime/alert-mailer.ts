/**
 * The composition of the operator-alert mail: the Redis claim (at most one mail per cause and
 * interval across instances), the template in ALERT_LOCALE, and an SMTP connection of its own to
 * ALERT_SMTP_URL, else to SMTP_URL with the mailbox's own login.
 */
import { hostname } from "node:os";
import type { Redis } from "ioredis";
import type { CredentialSource } from "../adapters/auth/credential.js";
import { AlertThrottle } from "../adapters/redis/alert-throttle.js";
import { alertSender, loadAlertTemplate } from "../adapters/smtp/alert-mail.js";
import { createSmtpPool } from "../adapters/smtp/smtp-pool.js";
import type { Config } from "../config.js";
import { smtpTls } from "./mail-settings.js";
import type { AlertMailer } from "./operator-alerts.js";

/** null without ALERT_EMAIL. `credentials` is asked when a mail goes out (the mailbox's token source, if any). */
export async function createAlertMailer(
  config: Config,
  redis: Redis,
  credentials: () => CredentialSource | undefined,
): Promise<AlertMailer | null> {
  const to = config.ALERT_EMAIL;
  const url = config.ALERT_SMTP_URL ?? config.SMTP_URL;
  if (!to || !url) return null;
  const template = await loadAlertTemplate(config.TEMPLATES_DIR, config.ALERT_LOCALE);
  const throttle = new AlertThrottle(redis, config.REDIS_PREFIX);
  const own = config.ALERT_SMTP_URL !== undefined;
  const lazyCredentials: CredentialSource | undefined = own
    ? undefined
    : {
        provider: config.MAIL_AUTH,
        get: () => {
          const c = credentials();
          if (!c) throw new Error("no mailbox credential source");
          return c.get();
        },
      };
  // A connection per mail: alerts are rare, and a kept one would go stale between them.
  const send = (alert: Parameters<AlertMailer["send"]>[0]) => {
    const pool = createSmtpPool({ url, size: 1, tls: smtpTls(config), credentials: own || config.MAIL_AUTH === "password" ? undefined : lazyCredentials });
    return alertSender({ pool, template, from: config.MAIL_FROM, to, host: hostname(), intervalMs: config.ALERT_INTERVAL_MS })(alert).finally(() => pool.close());
  };
  return { claim: (cause, ms) => throttle.claim(cause, ms), release: (cause) => throttle.release(cause), send };
}
