/**
 * Ports: the capabilities use cases get passed in (STYLE §5). Adapters under src/adapters implement
 * them; tests of use cases may pass fakes of pure ports only.
 */
import type { Readable } from "node:stream";
import type { CaseListKey, CaseSummary } from "../core/case/case-summary.js";
import type { Checklist } from "../core/case/checklist.js";
import type { MailEvidence, SendCounts } from "../core/case/decide.js";
import type { OutboxEntry, OutboxStatus } from "../core/case/outbox-entry.js";
import type { OutboxIntent } from "../core/case/outbox-intent.js";
import type { FormDef, PhotoLimits } from "../core/evidence/schema.js";
import type { MeasuredPhoto } from "../core/evidence/photo-verdict.js";
import type { Rules } from "../core/rules/rules.js";
import type { Case, CaseEvent, CaseId, Flag, Locale, MailFacts } from "../core/types.js";

/** Content-addressed file store under STORAGE_DIR. Ids are `sha256-<hex>`. */
export interface BlobStore {
  /** Streams `source` to the store; returns its id and size. Idempotent: same bytes, same id. */
  put(source: Readable | Buffer): Promise<{ id: string; size: number }>;
  /** Like put, but stops reading and discards the blob past `maxBytes` (returns `too_large`). */
  putBounded(
    source: Readable,
    maxBytes: number,
  ): Promise<{ kind: "ok"; id: string; size: number } | { kind: "too_large"; size: number }>;
  get(id: string): Promise<Buffer>;
  stream(id: string): Readable;
  /** The bytes when the blob is at most `maxBytes` long, else a stream of them (not held in memory). */
  open(id: string, maxBytes: number): Promise<Buffer | Readable>;
  /** Absolute path of the blob file, for libraries that want a path (sharp, pdf). */
  path(id: string): string;
  has(id: string): Promise<boolean>;
  /** Deletes a blob (erasure, retention); no error when it is gone already. Optional: a store without it cannot erase. */
  remove?(id: string): Promise<void>;
}

export interface Clock {
  now(): Date;
}

/** Mail texts from templates/ (adapters/files/templates.ts). */
export interface Renderer {
  /** The thread's subject without tag or Re:, in the case's language. */
  subject(c: Pick<Case, "site" | "locale">): string;
  render(intent: OutboxIntent, c: Case, checklist: Checklist): { text: string; html: string };
  itemTitle(locale: Locale, id: string): string;
}

/** The document and image libraries, as the evidence checks need them (adapters/pdf, adapters/image). */
export interface EvidenceTools {
  measurePhoto(path: string, limits: PhotoLimits): Promise<MeasuredPhoto & { thumbnail?: Buffer }>;
  readFormPdf(bytes: Uint8Array, forms: FormDef[]): Promise<ReadFormResult>;
}

export type ReadFormResult =
  | { kind: "ok"; form: string; fields: Record<string, string>; source: "acroform" | "text" }
  | { kind: "encrypted" | "corrupt" | "not_a_form" | "unreadable"; detail: string };

/** Reads forms, photos and MAC addresses from a mail's attachments and text (SPEC §3). */
export interface EvidenceReader {
  read(mail: MailFacts, c: Case, rules: Rules): Promise<Omit<MailEvidence, "answers">>;
}

/** One page of case summaries; `next` continues below the last one (null: the last page). */
export interface SummaryPage {
  items: CaseSummary[];
  next: number | null;
}

export type CommitResult = "committed" | "already_handled" | "conflict";

export interface Commit {
  /** The case as read before deciding (its version guards the write), or null for a new case. */
  before: Pick<Case, "id" | "version"> | null;
  case?: Case;
  events: CaseEvent[];
  outbox: OutboxEntry[];
  /** Incoming mail handled by this commit, with how; nothing is written if it was handled before. */
  mail?: { key: string; outcome: string };
  messageIds: string[];
  looseFlags: Flag[];
  /** Canonical MAC addresses accepted for the case, claimed in the cross-case index. */
  macs?: string[];
  /** The case's whole timeline rewritten (erasure), before `events` are appended. */
  replaceEvents?: CaseEvent[];
}

export interface MatchLookup {
  ledger: string | null;
  knownMessageIds: Map<string, CaseId>;
  existingCases: Set<CaseId>;
}

