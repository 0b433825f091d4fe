/**
 * Configuration from the environment (SPEC §6), the only reader of process.env. Validated with zod;
 * a bad value stops start-up with an error naming the variable.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { parseSupervisedStages } from "./core/case/drafts.js";

// src/config.ts and dist/config.js both sit one level below the package root.
const packageDir = fileURLToPath(new URL("..", import.meta.url));

const imapUrl = z
  .string()
  .url()
  .refine((u) => /^imaps?:$/.test(new URL(u).protocol), "must be imap://user:pass@host:port or imaps://…");
const smtpUrl = z
  .string()
  .url()
  .refine((u) => /^smtps?:$/.test(new URL(u).protocol), "must be smtp://[user:pass@]host:port or smtps://…");
const flag = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => ["true", "1", "yes"].includes(v));
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * How the bot logs in to IMAP and SMTP (README "Microsoft 365", "Google Workspace"): `password` takes
 * the user and password in IMAP_URL / SMTP_URL; the others get an access token for MAIL_USER.
 * A secret can be given as a file (`…_FILE`), read by src/runtime/credentials.ts.
 */
const AUTH_SETTINGS = {
  MAIL_AUTH: z.enum(["password", "entra", "google", "oauth2"]).default("password"),
  /** The mailbox the token logs in as (a shared mailbox's address); default: MAIL_FROM's address. */
  MAIL_USER: z.string().min(3).optional(),
  /** A token is replaced this long before it expires, and the watcher reconnects with the new one. */
  TOKEN_REFRESH_MARGIN_MS: int(1000, 3_600_000).default(300_000),
  OAUTH_TOKEN_URL: z.string().url().optional(),
  OAUTH_CLIENT_ID: z.string().min(1).optional(),
  OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  OAUTH_CLIENT_SECRET_FILE: z.string().min(1).optional(),
  OAUTH_REFRESH_TOKEN: z.string().min(1).optional(),
  OAUTH_REFRESH_TOKEN_FILE: z.string().min(1).optional(),
  OAUTH_SCOPE: z.string().min(1).optional(),
  OAUTH_RESOURCE: z.string().url().optional(),
  ENTRA_TENANT_ID: z.string().min(1).optional(),
  ENTRA_CLIENT_ID: z.string().min(1).optional(),
  ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
  ENTRA_CLIENT_SECRET_FILE: z.string().min(1).optional(),
  /** PEM file with the certificate's private key; with ENTRA_CERTIFICATE_THUMBPRINT (SHA-256, hex). */
  ENTRA_CERTIFICATE_FILE: z.string().min(1).optional(),
  ENTRA_CERTIFICATE_THUMBPRINT: z.string().regex(/^[0-9A-Fa-f]{64}$/, "must be the certificate's SHA-256 thumbprint in hex").optional(),
  ENTRA_AUTHORITY_HOST: z.string().url().default("https://login.microsoftonline.com"),
  /** The service account's JSON key file (client_email, private_key). */
  GOOGLE_SERVICE_ACCOUNT_FILE: z.string().min(1).optional(),
  /** Google's token endpoint, when not the public one (a Private Service Connect endpoint). */
  GOOGLE_TOKEN_URL: z.string().url().optional(),
};

/** The settings each login needs beyond MAIL_AUTH (one of a group of alternatives is enough). */
const AUTH_REQUIRES: Record<string, string[][]> = {
  password: [],
  oauth2: [["OAUTH_TOKEN_URL"], ["OAUTH_CLIENT_ID"], ["OAUTH_CLIENT_SECRET", "OAUTH_CLIENT_SECRET_FILE"]],
  entra: [["ENTRA_TENANT_ID"], ["ENTRA_CLIENT_ID"], ["ENTRA_CLIENT_SECRET", "ENTRA_CLIENT_SECRET_FILE", "ENTRA_CERTIFICATE_FILE"]],
  google: [["GOOGLE_SERVICE_ACCOUNT_FILE"]],
};

/** A calendar date (YYYY-MM-DD) or a full ISO timestamp, as a Date. */
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/, "must be a date, YYYY-MM-DD")
  .transform((v) => new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v))
  .refine((d) => !Number.isNaN(d.getTime()), "must be a real date");

