/**
 * file-sent-copies: the Sent folder gets a copy of every answer, even when the process died before
 * filing it. An answer's copy waits in memory after the send (copies are batched, mailbox-ops.ts), so a
 * crash there, or a Sent folder that refused it, would lose it; the store lists every sent entry as
 * unfiled until its copy is stored. The leader looks for copies still unfiled well after their send
 * and files them again, rebuilt from the outbox entry (same Message-ID, Date and body), unless the
 * folder already holds that Message-ID (a copy stored just before the crash).
 */
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import type { CaseRepository, Clock } from "./ports.js";

/** A copy is looked for this long after its send: a live process files its own within seconds. */
export const SENT_COPY_GRACE_MS = 10 * 60_000;
/** Entries looked at per round; the rest wait for the next one. */
const MAX_PER_ROUND = 100;

export interface FileSentCopiesDeps {
  store: Pick<CaseRepository, "unfiledSentCopies" | "outboxEntry" | "markFiled">;
  clock: Clock;
  /** The answer as it was sent (SmtpSender.compose). */
  compose(entry: OutboxEntry): Promise<Buffer>;
  sentFolder: { has(messageId: string): Promise<boolean>; append(raw: Buffer): Promise<void> };
}

/**
 * Files the copies still unfiled SENT_COPY_GRACE_MS after their send. Throws on the first copy that
 * cannot be checked or stored; it stays unfiled for the next round. Counts what it did: `filed`
 * again, already `present` in the folder, or `gone` (no outbox entry to rebuild the copy from: it is
 * taken off the list, since no later round could do better).
 */
export async function fileUnfiledSentCopies(deps: FileSentCopiesDeps): Promise<{ filed: number; present: number; gone: number }> {
  const keys = await deps.store.unfiledSentCopies(deps.clock.now().getTime() - SENT_COPY_GRACE_MS, MAX_PER_ROUND);
  const count = { filed: 0, present: 0, gone: 0 };
  for (const key of keys) {
    const entry = await deps.store.outboxEntry(key);
    if (!entry) count.gone++;
    else if (await deps.sentFolder.has(entry.messageId)) count.present++;
    else {
      await deps.sentFolder.append(await deps.compose(entry));
      count.filed++;
    }
    await deps.store.markFiled([key]);
  }
  return count;
}
