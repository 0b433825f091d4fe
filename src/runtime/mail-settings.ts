/**
 * The mailbox settings the IMAP and SMTP adapters take, read from the configuration: trusted CAs,
 * folder names, who files the Sent copy, and the connection bound. One place, so `run`, `replay`
 * and `mailbox check` connect the same way.
 */
import type { Logger } from "pino";
import type { FolderNames } from "../adapters/imap/folders.js";
import type { TlsTrust } from "../adapters/tls/tls-trust.js";
import { readCaFile } from "../adapters/tls/tls-trust.js";
import type { Config } from "../config.js";
import { ConfigError } from "../config.js";

/** Hosts that store every SMTP submission in the Sent folder themselves (Gmail; Exchange Online). */
const SERVER_FILES_SENT_COPY = [/(^|\.)gmail\.com$/i, /(^|\.)googlemail\.com$/i, /(^|\.)office365\.com$/i, /(^|\.)outlook\.com$/i];

/** Hosts of Exchange Online, which allows 20 IMAP connections per mailbox (Gmail allows 15, the default elsewhere). */
const EXCHANGE_ONLINE = [/(^|\.)office365\.com$/i, /(^|\.)outlook\.com$/i];

/** The bound on IMAP connections: IMAP_MAX_CONNECTIONS, else the provider's limit by the IMAP host. */
export function imapMaxConnections(config: Pick<Config, "IMAP_MAX_CONNECTIONS" | "IMAP_URL">): number {
  if (config.IMAP_MAX_CONNECTIONS !== undefined) return config.IMAP_MAX_CONNECTIONS;
  const host = config.IMAP_URL ? new URL(config.IMAP_URL).hostname : "";
  return EXCHANGE_ONLINE.some((re) => re.test(host)) ? 20 : 15;
}

/** IMAP connections one `run` holds: the watcher, and per worker process one for moves and one for Sent copies. */
export function imapConnectionsNeeded(config: Pick<Config, "WORKER_PROCESSES"> & Partial<Pick<Config, "OUTBOX_PROCESS">>): number {
  return 1 + 2 * (config.WORKER_PROCESSES + (config.OUTBOX_PROCESS ? 1 : 0));
}

function trust(config: Config, setting: "IMAP_CA_FILE" | "SMTP_CA_FILE"): TlsTrust {
  const file = config[setting] ?? config.TLS_CA_FILE;
  const name = config[setting] ? setting : "TLS_CA_FILE";
  return { rejectUnauthorized: config.TLS_VERIFY, ...(file ? { ca: readCaFile(file, name) } : {}) };
}

export function imapTls(config: Config): TlsTrust {
  return trust(config, "IMAP_CA_FILE");
}

export function smtpTls(config: Config): TlsTrust {
  return trust(config, "SMTP_CA_FILE");
}

export function folderNames(config: Config): FolderNames {
  return { processed: config.IMAP_PROCESSED_FOLDER, quarantine: config.IMAP_QUARANTINE_FOLDER, sent: config.IMAP_SENT_FOLDER };
}

/** Whether the bot APPENDs its sent mail to the Sent folder (IMAP_SENT_COPY; `auto`: unless the server files it). */
export function botFilesSentCopy(config: Config): boolean {
  if (config.IMAP_SENT_COPY !== "auto") return config.IMAP_SENT_COPY === "append";
  const host = config.IMAP_URL ? new URL(config.IMAP_URL).hostname : "";
  return !SERVER_FILES_SENT_COPY.some((re) => re.test(host));
}

/** Start-up checks of the mailbox settings: an error for what cannot work, a warning for what is unsafe. */
export function checkMailSettings(config: Config, log: Logger): void {
  const needed = imapConnectionsNeeded(config);
  const max = imapMaxConnections(config);
  if (needed > max) {
    throw new ConfigError(
      `IMAP_MAX_CONNECTIONS: ${config.WORKER_PROCESSES} worker processes need ${needed} IMAP connections, more than the ${max} allowed ` +
        `(Exchange Online allows 20 per mailbox, Gmail 15): lower WORKER_PROCESSES or raise IMAP_MAX_CONNECTIONS if the server allows more`,
    );
  }
  if (!config.TLS_VERIFY) {
    log.warn("TLS_VERIFY=false: IMAP and SMTP server certificates are not checked; anyone on the path can read the mailbox. Use IMAP_CA_FILE / SMTP_CA_FILE instead");
  }
}
