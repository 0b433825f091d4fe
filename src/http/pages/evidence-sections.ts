/**
 * The evidence part of the case page: what the bot read from each mail (answers, forms with their
 * field verdicts, MAC addresses) and the photos with their check results.
 */
import type { EvidenceRecord, FormEvidence, JsonValue, MacEvidence, PhotoEvidence } from "../../core/types.js";
import type { CaseDetail } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { thumbnailUrl } from "../thumbnail-route.js";
import { valueText, stageLabel, verdictBadge, when } from "./format.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

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

export function extractedFieldsSection(detail: CaseDetail, timeZone: string, lang: UiLanguage = "en"): Html {
  const t = uiText(TEXT, lang);
  const titles = new Map(detail.checklist.items.map((i) => [i.id, i.title]));
  const records = detail.evidence.filter(
    (r) => Object.keys(r.answers).length > 0 || r.forms.length > 0 || r.macs.length > 0,
  );
  return html`<section class="card">
<h2>${t.extracted}</h2>
${records.length === 0 && html`<p class="empty">${t.noneYet}</p>`}
${records.map((r) => recordBlock(r, titles, timeZone, lang))}
</section>`;
}

function recordBlock(r: EvidenceRecord, titles: Map<string, string>, timeZone: string, lang: UiLanguage): Html {
  const answers = Object.entries(r.answers);
  const t = uiText(TEXT, lang);
  return html`<h3>${t.from} <span class="mono">${r.from}</span> <span class="muted small">· ${when(r.at, timeZone, lang)} · ${t.mail} <span class="mono">${r.mail}</span></span></h3>
${
  answers.length > 0 &&
  html`<table>
<thead><tr><th>${t.item}</th><th>${t.answer}</th><th>${t.value}</th><th>${t.words}</th></tr></thead>
<tbody>${answers.map(
    ([id, a]) => html`<tr>
  <td>${titles.get(id) ?? id}<div class="mono muted small">${id}</div></td>
  <td>${html`<span class="badge ${a.status === "ok" ? "ok" : a.status === "negative" ? "failed" : "missing"}">${t.answers[a.status] ?? a.status}</span>`}</td>
  <td>${valueText(a.value, lang)}</td>
  <td class="small">“${a.text}”</td>
</tr>`,
  )}</tbody>
</table>`
}
${r.forms.map((f) => formBlock(f, lang))}
${r.macs.length > 0 && macTable(r.macs, lang)}`;
}

function formBlock(f: FormEvidence, lang: UiLanguage): Html {
  const t = uiText(TEXT, lang);
  return html`<div class="small form-head">
  ${t.form} <strong>${f.form ?? t.unknownForm}</strong> ${t.from.toLowerCase()} <span class="mono">${f.file}</span>
  ${verdictBadge(f.status, lang)}${f.source && html` <span class="muted">${t.readFrom} ${f.source === "acroform" ? t.formFields : t.text}</span>`}
  ${f.reason && html`<div>${f.reason}${f.code && html` <span class="mono muted">${f.code}</span>`}</div>`}
</div>
${
  f.fields.length > 0 &&
  html`<table>
<thead><tr><th>${t.field}</th><th>${t.value}</th><th>${t.verdict}</th><th>${t.reason}</th></tr></thead>
<tbody>${f.fields.map(
    (field) => html`<tr>
  <td class="mono">${field.name}</td><td>${field.value ?? html`<span class="muted">—</span>`}</td>
  <td>${verdictBadge(field.verdict, lang)}</td><td class="small">${field.reason ?? ""}</td>
</tr>`,
  )}</tbody>
</table>`
}`;
}

function macTable(macs: MacEvidence[], lang: UiLanguage): Html {
  const t = uiText(TEXT, lang);
  return html`<table>
<thead><tr><th>${t.mac}</th><th>${t.asWritten}</th><th>${t.station}</th><th>${t.verdict}</th><th>${t.reasons}</th></tr></thead>
<tbody>${macs.map(
    (m) => html`<tr>
  <td class="mono">${m.mac ?? "—"}</td><td class="mono small">${m.raw}</td><td>${m.station ?? "—"}</td>
  <td>${verdictBadge(m.status, lang)}</td><td class="small mono">${m.reasons.join(", ")}</td>
</tr>`,
  )}</tbody>
</table>`;
}

export function photosSection(detail: CaseDetail, lang: UiLanguage = "en"): Html {
  const photos = detail.evidence.flatMap((r) => r.photos.map((p) => ({ ...p, mail: r.mail })));
  const t = uiText(TEXT, lang);
  return html`<section class="card">
<h2>${t.photos(photos.length)}</h2>
${
  photos.length === 0
    ? html`<p class="empty">${t.noPhoto}</p>`
    : html`<div class="photos">${photos.map((p) => photoCard(detail.case.id, p, lang))}</div>`
}
</section>`;
}

function photoCard(caseId: string, p: PhotoEvidence & { mail: string }, lang: UiLanguage): Html {
  const thumb = p.thumbnail ? thumbnailUrl(caseId, p.thumbnail) : null;
  const t = uiText(TEXT, lang);
  return html`<figure class="photo">
${thumb ? html`<img src="${thumb}" alt="${p.file}" loading="lazy">` : html`<div class="noimg">${t.noThumb}</div>`}
<dl>
  <dt>${t.file}</dt><dd class="mono">${p.file}</dd>
  <dt>${t.category}</dt><dd>${p.category ?? html`<span class="badge missing">${t.unassigned}</span>`}${p.station !== undefined && html` · ${t.stationN} ${p.station}`}${p.stage && html` <span class="muted small">(${stageLabel(p.stage, lang)})</span>`}</dd>
  <dt>${t.status}</dt><dd>${verdictBadge(p.status, lang)}${p.reasons.length > 0 && html` <span class="mono small">${p.reasons.join(", ")}</span>`}</dd>
  ${Object.entries(p.measures).map(([k, v]) => html`<dt>${k.replaceAll("_", " ")}</dt><dd>${measure(v)}</dd>`)}
</dl>
</figure>`;
}

function measure(v: JsonValue): string {
  return typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : valueText(v);
}
