/**
 * Glossary — one name per concept, the same in code, rules, templates, UI and docs.
 *
 * case            One site activation, tracked as one email thread. Id `ACT-` + 6 digits.
 * stage           Where a case stands in the process (SPEC §5): open → (site_readiness → site_ready) →
 *                 commissioning → configuration → ready_for_activation → activated → closed.
 *                 Defined as data in `rules/stages.yaml`.
 * checklist item  One requirement of a stage, with a stable id (`account.flex_billing`). Its state is
 *                 `missing`, `ok`, `failed (reason)` or `overridden (by whom, why)`. A team step is an
 *                 item only a team member satisfies (confirm / send back), e.g. `account.verified`.
 * checklist       The rules evaluated against all evidence of a case so far.
 * evidence        What a mail brought that bears on checklist items: an answer read from the reply text,
 *                 a form, a photo, a MAC address.
 * answer          One checklist item's value read from a reply text: `ok`, `negative` or `unclear`.
 * flag            A reason a human must look at a case (or at a mail tied to no case). An overlay: a
 *                 flagged case stays in its stage. Worked in the flagged queue.
 * event           One line of a case's timeline: mail in, mail out, stage change, flag, override…
 * outbox entry    A mail the bot decided to send, committed with the state change that caused it and
 *                 keyed for dedupe; the sender delivers it and appends it to the Sent folder.
 * participant     An address that belongs to a case, with a role (network manager, contractor,
 *                 installer, or an address the team added).
 * owner           The team member a case is assigned to (none: unassigned); the work queue filters on it.
 * mail key        The stable key of one incoming mail: its Message-ID, else a digest of its bytes.
 * draft           An outbox entry held for a team member (supervised mode): sent, edited or discarded
 *                 from the desk; nothing goes out until then (core/case/drafts.ts).
 */

import type { Words } from "./words/words.js";

export type CaseId = string;
export const CASE_ID_PATTERN = /^ACT-\d{6}$/;

export type Locale = "sv" | "en";
export const LOCALES: readonly Locale[] = ["sv", "en"];

export const STAGES = [
  "open",
  "site_readiness",
  "site_ready",
  "commissioning",
  "configuration",
  "ready_for_activation",
  "activated",
  "closed",
] as const;
export type StageId = (typeof STAGES)[number];

export type Role = "network_manager" | "contractor" | "installer" | "team_added";

export interface Address {
  /** Lower-cased, trimmed address. */
  address: string;
  name?: string;
}

export interface Participant {
  email: string;
  name?: string;
  role: Role;
  /** Set when a bounce told us mail to this address cannot be delivered. */
  undeliverable?: { at: string; diagnostic: string };
}

/** Checklist item ids are data (rules/), but the seed's questions have fixed ids. */
export type ItemId = string;

export type ItemState =
  | { status: "missing" }
  | { status: "ok"; value?: JsonValue; source?: string }
  /** `reason` in the case's language (the mails quote it); `words` for the desk's language. */
  | { status: "failed"; reason: string; code?: string; words?: Words }
  | { status: "overridden"; by: string; why: string; at: string };

