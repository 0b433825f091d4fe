/**
 * Words: what the core says to a person — a flag's reason, a work item's cause, why a team command was
 * refused — as a code and its parameters, not a sentence. The adapters put it in a language: the desk
 * in its member's (sv or en, http/pages/core-words.ts), the CLI, the JSON API and the logs in English
 * (english.ts, which also writes the `reason` text kept beside the words). Adding a code touches this
 * table of parameters and one table per language; the compiler names a language that lacks it.
 *
 * Parameters are plain JSON (they are stored with the flag and the case summary). Text quoted from a
 * mail is bounded where the parameters are built. Pure.
 */
/** A stage id (types.ts StageId; kept a string here so that types.ts may import this file). */
type StageId = string;

/** One piece of evidence that failed its check, for `evidence_rejected`. */
export type Rejection =
  /** A PDF that is none of our forms we can use (a DocumentCode: encrypted, corrupt, unreadable, too large). */
  | { kind: "document"; file: string; problem: string }
  /** A form field; `problem` a FieldFailureCode, absent when unknown. */
  | { kind: "field"; field: string; station?: number; value?: string; problem?: string }
  /** A photo; `problems` are PhotoReasonCodes. */
  | { kind: "photo"; file: string; problems: string[] }
  /** A MAC address (`mac` normalised, or the raw text quoted); `problems` are MacCodes. */
  | { kind: "mac"; mac: string; quoted: boolean; station?: number; problems: string[] };

/** One contradiction of a case fact, for `fact_mismatch` (core/case/case-facts.ts `Contradiction`). */
export interface FactWords {
  fact: "stations" | "install_service" | "mac_shipped" | "mac_station" | "mac_count";
  /** What the mail says: a count, a MAC address, bought or not. */
  stated: number | string | boolean;
  /** What the case holds (the MACs shipped, comma-separated, for `mac_shipped`). */
  expected: number | string | boolean;
  /** The sentence (or the MACs as written) it was read from. */
  text: string;
  station?: number;
}

/** Why a mail matched no case, one note per clue that failed (core/mail/match.ts). */
export type UnmatchedNote = { kind: "bad_tag"; caseId: string } | { kind: "bad_reference"; id: string } | { kind: "bad_plus_address"; address: string };

/** One limit the loop guard hit (core/case/decide.ts). */
export type LoopBreach = { kind: "no_progress"; count: number } | { kind: "case_hour"; count: number } | { kind: "recipient_day"; count: number; to: string };

