/**
 * The core's words (core/words: flag reasons, work-queue causes, refused team commands) in the desk
 * member's language. English is the core's own table (the same sentences the CLI and the API show);
 * Swedish is here. A flag stored before words were kept has only its English `reason`: that is shown
 * as it is. Pure.
 */
import type { DocumentCode, FieldFailureCode, MacCode, PhotoReasonCode } from "../../core/evidence/schema.js";
import type { StageId } from "../../core/types.js";
import { ENGLISH, PHOTO_WORDS_EN } from "../../core/words/english.js";
import type { FactWords, LoopBreach, Part, Rejection, UnmatchedNote, WordTable, Words } from "../../core/words/words.js";
import { fixEnglish } from "../../core/words/timeline-words.js";
import { cite, plain, sayParts } from "../../core/words/words.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { SWEDISH_EVENTS } from "./event-words.js";
import { flagWord } from "./flag-words.js";
import { stageLabel } from "./format.js";
import type { UiLanguage } from "./ui-language.js";

export const PHOTO_WORDS_SV: Record<PhotoReasonCode, string> = {
  unreadable: "går inte att öppna som bild",
  too_large: "för stort för att tas emot",
  duplicate: "en kopia av ett foto som redan har kommit in",
  low_resolution: "för låg upplösning",
  too_dark: "för mörkt",
  overexposed: "överexponerat",
  blurred: "suddigt",
  date_implausible: "taget vid en tidpunkt som inte stämmer med installationen",
};

export const MAC_WORDS_SV: Record<MacCode, string> = {
  invalid_format: "är ingen MAC-adress",
  reserved: "är en reserverad adress, inte en stations",
  duplicate_in_case: "anges för mer än en station",
  used_by_other_case: "är redan registrerad i ett annat ärende",
  not_shipped: "finns inte bland stationerna som levererats till ärendet",
};

export const FIELD_WORDS_SV: Record<FieldFailureCode, string> = {
  pattern: "har fel format",
  not_in_enum: "är inte ett av de godkända alternativen",
  invalid_date: "är inget giltigt datum",
  not_a_number: "är inget tal",
  not_an_integer: "är inget heltal",
  below_min: "är lägre än det lägsta godkända värdet",
  above_max: "är högre än det högsta godkända värdet",
  invalid_email: "är ingen e-postadress",
  invalid_phone: "är inget telefonnummer",
  invalid_mac: "är ingen MAC-adress",
  not_boolean: "är inte ja eller nej",
  not_confirmed: "är inte bekräftat",
  too_long: "är för långt",
  case_mismatch: "anger ett annat ärende",
  extra_station: "gäller en station som inte ingår i beställningen",
};

export const DOCUMENT_WORDS_SV: Record<Exclude<DocumentCode, "not_a_form">, string> = {
  encrypted: "är lösenordsskyddad",
  corrupt: "är skadad",
  unreadable: "går inte att läsa (en inskannad sida?)",
  too_large: "är för stor för att tas emot",
};

const pick = (table: Record<string, string>, code: string | undefined): string | undefined =>
  code !== undefined && Object.hasOwn(table, code) ? table[code] : undefined;

const stage = (s: string) => stageLabel(s as StageId, "sv");
const list = (items: string[]) => (items.length > 1 ? `${items.slice(0, -1).join(", ")} och ${items[items.length - 1]}` : (items[0] ?? ""));

function rejection(r: Rejection): string {
  switch (r.kind) {
    case "document":
      return `formulärfilen ”${r.file}” ${pick(DOCUMENT_WORDS_SV, r.problem) ?? "går inte att använda"}`;
    case "field":
      return `formulärfältet ${r.field.replaceAll("_", " ")}${r.station !== undefined ? ` (station ${r.station})` : ""}${r.value ? ` ”${r.value}”` : ""} ${r.problem === "missing" ? "saknas" : (pick(FIELD_WORDS_SV, r.problem) ?? "underkändes")}`;
    case "photo":
      return `fotot ”${r.file}”: ${r.problems.map((p) => pick(PHOTO_WORDS_SV, p) ?? p).join(", ") || "underkänt"}`;
    case "mac":
      return `MAC-adressen ${r.quoted ? `”${r.mac}”` : r.mac}${r.station ? ` (station ${r.station})` : ""} ${list(r.problems.map((p) => pick(MAC_WORDS_SV, p) ?? p))}`;
  }
}

