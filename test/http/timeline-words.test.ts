// The timeline's summaries and a failed checklist item's reason in the desk member's language: every
// event kind the core records has words with a Swedish sentence, every way the checklist fails an item
// says why in words, no event is recorded with an English sentence alone, and what is quoted from
// outside stays verbatim, marked as a quotation, inside Swedish words.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateChecklist } from "../../src/core/case/checklist.js";
import { openCase } from "../../src/core/case/open-case.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case, EventKind, EvidenceRecord } from "../../src/core/types.js";
import { ENGLISH, englishText } from "../../src/core/words/english.js";
import type { EventCode } from "../../src/core/words/timeline-words.js";
import { ENGLISH_EVENTS } from "../../src/core/words/timeline-words.js";
import type { WordCode } from "../../src/core/words/words.js";
import { words } from "../../src/core/words/words.js";
import { SWEDISH, wordsHtml, wordsText } from "../../src/http/pages/core-words.js";
import { SWEDISH_EVENTS } from "../../src/http/pages/event-words.js";
import { repoRules } from "../support/rules.js";

/** Every event kind (typed: a kind added to EventKind without a line here does not compile). */
const KINDS: Record<EventKind, true> = {
  case_opened: true,
  mail_in: true,
  mail_out: true,
  mail_ignored: true,
  stage_changed: true,
  flagged: true,
  flag_resolved: true,
  flag_narrowed: true,
  item_changed: true,
  override: true,
  reminder: true,
  participant_changed: true,
  facts_changed: true,
  owner_changed: true,
  note: true,
  team_mail: true,
  archived: true,
  restored: true,
  draft: true,
};

/**
 * The event kind each code of the timeline's words is recorded as (typed both ways: a code without a
 * kind does not compile); `resolved_*` are the words of a flag's `how`, told inside `flag_resolved`.
 */
const KIND_OF: Record<EventCode, EventKind | "how"> = {
  case_opened: "case_opened",
  make_from_form: "item_changed",
  make_from_mac: "item_changed",
  mail_in: "mail_in",
  mail_out: "mail_out",
  mail_ignored: "mail_ignored",
  stage_advanced: "stage_changed",
  stage_set: "stage_changed",
  case_reopened: "stage_changed",
  flagged: "flagged",
  flag_resolved: "flag_resolved",
  flag_narrowed: "flag_narrowed",
  resolved_fixed: "how",
  resolved_mail_accepted: "how",
  resolved_released: "how",
  resolved_facts_agree: "how",
  resolved_address_replaced: "how",
  item_failed: "item_changed",
  item_state: "item_changed",
  item_confirmed: "item_changed",
  item_sent_back: "item_changed",
  another_receipt: "item_changed",
  digital_parcel: "item_changed",
  answer_unclear: "item_changed",
  item_overridden: "override",
  override_undone: "override",
  reminder_sent: "reminder",
  reminded_now: "reminder",
  reminders_paused: "reminder",
  participant_added: "participant_changed",
  participant_replaced: "participant_changed",
  person_erased: "participant_changed",
  facts_changed: "facts_changed",
  owner_assigned: "owner_changed",
  owner_unassigned: "owner_changed",
  team_message: "team_mail",
  retake_asked: "team_mail",
  asked_again: "team_mail",
  last_mail_resent: "team_mail",
  archived: "archived",
  restored: "restored",
  draft_held: "draft",
  draft_sent: "draft",
  draft_edited: "draft",
  draft_discarded: "draft",
};

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith(".ts") ? [path] : [];
  });
}

let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

