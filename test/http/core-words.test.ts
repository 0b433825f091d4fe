// The core's words (core/words) in both of the desk's languages: every code has a sentence in Swedish
// and in English, every evidence code inside them too; a flag stored before words were kept (or with
// words this version does not know) shows its English reason as it was stored.
import { flagWord } from "../../src/http/pages/flag-words.js";
import { describe, expect, it } from "vitest";
import { DOCUMENT_CODES, FIELD_FAILURE_CODES, MAC_CODES, PHOTO_REASON_CODES } from "../../src/core/evidence/schema.js";
import { DOCUMENT_WORDS_EN, ENGLISH, FIELD_WORDS_EN, MAC_WORDS_EN, PHOTO_WORDS_EN, englishText } from "../../src/core/words/english.js";
import type { WordCode, WordParams, Words } from "../../src/core/words/words.js";
import { MAX_FLAG_REASON_CHARS, words } from "../../src/core/words/words.js";
import { DOCUMENT_WORDS_SV, FIELD_WORDS_SV, MAC_WORDS_SV, PHOTO_WORDS_SV, SWEDISH, reasonText, wordsText } from "../../src/http/pages/core-words.js";

const NM = "nina@kund.se";

/** One example per code: typed, so a code added to WordParams without an example does not compile. */
const EXAMPLES: { [K in WordCode]: WordParams[K] } = {
  evidence_rejected: {
    sender: NM,
    items: [
      { kind: "document", file: "form.pdf", problem: "encrypted" },
      { kind: "field", field: "mac", station: 2, value: "xyz", problem: "invalid_mac" },
      { kind: "photo", file: "IMG_1.jpg", problems: ["blurred", "too_dark"] },
      { kind: "mac", mac: "00:00:00:00:00:00", quoted: false, station: 1, problems: ["reserved"] },
    ],
  },
  unclear_answer: { sender: NM, items: [{ item: "account.contacts", text: "vet inte" }] },
  unassigned_photo: { sender: NM, count: 2, files: ["a.jpg", "b.jpg"] },
  complaint: { from: NM, detail: "abuse report" },
  bounce: { recipient: NM, diagnostic: "5.1.1 user unknown" },
  unknown_sender: { from: "x@y.se", caseId: "ACT-100001" },
  auth_failed: { from: "x@y.se", header: "dmarc=fail" },
  malformed_mail: { from: NM, doubts: ["truncated"] },
  fact_mismatch: { sender: NM, facts: [{ fact: "stations", stated: 3, expected: 2, text: "tre laddare" }] },
  item_conflict: { item: "account.price", requires: "account.flex_billing" },
  loop: { breaches: [{ kind: "case_hour", count: 9 }] },
  processing_error: { error: "template broken" },
  quarantined: { uid: 7, attempts: 5, error: "boom", quarantine: "Quarantine", mailbox: "INBOX" },
  no_reply_escalation: { stage: "open", days: 10, reminders: 2 },
  team_step_overdue: { items: ["account.verified"], days: 3, since: "2026-12-01T08:00:00.000Z" },
  unmatched: { from: "x@y.se", subject: "Hej", notes: [{ kind: "bad_tag", caseId: "ACT-100001" }] },
  ambiguous: { from: "x@y.se", subject: "Hej", caseIds: ["ACT-100001", "ACT-100002"] },
  team_step_waiting: { item: "account.verified" },
  ready_to_activate: {},
  participant_bounces: { email: NM, diagnostic: "5.1.1" },
  draft_waiting: { mailKind: "reminder", to: [NM] },
  near_escalation: {},
  not_a_checklist_item: { item: "x.y", caseId: "ACT-100001", items: ["account.contacts"] },
  override_needs_reason: {},
  not_a_team_step: { item: "x.y", stage: "open", steps: [{ item: "account.verified", stage: "open" }] },
  send_back_needs_reason: {},
  no_open_flag: { flag: "bounce:m1", caseId: "ACT-100001" },
  note_needs_text: {},
  note_too_long: { max: 4000 },
  no_override_to_undo: { item: "account.contacts" },
  undo_needs_reason: {},
  bad_owner_name: { max: 80 },
  already_assigned: { caseId: "ACT-100001", owner: "maja" },
  not_assigned: { caseId: "ACT-100001" },
  not_closed: { caseId: "ACT-100001", stage: "commissioning" },
  reopen_needs_reason: {},
  already_in_stage: { stage: "closed" },
  not_ready_to_activate: { stage: "commissioning" },
  never_activated: { stage: "commissioning" },
  nothing_to_change: {},
  closed_sends_nothing: { caseId: "ACT-100001" },
  no_case: { caseId: "ACT-100001" },
  archived_read_only: { caseId: "ACT-100001" },
  case_kept_changing: { caseId: "ACT-100001" },
  needs_mail_pipeline: {},
  row_is_no_flag: {},
  case_gone: { caseId: "ACT-100001" },
  flag_resolved_meanwhile: { codes: ["bounce"] },
  no_open_loose_flag: { flag: "unmatched:m1" },
  no_held_mail_flag: { code: "unknown_sender", flag: "unknown_sender:m1", caseId: "ACT-100001" },
  no_kept_mail: { flag: "unmatched:m1" },
  flag_has_no_mail: {},
  say_how_resolved: {},
  say_why_rejected: {},
  reason_too_long: { max: 2000 },
  held_mail_no_sender: {},
  no_sender_to_accept: {},
  case_changed_meanwhile: {},
  loose_flag_settled_meanwhile: { flag: "unmatched:m1" },
  closed_mails_nothing: { caseId: "ACT-100001" },
  replace_bounced_first: { addresses: [NM] },
  nobody_to_send_to: {},
  stage_sends_no_reminders: { stage: "activated" },
  nothing_to_remind: { stage: "open" },
  message_needs_text: {},
  text_too_long: { what: "message", max: 4000 },
  choose_recipients: {},
  not_participants: { addresses: ["x@y.se", "z@y.se"], caseId: "ACT-100001" },
  choose_photos: {},
  too_many_photos: { max: 20 },
  no_photo: { ref: "file:IMG_1.jpg", caseId: "ACT-100001" },
  photo_passed: { file: "IMG_1.jpg" },
  choose_items: {},
  too_many_items: { max: 20 },
  not_an_item_of: { item: "x.y", caseId: "ACT-100001" },
  team_own_step: { item: "account.verified" },
  not_a_date: { day: "imorgon" },
  pause_after_today: { today: "2026-12-04" },
  pause_too_far: { max: 90 },
  no_reminders_when_done: { caseId: "ACT-100001", stage: "activated" },
  not_an_email_address: { email: "nina" },
  same_address: {},
  already_a_participant: { email: NM, caseId: "ACT-100001" },
  closed_replace_without_sending: { caseId: "ACT-100001" },
  no_draft: { caseId: "ACT-100001", key: "reply:1" },
  discard_reason_too_long: { max: 500 },
  draft_mail_gone: {},
  draft_text_empty: {},
  draft_text_too_long: { max: 20000 },
  unknown_stages: { names: ["somewhere"], stages: ["open", "commissioning"] },
  bad_team_member: { max: 80 },

  state_form_failed: {
    file: "driftsattning.pdf",
    fields: [
      { kind: "field", field: "mac", station: 1, value: "xyz", problem: "invalid_mac" },
      { kind: "field", field: "installer_name", problem: "missing" },
    ],
  },
  state_macs_failed: { accepted: 1, needed: 2, macs: [{ kind: "mac", mac: "00:00:00:00:00:00", quoted: false, station: 2, problems: ["reserved"] }] },
  state_photos_short: { short: [{ label: { sv: "Laddarens dekal", en: "Charger label" }, have: 0, need: 1 }], rejected: true },
  state_answered_no: { text: "nej, inte än" },
  state_sent_back: { by: "maja", reason: "kontot saknar fakturaadress" },

  case_opened: { site: "Brf Eken" },
  make_from_form: { make: "Zaptec Go", written: "zaptec go" },
  make_from_mac: { make: "Zaptec Go", prefix: "F8:1D:0F", mac: "F8:1D:0F:00:00:01" },
  mail_in: { subject: "Re: Driftsättning" },
  mail_out: { mailKind: "progress", to: [NM] },
  mail_ignored: { class: "auto_reply", evidence: 'subject "Out of office"' },
  stage_advanced: { from: "open", to: "site_readiness", after: "mail" },
  stage_set: { from: "ready_for_activation", to: "activated", action: "activate", why: "" },
  case_reopened: { to: "commissioning", by: "maja", why: "fel station" },
  flagged: { code: "bounce", reason: "mail to nina@kund.se bounced: 5.1.1 user unknown", words: { code: "bounce", params: { recipient: NM, diagnostic: "5.1.1 user unknown" } } },
  flag_resolved: { code: "fact_mismatch", how: "the case's facts were changed to agree", howWords: { code: "resolved_facts_agree", params: {} } },
  flag_narrowed: {
    code: "evidence_rejected",
    fixes: [{ kind: "mac_passed", from: NM, mac: "F8:1D:0F:00:00:01", station: 1 }],
    // As evidence-fixes.ts keeps it: the English of the words beside them.
    still: `${NM} sent evidence that failed its check: photo “IMG_1.jpg” blurred`,
    stillWords: { code: "evidence_rejected", params: { sender: NM, items: [{ kind: "photo", file: "IMG_1.jpg", problems: ["blurred"] }] } },
  },
  resolved_fixed: { fixes: [{ kind: "photo_retaken", from: NM, category: { sv: "Laddarens dekal", en: "Charger label" }, file: "IMG_2.jpg" }] },
  resolved_mail_accepted: {},
  resolved_released: { by: "maja", sender: "x@y.se" },
  resolved_facts_agree: {},
  resolved_address_replaced: { email: "ny@kund.se" },
  item_failed: { item: "account.contacts", reason: "nej", words: { code: "state_answered_no", params: { text: "nej" } } },
  item_state: { item: "account.contacts", from: "missing", to: "ok" },
  item_confirmed: { item: "account.verified", by: "maja" },
  item_sent_back: { item: "account.verified", by: "maja", reason: "saknar org.nr" },
  another_receipt: { item: "delivery.received", text: "låda 2 av 2 kom i dag" },
  digital_parcel: { products: ["licens"], text: "var är paketet?" },
  answer_unclear: { item: "account.contacts", text: "kanske" },
  item_overridden: { item: "account.contacts", why: "bekräftat per telefon" },
  override_undone: { item: "account.contacts", by: "maja", why: "fel ärende" },
  reminder_sent: { n: 1, to: [NM] },
  reminded_now: { by: "maja", to: [NM], note: "" },
  reminders_paused: { day: "2026-12-24", note: "semester" },
  participant_added: { email: NM },
  participant_replaced: { old: "gammal@kund.se", email: NM, role: "network_manager", diagnostic: "550 5.1.1 mailbox unavailable" },
  person_erased: { pseudonym: "erased-act-100001-0@erased.invalid" },
  facts_changed: { by: "maja", changes: [{ fact: "stations", from: 2, to: 3 }, { fact: "install_service", from: false, to: true }] },
  owner_assigned: { owner: "maja", by: "erik", was: "sara" },
  owner_unassigned: { by: "maja", was: null },
  team_message: { to: [NM], excerpt: "Hej!" },
  retake_asked: { files: ["IMG_1.jpg"], who: NM, note: "" },
  asked_again: { items: ["account.contacts"], to: [NM], note: "" },
  last_mail_resent: { mailKind: "stage_request", email: NM, old: "gammal@kund.se" },
  archived: { days: 90 },
  restored: { why: "kunden hörde av sig", filesDeleted: true },
  draft_held: { mailKind: "progress", to: [NM] },
  draft_sent: { mailKind: "progress", to: [NM], by: "maja" },
  draft_edited: { mailKind: "progress", to: [NM], by: "maja" },
  draft_discarded: { mailKind: "progress", to: [NM], by: "maja", reason: "" },
};