function fact(k: FactWords): string {
  switch (k.fact) {
    case "stations":
      return `skriver ${String(k.stated)} stationer, ärendet har ${String(k.expected)}: ”${k.text}”`;
    case "install_service":
      return `skriver att installationstjänsten ${k.stated ? "köptes" : "inte köptes"}, men ärendet beställdes ${k.expected ? "med" : "utan"} den: ”${k.text}”`;
    case "mac_shipped":
      return `anger MAC-adressen ${String(k.stated)}, som inte finns bland de levererade till ärendet (${String(k.expected)})`;
    case "mac_station":
      return `anger MAC-adressen ${String(k.stated)} för station ${k.station ?? "?"}, men ärendet har ${String(k.expected)} för den`;
    case "mac_count":
      return `anger MAC-adresser för ${String(k.stated)} stationer, ärendet har ${String(k.expected)} (${k.text})`;
  }
}

function note(n: UnmatchedNote): string {
  switch (n.kind) {
    case "bad_tag":
      return `ärendetaggen ${n.caseId} i ämnesraden saknar giltig signatur`;
    case "bad_reference":
      return `referensen ${n.id} har en ogiltig signatur`;
    case "bad_plus_address":
      return `plusadressen ${n.address} saknar giltig signatur`;
  }
}

function breach(b: LoopBreach): string {
  switch (b.kind) {
    case "no_progress":
      return `${b.count} svar utan framsteg den senaste timmen`;
    case "case_hour":
      return `${b.count} mejl den senaste timmen`;
    case "recipient_day":
      return `${b.count} mejl till ${b.to} det senaste dygnet`;
  }
}

const mailOf = (from: string | null, subject: string) => `mejl från ${from ?? "(ingen avsändare)"} ”${subject || "(inget ämne)"}”`;
const days = (n: number) => `${n} ${n === 1 ? "arbetsdag" : "arbetsdagar"}`;

