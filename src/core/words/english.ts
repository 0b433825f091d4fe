/**
 * The core's words in English: the `reason` text kept beside the words (CLI, JSON API, logs, and the
 * stored flag that older readers show), and the desk's English. The sentences are those the core wrote
 * before it kept words; case-facts.ts `mismatchSettled` reads the `fact_mismatch` ones back. Pure.
 */
import type { DocumentCode, FieldFailureCode, MacCode, PhotoReasonCode } from "../evidence/schema.js";
import { ENGLISH_EVENTS } from "./timeline-words.js";
import type { FactWords, LoopBreach, Rejection, UnmatchedNote, WordTable, Words } from "./words.js";
import { cite, englishFieldName, sayWith } from "./words.js";

export { englishFieldName } from "./words.js";

export const PHOTO_WORDS_EN: Record<PhotoReasonCode, string> = {
  unreadable: "cannot be opened as an image",
  too_large: "too large to accept",
  duplicate: "a copy of a photo already received",
  low_resolution: "resolution too low",
  too_dark: "too dark",
  overexposed: "overexposed",
  blurred: "blurred",
  date_implausible: "taken on a date that does not fit the installation",
};

export const MAC_WORDS_EN: Record<MacCode, string> = {
  invalid_format: "is not a MAC address",
  reserved: "is a reserved address, not a station's",
  duplicate_in_case: "is given for more than one station",
  used_by_other_case: "is already registered in another case",
  not_shipped: "is not among the stations shipped for this case",
};

export const FIELD_WORDS_EN: Record<FieldFailureCode, string> = {
  pattern: "has the wrong format",
  not_in_enum: "is not one of the accepted choices",
  invalid_date: "is not a valid date",
  not_a_number: "is not a number",
  not_an_integer: "is not a whole number",
  below_min: "is below the lowest accepted value",
  above_max: "is above the highest accepted value",
  invalid_email: "is not an e-mail address",
  invalid_phone: "is not a phone number",
  invalid_mac: "is not a MAC address",
  not_boolean: "is not a yes or no",
  not_confirmed: "is not confirmed",
  too_long: "is too long",
  case_mismatch: "names another case",
  extra_station: "is for a station not in the order",
};

/** Document codes that mean the sender sent a form we cannot use; `not_a_form` is any other PDF (no flag). */
export const DOCUMENT_WORDS_EN: Record<Exclude<DocumentCode, "not_a_form">, string> = {
  encrypted: "is password-protected",
  corrupt: "is damaged",
  unreadable: "cannot be read (a scan?)",
  too_large: "is too large to accept",
};

const pick = (table: Record<string, string>, code: string | undefined): string | undefined =>
  code !== undefined && Object.hasOwn(table, code) ? table[code] : undefined;

function rejection(r: Rejection): string {
  switch (r.kind) {
    case "document":
      return `form file “${r.file}” ${pick(DOCUMENT_WORDS_EN, r.problem) ?? "cannot be used"}`;
    case "field":
      return `form field ${englishFieldName(r.field, r.station)}${r.value ? ` “${r.value}”` : ""} ${r.problem === "missing" ? "is missing" : (pick(FIELD_WORDS_EN, r.problem) ?? "was rejected")}`;
    case "photo":
      return `photo “${r.file}” ${r.problems.map((p) => pick(PHOTO_WORDS_EN, p) ?? p).join(", ") || "rejected"}`;
    case "mac":
      return `MAC address ${r.quoted ? `“${r.mac}”` : r.mac}${r.station ? ` (station ${r.station})` : ""} ${r.problems.map((p) => pick(MAC_WORDS_EN, p) ?? p).join(" and ")}`;
  }
}

