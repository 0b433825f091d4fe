/**
 * rebuild-store (issue 20, `activation-bot rebuild`): a lost store restored from the mailbox, which
 * is the desk's durable record. The Sent folder names every case the bot wrote for and carries each
 * case's record (core/case/case-record.ts); Processed and the inbox hold every mail that came in.
 *
 * 1. Each case with a record in Sent is opened again as it was opened: same id, nonce, facts and time,
 *    so its first mail gets the key and Message-ID it had.
 * 2. Every received mail is handled again, oldest first, through the same pipeline as new mail, with
 *    the clock at its arrival: the thread, evidence, stage changes and answers follow as far as the
 *    mail shows. Same nonce, same trigger: the same outbox keys and Message-IDs.
 * 3. An outbox entry whose Message-ID is in Sent is marked sent (and filed): nothing is answered twice.
 *    One the Sent folder does not show is left to send only when it answers a mail still in the inbox
 *    (a mail never handled, or handled just before the loss); one that answers a mail already in
 *    Processed is withdrawn, not sent: the mail it answered was handled, and the team steps that may
 *    have changed its answer are not in the mailbox. Each case's timeline says what was withdrawn.
 *
 * Team steps, overrides, notes and accepted senders are not in the mailbox: a case whose Sent copies
 * show a later stage than its mail reaches says so (`stageInSent`), for the team to take up.
 */
import { openCase } from "../core/case/open-case.js";
import type { CaseRecord } from "../core/case/case-record.js";
import { decodeCaseRecord, openRequestOf } from "../core/case/case-record.js";
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import { highestCaseNumber } from "../core/mail/case-tag.js";
import type { Rules } from "../core/rules/rules.js";
import { STAGES } from "../core/types.js";
import type { Case, CaseId, StageId } from "../core/types.js";
import type { ComposeDeps } from "./compose-outbox.js";
import { composeOutbox } from "./compose-outbox.js";
import type { BlobStore, CaseRepository } from "./ports.js";
import type { ProcessMailDeps } from "./process-mail.js";
import { processMail } from "./process-mail.js";

/** One mail of the Sent folder, by its headers (adapters/imap/mailbox-archive.ts). */
export interface ArchivedSent {
  date: Date;
  messageId: string;
  inReplyTo: string;
  caseId: string;
  subject: string;
  record: string;
}

export interface ArchivedReceived {
  folder: "processed" | "inbox";
  uid: number;
  date: Date;
}

export interface RebuildMailbox {
  sent(): Promise<ArchivedSent[]>;
  received(): Promise<ArchivedReceived[]>;
  source(mail: ArchivedReceived): Promise<Buffer | null>;
}

export type RebuildStore = Pick<CaseRepository, "commit" | "getCase" | "markSent" | "markFiled" | "markAttempt" | "withdrawPending">;

export interface RebuildDeps {
  store: RebuildStore;
  rules: Rules;
  compose: ComposeDeps;
  blobs: BlobStore;
  /** The mail pipeline with its clock at `at`: a mail is handled again as at its arrival. */
  mailDeps(at: Date): ProcessMailDeps;
  mailbox: RebuildMailbox;
  /** The time of the rebuild (the attempts it records). */
  now(): Date;
}

export interface RebuiltCase {
  id: CaseId;
  stage: StageId;
  /** The latest stage a Sent copy of the case recorded, when later than `stage`. */
  stageInSent?: StageId;
  mails: number;
  sentFound: number;
  /** Answers to inbox mail not in Sent: sent by the bot. */
  pending: string[];
  /** Answers to Processed mail that Sent does not show: not sent. */
  withdrawn: string[];
}

export interface RebuildReport {
  cases: RebuiltCase[];
  /** Cases the Sent folder names without a record (copies filed by the server, or before records). */
  withoutRecord: CaseId[];
  mails: { handled: number; toCases: number; loose: number; gone: number };
  sentMails: number;
  /** The highest case number the mailbox shows: new case numbers continue above it. */
  highestCaseNumber: number;
}

function laterStage(a: StageId | undefined, b: StageId): StageId {
  return a === undefined || STAGES.indexOf(b) > STAGES.indexOf(a) ? b : a;
}

