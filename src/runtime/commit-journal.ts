/**
 * What this process committed and sent lately, kept in memory, so that a Redis restart that lost its
 * last writes (the host's power lost under `appendfsync everysec`: acknowledged is not yet on disk)
 * loses nothing this process knows of. Once the store guard sees Redis restarted (its run_id changed),
 * `restoreAfterRestart`:
 * 1. handles again, from its stored mail, each mail this process handled whose ledger entry is gone
 *    (the mailbox shows it handled, in Processed, while the store lost its effects); the ledger key
 *    makes that once, and the same case nonce and trigger give the same outbox keys and Message-IDs;
 * 2. marks sent each outbox entry this process sent whose send mark is gone, before it can go again;
 * 3. only then queues the outbox entries step 1 made again (an entry sent before is skipped).
 * The outbox worker also asks `wasSent` before every send: an entry this process sent whose mark
 * Redis lost is marked, never sent twice, even before the restart is noticed.
 *
 * What it cannot cover: commits and sends of a process that died with Redis's host. Under
 * `appendfsync always` (the README's setting) a restart loses nothing and this finds nothing to do.
 */

/**
 * How long a commit or a send is remembered: far beyond what `everysec` can lose (1–2 s) and the
 * store guard's check (every 2 s), so that a restart noticed late still finds what it lost.
 */
export const JOURNAL_MS = 120_000;
/** At most this many mails and sends each (a backlog at 100 mails/s for JOURNAL_MS is 12 000). */
export const JOURNAL_MAX = 20_000;

export class CommitJournal {
  private readonly mails = new Map<string, { blob: string; at: number }>();
  private readonly sends = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A mail handled: its ledger key and its stored bytes. */
  handled(mailKey: string, blob: string): void {
    this.mails.delete(mailKey);
    this.mails.set(mailKey, { blob, at: this.now() });
    this.prune(this.mails);
  }

  /** An outbox entry sent (or found in Sent) by this process. */
  sent(key: string): void {
    this.sends.delete(key);
    this.sends.set(key, this.now());
    this.prune(this.sends);
  }

  wasSent(key: string): boolean {
    const at = this.sends.get(key);
    return at !== undefined && this.now() - at <= JOURNAL_MS;
  }

  recentMails(): { key: string; blob: string }[] {
    const since = this.now() - JOURNAL_MS;
    return [...this.mails].filter(([, m]) => m.at >= since).map(([key, m]) => ({ key, blob: m.blob }));
  }

  recentSends(): string[] {
    const since = this.now() - JOURNAL_MS;
    return [...this.sends].filter(([, at]) => at >= since).map(([key]) => key);
  }

  /** Oldest first (insertion order): drops what is past JOURNAL_MS or beyond JOURNAL_MAX. */
  private prune<V>(map: Map<string, V>): void {
    const since = this.now() - JOURNAL_MS;
    for (const [key, v] of map) {
      const at = typeof v === "number" ? v : (v as { at: number }).at;
      if (at >= since && map.size <= JOURNAL_MAX) break;
      map.delete(key);
    }
  }
}

export interface RestoreDeps {
  /** Whether the ledger holds each of these mail keys. */
  ledgerHas(keys: string[]): Promise<boolean[]>;
  /** Handles a mail again from its blob (commits, no queueing); the outbox keys it made. */
  handleAgain(blob: string): Promise<string[]>;
  /** Marks an entry sent if the store holds it unsent; whether it did. */
  markSentAgain(key: string): Promise<boolean>;
  enqueueOutbox(keys: string[]): Promise<void>;
}

/** After a Redis restart: what of this process's recent commits and sends the store lost, restored. */
export async function restoreAfterRestart(journal: CommitJournal, deps: RestoreDeps): Promise<{ mails: number; sends: number }> {
  const mails = journal.recentMails();
  const known = mails.length ? await deps.ledgerHas(mails.map((m) => m.key)) : [];
  const lost = mails.filter((_, i) => !known[i]);
  const again: string[] = [];
  for (const m of lost) again.push(...(await deps.handleAgain(m.blob)));
  let sends = 0;
  for (const key of journal.recentSends()) if (await deps.markSentAgain(key)) sends++;
  await deps.enqueueOutbox(again);
  return { mails: lost.length, sends };
}