export function factEnglish(k: FactWords): string {
  switch (k.fact) {
    case "stations":
      return `writes ${String(k.stated)} stations, the case has ${String(k.expected)}: “${k.text}”`;
    case "install_service":
      return `writes the installation service was ${k.stated ? "bought" : "not bought"}, the case was ordered ${k.expected ? "with" : "without"} it: “${k.text}”`;
    case "mac_shipped":
      return `gives MAC ${String(k.stated)}, not among those shipped for the case (${String(k.expected)})`;
    case "mac_station":
      return `gives MAC ${String(k.stated)} for station ${k.station ?? "?"}, the case has ${String(k.expected)} for it`;
    case "mac_count":
      return `gives MACs for ${String(k.stated)} stations, the case has ${String(k.expected)} (${k.text})`;
  }
}

function note(n: UnmatchedNote): string {
  switch (n.kind) {
    case "bad_tag":
      return `subject tag ${n.caseId} without a valid signature`;
    case "bad_reference":
      return `reference ${n.id} with a bad signature`;
    case "bad_plus_address":
      return `plus-address ${n.address} without a valid signature`;
  }
}

function breach(b: LoopBreach): string {
  switch (b.kind) {
    case "no_progress":
      return `${b.count} replies without progress in the last hour`;
    case "case_hour":
      return `${b.count} mails in the last hour`;
    case "recipient_day":
      return `${b.count} mails to ${b.to} in the last day`;
  }
}

/** Why a mail matched no case, in English (match.ts keeps it as the match's reason). */
export function unmatchedEnglish(notes: UnmatchedNote[]): string {
  return notes.length ? notes.map(note).join("; ") : "no case tag, known reference or case plus-address";
}

const mailOf = (from: string | null, subject: string) => `mail from ${from ?? "(no sender)"} “${subject || "(no subject)"}”`;
const spaced = (stage: string) => stage.replaceAll("_", " ");