describe("the timeline in Swedish and English", () => {
  it("has words for every event kind but a member's note (her own text), each with a Swedish and an English sentence", () => {
    const told = new Set(Object.values(KIND_OF));
    const kinds = (Object.keys(KINDS) as EventKind[]).filter((k) => k !== "note");
    expect(kinds.filter((k) => !told.has(k))).toEqual([]);
    const codes = Object.keys(KIND_OF).sort();
    expect(Object.keys(SWEDISH_EVENTS).sort()).toEqual(codes);
    expect(Object.keys(ENGLISH_EVENTS).sort()).toEqual(codes);
    for (const code of codes) {
      expect(SWEDISH[code as WordCode], code).toBe(SWEDISH_EVENTS[code as EventCode]);
      expect(ENGLISH[code as WordCode], code).toBe(ENGLISH_EVENTS[code as EventCode]);
    }
  });

  it("records no event with an English sentence alone: every summary in src/ is built from words (a note is the member's own text)", () => {
    const literal = /\bsummary:\s*[`"']/;
    const offenders = sources("src").flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) => (literal.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(offenders).toEqual([]);
  });

  it("says why a checklist item failed in words, for a failed form, rejected MACs, short photos, a no and a step sent back", () => {
    const opened = openCase("ACT-100001", { site: "S", nmEmail: "nm@kund.test", stations: 2, macsShipped: [], installService: true, locale: "sv" }, rules, "2026-11-26T10:00:00.000Z", "t").case;
    const record = (over: Partial<EvidenceRecord>): EvidenceRecord => ({ mail: `m${Math.random()}`, at: "2026-11-26T11:00:00.000Z", from: "nm@kund.test", answers: {}, forms: [], photos: [], macs: [], ...over });
    const c: Case = {
      ...opened,
      evidence: [
        record({
          answers: { "account.flex_billing": { status: "negative", value: false, text: "Vi har inte konfigurerat Flex-fakturering ännu." } },
          forms: [
            {
              form: "site_commissioning",
              file: "driftsattning.pdf",
              status: "failed",
              reason: "”MAC-adress” är inte ifyllt.",
              fields: [
                { name: "station_1_mac", value: "xyz", verdict: "failed", reason: "invalid_mac" },
                { name: "installer_name", value: null, verdict: "missing" },
              ],
            },
          ],
          photos: [{ file: "panel.jpg", category: "electrical_panel", stage: "site_readiness", status: "failed", reasons: ["blurred"], measures: {} }],
          macs: [{ raw: "00:00:00:00:00:00", mac: "00:00:00:00:00:00", station: 1, status: "failed", reasons: ["reserved"] }],
        }),
      ],
      teamChecks: [{ item: "account.verified", verdict: "sent_back", by: "maja", at: "2026-11-26T12:00:00.000Z", reason: "Organisationsnumret saknas." }],
    };
    const failed = evaluateChecklist(c, rules).items.filter((i) => i.state.status === "failed");
    const codes = failed.map((i) => (i.state.status === "failed" ? i.state.code : undefined));
    expect(codes).toEqual(expect.arrayContaining(["negative_answer", "sent_back", "photos_rejected", "mac_rejected"]));
    expect(failed.find((i) => i.id === "commissioning.form")?.state).toMatchObject({ status: "failed" });
    for (const i of failed) {
      if (i.state.status !== "failed") continue;
      expect(i.state.words, i.id).toBeDefined();
      const sv = wordsText(i.state.words, "", "sv");
      const en = wordsText(i.state.words, "", "en");
      expect(sv, i.id).not.toBe(en);
      expect(en, i.id).toBe(englishText(i.state.words as NonNullable<typeof i.state.words>));
      for (const english of ["accepted", "missing", "failed", "answered no", "sent back", "is not a"]) expect(sv, `${i.id}: ${sv}`).not.toContain(english);
    }
    const say = (id: string) => {
      const s = failed.find((i) => i.id === id)?.state;
      return s?.status === "failed" ? wordsText(s.words, s.reason, "sv") : "";
    };
    expect(say("commissioning.form")).toBe("formulärfältet mac (station 1) ”xyz” är ingen MAC-adress; formulärfältet installer name saknas");
    expect(say("commissioning.macs")).toBe("0 av 2 godkända; MAC-adressen 00:00:00:00:00:00 (station 1) är en reserverad adress, inte en stations");
    expect(say("account.flex_billing")).toBe("svarade nej: ”Vi har inte konfigurerat Flex-fakturering ännu.”");
    expect(say("account.verified")).toBe("skickades tillbaka av maja: Organisationsnumret saknas.");
    expect(say("site.photos")).toMatch(/^Monteringsyta eller betongplatta: 0 av 1, .*Elcentral: 0 av 1, .* \(foton underkändes i kontrollen\)$/);
  });

  it("keeps what a remote server said verbatim, marked as a quotation in no known language, inside Swedish words", () => {
    const bounce = words("bounce", { recipient: "nina@kund.se", diagnostic: "550 5.1.1 <nina@kund.se>: Recipient address rejected" });
    const page = String(wordsHtml(bounce, "", "sv"));
    expect(page).toBe(
      "mejlet till nina@kund.se studsade. Mottagarens server svarade: ”<q class=\"quoted\" lang=\"\">550 5.1.1 &lt;nina@kund.se&gt;: Recipient address rejected</q>”",
    );
    // The English the CLI and the API show is the sentence it always was.
    expect(englishText(bounce)).toBe("mail to nina@kund.se bounced: 550 5.1.1 <nina@kund.se>: Recipient address rejected");
    // A program's error is English, and marked so.
    expect(String(wordsHtml(words("processing_error", { error: "template broken" }), "", "sv"))).toContain('<q class="quoted" lang="en">template broken</q>');
    // An event stored before events kept words shows its stored English.
    expect(String(wordsHtml(undefined, "progress to nina@kund.se", "sv"))).toBe("progress to nina@kund.se");
  });

  it("tells a flag resolved by the bot, and one narrowed, in Swedish down to what is still open", () => {
    const still = words("evidence_rejected", { sender: "nina@kund.se", items: [{ kind: "photo", file: "IMG_1.jpg", problems: ["blurred"] }] });
    const narrowed = words("flag_narrowed", { code: "evidence_rejected", fixes: [{ kind: "mac_passed", from: "nina@kund.se", mac: "F8:1D:0F:00:00:01", station: 1 }], still: englishText(still), stillWords: still });
    expect(wordsText(narrowed, "", "sv")).toBe(
      "underlag underkänt: nina@kund.se skickade MAC-adressen F8:1D:0F:00:00:01 för station 1, som godkändes; fortfarande öppet: nina@kund.se skickade underlag som inte godkändes: fotot ”IMG_1.jpg”: suddigt",
    );
    expect(englishText(narrowed)).toBe(
      "evidence_rejected: nina@kund.se sent MAC address F8:1D:0F:00:00:01 for station 1, which passed; still open: nina@kund.se sent evidence that failed its check: photo “IMG_1.jpg” blurred",
    );
    // The desk's English names the flag by its kind in words; the API and the CLI keep the code.
    expect(wordsText(narrowed, "", "en")).toBe(
      "evidence rejected: nina@kund.se sent MAC address F8:1D:0F:00:00:01 for station 1, which passed; still open: nina@kund.se sent evidence that failed its check: photo “IMG_1.jpg” blurred",
    );
    const how = words("resolved_fixed", { fixes: [{ kind: "photo_retaken", from: "nina@kund.se", category: { sv: "Elcentral", en: "Electrical panel" }, file: "ny.jpg" }] });
    const resolved = words("flag_resolved", { code: "evidence_rejected", how: englishText(how), howWords: how });
    expect(wordsText(resolved, "", "sv")).toBe("underlag underkänt löst: nina@kund.se skickade ett nytt foto för ”Elcentral” som godkändes (”ny.jpg”)");
    expect(englishText(resolved)).toBe("evidence_rejected resolved: nina@kund.se sent a new photo for “Electrical panel” that passed (“ny.jpg”)");
  });
});
