/**
 * Ports: the capabilities use cases get passed in (STYLE §5). Adapters under src/adapters implement
 * them; tests of use cases may pass fakes of pure ports only.
 */
import type { Readable } from "node:stream";
import type { ArchiveRecord, ArchivedAnswer } from "../core/case/archive.js";
import type { CaseListKey, CaseSummary } from "../core/case/case-summary.js";
import type { Checklist } from "../core/case/checklist.js";
import type { MailEvidence, SendCounts } from "../core/case/decide.js";
import type { OutboxEntry, OutboxStatus } from "../core/case/outbox-entry.js";
import type { OutboxIntent } from "../core/case/outbox-intent.js";
import type { OverviewReading } from "../core/case/overview.js";
import type { FormDef, PhotoLimits } from "../core/evidence/schema.js";
import type { MeasuredPhoto } from "../core/evidence/photo-verdict.js";
import type { Rules } from "../core/rules/rules.js";
import type { Case, CaseEvent, CaseId, Flag, FlagCode, Locale, MailFacts, StageId } from "../core/types.js";

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
  /**
   * Stores a raw mail once with its attachments: its large base64 bodies that the walk stored as blobs
   * become references (reads still give the exact bytes). Returns the bytes saved. Optional.
   */
  compactMail?(id: string): Promise<number>;
  /**
   * Derived blobs: what a conversion made of a blob (the viewer's upright JPEG), kept under the source's
   * id and the conversion's name (its version and parameters), so each is made once; `remove` of the
   * source deletes them too. Optional: without them the conversion runs on every request.
   */
  getDerived?(source: string, conversion: string): Promise<Buffer | null>;
  /** Keeps a derived blob; a source deleted meanwhile (erasure, retention) keeps none. */
  putDerived?(source: string, conversion: string, bytes: Buffer): Promise<void>;
}

/**
 * The overview's figures as the store's indexes hold them (adapters/redis/overview-store.ts): counts,
 * the oldest and median entry times per stage, week counters, reply lags. Never reads a case.
 */
export interface OverviewSource {
  overviewReading(q: { now: number; stages: readonly StageId[]; weeks: string[]; flagCodes: readonly FlagCode[] }): Promise<OverviewReading>;
}

/**
 * The desk's views of a case's attachments (adapters/image/viewable-photo.ts, adapters/mime/mail-html.ts):
 * read from the blob store on request; only the viewable photo is kept, as a derived blob.
 */
export interface AttachmentViews {
  /** The photo upright (EXIF orientation applied), HEIC as JPEG, bounded in size. */
  viewablePhoto(blob: string): Promise<ViewablePhoto>;
  /** The name of that conversion, its version and parameters: its output is kept as a derived blob under it. */
  viewableConversion: string;
  /** When and with which camera the photo was taken, as far as its EXIF says. */
  photoExif(blob: string): Promise<PhotoExif>;
  /** The HTML part of a stored raw mail, and its inline parts by Content-ID. */
  mailHtml(blob: string): Promise<MailHtml>;
  /** The HTML made safe to show: see adapters/mime/sanitise-mail-html.ts. */
  sanitiseHtml(html: string, opts: { partUrl(contentId: string): string | null; placeholder: string }): Promise<string>;
}

export type ViewablePhoto =
  | { kind: "ok"; bytes: Buffer; contentType: "image/jpeg" | "image/png" | "image/webp"; width: number; height: number }
  | { kind: "unreadable"; detail: string };

export interface PhotoExif {
  /** DateTimeOriginal as the camera wrote it (local time, no zone): `YYYY-MM-DDTHH:MM:SS`. */
  takenAt: string | null;
  make: string | null;
  model: string | null;
}

export interface MailHtml {
  /** The HTML part as sent; null when the mail has none, or it is over the size bound. */
  html: string | null;
  /** Content-ID (without brackets) → the part's blob id (the ingest step stored it so) and its type. */
  inline: Map<string, { blob: string; contentType: string }>;
}

