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
  /** Appends the sent copy to the Sent folder; a failure there is logged, not retried as a send. */
  appendSent(raw: Buffer): Promise<void>;
  onAppendError(err: unknown, entry: OutboxEntry): void;
}

export type SendOutcome = { kind: "sent"; entry: OutboxEntry } | { kind: "skipped"; reason: string };

export async function sendOutboxEntry(deps: SendOutboxDeps, key: string): Promise<SendOutcome> {
  const entry = await deps.store.outboxEntry(key);
  if (!entry) return { kind: "skipped", reason: `no outbox entry ${key}` };
  if (entry.status === "sent") return { kind: "skipped", reason: "already sent" };
  const { raw, response } = await deps.send(entry);
  await deps.store.markSent(entry, response, deps.clock.now().toISOString());
  await deps.appendSent(raw).catch((err: unknown) => deps.onAppendError(err, entry));
  return { kind: "sent", entry };
}