export const SWEDISH: WordTable = {
  evidence_rejected: (p) => `${p.sender} skickade underlag som inte godkändes: ${p.items.map(rejection).join("; ")}`,
  unclear_answer: (p) => `svaret från ${p.sender} gick inte att tolka för ${p.items.map((i) => `${i.item} (”${i.text}”)`).join("; ")}`,
  unassigned_photo: (p) =>
    `${p.count === 1 ? "ett foto" : `${p.count} foton`} från ${p.sender} passar inte in på någon checklistepunkt: ${p.files.map((f) => `”${f}”`).join(", ")}`,
  complaint: (p) => [`${p.from} har anmält ett mejl i ärendet som skräppost. Anmälan: ”`, cite(p.detail, "en"), "”"],
  bounce: (p) => [`mejlet till ${p.recipient ?? "en okänd mottagare"} studsade. Mottagarens server svarade: ”`, cite(p.diagnostic), "”"],
  unknown_sender: (p) => `${p.from ?? "ett mejl utan avsändare"} är inte deltagare i ${p.caseId}; innehållet hålls kvar tills teamet godkänner avsändaren`,
  auth_failed: (p) =>
    p.header.trim()
      ? [`DMARC-kontrollen underkände ${p.from ?? "avsändaren"}. Autentiseringsresultatet: ”`, cite(p.header.trim()), "”"]
      : `DMARC-kontrollen underkände ${p.from ?? "avsändaren"}`,
  malformed_mail: (p) => [`delar av mejlet från ${p.from} gick inte att läsa. Tolkningen rapporterade: ”`, cite(p.doubts.join("; "), "en"), "”"],
  fact_mismatch: (p) => `${p.sender} ${p.facts.map(fact).join("; ")}`,
  item_conflict: (p) => `${p.item} har besvarats, men ${p.requires} besvarades med nej: svaret gäller inte förrän ${p.requires} är klart`,
  loop: (p) => `gränsen för utskick är nådd, inget skickades: ${p.breaches.map(breach).join("; ")}`,
  processing_error: (p) => ["svaret gick inte att skapa. Felet: ”", cite(p.error, "en"), "”"],
  quarantined: (p) => [
    `mejlet med UID ${p.uid} misslyckades ${p.attempts} gånger. Felet: ”`,
    cite(p.error, "en"),
    `”. Det flyttas till ${p.quarantine} (det ligger kvar i ${p.mailbox} så länge brevlådan inte går att nå); \`replay\` tar tillbaka det när felet är åtgärdat`,
  ],
  no_reply_escalation: (p) => `inget svar i steget ${stage(p.stage)} efter ${days(p.days)} och ${p.reminders} ${p.reminders === 1 ? "påminnelse" : "påminnelser"}`,
  team_step_overdue: (p) => `${p.items.join(", ")} har väntat på driftsättningsteamet i ${days(p.days)} (sedan ${p.since.slice(0, 10)})`,
  unmatched: (p) =>
    `${mailOf(p.from, p.subject)}: ${p.notes.length ? p.notes.map(note).join("; ") : "ingen ärendetagg, ingen känd referens och ingen plusadress till ett ärende"}`,
  ambiguous: (p) => `${mailOf(p.from, p.subject)}: mejlet hänvisar till ${p.caseIds.length} ärenden: ${p.caseIds.join(", ")}`,

  team_step_waiting: (p) => `${p.item} ska bekräftas eller skickas tillbaka av teamet: deltagarna har skickat allt annat i steget`,
  ready_to_activate: () => "alla punkter är klara: aktivera stationerna",
  participant_bounces: (p) => [`mejl till ${p.email} studsar. Mottagarens server svarade: ”`, cite(p.diagnostic), "”"],
  draft_waiting: (p) => `botens mejl (${p.mailKind}) till ${p.to.join(", ")} väntar som utkast: skicka, redigera eller kasta det`,
  near_escalation: () => "eskaleras inom en arbetsdag om ingen svarar",

  not_a_checklist_item: (p) => `${p.item} är ingen checklistepunkt i ${p.caseId} (${p.items.join(", ")})`,
  override_needs_reason: () => "skriv varför punkten räknas som klar",
  not_a_team_step: (p) =>
    `${p.item} är inget teamsteg i steget ${stage(p.stage)}; teamsteg: ${p.steps.map((s) => `${s.item} (${stage(s.stage)})`).join(", ") || "inga i rules/stages.yaml"}`,
  send_back_needs_reason: () => "skriv varför punkten skickas tillbaka: skälet går med i mejlet",
  no_open_flag: (p) => `${p.caseId} har ingen öppen flagga ${p.flag}`,
  note_needs_text: () => "anteckningen är tom",
  note_too_long: (p) => `en anteckning får vara högst ${p.max} tecken`,
  no_override_to_undo: (p) => `${p.item} har inget godkännande att ångra`,
  undo_needs_reason: () => "skriv varför godkännandet ångras",
  bad_owner_name: (p) => `en ägare anges med en teammedlems namn, 1 till ${p.max} skrivbara tecken`,
  already_assigned: (p) => `${p.caseId} är redan tilldelat ${p.owner}`,
  not_assigned: (p) => `${p.caseId} är inte tilldelat någon`,
  not_closed: (p) => `${p.caseId} är inte avslutat (steg: ${stage(p.stage)}): bara ett avslutat ärende kan öppnas igen`,
  reopen_needs_reason: () => "skriv varför ärendet öppnas igen",
  already_in_stage: (p) => (p.stage === "closed" ? "ärendet är redan avslutat" : "ärendet är redan aktiverat"),
  not_ready_to_activate: (p) =>
    `ärendet är i steget ”${stage(p.stage)}” och ännu inte redo för aktivering: aktivera ändå bara om det som saknas har kontrollerats på annat sätt`,
  never_activated: (p) => `ärendet är i steget ”${stage(p.stage)}” och aktiverades aldrig: avsluta ändå bara om platsen inte ska aktiveras`,
  nothing_to_change: () => "inget att ändra: ärendet har redan de här uppgifterna",
  closed_sends_nothing: (p) => `${p.caseId} är avslutat: inget mejlas från ett avslutat ärende (lägg till deltagaren utan att skicka)`,
  no_case: (p) => `ärendet ${p.caseId} finns inte`,
  archived_read_only: (p) => `${p.caseId} är arkiverat (skrivskyddat): öppna det igen först`,
  case_kept_changing: (p) => `ärendet ${p.caseId} ändrades hela tiden; försök igen`,
  needs_mail_pipeline: () => "för att godkänna ett kvarhållet mejl behövs mejlflödet",
  row_is_no_flag: () => "raden är ingen flagga: det finns inget att lösa",
  case_gone: (p) => `ärendet ${p.caseId} finns inte (arkiverat eller borttaget)`,
  flag_resolved_meanwhile: (p) => `ingen öppen flagga ${p.codes.join(" eller ")} längre: den har lösts under tiden`,
  no_open_loose_flag: (p) => `ingen öppen flagga ${p.flag} utan ärende`,
  no_held_mail_flag: (p) => `${p.caseId} har ingen öppen flagga ${p.code} (${p.flag}) med ett kvarhållet mejl`,
  no_kept_mail: (p) => `ingen öppen flagga ${p.flag} med ett sparat mejl`,
  flag_has_no_mail: () => "flaggan har inget sparat mejl att koppla till ett ärende",
  say_how_resolved: () => "skriv hur flaggan löstes",
  say_why_rejected: () => "skriv varför mejlet avvisas",
  reason_too_long: (p) => `ett skäl får vara högst ${p.max} tecken`,
  held_mail_no_sender: () => "det kvarhållna mejlet saknar avsändaradress",
  no_sender_to_accept: () => "mejlet har ingen avsändaradress att godkänna",
  case_changed_meanwhile: () => "ärendet ändrades under tiden; försök igen",
  loose_flag_settled_meanwhile: (p) => `flaggan ${p.flag} hanterades under tiden`,

  closed_mails_nothing: (p) => `${p.caseId} är avslutat: inget mejlas från ett avslutat ärende`,
  replace_bounced_first: (p) => `mejl till ${list(p.addresses)} studsar: byt adressen först`,
  nobody_to_send_to: () => "det finns ingen att skicka till: ärendet har ingen deltagare med fungerande adress för det här",
  stage_sends_no_reminders: (p) => `steget ${stage(p.stage)} skickar inga påminnelser`,
  nothing_to_remind: (p) => `deltagarna har inget kvar att skicka i steget ${stage(p.stage)}: det finns inget att påminna om`,
  message_needs_text: () => "meddelandet är tomt",
  text_too_long: (p) => `${{ note: "en anteckning", message: "ett meddelande", reason: "ett skäl" }[p.what] ?? "en text"} får vara högst ${p.max} tecken`,
  choose_recipients: () => "välj vem meddelandet ska till",
  not_participants: (p) => `${list(p.addresses)} är inte deltagare i ${p.caseId}`,
  choose_photos: () => "välj vilka foton som ska tas om",
  too_many_photos: (p) => `högst ${p.max} foton i en begäran`,
  no_photo: (p) => `det finns inget foto ${p.ref} i ${p.caseId}`,
  photo_passed: (p) => `${p.file} godkändes i kontrollen: skriv varför det måste tas om`,
  choose_items: () => "välj vilka checklistepunkter som ska efterfrågas igen",
  too_many_items: (p) => `högst ${p.max} punkter i en fråga`,
  not_an_item_of: (p) => `${p.item} är ingen checklistepunkt i ${p.caseId}`,
  team_own_step: (p) => `${p.item} är teamets eget steg: bekräfta det eller skicka tillbaka det i stället`,
  not_a_date: (p) => `${p.day || "(tomt)"} är inget datum: ange ett som 2026-12-24`,
  pause_after_today: (p) => `pausa till en dag efter i dag (${p.today})`,
  pause_too_far: (p) => `påminnelser kan pausas högst ${p.max} dagar framåt`,
  no_reminders_when_done: (p) => `${p.caseId} är ${p.stage === "closed" ? "avslutat" : "aktiverat"}: det har inga påminnelser`,
  not_an_email_address: (p) => `${p.email} är ingen e-postadress`,
  same_address: () => "den nya adressen är densamma som den gamla",
  already_a_participant: (p) => `${p.email} är redan deltagare i ${p.caseId}`,
  closed_replace_without_sending: (p) => `${p.caseId} är avslutat: inget mejlas från ett avslutat ärende (byt adressen utan att skicka)`,
  no_draft: (p) => `${p.caseId} har inget utkast ${p.key}: det har redan skickats eller kastats`,
  discard_reason_too_long: (p) => `skälet är längre än ${p.max} tecken: skriv det kortare`,
  draft_mail_gone: () => "utkastets mejl finns inte längre (raderat?): kasta utkastet i stället",
  draft_text_empty: () => "texten är tom: skriv mejlet eller kasta utkastet",
  draft_text_too_long: (p) => `texten är längre än ${p.max} tecken: korta den`,
  unknown_stages: (p) => `okänt steg ${list(p.names)}: ange all, eller steg bland ${p.stages.join(", ")}`,
  bad_team_member: (p) => `X-Team-Member ska vara ett namn på högst ${p.max} skrivbara tecken`,

  state_form_failed: (p) => p.fields.map(rejection).join("; ") || `formuläret ”${p.file}” underkändes`,
  state_macs_failed: (p) => `${p.accepted} av ${p.needed} godkända; ${p.macs.map(rejection).join("; ")}`,
  state_photos_short: (p) =>
    `${p.short.map((s) => `${s.label.sv}: ${s.have} av ${s.need}`).join(", ")}${p.rejected ? " (foton underkändes i kontrollen)" : " (foton saknas)"}`,
  state_answered_no: (p) => ["svarade nej: ”", cite(p.text), "”"],
  state_sent_back: (p) => `skickades tillbaka av ${p.by}: ${p.reason}`,

  ...SWEDISH_EVENTS,
};