export interface ChecklistItem {
  id: ItemId;
  stage: StageId;
  state: ItemState;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type AnswerStatus = "ok" | "negative" | "unclear";

/** One checklist item read from a reply text (SPEC §3, last list). */
export interface Answer {
  status: AnswerStatus;
  value: JsonValue;
  /** The words it was read from. */
  text: string;
}

/** Keyed by checklist item id; an item is absent when the mail says nothing about it. */
export type Answers = Record<ItemId, Answer>;

export const FLAG_CODES = [
  "unmatched",
  "ambiguous",
  "unknown_sender",
  "auth_failed",
  "bounce",
  "complaint",
  "malformed_mail",
  "loop",
  "processing_error",
  "unclear_answer",
  "evidence_rejected",
  "unassigned_photo",
  "no_reply_escalation",
  /** A reply contradicts a case fact (the station count ordered): asked back, the desk decides. */
  "fact_mismatch",
  /** An item given while an item it requires was answered no (a paid price without Flex billing). */
  "item_conflict",
  /** A team step (account verified, site confirmed) has waited on the team longer than rules/reminders.yaml allows. */
  "team_step_overdue",
] as const;
export type FlagCode = (typeof FLAG_CODES)[number];

export interface Flag {
  id: string;
  code: FlagCode;
  /** The reason in English (CLI, API, logs; all that flags stored before `words` have). */
  reason: string;
  /** The reason as a code and its parameters, for the desk's language (core/words); absent on older flags. */
  words?: Words;
  at: string;
  /** Mail key of the mail that raised it, if any. */
  mail?: string;
  /** Blob of the raw mail whose effects are held until the team accepts it (unknown sender). */
  blob?: string;
  /** `words`: how, for the desk's language, when the bot or an action said it (a team member's own `how` has none). */
  resolved?: { by: string; at: string; how: string; words?: Words };
}

export type EventKind =
  | "case_opened"
  | "mail_in"
  | "mail_out"
  | "mail_ignored"
  | "stage_changed"
  | "flagged"
  | "flag_resolved"
  /** The bot took back part of a flag it raised: later mail fixed some of what it named (core/case/evidence-fixes.ts). */
  | "flag_narrowed"
  | "item_changed"
  | "override"
  | "reminder"
  | "participant_changed"
  /** A team member changed the case's facts (site, stations, MACs shipped, install service, language, participants). */
  | "facts_changed"
  /** The case was assigned to a team member, or unassigned. */
  | "owner_changed"
  /** A team member's internal note: in the timeline, never in a mail. */
  | "note"
  /** A team member spoke in the thread (retake, ask again, a line of their own): the mail goes through the outbox. */
  | "team_mail"
  /** The closed case moved to the archive (core/case/archive.ts): read-only until restored. */
  | "archived"
  /** The case restored from the archive to the hot store (reopened by the team, or a mail for it). */
  | "restored"
  /** Supervised mode: a mail of the bot held as a draft, or a draft sent, edited or discarded (core/case/drafts.ts). */
  | "draft";

export interface CaseEvent {
  at: string;
  kind: EventKind;
  /** "bot", a team member's name, or a participant's address. */
  by: string;
  /** What happened in English (CLI, API, logs; all that events stored before `words` have). */
  summary: string;
  /** The summary as a code and its parameters, for the desk's language (core/words/timeline-words.ts); absent on older events and on notes. */
  words?: Words;
  mail?: string;
  stage?: StageId;
  data?: JsonValue;
}

/** Evidence kept on a case, the input of checklist evaluation. */
export interface EvidenceRecord {
  mail: string;
  at: string;
  from: string;
  answers: Answers;
  forms: FormEvidence[];
  photos: PhotoEvidence[];
  macs: MacEvidence[];
  /** A question about a parcel for a product delivered digitally, answered with the mail that explains it. */
  digitalDelivery?: { products: string[]; text: string };
}

export type Verdict = "ok" | "missing" | "failed";

/** A returned form, read and judged field by field. */
export interface FormEvidence {
  /** Form id in rules/forms.yaml, null when the PDF is not one of our forms or cannot be read. */
  form: string | null;
  file: string;
  blob?: string;
  status: "ok" | "failed";
  /** Why the whole form failed (encrypted, corrupt, not the form…), or a summary of field failures. */
  reason?: string;
  code?: string;
  source?: "acroform" | "text";
  fields: { name: string; value: string | null; verdict: Verdict; reason?: string }[];
}

/** One image attachment with its quality verdict (the `inspect` photo contract). */
export interface PhotoEvidence {
  file: string;
  blob?: string;
  thumbnail?: string;
  /** Category id from rules/photos.yaml; null when it cannot be told (`unassigned`). */
  category: string | null;
  /** The stage whose photo categories it was sorted into. */
  stage?: StageId;
  station?: number;
  status: "ok" | "failed";
  reasons: string[];
  measures: { [key: string]: JsonValue };
}

/** One MAC address found in a mail or form, normalised and checked. */
export interface MacEvidence {
  raw: string;
  mac: string | null;
  station?: number;
  status: "ok" | "failed";
  reasons: string[];
}

export interface Override {
  item: ItemId;
  by: string;
  why: string;
  at: string;
  /** Set when a team member took the override back: kept, so the record shows both. */
  undone?: { by: string; why: string; at: string };
}

/**
 * A team member's verdict on a team step (`evidence: team`, SPEC §2.1, §2.3): confirmed, or sent back
 * with a reason that is mailed to the stage's audience.
 */
export interface TeamCheck {
  item: ItemId;
  verdict: "confirmed" | "sent_back";
  by: string;
  at: string;
  reason?: string;
}

/** Who restarted a case's reminder plan, from when, and how (core/case/team-mail.ts). */
export interface ReminderRestart {
  from: string;
  by: string;
  at: string;
  /** `draft_sent`: a draft of supervised mode went out later than it was made (core/case/drafts.ts). */
  cause: "paused" | "reminded_now" | "draft_sent";
}

/** One draft of a case (supervised mode, core/case/drafts.ts): what the case keeps; the text is in the outbox entry. */
export interface Draft {
  /** The outbox key of the held entry. */
  key: string;
  /** Its mail kind (outbox-intent.ts MailKind). */
  kind: string;
  to: string[];
  /** The stage the mail is about. */
  stage: StageId;
  messageId: string;
  /** When the draft was made: the work queue counts from here. */
  at: string;
  /** The last edit, when a team member changed the text. */
  edited?: { by: string; at: string };
}

export interface Case {
  id: CaseId;
  site: string;
  locale: Locale;
  stage: StageId;
  openedAt: string;
  participants: Participant[];
  stations: number;
  macsShipped: string[];
  installService: boolean;
  /**
   * The stations' make (an id of rules/makes.yaml), a case fact: given when the case was opened, or
   * told by a MAC address's vendor prefix in the desk's table. Absent: the desk's default make.
   */
  make?: string;
  flags: Flag[];
  evidence: EvidenceRecord[];
  overrides: Override[];
  /** The team member who owns the case (assigned in the desk or CLI); absent: unassigned. */
  owner?: { name: string; by: string; at: string };
  /**
   * Team steps the case waits on now: its stage's participant items are all in and these are left to
   * the team (account verified, site confirmed). Set with each decision, for the work queue.
   */
  awaitingTeam?: ItemId[];
  /** The stage the case was closed from, so that reopening it returns there. */
  closedFrom?: StageId;
  /**
   * When the case entered the stage named (set by the store's commit, core/case/overview.ts): the
   * overview's time in stage. Absent on cases stored before it was kept.
   */
  stageEntered?: { stage: StageId; at: string };
  /** Team steps confirmed or sent back; absent on cases stored before team steps existed. */
  teamChecks?: TeamCheck[];
  /**
   * The team restarted the reminder plan: it counts from `from` rather than from the last activity,
   * when that is later (reminders paused until a date, or a reminder sent now from the desk).
   */
  reminderRestart?: ReminderRestart;
  /** Message-IDs of every mail of the thread (in and out), for threading and matching. */
  messageIds: string[];
  /** Message-ID of the first mail the bot sent: the root of References. */
  rootMessageId?: string;
  /** Subject of the thread, without tag or Re:. */
  subject: string;
  rulesVersion: string;
  /** Last time a participant moved the case or the stage changed: reminders count from here. */
  activityAt: string;
  /** Optimistic-concurrency version, bumped on every commit. */
  version: number;
  /**
   * The bot's mails held for a team member while their stage is supervised (core/case/drafts.ts),
   * oldest first; absent when there are none.
   */
  drafts?: Draft[];
  /**
   * Random, drawn when the case is opened, and part of every outbox key and Message-ID of the case:
   * should a lost store ever hand out this case id again, the other case's mails still have other
   * Message-IDs. Absent in cases opened before it existed.
   */
  nonce?: string;
}

/** A header line of an incoming mail, name lower-cased, value unfolded and decoded. */
export interface HeaderLine {
  name: string;
  value: string;
}

export interface AttachmentFacts {
  filename: string;
  contentType: string;
  size: number;
  /** Content-addressed blob id in the blob store, absent when the part was refused. */
  blob?: string;
  inline: boolean;
  /** Why the part was refused (too large, too many parts…), if it was. */
  refused?: string;
}

/** A machine-readable report part (RFC 3464 delivery-status, returned headers), bounded text. */
export interface ReportPart {
  contentType: string;
  text: string;
}

/** Everything the core needs to know about one incoming mail: plain data, no streams. */
export interface MailFacts {
  key: string;
  messageId?: string;
  inReplyTo?: string;
  references: string[];
  from?: Address;
  sender?: Address;
  replyTo: Address[];
  to: Address[];
  cc: Address[];
  /** Envelope-ish recipients (Delivered-To, X-Original-To) — where plus-addresses survive. */
  deliveredTo: string[];
  returnPath?: string;
  subject: string;
  date?: string;
  headers: HeaderLine[];
  /** The text part, or the HTML part converted to text; bounded (see limits). */
  text: string;
  /** True when the text came from an HTML part. */
  textFromHtml: boolean;
  /** True when the mail has an HTML part (the desk offers to show it as sent); absent on older records. */
  hasHtml?: boolean;
  attachments: AttachmentFacts[];
  reportParts: ReportPart[];
  /** Report parts of messages forwarded inside this one; read only when the mail itself comes from a reporter. */
  nestedReportParts?: ReportPart[];
  /** Problems met while parsing, each a short reason; the mail is still processed. */
  problems: string[];
  /** Where the raw message is kept (set by the ingest step, not by parsing). */
  rawBlob?: string;
}