const codes = Object.keys(EXAMPLES) as WordCode[];
/** Events whose sentence begins with a flag: the desk names its kind in words where the core gives the code. */
const FLAG_EVENTS: ReadonlySet<WordCode> = new Set<WordCode>(["flagged", "flag_resolved", "flag_narrowed"]);

describe("the core's words in Swedish and English", () => {
  it("has a sentence in both languages for every code, and the Swedish one is not the English one", () => {
    expect(Object.keys(SWEDISH).sort()).toEqual([...codes].sort());
    expect(Object.keys(ENGLISH).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      const w = words(code, EXAMPLES[code]);
      const sv = wordsText(w, "", "sv");
      const en = wordsText(w, "", "en");
      expect(sv, code).not.toBe("");
      expect(en, code).not.toBe("");
      expect(sv, code).not.toBe(en);
      // The desk's English is the core's (the API's and the CLI's), but names a flag by its kind in words.
      const flag = (EXAMPLES[code] as { code?: string }).code;
      const core = englishText(w);
      expect(en, code).toBe(FLAG_EVENTS.has(code) && flag ? core.replace(flag, flagWord(flag, "en")) : core);
    }
  });

  it("has Swedish and English words for every photo, MAC, form-field and document code", () => {
    for (const [codesOf, sv, en] of [
      [PHOTO_REASON_CODES, PHOTO_WORDS_SV, PHOTO_WORDS_EN],
      [MAC_CODES, MAC_WORDS_SV, MAC_WORDS_EN],
      [FIELD_FAILURE_CODES, FIELD_WORDS_SV, FIELD_WORDS_EN],
      [DOCUMENT_CODES.filter((c) => c !== "not_a_form"), DOCUMENT_WORDS_SV, DOCUMENT_WORDS_EN],
    ] as [readonly string[], Record<string, string>, Record<string, string>][]) {
      for (const code of codesOf) {
        expect(sv[code], code).toBeTruthy();
        expect(en[code], code).toBeTruthy();
      }
    }
  });

  it("writes rejected evidence, a work-queue cause and a refusal as a Swedish coordinator would", () => {
    const say = (code: WordCode) => wordsText(words(code, EXAMPLES[code]), "", "sv");
    expect(say("evidence_rejected")).toBe(
      `${NM} skickade underlag som inte godkändes: formulärfilen ”form.pdf” är lösenordsskyddad; formulärfältet mac (station 2) ”xyz” är ingen MAC-adress; ` +
        "fotot ”IMG_1.jpg”: suddigt, för mörkt; MAC-adressen 00:00:00:00:00:00 (station 1) är en reserverad adress, inte en stations",
    );
    expect(say("team_step_waiting")).toBe("account.verified ska bekräftas eller skickas tillbaka av teamet: deltagarna har skickat allt annat i steget");
    expect(say("not_closed")).toBe("ACT-100001 är inte avslutat (steg: Installation, driftsättning och markering): bara ett avslutat ärende kan öppnas igen");
    expect(say("no_reply_escalation")).toBe("inget svar i steget Konto för nätverksansvarig efter 10 arbetsdagar och 2 påminnelser");
    expect(say("not_participants")).toBe("x@y.se och z@y.se är inte deltagare i ACT-100001");
    expect(say("text_too_long")).toBe("ett meddelande får vara högst 4000 tecken");
  });

  it("keeps the English sentences the CLI and the API showed before words existed", () => {
    const en = (code: WordCode) => englishText(words(code, EXAMPLES[code]));
    expect(en("unassigned_photo")).toBe(`2 photos from ${NM} fit no checklist item: “a.jpg”, “b.jpg”`);
    expect(en("already_in_stage")).toBe("case is already closed");
    expect(en("ambiguous")).toBe("mail from x@y.se “Hej”: the mail refers to 2 cases: ACT-100001, ACT-100002");
    expect(en("fact_mismatch")).toBe(`${NM} writes 3 stations, the case has 2: “tre laddare”`);
  });

  it("bounds a sentence listing what a mail brought, in both languages", () => {
    const files = Array.from({ length: 40 }, (_, i) => `a-photo-with-a-long-file-name-${i}.jpg`);
    const w = words("unassigned_photo", { sender: NM, count: 40, files });
    for (const lang of ["sv", "en"] as const) expect(wordsText(w, "", lang).length).toBe(MAX_FLAG_REASON_CHARS);
  });

  it("shows a flag stored without words, or with words this version does not know, by its stored English reason", () => {
    const old = { reason: "the answer of nina@kund.se could not be read for account.contacts from “vet inte”" };
    expect(reasonText(old, "sv")).toBe(old.reason);
    const stranger = { reason: "from a newer bot", words: { code: "from_the_future", params: {} } as unknown as Words };
    expect(reasonText(stranger, "sv")).toBe("from a newer bot");
    const misshapen = { reason: "kept text", words: { code: "evidence_rejected", params: { sender: NM } } as unknown as Words };
    expect(reasonText(misshapen, "sv")).toBe("kept text");
  });
});
