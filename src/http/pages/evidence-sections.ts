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

export function extractedFieldsSection(detail: CaseDetail, timeZone: string): Html {
  const titles = new Map(detail.checklist.items.map((i) => [i.id, i.title]));
  const records = detail.evidence.filter(
    (r) => Object.keys(r.answers).length > 0 || r.forms.length > 0 || r.macs.length > 0,
  );
  return html`<section class="card">
<h2>Extracted fields</h2>
${records.length === 0 && html`<p class="empty">No answer, form or MAC address received yet.</p>`}
${records.map((r) => recordBlock(r, titles, timeZone))}
</section>`;
}

function recordBlock(r: EvidenceRecord, titles: Map<string, string>, timeZone: string): Html {
  const answers = Object.entries(r.answers);
  return html`<h3>From <span class="mono">${r.from}</span> <span class="muted small">· ${when(r.at, timeZone)} · mail <span class="mono">${r.mail}</span></span></h3>
${
  answers.length > 0 &&
  html`<table>
<thead><tr><th>Checklist item</th><th>Answer</th><th>Value</th><th>Words read</th></tr></thead>
<tbody>${answers.map(
    ([id, a]) => html`<tr>
  <td>${titles.get(id) ?? id}<div class="mono muted small">${id}</div></td>
  <td>${html`<span class="badge ${a.status === "ok" ? "ok" : a.status === "negative" ? "failed" : "missing"}">${a.status}</span>`}</td>
  <td>${valueText(a.value)}</td>
  <td class="small">“${a.text}”</td>
</tr>`,
  )}</tbody>
</table>`
}
${r.forms.map(formBlock)}
${r.macs.length > 0 && macTable(r.macs)}`;
}

function formBlock(f: FormEvidence): Html {
  return html`<div class="small form-head">
  Form <strong>${f.form ?? "unknown form"}</strong> from <span class="mono">${f.file}</span>
  ${verdictBadge(f.status)}${f.source && html` <span class="muted">read from ${f.source === "acroform" ? "form fields" : "text"}</span>`}
  ${f.reason && html`<div>${f.reason}${f.code && html` <span class="mono muted">${f.code}</span>`}</div>`}
</div>
${
  f.fields.length > 0 &&
  html`<table>
<thead><tr><th>Field</th><th>Value</th><th>Verdict</th><th>Reason</th></tr></thead>
<tbody>${f.fields.map(
    (field) => html`<tr>
  <td class="mono">${field.name}</td><td>${field.value ?? html`<span class="muted">—</span>`}</td>
  <td>${verdictBadge(field.verdict)}</td><td class="small">${field.reason ?? ""}</td>
</tr>`,
  )}</tbody>
</table>`
}`;
}

function macTable(macs: MacEvidence[]): Html {
  return html`<table>
<thead><tr><th>MAC address</th><th>As written</th><th>Station</th><th>Verdict</th><th>Reasons</th></tr></thead>
<tbody>${macs.map(
    (m) => html`<tr>
  <td class="mono">${m.mac ?? "—"}</td><td class="mono small">${m.raw}</td><td>${m.station ?? "—"}</td>
  <td>${verdictBadge(m.status)}</td><td class="small mono">${m.reasons.join(", ")}</td>
</tr>`,
  )}</tbody>
</table>`;
}

export function photosSection(detail: CaseDetail): Html {
  const photos = detail.evidence.flatMap((r) => r.photos.map((p) => ({ ...p, mail: r.mail })));
  return html`<section class="card">
<h2>Photos (${photos.length})</h2>
${
  photos.length === 0
    ? html`<p class="empty">No photo received yet.</p>`
    : html`<div class="photos">${photos.map((p) => photoCard(detail.case.id, p))}</div>`
}
</section>`;
}

function photoCard(caseId: string, p: PhotoEvidence & { mail: string }): Html {
  const thumb = p.thumbnail ? thumbnailUrl(caseId, p.thumbnail) : null;
  return html`<figure class="photo">
${thumb ? html`<img src="${thumb}" alt="${p.file}" loading="lazy">` : html`<div class="noimg">no thumbnail</div>`}
<dl>
  <dt>File</dt><dd class="mono">${p.file}</dd>
  <dt>Category</dt><dd>${p.category ?? html`<span class="badge missing">unassigned</span>`}${p.station !== undefined && html` · station ${p.station}`}${p.stage && html` <span class="muted small">(${stageLabel(p.stage)})</span>`}</dd>
  <dt>Status</dt><dd>${verdictBadge(p.status)}${p.reasons.length > 0 && html` <span class="mono small">${p.reasons.join(", ")}</span>`}</dd>
  ${Object.entries(p.measures).map(([k, v]) => html`<dt>${k.replaceAll("_", " ")}</dt><dd>${measure(v)}</dd>`)}
</dl>
</figure>`;
}

function measure(v: JsonValue): string {
  return typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : valueText(v);
}
