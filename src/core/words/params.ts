/**
 * The parameters of the core's words (words.ts): one entry per code — a flag's reason, a work item's
 * cause, a refused command, a failed checklist item, a timeline event. Plain JSON, as they are stored.
 * Types only.
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

// Why a checklist item failed (core/case/evidence-items.ts, checklist.ts): beside the `reason` the
// mails quote (in the case's language); the sentences are in english.ts and the desk's tables.
/** A photo category short of photos that passed: its label in both languages (rules/photos.yaml). */
export interface ShortCategory {
  label: { sv: string; en: string };
  have: number;
  need: number;
}

export interface ItemWordParams {
  /** The latest copy of the item's form has fields that failed or are missing (`problem` "missing"). */
  state_form_failed: { file: string; fields: Extract<Rejection, { kind: "field" }>[] };
  /** Fewer MAC addresses accepted than the case has stations, and some given were rejected. */
  state_macs_failed: { accepted: number; needed: number; macs: Extract<Rejection, { kind: "mac" }>[] };
  /** Photo categories short of photos that passed; `rejected` when some photos failed their checks. */
  state_photos_short: { short: ShortCategory[]; rejected: boolean };
  /** A participant answered no: their words, quoted. */
  state_answered_no: { text: string };
  /** A team member sent the team step back, with the reason mailed to the participants. */
  state_sent_back: { by: string; reason: string };
}

// The timeline's events (the sentences: timeline-words.ts and the desk's event-words.ts).
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** What fixed (part of) an evidence flag the bot raised (core/case/evidence-fixes.ts). */
export type FixWords =
  | { kind: "answer"; from: string; item: string; text: string }
  /** A new photo of the failed photo's category passed. */
  | { kind: "photo_retaken"; from: string; category: { sv: string; en: string }; file: string }
  /** A photo that fit no category came again, sorted. */
  | { kind: "photo_resent"; from: string; file: string; category: { sv: string; en: string } }
  | { kind: "stage_photos_in"; item: string }
  | { kind: "form_readable"; from: string; file: string; was: string }
  | { kind: "field_corrected"; from: string; field: string; station?: number; file: string }
  | { kind: "mac_passed"; from: string; mac: string; station?: number };

/** One change of a case's facts (core/case/edit-case.ts). */
export type FactChangeWords =
  | { fact: "site" | "stations" | "macs_shipped" | "install_service" | "locale"; from: Json; to: Json }
  | { fact: "participant_address" | "participant_name"; email: string; from: string; to: string }
  | { fact: "participant_added"; email: string; name?: string; role: string };

type Stage = StageId;

export interface EventWordParams {
  case_opened: { site: string };
  make_from_form: { make: string; written: string };
  make_from_mac: { make: string; prefix: string; mac: string };
  mail_in: { subject: string };
  mail_out: { mailKind: string; to: string[] };
  mail_ignored:
    | { class: "auto_reply" | "own"; evidence: string }
    | { class: "delivery_delay"; recipient: string | null; status?: string }
    | { class: "complaint"; feedbackType?: string };
  /** The checklist of `from` completed: by a mail, an override, a change of facts, or a team step confirmed (`item`). */
  stage_advanced: { from: Stage; to: Stage; after: "mail" | "override" | "facts" | "confirmed"; item?: string };
  /** A team member activated or closed the case. */
  stage_set: { from: Stage; to: Stage; action: "activate" | "close"; why: string };
  case_reopened: { to: Stage; by: string; why: string };
  flagged: { code: string; reason: string; words?: Words };
  /** `how`: the team member's own words, or the English of `howWords` when the bot or an action says it. */
  flag_resolved: { code: string; how: string; howWords?: Words };
  flag_narrowed: { code: string; fixes: FixWords[]; still: string; stillWords?: Words };
  resolved_fixed: { fixes: FixWords[] };
  /** With `email`: the flag's own record of it; without: the timeline's. */
  resolved_mail_accepted: { email?: string };
  resolved_released: { by: string; sender: string };
  resolved_facts_agree: Record<string, never>;
  resolved_address_replaced: { email: string };
  item_failed: { item: string; reason: string; words?: Words };
  item_state: { item: string; from: string; to: string };
  item_confirmed: { item: string; by: string };
  item_sent_back: { item: string; by: string; reason: string };
  another_receipt: { item: string; text: string };
  digital_parcel: { products: string[]; text: string };
  answer_unclear: { item: string; text: string };
  item_overridden: { item: string; why: string };
  override_undone: { item: string; by: string; why: string };
  reminder_sent: { n: number; to: string[] };
  reminded_now: { by: string; to: string[]; note: string };
  reminders_paused: { day: string; note: string };
  participant_added: { email: string };
  participant_replaced: { old: string; email: string; role: string; diagnostic?: string };
  person_erased: { pseudonym: string };
  facts_changed: { by: string; changes: FactChangeWords[] };
  owner_assigned: { owner: string; by: string; was?: string };
  owner_unassigned: { by: string; was: string | null };
  team_message: { to: string[]; excerpt: string };
  retake_asked: { files: string[]; who: string; note: string };
  asked_again: { items: string[]; to: string[]; note: string };
  /** The case's last mail (of `old`, when an address was replaced) sent again to a new address. */
  last_mail_resent: { mailKind: string; email: string; old?: string };
  archived: { days: number };
  restored: { why: string; filesDeleted: boolean };
  draft_held: { mailKind: string; to: string[] };
  draft_sent: { mailKind: string; to: string[]; by: string; editedBy?: string };
  draft_edited: { mailKind: string; to: string[]; by: string };
  draft_discarded: { mailKind: string; to: string[]; by: string; reason: string };
}


/** The parameters of each code: the flags' and refusals' here, a checklist item's state and a timeline event's beside. */
export interface WordParams extends ItemWordParams, EventWordParams {
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
  // Refused changes of the desk's settings (app/supervision.ts) and a bad team member header (http/team-requests.ts).
  unknown_stages: { names: string[]; stages: string[] };
  bad_team_member: { max: number };
}

export type WordCode = keyof WordParams;

/** A refused command: `reason` in English (CLI, API, logs), `words` for the desk's language when known. */
export type Refused = { kind: "refused"; reason: string; words?: Words };

/** A code with its parameters. */
export type Words = { [K in WordCode]: { code: K; params: WordParams[K] } }[WordCode];