/**
 * Operator alerts (src/runtime/operator-alerts.ts): a failure an operator must act on is mailed to
 * ALERT_EMAIL at most once per ALERT_INTERVAL_MS per cause, straight over SMTP (not the case outbox),
 * through ALERT_SMTP_URL when set (a relay that still works when the mailbox's login does not).
 * A client secret's or certificate's expiry date warns ALERT_EXPIRY_WARN_DAYS ahead.
 */
const ALERT_SETTINGS = {
  ALERT_EMAIL: z.email().optional(),
  ALERT_INTERVAL_MS: int(1000, 7 * 24 * 3_600_000).default(3_600_000),
  ALERT_SMTP_URL: smtpUrl.optional(),
  ALERT_LOCALE: z.enum(["sv", "en"]).default("sv"),
  ALERT_EXPIRY_WARN_DAYS: int(1, 365).default(30),
  OAUTH_CLIENT_SECRET_EXPIRES: isoDate.optional(),
  ENTRA_CLIENT_SECRET_EXPIRES: isoDate.optional(),
  ENTRA_CERTIFICATE_EXPIRES: isoDate.optional(),
  GOOGLE_SERVICE_ACCOUNT_EXPIRES: isoDate.optional(),
  /**
   * Recipients the SMTP relay may be given in 24 hours (a rolling window, across instances); when
   * spent, the outbox waits. Unset: 10 000 with MAIL_AUTH=entra (Exchange Online's limit), 2 000 with
   * google (Workspace), else no budget. 0: no budget.
   */
  SMTP_DAILY_RECIPIENTS: int(0, 10_000_000).optional(),
};

