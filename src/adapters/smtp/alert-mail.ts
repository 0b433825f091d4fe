/**
 * The operator-alert mail (templates/<locale>/operator_alert.md: a `Subject:` line, a blank line, the
 * text) and the mail that says its cause is fixed (operator_alert_resolved.md), composed here and sent straight over SMTP on a connection of its own: never through the
 * case outbox, whose queue and store may be what failed.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import Handlebars from "handlebars";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import type { OperatorAlert } from "../../app/ports.js";
import type { SmtpPool } from "./smtp-pool.js";

export interface AlertMailText {
  subject: string;
  text: string;
}

export type AlertTemplate = (values: AlertValues) => AlertMailText;

/** The alert mail and the one that says it is resolved. */
export interface AlertTemplates {
  active: AlertTemplate;
  resolved: AlertTemplate;
}

export interface AlertValues extends OperatorAlert {
  /** The desk's address (MAIL_FROM). */
  desk: string;
  host: string;
  /** ALERT_INTERVAL_MS in words ("1 h", "15 min"). */
  interval: string;
  /** When the cause was found fixed (ISO 8601): in the resolved mail only. */
  resolvedAt?: string;
}

/** Loads and compiles the locale's alert and resolved templates. */
export async function loadAlertTemplates(dir: string, locale: string): Promise<AlertTemplates> {
  const [active, resolved] = await Promise.all([loadAlertTemplate(dir, locale, "operator_alert"), loadAlertTemplate(dir, locale, "operator_alert_resolved")]);
  return { active, resolved };
}

/** Loads and compiles `<dir>/<locale>/<name>.md`; a file without its Subject line is refused. */
export async function loadAlertTemplate(dir: string, locale: string, name = "operator_alert"): Promise<AlertTemplate> {
  const file = join(dir, locale, `${name}.md`);
  const source = await readFile(file, "utf8");
  const m = /^Subject: ([^\n]+)\r?\n\r?\n([\s\S]*)$/.exec(source);
  if (!m?.[1] || m[2] === undefined) throw new Error(`${file}: must begin with a "Subject: …" line and a blank line`);
  const env = Handlebars.create();
  const subject = env.compile(m[1], { noEscape: true, strict: true });
  const text = env.compile(m[2], { noEscape: true, strict: true });
  return (values) => ({ subject: subject(values).replace(/[\r\n]+/g, " ").trim(), text: text(values) });
}

export function intervalInWords(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Number((ms / 1000).toFixed(1))} s`;
}

export interface AlertSenderOptions {
  pool: SmtpPool;
  templates: AlertTemplates;
  /** MAIL_FROM, as a header value. */
  from: string;
  to: string;
  host: string;
  intervalMs: number;
}

/** Sends one alert mail, or with `resolvedAt` the mail that says it is resolved; rejects with the SMTP error. */
export function alertSender(o: AlertSenderOptions): (alert: OperatorAlert, resolvedAt?: string) => Promise<void> {
  const fromAddress = /<([^>]+)>/.exec(o.from)?.[1] ?? o.from;
  return async (alert, resolvedAt) => {
    const values = { ...alert, desk: fromAddress, host: o.host, interval: intervalInWords(o.intervalMs) };
    const { subject, text } = resolvedAt ? o.templates.resolved({ ...values, resolvedAt }) : o.templates.active(values);
    const raw = await new MailComposer({
      from: o.from,
      to: o.to,
      subject,
      text,
      headers: {
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "All",
        "X-Activation-Alert": alert.cause,
        "X-Activation-Alert-State": resolvedAt ? "resolved" : "active",
      },
    })
      .compile()
      .build();
    await o.pool.send({ from: fromAddress, to: [o.to] }, raw);
  };
}
