/**
 * `activation-bot replay`: moves every quarantined mail back to the inbox, after the cause was fixed
 * (a rules change, a new version). The running bot picks them up as new mail; a mail whose effects
 * were committed before is recognised by the ledger and changes nothing.
 */
import { connectImap, createImapClient } from "../adapters/imap/connect.js";
import { loadConfig, requireConfig } from "../config.js";
import { imapTls } from "../runtime/mail-settings.js";

export async function replayQuarantine(): Promise<void> {
  const config = requireConfig(loadConfig(), ["IMAP_URL"]);
  const client = createImapClient({ url: config.IMAP_URL, idleDelayMs: 0, autoIdle: false, tls: imapTls(config) });
  await connectImap(client, config.IMAP_URL);
  try {
    const lock = await client.getMailboxLock(config.IMAP_QUARANTINE_FOLDER);
    try {
      const uids = await client.search({ all: true }, { uid: true });
      const list = Array.isArray(uids) ? uids : [];
      if (list.length) await client.messageMove(list, config.IMAP_MAILBOX, { uid: true });
      console.log(`${list.length} mail(s) moved from ${config.IMAP_QUARANTINE_FOLDER} back to ${config.IMAP_MAILBOX}`);
    } finally {
      lock.release();
    }
  } finally {
    await client.logout();
  }
}