export interface Clock {
  now(): Date;
}

/** Mail texts from templates/ (adapters/files/templates.ts). */
export interface Renderer {
  /** The thread's subject without tag or Re:, in the case's language. */
  subject(c: Pick<Case, "site" | "locale">): string;
  render(intent: OutboxIntent, c: Case, checklist: Checklist): { text: string; html: string };
  /** A text a team member wrote in place of a rendered one (an edited draft), as both parts, framed as templates are. */
  renderEdited(text: string): { text: string; html: string };
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

/** Where a page of the work queue ends: the score of its last row's group, and its member. */
export interface WorkCursor {
  score: number;
  id: string;
}

/** A scan of the work queue's index (core/case/work-items.ts `workIndex`). */
export interface WorkScan {
  order: "since" | "bystage";
  desc: boolean;
  /** Filter keys without the `work:f:` prefix, e.g. `owner:maja`, `stage:open`. */
  filters: string[];
  after: WorkCursor | null;
  limit: number;
}

/**
 * A scan of the cases that remind, by where their reminder plan starts (`work:activity`, or by stage
 * order then that time, `work:activity:bystage`), within score ranges: the work queue's cases close to
 * escalation, one page from a cursor.
 */
export interface ActivityScan {
  order: "since" | "bystage";
  /** Inclusive score ranges, each ascending, read one after another (backwards when `desc`). */
  ranges: { from: number; to: number }[];
  desc: boolean;
  /** The page starts after this; a member's place in that order is its id with `idSuffix` appended. */
  after: WorkCursor | null;
  idSuffix: string;
  limit: number;
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
  /** Supervised mode's drafts (core/case/drafts.ts) held, changed, sent or discarded by this commit. */
  drafts?: DraftChanges;
}

/** What a commit does to drafts: each applies only to an entry that is (or, for `hold`, becomes) a draft. */
export interface DraftChanges {
  /** Keys of this commit's outbox entries held as drafts instead of being sent. */
  hold?: string[];
  /** Drafts whose text a team member changed: the entry as it is to go out. */
  edit?: OutboxEntry[];
  /** Drafts released to the outbox, to be sent as any entry. */
  release?: string[];
  /** Drafts discarded: kept, marked so, and taken off the loop guard's send logs. */
  discard?: string[];
}

export interface MatchLookup {
  ledger: string | null;
  knownMessageIds: Map<string, CaseId>;
  existingCases: Set<CaseId>;
}

/** A hot case as archiving reads it: the case at `version`, its timeline and every outbox entry. */
export interface ArchiveSource {
  case: Case;
  version: number;
  events: CaseEvent[];
  outbox: ArchivedAnswer[];
  /** Every outbox key of the case (its send log), read with the rest. */
  outboxKeys: string[];
  /** An answer is not sent yet, or its Sent copy not filed: the case waits for the next round. */
  unsettled: boolean;
}

/** An archived case as stored: its record and the version that guards changes to it. */
export interface ArchiveState {
  record: ArchiveRecord;
  version: number;
}

/** The archive of closed cases (adapters/redis/case-archive.ts, core/case/archive.ts). */
export interface ArchiveRepository {
  /** Hot closed cases closed at or before `closedBefore` (ms), oldest first, at most `max`. */
  archiveDue(closedBefore: number, max: number): Promise<CaseId[]>;
  archiveSource(id: CaseId): Promise<ArchiveSource | null>;
  /** Moves the case into its record, atomically with its indexes, if it is still as `read` saw it. */
  archiveCase(record: ArchiveRecord, read: ArchiveSource): Promise<"archived" | "already" | "changed" | "unsettled">;
  /** The archived case, or null when it is hot (or unknown). */
  archivedCase(id: CaseId): Promise<ArchiveState | null>;
  isArchived(id: CaseId): Promise<boolean>;
  /** Back to the hot store: case, timeline, answers and indexes, in one atomic change. */
  restoreCase(state: ArchiveState, restored: { case: Case; events: CaseEvent[] }, closedSince: number | null): Promise<"restored" | "not_archived" | "changed">;
  /** Archived cases that still keep their blobs, archived at or before `archivedBefore` (ms). */
  blobsDue(archivedBefore: number, max: number): Promise<CaseId[]>;
  /** Writes the record without blobs and releases the case's blobs; returns those no case refers to any more. */
  dropCaseBlobs(state: ArchiveState, without: ArchiveRecord, blobs: string[]): Promise<{ kind: "dropped"; unreferenced: string[] } | { kind: "changed" }>;
  /** Blobs left unreferenced and not yet deleted (a crash came between). */
  unlinkPending(max: number): Promise<string[]>;
  blobReferenced(blob: string): Promise<boolean>;
  blobsUnlinked(blobs: string[]): Promise<void>;
}

/** Cases, timelines, flags, the outbox and the mail ledger (adapters/redis/case-store.ts). */
export interface CaseRepository extends ArchiveRepository {
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
  /** A page of the cases with something to do, from the work queue's index. */
  workScan(q: WorkScan): Promise<{ items: { summary: CaseSummary; score: number }[]; more: boolean }>;
  /** A page of the open flags tied to no case, scored by when they were raised (ms). */
  looseFlagScan(q: Omit<WorkScan, "order" | "filters">): Promise<{ items: { flag: Flag; score: number }[]; more: boolean }>;
  /** One page of the cases that remind within the scan's ranges, with their summaries and scores. */
  activityScan(q: ActivityScan): Promise<{ items: { summary: CaseSummary; score: number }[]; more: boolean }>;
  /** Cases with something to do, and open flags tied to no case. */
  countWork(): Promise<{ cases: number; loose: number }>;
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
  /** Takes entries off the pending list, so that nobody sends them (rebuild; an entry found gone or sent). */
  withdrawPending(keys: string[]): Promise<void>;
  /** Records that a send of the entry begins now (null: the last one was refused, so none is open). */
  markAttempt(key: string, at: string | null): Promise<void>;
  /** Marks an entry sent (once) and lists it as unfiled until `markFiled`: its copy is not in the Sent folder yet. */
  markSent(entry: OutboxEntry, response: string, at: string): Promise<boolean>;
  /** The Sent folder has these entries' copies. */
  markFiled(keys: string[]): Promise<void>;
  /**
   * Erasure: every outbox entry sent to `email` gets `pseudonym` in its place and loses its text and
   * HTML; one not sent yet is deleted (never sent); the per-recipient send log of `email` is deleted.
   * Returns how many sent entries were rewritten, and the case of each unsent one deleted.
   */
  eraseRecipient(email: string, pseudonym: (caseId: CaseId) => string): Promise<{ rewritten: number; cancelled: CaseId[] }>;
  /** Up to `max` entries sent before `sentBefore` (ms) whose copies were never filed, oldest first. */
  unfiledSentCopies(sentBefore: number, max: number): Promise<string[]>;
}

/** One change of a run-time setting, as the settings log keeps it: what, to which value, who, when. */
export interface SettingChange {
  setting: string;
  value: string;
  by: string;
  at: string;
}

/**
 * Settings an admin changes at run time from the desk's Settings page (adapters/redis/settings-store.ts),
 * taking precedence over the environment's default; every change is logged with who made it.
 */
export interface SettingsRepository {
  /** The stored value of a setting and its last change, or null when no admin set it (the default applies). */
  get(setting: string): Promise<SettingChange | null>;
  /** Stores the value and appends the change to the log, in one step. */
  set(change: SettingChange): Promise<void>;
  /** The newest changes first, at most `limit`. */
  log(limit: number): Promise<SettingChange[]>;
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
