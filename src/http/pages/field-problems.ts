/**
 * A case fact's problem (core/case/case-fields.ts) in the desk's words, shown next to its field: the
 * code picks the sentence, the value (a MAC, an address) is named in it.
 */
import type { FieldProblem, FieldProblemCode } from "../../core/case/case-fields.js";
import { MAX_STATIONS } from "../../core/case/case-fields.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT: Record<UiLanguage, Record<FieldProblemCode, (value: string) => string>> = {
  en: {
    required: () => "Required.",
    too_long: () => "Too long.",
    control_chars: () => "One line of ordinary characters.",
    not_email: (v) => `“${v}” is not an e-mail address.`,
    not_count: () => `A whole number from 1 to ${MAX_STATIONS}.`,
    not_mac: (v) => `“${v}” is not a MAC address (12 or 16 hex digits, e.g. 00:1A:2B:3C:4D:5E).`,
    reserved_mac: (v) => `${v} is a reserved address, not a station's.`,
    duplicate_mac: (v) => `${v} is given twice.`,
    too_many: () => "Too many.",
    unknown_locale: () => "Swedish or English.",
    unknown_make: (v) => `“${v}” is not a make the rules know (rules/makes.yaml).`,
    taken: (v) => (v ? `${v} is a participant of the case already.` : "Each participant needs an address of their own."),
    not_participant: (v) => `${v} is not a participant of the case.`,
  },
  sv: {
    required: () => "Måste fyllas i.",
    too_long: () => "För långt.",
    control_chars: () => "En rad med vanliga tecken.",
    not_email: (v) => `”${v}” är inte en e-postadress.`,
    not_count: () => `Ett heltal från 1 till ${MAX_STATIONS}.`,
    not_mac: (v) => `”${v}” är inte en MAC-adress (12 eller 16 hexadecimala tecken, t.ex. 00:1A:2B:3C:4D:5E).`,
    reserved_mac: (v) => `${v} är en reserverad adress, inte en stations.`,
    duplicate_mac: (v) => `${v} står två gånger.`,
    too_many: () => "För många.",
    unknown_locale: () => "Svenska eller engelska.",
    unknown_make: (v) => `”${v}” är inget fabrikat som reglerna känner till (rules/makes.yaml).`,
    taken: (v) => (v ? `${v} är redan deltagare i ärendet.` : "Varje deltagare behöver en egen adress."),
    not_participant: (v) => `${v} är inte deltagare i ärendet.`,
  },
};

export function problemText(p: FieldProblem, lang: UiLanguage): string {
  return uiText(TEXT, lang)[p.code](p.value ?? "");
}

/** The problems of one field, as the paragraph its input points to (aria-describedby). */
export function fieldErrors(id: string, problems: readonly FieldProblem[], lang: UiLanguage): Html | false {
  if (problems.length === 0) return false;
  return html`<p class="field-error" id="${id}">${problems.map((p) => problemText(p, lang)).join(" ")}</p>`;
}