const Schema = z.object({
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  /**
   * Redis behind Sentinel: `host:port` of each sentinel (comma-separated) and the master's name. When set,
   * every connection asks the sentinels for the master and follows a failover; REDIS_URL then only
   * gives the password and database number.
   */
  REDIS_SENTINELS: z
    .string()
    .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, "must be host:port[,host:port…]")
    .optional(),
  REDIS_SENTINEL_NAME: z.string().min(1).default("mymaster"),
  /**
   * Redis Cluster: `host:port` of some of its masters (comma-separated; the rest are found from them).
   * When set, every connection is an ioredis Cluster and keys carry hash tags (adapters/redis/keys.ts);
   * REDIS_URL then only gives the password. Not together with REDIS_SENTINELS.
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/, "must be host:port[,host:port…]")
    .optional(),
  /** The sentinels' own password (`requirepass` of sentinel.conf), when they have one. */
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  /**
   * `run` refuses a Redis without AOF or with eviction. Off only for a throwaway Redis (the tests' shared
   * one has no persistence).
   */
  REDIS_SETTINGS_CHECK: flag.default(true),
  /** Prefix of every Redis key (cases, queues), so several desks or tests share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]+$/).default("ab:"),
  IMAP_URL: imapUrl.optional(),
  IMAP_MAILBOX: z.string().min(1).default("INBOX"),
  IMAP_PROCESSED_FOLDER: z.string().min(1).default("Processed"),
  IMAP_QUARANTINE_FOLDER: z.string().min(1).default("Quarantine"),
  /** Unset: the folder the server marks `\Sent` (`Sent Items`, `[Gmail]/Sent Mail`), else `Sent`. */
  IMAP_SENT_FOLDER: z.string().min(1).optional(),
  /**
   * Who files the copy of a sent mail: `append` (the bot APPENDs it to the Sent folder), `server`
   * (Gmail and Exchange Online store SMTP submissions in Sent themselves: a second copy would be a
   * duplicate), `auto` (`server` for imap.gmail.com and outlook.office365.com, else `append`).
   */
  IMAP_SENT_COPY: z.enum(["auto", "append", "server"]).default("auto"),
  /** Without IDLE, how often the mailbox is polled; with IDLE, how often a NOOP checks that IDLE pushes. */
  IMAP_POLL_INTERVAL_MS: int(1000, 300_000).default(10_000),
  /** IMAP connections the bot may hold on the mailbox; unset: 20 on Exchange Online's hosts, else 15 (Gmail's limit). */
  IMAP_MAX_CONNECTIONS: int(1, 1000).optional(),
  /** PEM files of the CAs that signed the servers' certificates (a private CA, a self-signed server). */
  TLS_CA_FILE: z.string().min(1).optional(),
  IMAP_CA_FILE: z.string().min(1).optional(),
  SMTP_CA_FILE: z.string().min(1).optional(),
  /** `false` turns certificate checking off for IMAP and SMTP; warns on every start. */
  TLS_VERIFY: flag.default(true),
  SMTP_URL: smtpUrl.optional(),
  /** The desk's address, e.g. `Activations <activations@example.com>`. */
  MAIL_FROM: z.string().min(3).default("Aktiveringar <activations@localhost>"),
  PLUS_ADDRESSING: flag.default(true),
  /** Secret for the case signatures in tags, plus-addresses and Message-IDs (≥ 16 characters). */
  TAG_SECRET: z.string().min(16, "must be at least 16 characters").optional(),
  STORAGE_DIR: z.string().min(1).default("./data"),
  /** A closed case moves to the archive (compact, read-only, reopenable) after this many days without activity. */
  ARCHIVE_AFTER_DAYS: int(0, 36_500).default(90),
  /** The raw mails, photos and returned forms of an archived case are deleted this many days after archiving. */
  BLOB_RETENTION_DAYS: int(0, 36_500).default(365),
  HTTP_PORT: int(0, 65535).default(8080),
  HTTP_HOST: z.string().default("127.0.0.1"),
  /**
   * The review UI's own logins (`name:scrypt$…` lines from `activation-bot ui-user NAME`). Without it
   * the UI trusts the desk's proxy to authenticate and to name the member in X-Team-Member.
   */
  UI_USERS_FILE: z.string().min(1).optional(),
  /**
   * The desk's language for a team member who has not picked one (the switch in the top bar) and whose
   * login names none: after the browser's Accept-Language, when it asks for neither sv nor en.
   */
  UI_DEFAULT_LANGUAGE: z.enum(["sv", "en"]).default("sv"),
  RULES_DIR: z.string().default(`${packageDir}/rules`),
  TEMPLATES_DIR: z.string().default(`${packageDir}/templates`),
  /** authserv-ids whose Authentication-Results headers are believed (comma-separated). */
  TRUSTED_AUTHSERV_IDS: z.string().default(""),
  /** Check SPF/DKIM/DMARC with mailauth where no trusted MTA adds Authentication-Results. */
  AUTH_VERIFY: flag.default(false),
  /**
   * Mails processed at once. Most of a mail's time is waiting on Redis, IMAP and files, so a backlog of
   * small mails needs many in flight (measured: 32 against 8 took the text backlog from 63 to 75 mails/s,
   * 86 with the outbox at 16); large mails are bounded by INGEST_BUDGET_MB instead.
   */
  INGEST_CONCURRENCY: int(1, 256).default(32),
  /** Megabytes of mail (raw size) worked on at once; a mail larger than this goes alone. */
  INGEST_BUDGET_MB: int(1, 4096).default(48),
  OUTBOX_CONCURRENCY: int(1, 256).default(16),
  /** Processes that take ingest and outbox jobs: `run` itself and WORKER_PROCESSES - 1 children
   * (`run --workers-only`). One event loop is one core; more processes use more cores. */
  WORKER_PROCESSES: int(1, 64).default(1),
  /**
   * A child process of its own sends the outbox (`run --outbox-only`), so an SMTP server's reply is read
   * at once, not after the ingest work on the same event loop: the window in which a crash sends an
   * answer twice shrinks from the ingest's event-loop lag to the reply's round trip.
   */
  OUTBOX_PROCESS: flag.default(false),
  SMTP_POOL_SIZE: int(1, 32).default(4),
  MAX_INGEST_ATTEMPTS: int(1, 20).default(5),
  /** The worker watchdog (runtime/job-deadline.ts): an ingest or outbox job still running after this
   * fails and is retried, so a command lost in a Redis failover or a server gone silent cannot hold a
   * job and its slot for ever. Far above the slowest real job (a 30 MB photo mail: a few seconds). */
  JOB_DEADLINE_MS: int(1000, 3_600_000).default(120_000),
  /** libvips threads per image operation (sharp.concurrency). */
  SHARP_THREADS: int(1, 64).default(2),
  MAX_ATTACHMENT_BYTES: int(1, 1 << 30).default(25 * 1024 * 1024),
  /** Milliseconds imapflow waits before IDLE; low so a new mail is seen at once (SPEC §7). */
  IMAP_IDLE_DELAY_MS: int(0, 60_000).default(50),
  /** How long the watcher lock lives without renewal: the failover time when a host dies. */
  WATCHER_LOCK_TTL_MS: int(1000, 600_000).default(10_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /**
   * Supervised mode (core/case/drafts.ts): the bot's own mails of these stages wait as drafts until a
   * team member sends, edits or discards them. `all`, a comma list of stages, or empty (off). An
   * admin's choice on the desk's Settings page takes precedence.
   */
  SUPERVISED_STAGES: z
    .string()
    .default("")
    .transform((v, ctx) => {
      const parsed = parseSupervisedStages(v);
      if (parsed.kind === "ok") return parsed.stages;
      ctx.addIssue({ code: "custom", message: parsed.reason });
      return z.NEVER;
    }),
  ...AUTH_SETTINGS,
  ...ALERT_SETTINGS,
});

