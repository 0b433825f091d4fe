/**
 * send-outbox: delivers one outbox entry. Idempotent: an entry already marked sent is skipped. The
 * Message-ID is fixed in the entry, so the narrow window between the SMTP server's acceptance and
 * the mark (a crash there) can only repeat the same mail, which clients thread as one.
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
}

export type SendOutcome = { kind: "sent"; entry: OutboxEntry } | { kind: "skipped"; reason: string };

export async function sendOutboxEntry(deps: SendOutboxDeps, key: string): Promise<SendOutcome> {
  const entry = await deps.store.outboxEntry(key);
  if (!entry) return { kind: "skipped", reason: `no outbox entry ${key}` };
  if (entry.status === "sent") return { kind: "skipped", reason: "already sent" };
  const { raw, response } = await deps.send(entry);
  await deps.store.markSent(entry, response, deps.clock.now().toISOString());
  await deps.fileSentCopy(raw, entry);
  return { kind: "sent", entry };
}
