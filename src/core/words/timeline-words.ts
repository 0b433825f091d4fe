/**
 * The words of the case's timeline: what each event the core records says (its `summary` in English,
 * kept for the CLI, the API and the logs; its `words` for the desk's language). One code per kind of
 * sentence, not per event kind: a stage changes because the checklist completed, a team member set it
 * or reopened the case. A team member's note is their own text and has no words. Pure.
 *
 * The English sentences are those the core wrote before it kept words. Quoted pieces (`cite`) are
 * what came from outside: a mail's subject, a participant's words, a remote server's.
 */
import type { EventWordParams, FactChangeWords, FixWords } from "./params.js";
import type { Nested, Sentence } from "./words.js";
import { cite, englishFieldName, quote } from "./words.js";

export type { EventWordParams, FactChangeWords, FixWords } from "./params.js";

export type EventCode = keyof EventWordParams;

/** A table of sentences for these codes. */
export type TableOf<P> = { [K in keyof P]: (p: P[K], nested: Nested) => Sentence };

/** A fix in English, as evidence-fixes.ts wrote it before it kept words. */
export function fixEnglish(f: FixWords): string {
  switch (f.kind) {
    case "answer":
      return `${f.from} answered ${f.item}: “${quote(f.text)}”`;
    case "photo_retaken":
      return `${f.from} sent a new photo for “${f.category.en}” that passed (“${quote(f.file)}”)`;
    case "photo_resent":
      return `${f.from} sent the photo again as “${quote(f.file)}”, sorted as “${f.category.en}”`;
    case "stage_photos_in":
      return `every photo ${f.item} asks for has arrived and passed`;
    case "form_readable":
      return `${f.from} sent a form that could be read (“${quote(f.file)}” for “${quote(f.was)}”)`;
    case "field_corrected":
      return `${f.from} sent the form again with ${englishFieldName(f.field, f.station)} corrected (“${quote(f.file)}”)`;
    case "mac_passed":
      return f.station ? `${f.from} sent MAC address ${f.mac} for station ${f.station}, which passed` : `${f.from} sent MAC address ${f.mac}, which passed`;
  }
}

function showValue(v: unknown): string {
  return v === null || v === undefined ? "—" : Array.isArray(v) ? (v.length ? v.join(", ") : "none") : typeof v === "boolean" ? (v ? "yes" : "no") : String(v) || "—";
}

function changeEnglish(ch: FactChangeWords): string {
  switch (ch.fact) {
    case "participant_added":
      return `participant added: ${ch.name ? `${ch.name} ` : ""}<${ch.email}> (${ch.role.replaceAll("_", " ")})`;
    case "participant_address":
    case "participant_name":
      return `participant ${ch.email} ${ch.fact === "participant_address" ? "address" : "name"} ${showValue(ch.from)} → ${showValue(ch.to)}`;
    default:
      return `${ch.fact.replaceAll("_", " ")} ${showValue(ch.from)} → ${showValue(ch.to)}`;
  }
}

const noted = (note: string) => (note ? `: ${note}` : "");

