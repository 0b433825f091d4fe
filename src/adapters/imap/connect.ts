/** ImapFlow clients from an `imap[s]://user:pass@host:port` URL. */
import { ImapFlow } from "imapflow";

export interface ImapOptions {
  url: string;
  /** ms of quiet before imapflow enters IDLE on its own; low, so new mail is pushed at once. */
  idleDelayMs: number;
  autoIdle: boolean;
}

export function createImapClient(opts: ImapOptions): ImapFlow {
  const u = new URL(opts.url);
  const secure = u.protocol === "imaps:";
  return new ImapFlow({
    host: u.hostname,
    port: Number(u.port) || (secure ? 993 : 143),
    secure,
    auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) },
    logger: false,
    disableAutoIdle: !opts.autoIdle,
    autoIdleDelay: opts.idleDelayMs,
    // Re-issue IDLE every few minutes: some NATs and servers drop connections idle for longer.
    maxIdleTime: 4 * 60_000,
    connectionTimeout: 10_000,
  });
}

/** Creates the folder if it does not exist yet (ALREADYEXISTS is fine). */
export async function ensureFolder(client: ImapFlow, path: string): Promise<void> {
  const list = await client.list();
  if (!list.some((m) => m.path === path)) await client.mailboxCreate(path);
}
