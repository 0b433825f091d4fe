/**
 * The evidence part of the case page: what the bot read from each mail (answers, forms with their
 * field verdicts, MAC addresses) and the photos with their check results.
 */
import type { Rules } from "../../core/rules/rules.js";
import type { EvidenceRecord } from "../../core/types.js";
import type { CaseDetail } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { valueText, when } from "./format.js";
import { formVerdicts, macVerdicts } from "./form-verdicts.js";
import { photoCard } from "./photo-card.js";
import type { UiLanguage } from "./ui-language.js";

/** The rules whose labels and messages put evidence verdicts into words (verdict-words.ts). */
export type EvidenceRules = Pick<Rules, "photos" | "forms">;

export function extractedFieldsSection(detail: CaseDetail, timeZone: string, rules: EvidenceRules, lang: UiLanguage): Html {
  const titles = new Map(detail.checklist.items.map((i) => [i.id, i.title]));
  const records = detail.evidence.filter(
    (r) => Object.keys(r.answers).length > 0 || r.forms.length > 0 || r.macs.length > 0,
  );
  return html`<section class="card">
<h2>Extracted fields</h2>
${records.length === 0 && html`<p class="empty">No answer, form or MAC address received yet.</p>`}
${records.map((r) => recordBlock(detail.case.id, r, titles, timeZone, rules, lang))}
</section>`;
}

function recordBlock(caseId: string, r: EvidenceRecord, titles: Map<string, string>, timeZone: string, rules: EvidenceRules, lang: UiLanguage): Html {
  const answers = Object.entries(r.answers);
  return html`<h3>From <span class="mono">${r.from}</span> <span class="muted small">· ${when(r.at, timeZone)} · mail <span class="mono">${r.mail}</span></span></h3>
${
  answers.length > 0 &&
  html`<table>
<thead><tr><th>Checklist item</th><th>Answer</th><th>Value</th><th>Words read</th></tr></thead>
<tbody>${answers.map(
    ([id, a]) => html`<tr>
  <td>${titles.get(id) ?? id}</td>
  <td>${html`<span class="badge ${a.status === "ok" ? "ok" : a.status === "negative" ? "failed" : "missing"}">${a.status}</span>`}</td>
  <td>${valueText(a.value)}</td>
  <td class="small">“${a.text}”</td>
</tr>`,
  )}</tbody>
</table>`
}
${r.forms.map((f) => formVerdicts(caseId, f, rules.forms, lang))}
${r.macs.length > 0 && macVerdicts(r.macs, lang)}`;
}

export function photosSection(detail: CaseDetail, rules: EvidenceRules, lang: UiLanguage): Html {
  const photos = detail.evidence.flatMap((r) => r.photos.map((p) => ({ ...p, mail: r.mail })));
  return html`<section class="card" id="photos">
<h2>Photos (${photos.length})</h2>
${
  photos.length === 0
    ? html`<p class="empty">No photo received yet.</p>`
    : html`<div class="photos">${photos.map((p) => photoCard(detail.case.id, p, rules.photos, lang))}</div>`
}
</section>`;
}