export const ENGLISH_EVENTS: TableOf<EventWordParams> = {
  case_opened: (p) => `case opened for ${p.site}`,
  make_from_form: (p) => `make: ${p.make}, written on the form (“${p.written}”)`,
  make_from_mac: (p) => `make: ${p.make}, told by the vendor prefix ${p.prefix} of ${p.mac} (rules/makes.yaml)`,
  mail_in: (p) => (p.subject ? [cite(p.subject)] : "(no subject)"),
  mail_out: (p) => `${p.mailKind} to ${p.to.join(", ")}`,
  mail_ignored: (p) => {
    switch (p.class) {
      case "auto_reply":
      case "own":
        return [`${p.class}: `, cite(p.evidence)];
      case "delivery_delay":
        return `delivery_delay: delivery to ${p.recipient ?? "a recipient"} delayed${p.status ? ` (${p.status})` : ""}`;
      case "complaint":
        return `complaint: feedback report${p.feedbackType ? ` (${p.feedbackType})` : ""}`;
    }
  },
  stage_advanced: (p) =>
    `${p.from} → ${p.to}: ${{ mail: "checklist complete", override: "checklist complete after override", facts: "checklist complete after the facts were changed", confirmed: `${p.item ?? ""} confirmed` }[p.after]}`,
  stage_set: (p) => `${p.from} → ${p.to}: ${p.why || p.action}`,
  case_reopened: (p) => `closed → ${p.to}: reopened by ${p.by}: ${p.why}`,
  flagged: (p) => `${p.code}: ${p.reason}`,
  flag_resolved: (p) => `${p.code} resolved: ${p.how}`,
  flag_narrowed: (p) => `${p.code}: ${p.fixes.map(fixEnglish).join("; ")}; still open: ${p.still}`,
  resolved_fixed: (p) => p.fixes.map(fixEnglish).join("; "),
  resolved_mail_accepted: (p) => (p.email ? `accepted: ${p.email} added as participant` : "mail accepted"),
  resolved_released: (p) => `released: ${p.by} checked the sender ${p.sender}`.trim(),
  resolved_facts_agree: () => "the case's facts were changed to agree",
  resolved_address_replaced: (p) => `address replaced by ${p.email}`,
  item_failed: (p) => `${p.item}: failed — ${p.reason}`,
  item_state: (p) => `${p.item}: ${p.from} → ${p.to}`,
  item_confirmed: (p) => `${p.item}: confirmed by ${p.by}`,
  item_sent_back: (p) => `${p.item}: sent back by ${p.by} — ${p.reason}`,
  another_receipt: (p) => [`${p.item}: another receipt — “`, cite(p.text), "”"],
  digital_parcel: (p) => [`asked after a parcel of a digital product (${p.products.join(", ")}): “`, cite(p.text), "” — answered that it comes digitally"],
  answer_unclear: (p) => [`${p.item}: unclear — “`, cite(p.text), "”"],
  item_overridden: (p) => `${p.item} overridden: ${p.why}`,
  override_undone: (p) => `override of ${p.item} by ${p.by} undone: ${p.why}`,
  reminder_sent: (p) => `reminder ${p.n} to ${p.to.join(", ")}`,
  reminded_now: (p) => `reminder sent now by ${p.by} to ${p.to.join(", ")}${noted(p.note)}`,
  reminders_paused: (p) => `reminders paused until ${p.day}, the plan starts again then${noted(p.note)}`,
  participant_added: (p) => `${p.email} added as participant (team_added)`,
  participant_replaced: (p) =>
    p.diagnostic === undefined
      ? `${p.old} replaced by ${p.email} (${p.role.replaceAll("_", " ")})`
      : [`${p.old} replaced by ${p.email} (${p.role.replaceAll("_", " ")}); the old address bounced: `, cite(p.diagnostic)],
  person_erased: (p) => `personal data of participant ${p.pseudonym} erased on request (GDPR art. 17)`,
  facts_changed: (p) => `facts changed by ${p.by}: ${p.changes.map(changeEnglish).join("; ")}`,
  owner_assigned: (p) => `assigned to ${p.owner}${p.owner === p.by ? "" : ` by ${p.by}`}${p.was ? ` (was ${p.was})` : ""}`,
  owner_unassigned: (p) => `unassigned by ${p.by} (was ${p.was ?? "nobody"})`,
  team_message: (p) => [`message to ${p.to.join(", ")}: “`, cite(p.excerpt), "”"],
  retake_asked: (p) => `retake of ${p.files.join(", ")} asked of ${p.who}${noted(p.note)}`,
  asked_again: (p) => `asked again about ${p.items.join(", ")} (${p.to.join(", ")})${noted(p.note)}`,
  last_mail_resent: (p) => (p.old ? `the last mail to ${p.old} (${p.mailKind}) sent again to ${p.email}` : `the last mail of the case (${p.mailKind}) sent again to ${p.email}`),
  archived: (p) => `archived after ${p.days} day(s) closed: read-only until reopened`,
  restored: (p) => `reopened from the archive: ${p.why}${p.filesDeleted ? " (its mail and photo files were deleted by the retention policy; the verdicts are kept)" : ""}`,
  draft_held: (p) => `${p.mailKind} to ${p.to.join(", ")} held as a draft (supervised mode): a team member sends, edits or discards it`,
  draft_sent: (p) => `draft ${p.mailKind} to ${p.to.join(", ")} sent by ${p.by}${p.editedBy ? ` (edited by ${p.editedBy})` : ""}`,
  draft_edited: (p) => `draft ${p.mailKind} to ${p.to.join(", ")} edited by ${p.by}`,
  draft_discarded: (p) => `draft ${p.mailKind} to ${p.to.join(", ")} discarded by ${p.by}${p.reason ? `: ${p.reason}` : ""}`,
};