export const ENGLISH: WordTable = {
  evidence_rejected: (p) => `${p.sender} sent evidence that failed its check: ${p.items.map(rejection).join("; ")}`,
  unclear_answer: (p) => `the answer of ${p.sender} could not be read for ${p.items.map((i) => `${i.item} from “${i.text}”`).join("; ")}`,
  unassigned_photo: (p) =>
    `${p.count === 1 ? "a photo" : `${p.count} photos`} from ${p.sender} fit${p.count === 1 ? "s" : ""} no checklist item: ${p.files.map((f) => `“${f}”`).join(", ")}`,
  complaint: (p) => [`${p.from} reported a mail of this case: `, cite(p.detail, "en")],
  bounce: (p) => [`mail to ${p.recipient ?? "an unknown recipient"} bounced: `, cite(p.diagnostic)],
  unknown_sender: (p) => `${p.from ?? "a mail without sender"} is not a participant of ${p.caseId}; its content is held until the team accepts it`,
  auth_failed: (p) => (p.header.trim() ? [`DMARC failed for ${p.from ?? "the sender"}: `, cite(p.header.trim())] : `DMARC failed for ${p.from ?? "the sender"}:`),
  malformed_mail: (p) => [`parts of the mail from ${p.from} could not be read: `, cite(p.doubts.join("; "), "en")],
  fact_mismatch: (p) => `${p.sender} ${p.facts.map(factEnglish).join("; ")}`,
  item_conflict: (p) => `${p.item} was given, but ${p.requires} was answered no: it cannot take effect until ${p.requires} is done`,
  loop: (p) => `rate limit reached, nothing sent: ${p.breaches.map(breach).join("; ")}`,
  processing_error: (p) => ["could not compose the reply: ", cite(p.error, "en")],
  quarantined: (p) => [
    `mail UID ${p.uid} failed ${p.attempts} times: `,
    cite(p.error, "en"),
    `. It goes to ${p.quarantine} (it stays in ${p.mailbox} while the mailbox cannot be reached); \`replay\` brings it back after a fix`,
  ],
  no_reply_escalation: (p) => `no answer in stage ${p.stage} after ${p.days} working days and ${p.reminders} reminders`,
  team_step_overdue: (p) => `${p.items.join(", ")} has waited on the commissioning team for ${p.days} working days (since ${p.since})`,
  unmatched: (p) => `${mailOf(p.from, p.subject)}: ${unmatchedEnglish(p.notes)}`,
  ambiguous: (p) => `${mailOf(p.from, p.subject)}: the mail refers to ${p.caseIds.length} cases: ${p.caseIds.join(", ")}`,

  team_step_waiting: (p) => `${p.item} is the team's to confirm or send back: the participants have sent everything else of the stage`,
  ready_to_activate: () => "every item is in: activate the stations",
  participant_bounces: (p) => [`mail to ${p.email} bounces: `, cite(p.diagnostic)],
  draft_waiting: (p) => `the bot's ${p.mailKind} to ${p.to.join(", ")} waits as a draft: send, edit or discard it`,
  near_escalation: () => "escalates within a working day unless someone answers",

  not_a_checklist_item: (p) => `${p.item} is not a checklist item of ${p.caseId} (${p.items.join(", ")})`,
  override_needs_reason: () => "an override needs a reason",
  not_a_team_step: (p) => `${p.item} is not a team step of stage ${p.stage}; team steps: ${p.steps.map((s) => `${s.item} (${s.stage})`).join(", ") || "none in rules/stages.yaml"}`,
  send_back_needs_reason: () => "sending back needs a reason for the mail",
  no_open_flag: (p) => `no open flag ${p.flag} on ${p.caseId}`,
  note_needs_text: () => "a note needs some text",
  note_too_long: (p) => `a note is at most ${p.max} characters`,
  no_override_to_undo: (p) => `${p.item} has no override to undo`,
  undo_needs_reason: () => "undoing an override needs a reason",
  bad_owner_name: (p) => `an owner is a team member's name of 1 to ${p.max} printable characters`,
  already_assigned: (p) => `${p.caseId} is already assigned to ${p.owner}`,
  not_assigned: (p) => `${p.caseId} is not assigned to anyone`,
  not_closed: (p) => `${p.caseId} is not closed (stage ${spaced(p.stage)}): only a closed case can be reopened`,
  reopen_needs_reason: () => "reopening needs a reason",
  already_in_stage: (p) => `case is already ${p.stage}`,
  not_ready_to_activate: (p) =>
    `the case is at stage “${spaced(p.stage)}”, not yet ready for activation: activate anyway only when what is missing was checked another way`,
  never_activated: (p) => `the case is at stage “${spaced(p.stage)}” and was never activated: close it anyway only when the site will not be activated`,
  nothing_to_change: () => "nothing to change: the case already has these facts",
  closed_sends_nothing: (p) => `${p.caseId} is closed: nothing is mailed from a closed case (add the participant without sending)`,
  no_case: (p) => `no case ${p.caseId}`,
  archived_read_only: (p) => `${p.caseId} is archived (read-only): reopen it first`,
  case_kept_changing: (p) => `case ${p.caseId} kept changing; try again`,
  needs_mail_pipeline: () => "accepting a held mail needs the mail pipeline",
  row_is_no_flag: () => "its row is not a flag: there is nothing to resolve",
  case_gone: (p) => `no case ${p.caseId} (archived or gone)`,
  flag_resolved_meanwhile: (p) => `no open ${p.codes.join(" or ")} flag any more: it was resolved meanwhile`,
  no_open_loose_flag: (p) => `no open flag ${p.flag} without a case`,
  no_held_mail_flag: (p) => `no open ${p.code} flag ${p.flag} with a held mail on ${p.caseId}`,
  no_kept_mail: (p) => `no open flag ${p.flag} with a kept mail`,
  flag_has_no_mail: () => "this flag has no kept mail to assign",
  say_how_resolved: () => "say how the flag was resolved",
  say_why_rejected: () => "say why the mail is rejected",
  reason_too_long: (p) => `a reason is at most ${p.max} characters`,
  held_mail_no_sender: () => "the held mail has no sender address",
  no_sender_to_accept: () => "the mail has no sender address to accept",
  case_changed_meanwhile: () => "the case changed meanwhile; try again",
  loose_flag_settled_meanwhile: (p) => `flag ${p.flag} was settled meanwhile`,

  closed_mails_nothing: (p) => `${p.caseId} is closed: nothing is mailed from a closed case`,
  replace_bounced_first: (p) => `mail to ${p.addresses.join(", ")} bounces: replace the address first`,
  nobody_to_send_to: () => "nobody to send it to: the case has no deliverable participant for it",
  stage_sends_no_reminders: (p) => `stage ${p.stage} sends no reminders`,
  nothing_to_remind: (p) => `nothing is missing from the participants in stage ${p.stage}: there is nothing to remind them of`,
  message_needs_text: () => "a message needs some text",
  text_too_long: (p) => `a ${p.what} is at most ${p.max} characters`,
  choose_recipients: () => "choose who the message goes to",
  not_participants: (p) => `${p.addresses.join(", ")} is not a participant of ${p.caseId}`,
  choose_photos: () => "choose the photos to be taken again",
  too_many_photos: (p) => `at most ${p.max} photos in one request`,
  no_photo: (p) => `no photo ${p.ref} in ${p.caseId}`,
  photo_passed: (p) => `${p.file} passed its checks: say why it must be taken again`,
  choose_items: () => "choose the checklist items to ask about again",
  too_many_items: (p) => `at most ${p.max} items in one question`,
  not_an_item_of: (p) => `${p.item} is not a checklist item of ${p.caseId}`,
  team_own_step: (p) => `${p.item} is the team's own step: confirm it or send it back instead`,
  not_a_date: (p) => `${p.day || "(empty)"} is not a date: give one like 2026-12-24`,
  pause_after_today: (p) => `pause until a day after today (${p.today})`,
  pause_too_far: (p) => `reminders are paused at most ${p.max} days ahead`,
  no_reminders_when_done: (p) => `${p.caseId} is ${p.stage}: it has no reminders`,
  not_an_email_address: (p) => `${p.email} is not an e-mail address`,
  same_address: () => "the new address is the same as the old one",
  already_a_participant: (p) => `${p.email} is a participant of ${p.caseId} already`,
  closed_replace_without_sending: (p) => `${p.caseId} is closed: nothing is mailed from a closed case (replace the address without sending)`,
  no_draft: (p) => `${p.caseId} has no draft ${p.key}: it was sent or discarded already`,
  discard_reason_too_long: (p) => `the reason is longer than ${p.max} characters: say it shorter`,
  draft_mail_gone: () => "the draft's mail is gone (erased?): discard the draft instead",
  draft_text_empty: () => "the text is empty: write the mail, or discard the draft",
  draft_text_too_long: (p) => `the text is longer than ${p.max} characters: shorten it`,
  unknown_stages: (p) => `unknown stage ${p.names.join(", ")}: give all, or stages among ${p.stages.join(", ")}`,
  bad_team_member: (p) => `X-Team-Member must be a name of at most ${p.max} printable characters`,

  state_form_failed: (p) => p.fields.map(rejection).join("; ") || `form “${p.file}” was rejected`,
  state_macs_failed: (p) => `${p.accepted}/${p.needed} accepted; ${p.macs.map(rejection).join("; ")}`,
  state_photos_short: (p) =>
    `${p.short.map((s) => `${s.label.en} ${s.have}/${s.need}`).join(", ")}${p.rejected ? " (photos failed their checks)" : " (photos missing)"}`,
  state_answered_no: (p) => ["answered no: “", cite(p.text), "”"],
  state_sent_back: (p) => `sent back by ${p.by}: ${p.reason}`,

  ...ENGLISH_EVENTS,
};

/** The words as the English sentence the CLI, the API and the logs show. */
export function englishText(w: Words): string {
  return sayWith(ENGLISH, w);
}

/** A flag's reason: the words and their English sentence. */
export function said(w: Words): { reason: string; words: Words } {
  return { reason: englishText(w), words: w };
}

/** A refusal with its words and their English sentence (the `reason` every caller already reads). */
export function refusal(w: Words): { kind: "refused"; reason: string; words: Words } {
  return { kind: "refused", reason: englishText(w), words: w };
}

/** A timeline event's summary: the words and their English sentence. */
export function summarised(w: Words): { summary: string; words: Words } {
  return { summary: englishText(w), words: w };
}
