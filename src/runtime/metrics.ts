/** Prometheus metrics (SPEC §6 `/metrics`). One registry per process. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Values read when /metrics is scraped. */
export interface MetricSources {
  imapConnections?: () => number;
  /** 1 while the watcher holds a logged-in connection that learns of new mail by IDLE. */
  imapIdleConnected?: () => number;
}

export function createMetrics(sources: MetricSources = {}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "activation_bot_" });
  return {
    registry,
    mailsIngested: new Counter({
      name: "activation_bot_mails_ingested_total",
      help: "Incoming mails processed, by outcome and class",
      labelNames: ["outcome", "class"] as const,
      registers: [registry],
    }),
    mailsQuarantined: new Counter({
      name: "activation_bot_mails_quarantined_total",
      help: "Incoming mails moved to quarantine after repeated failures",
      registers: [registry],
    }),
    movesFailed: new Counter({
      name: "activation_bot_moves_failed_total",
      help: "Handled mails whose move out of INBOX failed (the watcher moves them at its next look)",
      labelNames: ["to"] as const,
      registers: [registry],
    }),
    commitsRestored: new Counter({
      name: "activation_bot_commits_restored_total",
      help: "After a Redis restart that lost acknowledged writes: mails handled again and send marks written again from this process's commit journal",
      labelNames: ["what"] as const,
      registers: [registry],
    }),
    blobsRefetched: new Counter({
      name: "activation_bot_blobs_refetched_total",
      help: "Mails whose blob another instance stored, fetched again from the mailbox",
      registers: [registry],
    }),
    blobsUnreachable: new Counter({
      name: "activation_bot_blobs_unreachable_total",
      help: "Mails whose blob is not in this instance's STORAGE_DIR and the mailbox could not be reached to fetch them again",
      registers: [registry],
    }),
    storeLost: new Gauge({
      name: "activation_bot_store_lost",
      help: "1 when the store lost its epoch marker (Redis wiped or replaced) and the bot stopped taking mail",
      registers: [registry],
    }),
    mailsSent: new Counter({
      name: "activation_bot_mails_sent_total",
      help: "Outbox entries delivered, by mail kind",
      labelNames: ["kind"] as const,
      registers: [registry],
    }),
    uiLoginsRefused: new Counter({
      name: "activation_bot_ui_logins_refused_total",
      help: "Review UI logins refused (a wrong name or password) or not checked (too many wrong ones), with UI_USERS_FILE",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    imapPickupPolling: new Gauge({
      name: "activation_bot_imap_pickup_polling",
      help: "1 while new mail is found by polling (IMAP_POLL_INTERVAL_MS), by why: the server has no IDLE, or advertises IDLE but does not push",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
    imapPollPickups: new Counter({
      name: "activation_bot_imap_poll_pickups_total",
      help: "Polls that found mail IDLE had not announced (without IDLE: any new mail)",
      registers: [registry],
    }),
    imapConnections: new Gauge({
      name: "activation_bot_imap_connections",
      help: "IMAP connections this process holds on the mailbox (bounded by IMAP_MAX_CONNECTIONS across processes)",
      registers: [registry],
      collect() {
        if (sources.imapConnections) this.set(sources.imapConnections());
      },
    }),
    authFailures: new Counter({
      name: "activation_bot_auth_failures_total",
      help: "Mailbox credentials that could not be had (MAIL_AUTH), by provider and the provider's code",
      labelNames: ["provider", "code"] as const,
      registers: [registry],
    }),
    authTokenExpiry: new Gauge({
      name: "activation_bot_auth_token_expiry_seconds",
      help: "When the mailbox's current access token expires (Unix time)",
      labelNames: ["provider"] as const,
      registers: [registry],
    }),
    operatorAlert: new Gauge({
      name: "activation_bot_operator_alert",
      help: "1 while an operator alert is active (the desk's banner, /readyz), by cause and severity: critical ones make the bot not ready and are mailed to ALERT_EMAIL",
      labelNames: ["cause", "severity"] as const,
      registers: [registry],
    }),
    alertMails: new Counter({
      name: "activation_bot_alert_mails_total",
      help: "Operator alert mails to ALERT_EMAIL, by cause and outcome (sent, failed, resolved: the mail that says the cause is fixed)",
      labelNames: ["cause", "outcome"] as const,
      registers: [registry],
    }),
    secretExpiry: new Gauge({
      name: "activation_bot_secret_expiry_seconds",
      help: "When a client secret or certificate expires (Unix time), from its *_EXPIRES setting",
      labelNames: ["secret"] as const,
      registers: [registry],
    }),
    imapIdleConnected: new Gauge({
      name: "activation_bot_imap_idle_connected",
      help: "1 while the watcher is logged in to the mailbox and new mail is pushed by IDLE (0: disconnected, standby, or polling)",
      registers: [registry],
      collect() {
        if (sources.imapIdleConnected) this.set(sources.imapIdleConnected());
      },
    }),
    mailboxLastLogin: new Gauge({
      name: "activation_bot_mailbox_last_login_seconds",
      help: "When a login to the mailbox last succeeded (Unix time), by mailbox and protocol (imap, smtp)",
      labelNames: ["mailbox", "protocol"] as const,
      registers: [registry],
    }),
    smtpTransientRetries: new Counter({
      name: "activation_bot_smtp_transient_retries_total",
      help: "SMTP answers retried on the spot after a backoff (Exchange Online's 432 4.3.2 STOREDRV: too many concurrent submissions), by enhanced code",
      labelNames: ["code"] as const,
      registers: [registry],
    }),
    smtpRecipientsUsed: new Gauge({
      name: "activation_bot_smtp_recipients_24h",
      help: "Recipients handed to the SMTP relay in the last 24 hours (all instances), against SMTP_DAILY_RECIPIENTS",
      registers: [registry],
    }),
    smtpRecipientBudget: new Gauge({
      name: "activation_bot_smtp_recipient_budget",
      help: "SMTP_DAILY_RECIPIENTS: recipients allowed in 24 hours (0: no budget)",
      registers: [registry],
    }),
    outboxWaitingForBudget: new Counter({
      name: "activation_bot_outbox_budget_waits_total",
      help: "Outbox sends put off because the 24-hour recipient budget was spent (they wait, never dropped)",
      registers: [registry],
    }),
    ingestSeconds: new Histogram({
      name: "activation_bot_ingest_seconds",
      help: "Time from the watcher seeing a mail to its commit",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