/** The parameters of each code. */
export interface WordParams {
  // Flag reasons (SPEC §6).
  evidence_rejected: { sender: string; items: Rejection[] };
  unclear_answer: { sender: string; items: { item: string; text: string }[] };
  unassigned_photo: { sender: string; count: number; files: string[] };
  complaint: { from: string; detail: string };
  bounce: { recipient: string | null; diagnostic: string };
  unknown_sender: { from: string | null; caseId: string };
  auth_failed: { from: string | null; header: string };
  malformed_mail: { from: string; doubts: string[] };
  fact_mismatch: { sender: string; facts: FactWords[] };
  item_conflict: { item: string; requires: string };
  loop: { breaches: LoopBreach[] };
  processing_error: { error: string };
  /** A mail that failed processing again and again (runtime/run.ts): kept and moved aside. */
  quarantined: { uid: number; attempts: number; error: string; quarantine: string; mailbox: string };
  no_reply_escalation: { stage: StageId; days: number; reminders: number };
  team_step_overdue: { items: string[]; days: number; since: string };
  unmatched: { from: string | null; subject: string; notes: UnmatchedNote[] };
  ambiguous: { from: string | null; subject: string; caseIds: string[] };
  // Work items that are no flag (core/case/work-items.ts).
  team_step_waiting: { item: string };
  ready_to_activate: Record<string, never>;
  participant_bounces: { email: string; diagnostic: string };
  draft_waiting: { mailKind: string; to: string[] };
  near_escalation: Record<string, never>;
  // Refused team commands (core/case/team-actions.ts, stages.ts, edit-case.ts, app/case-commands.ts).
  not_a_checklist_item: { item: string; caseId: string; items: string[] };
  override_needs_reason: Record<string, never>;
  not_a_team_step: { item: string; stage: StageId; steps: { item: string; stage: string }[] };
  send_back_needs_reason: Record<string, never>;
  no_open_flag: { flag: string; caseId: string };
  note_needs_text: Record<string, never>;
  note_too_long: { max: number };
  no_override_to_undo: { item: string };
  undo_needs_reason: Record<string, never>;
  bad_owner_name: { max: number };
  already_assigned: { caseId: string; owner: string };
  not_assigned: { caseId: string };
  not_closed: { caseId: string; stage: StageId };
  reopen_needs_reason: Record<string, never>;
  already_in_stage: { stage: StageId };
  not_ready_to_activate: { stage: StageId };
  never_activated: { stage: StageId };
  nothing_to_change: Record<string, never>;
  closed_sends_nothing: { caseId: string };
  no_case: { caseId: string };
  archived_read_only: { caseId: string };
  case_kept_changing: { caseId: string };
  needs_mail_pipeline: Record<string, never>;
  // Refused rows of a bulk action (app/bulk-commands.ts).
  row_is_no_flag: Record<string, never>;
  case_gone: { caseId: string };
  flag_resolved_meanwhile: { codes: string[] };
  // Refused actions on held and loose mail (app/process-mail.ts, loose-mail.ts, desk-speech.ts).
  no_open_loose_flag: { flag: string };
  no_held_mail_flag: { code: string; flag: string; caseId: string };
  no_kept_mail: { flag: string };
  flag_has_no_mail: Record<string, never>;
  say_how_resolved: Record<string, never>;
  say_why_rejected: Record<string, never>;
  reason_too_long: { max: number };
  held_mail_no_sender: Record<string, never>;
  no_sender_to_accept: Record<string, never>;
  case_changed_meanwhile: Record<string, never>;
  loose_flag_settled_meanwhile: { flag: string };
  // Refused mails and changes of the team in the thread (core/case/team-mail.ts).
  closed_mails_nothing: { caseId: string };
  replace_bounced_first: { addresses: string[] };
  nobody_to_send_to: Record<string, never>;
  stage_sends_no_reminders: { stage: StageId };
  nothing_to_remind: { stage: StageId };
  message_needs_text: Record<string, never>;
  text_too_long: { what: "note" | "message" | "reason"; max: number };
  choose_recipients: Record<string, never>;
  not_participants: { addresses: string[]; caseId: string };
  choose_photos: Record<string, never>;
  too_many_photos: { max: number };
  no_photo: { ref: string; caseId: string };
  photo_passed: { file: string };
  choose_items: Record<string, never>;
  too_many_items: { max: number };
  not_an_item_of: { item: string; caseId: string };
  team_own_step: { item: string };
  not_a_date: { day: string };
  pause_after_today: { today: string };
  pause_too_far: { max: number };
  no_reminders_when_done: { caseId: string; stage: StageId };
  not_an_email_address: { email: string };
  same_address: Record<string, never>;
  already_a_participant: { email: string; caseId: string };
  closed_replace_without_sending: { caseId: string };
  // Refused draft actions of supervised mode (core/case/drafts.ts).
  no_draft: { caseId: string; key: string };
  discard_reason_too_long: { max: number };
  draft_mail_gone: Record<string, never>;
  draft_text_empty: Record<string, never>;
  draft_text_too_long: { max: number };
}

export type WordCode = keyof WordParams;

/** A refused command: `reason` in English (CLI, API, logs), `words` for the desk's language when known. */
export type Refused = { kind: "refused"; reason: string; words?: Words };

/** A code with its parameters. */
export type Words = { [K in WordCode]: { code: K; params: WordParams[K] } }[WordCode];

/** One language's words: a sentence for every code. */
export type WordTable = { [K in WordCode]: (p: WordParams[K]) => string };

export function words<K extends WordCode>(code: K, params: WordParams[K]): Words {
  return { code, params } as Words;
}

/** Bound on a sentence built from a mail: the queue shows it in one cell. */
export const MAX_FLAG_REASON_CHARS = 600;
/** Bound on the words quoted from a mail (a file name, an answer's text). */
export const MAX_QUOTE_CHARS = 80;
/** Bound on the pieces one set of words lists (rejected evidence, files, notes): a cell, not a page. */
export const MAX_LISTED = 40;

export function quote(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > MAX_QUOTE_CHARS ? `${t.slice(0, MAX_QUOTE_CHARS - 1)}…` : t;
}

export function bound(sentence: string): string {
  return sentence.length > MAX_FLAG_REASON_CHARS ? `${sentence.slice(0, MAX_FLAG_REASON_CHARS - 1)}…` : sentence;
}

/** Codes whose sentence lists what a mail brought: bounded, as the queue shows them in one cell. */
const BOUNDED: ReadonlySet<WordCode> = new Set<WordCode>(["evidence_rejected", "unclear_answer", "unassigned_photo"]);

/** A record without its words: what the JSON API and the CLI send (their English is in `reason` / `what`). */
export function withoutWords<T extends { words?: Words | undefined }>(record: T): Omit<T, "words"> {
  const { words: _words, ...rest } = record;
  return rest;
}

/** Renders words with a language's table; the table is typed, so the cast only pairs code and params. */
export function sayWith(table: WordTable, w: Words): string {
  const say = table[w.code] as (p: Words["params"]) => string;
  const sentence = say(w.params);
  return BOUNDED.has(w.code) ? bound(sentence) : sentence;
}
