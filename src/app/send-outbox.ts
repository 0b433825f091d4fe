/**
 * send-outbox: delivers one outbox entry. Idempotent: an entry already marked sent is skipped. The
 * Message-ID is fixed in the entry. A send is recorded as begun before it starts; an entry whose last
 * send has no known outcome (the process died, Redis lost the mark) is looked up in the Sent folder
 * first, and one found there is marked sent, not sent again. What is left is a crash between the SMTP
 * server's acceptance and the mark, before the copy reached Sent: the same mail again, which clients
 * thread as one.
 */
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import type { CaseRepository, Clock } from "./ports.js";

export interface SendOutboxDeps {
  store: CaseRepository;
  clock: Clock;
  send(entry: OutboxEntry): Promise<{ raw: Buffer; response: string }>;
  /**
   * Hands the sent copy to the Sent folder. It is filed in the background (copies are batched), so
   * this resolves once the copy is taken, which may wait while many are pending. A copy that cannot
   * be filed is the adapter's to report; it is never a reason to send again.
   */
  fileSentCopy(raw: Buffer, entry: OutboxEntry): Promise<void>;
  /** Whether the Sent folder holds a mail with this Message-ID; absent, no look before a resend. */
  sentFolderHas?(messageId: string): Promise<boolean>;
  /**
   * Asks the relay's recipient budget whether this entry may go now: 0 yes, else how many ms to wait
   * (the entry is put off, never dropped). Absent: no budget.
   */
  admit?(entry: OutboxEntry): Promise<number>;
}

export type SendOutcome =
  | { kind: "sent"; entry: OutboxEntry }
  /** An earlier send of unknown outcome was delivered: its copy is in the Sent folder. */
  | { kind: "found_in_sent"; entry: OutboxEntry }
  /** The recipient budget is spent: ask again after `waitMs`. */
  | { kind: "waiting"; entry: OutboxEntry; waitMs: number }
  | { kind: "skipped"; reason: string };

/** An SMTP reply refused the mail (a 4xx/5xx code): nothing was delivered. */
function refusedByServer(err: unknown): boolean {
  const code = (err as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === "number" && code >= 400;
}

export async function sendOutboxEntry(deps: SendOutboxDeps, key: string): Promise<SendOutcome> {
  const entry = await deps.store.outboxEntry(key);
  // Not found is not gone for good: a read from a node that has not caught up yet (a Redis Cluster
  // master restarted after a failover) finds nothing, so the entry stays on the pending list.
  if (!entry) return { kind: "skipped", reason: `no outbox entry ${key}` };
  // A sent entry has no place on the pending list: it leaves it (a step applied again after a Redis
  // Cluster failover can put a sent entry back there, slot-steps.ts), and nothing is sent.
  if (entry.status === "sent") {
    await deps.store.withdrawPending([key]);
    return { kind: "skipped", reason: "already sent" };
  }
  // A draft goes once a team member sends it (the commit then makes it pending); a discarded one never.
  if (entry.status === "draft") return { kind: "skipped", reason: "a draft: it waits for a team member to send it" };
  if (entry.status === "discarded") return { kind: "skipped", reason: "a discarded draft" };
  const now = deps.clock.now().toISOString();
  if (entry.attemptedAt && deps.sentFolderHas && (await deps.sentFolderHas(entry.messageId))) {
    await deps.store.markSent(entry, `found in the Sent folder (a send begun ${entry.attemptedAt} was delivered)`, now);
    return { kind: "found_in_sent", entry };
  }
  const waitMs = deps.admit ? await deps.admit(entry) : 0;
  if (waitMs > 0) return { kind: "waiting", entry, waitMs };
  await deps.store.markAttempt(entry.key, now);
  let sent: { raw: Buffer; response: string };
  try {
    sent = await deps.send(entry);
  } catch (err) {
    if (refusedByServer(err)) await deps.store.markAttempt(entry.key, null);
    throw err;
  }
  const { raw, response } = sent;
  await deps.store.markSent(entry, response, deps.clock.now().toISOString());
  await deps.fileSentCopy(raw, entry);
  return { kind: "sent", entry };
}
