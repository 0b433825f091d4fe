/**
 * The evidence part of the case page: what the bot read from each mail (answers, forms with their
 * field verdicts, MAC addresses) and the photos with their check results.
 */
import type { Rules } from "../../core/rules/rules.js";
import type { EvidenceRecord } from "../../core/types.js";
import type { CaseDetail } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { quotedHtml } from "./core-words.js";
import { valueText, when } from "./format.js";
import { formVerdicts, macVerdicts } from "./form-verdicts.js";
import { photoCard } from "./photo-card.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

/** The rules whose labels and messages put evidence verdicts into words (verdict-words.ts). */
export type EvidenceRules = Pick<Rules, "photos" | "forms">;

const TEXT = {
  en: {
    extracted: "Extracted fields",
    noneYet: "No answer, form or MAC address received yet.",
    from: "From",
    mail: "mail",
    item: "Checklist item",
    answer: "Answer",
    value: "Value",
    words: "Words read",
    answers: { ok: "ok", negative: "negative", unclear: "unclear", missing: "missing" } as Record<string, string>,
    form: "Form",
    unknownForm: "unknown form",
    readFrom: "read from",
    formFields: "form fields",
    text: "text",
    field: "Field",
    verdict: "Verdict",
    reason: "Reason",
    mac: "MAC address",
    asWritten: "As written",
    station: "Station",
    reasons: "Reasons",
    photos: (n: number) => `Photos (${n})`,
    noPhoto: "No photo received yet.",
    noThumb: "no thumbnail",
    file: "File",
    category: "Category",
    unassigned: "unassigned",
    stationN: "station",
    status: "Status",
  },
  sv: {
    extracted: "Inlästa uppgifter",
    noneYet: "Inget svar, formulär eller MAC-adress har kommit in än.",
    from: "Från",
    mail: "mejl",
    item: "Punkt i checklistan",
    answer: "Svar",
    value: "Värde",
    words: "Lästa ord",
    answers: { ok: "klart", negative: "nekande", unclear: "otydligt", missing: "saknas" } as Record<string, string>,
    form: "Formulär",
    unknownForm: "okänt formulär",
    readFrom: "läst från",
    formFields: "formulärfälten",
    text: "texten",
    field: "Fält",
    verdict: "Bedömning",
    reason: "Skäl",
    mac: "MAC-adress",
    asWritten: "Som skriven",
    station: "Station",
    reasons: "Skäl",
    photos: (n: number) => `Foton (${n})`,
    noPhoto: "Inget foto har kommit in än.",
    noThumb: "ingen miniatyr",
    file: "Fil",
    category: "Kategori",
    unassigned: "utan kategori",
    stationN: "station",
    status: "Status",
  },
} satisfies Record<UiLanguage, unknown>;

export function extractedFieldsSection(detail: CaseDetail, timeZone: string, rules: EvidenceRules, lang: UiLanguage): Html {
  const t = uiText(TEXT, lang);
  const titles = new Map(detail.checklist.items.map((i) => [i.id, i.title]));
  const records = detail.evidence.filter(
    (r) => Object.keys(r.answers).length > 0 || r.forms.length > 0 || r.macs.length > 0,
  );
  return html`<section class="card">
<h2>${t.extracted}</h2>
${records.length === 0 && html`<p class="empty">${t.noneYet}</p>`}
${records.map((r) => recordBlock(detail.case.id, r, titles, timeZone, rules, lang))}
</section>`;
}

function recordBlock(caseId: string, r: EvidenceRecord, titles: Map<string, string>, timeZone: string, rules: EvidenceRules, lang: UiLanguage): Html {
  const answers = Object.entries(r.answers);
  const t = uiText(TEXT, lang);
  return html`<h3>${t.from} <span class="mono">${r.from}</span> <span class="muted small">· ${when(r.at, timeZone, lang)} · ${t.mail} <span class="mono">${r.mail}</span></span></h3>
${
  answers.length > 0 &&
  html`<table>
<thead><tr><th>${t.item}</th><th>${t.answer}</th><th>${t.value}</th><th>${t.words}</th></tr></thead>
<tbody>${answers.map(
    ([id, a]) => html`<tr>
  <td>${titles.get(id) ?? id}</td>
  <td>${html`<span class="badge ${a.status === "ok" ? "ok" : a.status === "negative" ? "failed" : "missing"}">${t.answers[a.status] ?? a.status}</span>`}</td>
  <td>${valueText(a.value, lang)}</td>
  <td class="small">${quotedHtml(a.text, lang)}</td>
</tr>`,
  )}</tbody>
</table>`
}
${r.forms.map((f) => formVerdicts(caseId, f, rules.forms, lang))}
${r.macs.length > 0 && macVerdicts(r.macs, lang)}`;
}

export function photosSection(detail: CaseDetail, rules: EvidenceRules, lang: UiLanguage): Html {
  const photos = detail.evidence.flatMap((r) => r.photos.map((p) => ({ ...p, mail: r.mail })));
  const t = uiText(TEXT, lang);
  return html`<section class="card" id="photos">
<h2>${t.photos(photos.length)}</h2>
${
  photos.length === 0
    ? html`<p class="empty">${t.noPhoto}</p>`
    : html`<div class="photos">${photos.map((p) => photoCard(detail.case.id, p, rules.photos, lang))}</div>`
}
</section>`;
}