export async function rebuildStore(deps: RebuildDeps): Promise<RebuildReport> {
  const sent = await deps.mailbox.sent();
  const sentAt = new Map<string, Date>();
  const records = new Map<CaseId, CaseRecord>();
  const stageInSent = new Map<CaseId, StageId>();
  const named = new Set<CaseId>();
  for (const m of sent) {
    if (m.messageId && !sentAt.has(m.messageId)) sentAt.set(m.messageId, m.date);
    if (/^ACT-\d{6}$/.test(m.caseId)) named.add(m.caseId);
    const r = m.record ? decodeCaseRecord(m.record, deps.compose.secret) : null;
    if (!r) continue;
    // The first copy holds the case as opened; later ones tell how far it went.
    if (!records.has(r.id)) records.set(r.id, r);
    stageInSent.set(r.id, laterStage(stageInSent.get(r.id), r.stage));
  }
  const highest = highestCaseNumber([...sent.map((m) => m.subject), ...[...named].map((id) => `[${id}]`)]);

  const rebuilt = new Map<CaseId, RebuiltCase>();
  /** Marks the entries found in Sent as sent and filed; returns the others. */
  const settle = async (caseId: CaseId, entries: OutboxEntry[]): Promise<OutboxEntry[]> => {
    const out = rebuilt.get(caseId);
    const left: OutboxEntry[] = [];
    for (const e of entries) {
      const at = sentAt.get(e.messageId);
      if (!at) {
        left.push(e);
        continue;
      }
      await deps.store.markSent(e, "found in the Sent folder (rebuild)", at.toISOString());
      await deps.store.markFiled([e.key]);
      if (out) out.sentFound++;
    }
    return left;
  };

  for (const r of [...records.values()].sort((a, b) => a.openedAt.localeCompare(b.openedAt))) {
    const decision = openCase(r.id, openRequestOf(r), deps.rules, r.openedAt, "rebuild", r.nonce);
    const composed = await composeOutbox(deps.compose, decision.case, decision.checklist, decision.outbox, `open:${r.id}`, r.openedAt);
    const result = await deps.store.commit({
      before: null,
      case: composed.case,
      events: decision.events,
      outbox: composed.entries,
      messageIds: composed.entries.map((e) => e.messageId),
      looseFlags: [],
    });
    // A case there already: an earlier rebuild that stopped half-way opened it; the mail below resumes.
    rebuilt.set(r.id, { id: r.id, stage: decision.case.stage, mails: 0, sentFound: 0, pending: [], withdrawn: [] });
    if (result !== "committed") continue;
    // A case's first mail not in Sent was never sent (its record comes from a later copy): it goes now.
    const unsent = await settle(r.id, composed.entries);
    for (const e of unsent) rebuilt.get(r.id)?.pending.push(e.key);
  }

  const mails = { handled: 0, toCases: 0, loose: 0, gone: 0 };
  for (const ref of await deps.mailbox.received()) {
    const raw = await deps.mailbox.source(ref);
    if (!raw) {
      mails.gone++;
      continue;
    }
    const { id: blob } = await deps.blobs.put(raw);
    const outcome = await processMail(deps.mailDeps(ref.date), { blob });
    mails.handled++;
    if (outcome.kind !== "case") {
      if (outcome.kind === "loose") mails.loose++;
      continue;
    }
    mails.toCases++;
    const out = rebuilt.get(outcome.caseId);
    if (out) out.mails++;
    const unsent = await settle(outcome.caseId, outcome.outbox);
    if (!unsent.length) continue;
    if (ref.folder === "inbox") {
      out?.pending.push(...unsent.map((e) => e.key));
    } else {
      await deps.store.withdrawPending(unsent.map((e) => e.key));
      out?.withdrawn.push(...unsent.map((e) => e.key));
    }
  }

  // Every entry still to send is looked for in Sent once more before it goes (send-outbox.ts).
  const attempted = deps.now().toISOString();
  for (const c of rebuilt.values()) for (const key of c.pending) await deps.store.markAttempt(key, attempted);

  const cases: RebuiltCase[] = [];
  for (const c of rebuilt.values()) {
    const now: Case | null = await deps.store.getCase(c.id);
    const stage = now?.stage ?? c.stage;
    const inSent = stageInSent.get(c.id);
    cases.push({ ...c, stage, ...(inSent && STAGES.indexOf(inSent) > STAGES.indexOf(stage) ? { stageInSent: inSent } : {}) });
  }
  return {
    cases,
    withoutRecord: [...named].filter((id) => !records.has(id)).sort(),
    mails,
    sentMails: sent.length,
    highestCaseNumber: highest,
  };
}