/** The environment variables the bot reads (deployment files are checked against these). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(Schema.shape);

export type Config = z.infer<typeof Schema> & { mailFromAddress: string; mailDomain: string; trustedAuthservIds: string[] };

export class ConfigError extends Error {}

export function loadConfig(given: Record<string, string | undefined> = process.env): Config {
  // An empty variable is an unset one: compose's `${ALERT_EMAIL:-}` and an empty Helm value mean "not
  // set", not "set to nothing" (which no setting takes).
  const env = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== ""));
  const parsed = Schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  const c = parsed.data;
  const lacking = (AUTH_REQUIRES[c.MAIL_AUTH] ?? []).filter((group) => !group.some((k) => env[k]));
  if (lacking.length) {
    const lines = lacking.map((g) => `  ${g.join(" or ")}: required with MAIL_AUTH=${c.MAIL_AUTH}`);
    throw new ConfigError(`invalid configuration:\n${lines.join("\n")}`);
  }
  if (c.REDIS_CLUSTER_NODES && c.REDIS_SENTINELS) {
    throw new ConfigError("invalid configuration:\n  REDIS_CLUSTER_NODES: not together with REDIS_SENTINELS (a cluster fails over by itself): set one");
  }
  if (c.ENTRA_CERTIFICATE_FILE && !c.ENTRA_CERTIFICATE_THUMBPRINT) {
    throw new ConfigError("invalid configuration:\n  ENTRA_CERTIFICATE_THUMBPRINT: required with ENTRA_CERTIFICATE_FILE");
  }
  const mailFromAddress = (/<([^>]+)>/.exec(c.MAIL_FROM)?.[1] ?? c.MAIL_FROM).trim().toLowerCase();
  if (!/^[^@\s]+@[^@\s]+$/.test(mailFromAddress)) {
    throw new ConfigError(`invalid configuration:\n  MAIL_FROM: no address in "${c.MAIL_FROM}"`);
  }
  return {
    ...c,
    // On a Cluster the prefix is the index slot's hash tag (`{ab:}`): the lists, ledger, lookups and locks
    // are in that slot; each case's own keys get a tag of their own and each queue too (store-keys.ts,
    // queues.ts; README, "Redis that outgrows one host"). Single-node and Sentinel keep their key names.
    REDIS_PREFIX: c.REDIS_CLUSTER_NODES ? `{${c.REDIS_PREFIX}}` : c.REDIS_PREFIX,
    mailFromAddress,
    mailDomain: mailFromAddress.split("@")[1] ?? "localhost",
    trustedAuthservIds: c.TRUSTED_AUTHSERV_IDS.split(",").map((s) => s.trim()).filter(Boolean),
  };
}

/** Names the variables a command needs and the configuration lacks. */
export function requireConfig<K extends keyof Config>(c: Config, keys: K[]): Config & Required<Pick<Config, K>> {
  const missing = keys.filter((k) => c[k] === undefined || c[k] === "");
  if (missing.length) throw new ConfigError(`missing configuration: ${missing.join(", ")} (set in the environment)`);
  return c as Config & Required<Pick<Config, K>>;
}