/** Cases, timelines, flags, the outbox and the mail ledger (adapters/redis/case-store.ts). */
export interface CaseRepository {
  nextCaseId(): Promise<CaseId>;
  getCase(id: CaseId): Promise<Case | null>;
  caseExists(id: CaseId): Promise<boolean>;
  /** Every case, read whole: for tools over the whole store (reindex, erase), never a request path. */
  listCases(): Promise<Case[]>;
  events(id: CaseId): Promise<CaseEvent[]>;
  /** Every loose flag, resolved ones included: for tests and tools, never a request path. */
  looseFlags(): Promise<Flag[]>;
  looseFlag(flagId: string): Promise<Flag | null>;
  /** The newest `limit` unresolved flags tied to no case, and how many there are. */
  openLooseFlags(limit: number): Promise<{ flags: Flag[]; total: number }>;
  /** One page of a case list, newest case first, below `after` (a page's `next`; null: from the top). */
  listPage(list: CaseListKey, after: number | null, limit: number): Promise<SummaryPage>;
  countList(list: CaseListKey): Promise<number>;
  /** One page of the cases that carry every search term (core/case/case-summary.ts `queryTerm`). */
  searchPage(terms: string[], after: number | null, limit: number): Promise<SummaryPage>;
  /** Marks a flag tied to no case resolved; false when there is no such open flag. */
  resolveLooseFlag(flagId: string, resolved: NonNullable<Flag["resolved"]>): Promise<boolean>;
  /**
   * What matching a mail needs, in one round trip: the ledger's outcome for `mailKey` (null: not
   * handled, or no key given), the case each known Message-ID belongs to, and which of `caseIds` exist.
   */
  matchLookup(q: { mailKey: string | null; messageIds: string[]; caseIds: string[] }): Promise<MatchLookup>;
  /** The case each MAC address was first accepted for. */
  macOwners(macs: string[]): Promise<Map<string, CaseId>>;
  /** One atomic, idempotent change: case, events, outbox, mail ledger, indexes. */
  commit(c: Commit): Promise<CommitResult>;
  /** A case with what the loop guard counts (answers sent by `now`), in one round trip. */
  caseWithSendCounts(caseId: CaseId, recipients: string[], now: number): Promise<{ case: Case | null; sent: SendCounts }>;
  outboxEntry(key: string): Promise<(OutboxEntry & OutboxStatus) | null>;
  pendingOutbox(): Promise<string[]>;
  /** Records that a send of the entry begins now (null: the last one was refused, so none is open). */
  markAttempt(key: string, at: string | null): Promise<void>;
  /** Marks an entry sent (once) and lists it as unfiled until `markFiled`: its copy is not in the Sent folder yet. */
  markSent(entry: OutboxEntry, response: string, at: string): Promise<boolean>;
  /** The Sent folder has these entries' copies. */
  markFiled(keys: string[]): Promise<void>;
  /**
   * Erasure: every outbox entry sent to `email` gets `pseudonym` in its place and loses its text and
   * HTML, and the per-recipient send log of `email` is deleted. Returns how many entries were changed.
   */
  eraseRecipient(email: string, pseudonym: (caseId: CaseId) => string): Promise<number>;
  /** Up to `max` entries sent before `sentBefore` (ms) whose copies were never filed, oldest first. */
  unfiledSentCopies(sentBefore: number, max: number): Promise<string[]>;
}

/** The DMARC verdict on a mail, from a trusted Authentication-Results header or the bot's own check. */
export interface AuthVerdict {
  dmarc: "pass" | "fail" | "none" | "unknown";
  header?: string;
}

/**
 * What the HTTP side needs of the process's metrics: the registry it serves on /metrics and the
 * counters it moves. The runtime's prom-client `Metrics` satisfies it.
 */
export interface DeskMetrics {
  registry: { metrics(): Promise<string>; readonly contentType: string };
  uiLoginsRefused: { inc(labels: { reason: string }): void };
}

/**
 * An operator alert: a failure the desk's operator (not the commissioning team) must act on — the
 * mailbox login refused or no token to be had, the store lost, a client secret about to expire, the
 * SMTP recipient budget spent. Shown as a banner on every review-desk page, in /readyz, as the metric
 * `activation_bot_operator_alert{cause,severity}`, and (critical ones) mailed to ALERT_EMAIL.
 */
export interface OperatorAlert {
  /** What the alert is about, stable: `mailbox_login`, `store_lost`, `secret_expiring:<SETTING>`, `smtp_budget`. */
  cause: string;
  /** critical: the bot cannot do its work (not ready, mailed); warning: it can, for now. */
  severity: "critical" | "warning";
  /** The failure's own code (the provider's AADSTS…, invalid_client, store_lost, …). */
  code: string;
  /** What failed, in words. */
  message: string;
  /** What to do about it, in words. */
  fix: string;
  /** Since when (ISO 8601). */
  since: string;
}