/**
 * The desk's English: the core's sentences, but a flag's reason inside an event said from its words
 * (as the Swedish is), not from the English stored beside them, so that it names checklist items by
 * the titles the desk gives them (titled-views.ts), and the flag by its kind in words, not its code.
 */
const DESK_ENGLISH: WordTable = {
  ...ENGLISH,
  flagged: (p, nested) => (p.words ? [`${flagWord(p.code, "en")}: `, ...nested(p.words)] : `${flagWord(p.code, "en")}: ${p.reason}`),
  flag_resolved: (p, nested) => (p.howWords ? [`${flagWord(p.code, "en")} resolved: `, ...nested(p.howWords)] : `${flagWord(p.code, "en")} resolved: ${p.how}`),
  flag_narrowed: (p, nested) => [`${flagWord(p.code, "en")}: ${p.fixes.map(fixEnglish).join("; ")}; still open: `, ...(p.stillWords ? nested(p.stillWords) : [p.still])],
};

const TABLES: Record<UiLanguage, WordTable> = { en: DESK_ENGLISH, sv: SWEDISH };

/**
 * The words in the member's language; `fallback` (the stored English) when there are none, or when
 * they are not words this version knows (a record written by another version of the bot).
 */
export function wordsText(w: Words | undefined, fallback: string, lang: UiLanguage): string {
  return plain(wordsParts(w, fallback, lang));
}

