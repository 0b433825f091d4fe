/**
 * A returned form on the case page: its title in the desk's language, a link to see the PDF itself,
 * and each field's verdict as a sentence (the reply mails' words), the raw field names and values
 * behind "Measures"; and a mail's MAC addresses by what each matched.
 */
import type { FormsRules } from "../../core/evidence/schema.js";
import type { FormEvidence, MacEvidence } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { verdictBadge } from "./format.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { formUrl } from "./urls.js";
import { formFieldSentence, formTitle, macSentences } from "./verdict-words.js";

const TEXT = {
  en: { from: (file: string) => `from ${file}`, view: "View the form (PDF)", measures: "Measures", field: "Field", value: "Value", verdict: "Verdict", macs: "MAC addresses" },
  sv: { from: (file: string) => `från ${file}`, view: "Visa formuläret (PDF)", measures: "Mätvärden", field: "Fält", value: "Värde", verdict: "Bedömning", macs: "MAC-adresser" },
};

export function formVerdicts(caseId: string, f: FormEvidence, forms: FormsRules, lang: UiLanguage): Html {
  const t = uiText(TEXT, lang);
  return html`<div class="small form-head">
  <strong>${formTitle(f, forms, lang)}</strong> ${t.from(f.file)} ${verdictBadge(f.status)}
  ${f.blob && html` · <a class="form-view" href="${formUrl(caseId, f.blob)}">${t.view}</a>`}
  ${f.fields.length === 0 && f.reason && html`<div>${f.reason}</div>`}
</div>
${
  f.fields.length > 0 &&
  html`<ul class="field-verdicts small">${f.fields.map((field) => html`<li>${verdictBadge(field.verdict)} ${formFieldSentence(field, f, forms, lang)}</li>`)}</ul>
<details class="small"><summary>${t.measures}</summary><table>
<thead><tr><th>${t.field}</th><th>${t.value}</th><th>${t.verdict}</th></tr></thead>
<tbody>${f.fields.map((field) => html`<tr><td class="mono">${field.name}</td><td>${field.value ?? "—"}</td><td class="mono">${field.verdict}${field.reason && ` (${field.reason})`}</td></tr>`)}</tbody>
</table></details>`
}`;
}

export function macVerdicts(macs: MacEvidence[], lang: UiLanguage): Html {
  return html`<h4 class="small">${uiText(TEXT, lang).macs}</h4><ul class="mac-verdicts small">${macs.map(
    (m) => html`<li>${verdictBadge(m.status)} ${macSentences(m, lang).join(" ")} <span class="muted mono">${m.raw}</span></li>`,
  )}</ul>`;
}