function wordsParts(w: Words | undefined, fallback: string, lang: UiLanguage): Part[] {
  if (!w || !Object.hasOwn(TABLES[lang], w.code)) return [fallback];
  try {
    return sayParts(TABLES[lang], w);
  } catch {
    // Parameters of another shape than this version's: the stored sentence is still right.
    return [fallback];
  }
}

/**
 * The words on a page: what was quoted from outside (a remote server's words, a header, what a
 * participant wrote) is kept verbatim and marked as a quotation in its own language (`lang=""` when
 * unknown), so that it reads as a citation, not as the desk's own words left untranslated.
 */
export function wordsHtml(w: Words | undefined, fallback: string, lang: UiLanguage): Html {
  return html`${wordsParts(w, fallback, lang).map((p) => (typeof p === "string" ? html`${p}` : html`<q class="quoted" lang="${p.lang}">${p.quoted}</q>`))}`;
}

/** A photo check's fault (a PhotoReasonCode) in the member's language; an unknown code as it is. */
export function photoProblemText(code: string, lang: UiLanguage): string {
  const table: Record<string, string> = lang === "sv" ? PHOTO_WORDS_SV : PHOTO_WORDS_EN;
  return Object.hasOwn(table, code) ? (table[code] ?? code) : code;
}

/** A participant's words on a page: verbatim, in the member's language's quotation marks, marked as a quotation. */
export function quotedHtml(text: string, lang: UiLanguage): Html {
  return lang === "sv" ? html`”<q class="quoted" lang="">${text}</q>”` : html`“<q class="quoted" lang="">${text}</q>”`;
}

/** A flag's reason (or a work item's cause) in the member's language. */
export function reasonText(f: { reason: string; words?: Words | undefined }, lang: UiLanguage): string {
  return wordsText(f.words, f.reason, lang);
}

/** The same on a page, quotes marked. */
export function reasonHtml(f: { reason: string; words?: Words | undefined }, lang: UiLanguage): Html {
  return wordsHtml(f.words, f.reason, lang);
}
