/**
 * One photo on the case page: its thumbnail (a link to the full-size viewer when the original is
 * kept), its category by label, its verdict in sentences, and the raw measures behind "Measures".
 */
import type { PhotosRules } from "../../core/evidence/schema.js";
import type { JsonValue, PhotoEvidence } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { thumbnailUrl } from "../thumbnail-route.js";
import { valueText, verdictBadge } from "./format.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { photoUrl } from "./urls.js";
import { photoCategoryText, photoVerdictSentences } from "./verdict-words.js";

const TEXT = {
  en: { noThumbnail: "no thumbnail", open: (file: string) => `Open ${file} full size`, category: "Category", verdict: "Verdict", measures: "Measures", file: "File" },
  sv: { noThumbnail: "ingen miniatyr", open: (file: string) => `Öppna ${file} i full storlek`, category: "Kategori", verdict: "Bedömning", measures: "Mätvärden", file: "Fil" },
};

export function photoCard(caseId: string, p: PhotoEvidence, photos: PhotosRules, lang: UiLanguage): Html {
  const t = uiText(TEXT, lang);
  const thumb = p.thumbnail ? thumbnailUrl(caseId, p.thumbnail) : null;
  const img = thumb ? html`<img src="${thumb}" alt="${p.file}" loading="lazy">` : html`<div class="noimg">${t.noThumbnail}</div>`;
  return html`<figure class="photo">
${p.blob ? html`<a href="${photoUrl(caseId, p.blob)}" title="${t.open(p.file)}">${img}</a>` : img}
<dl>
  <dt>${t.file}</dt><dd class="mono">${p.file}</dd>
  <dt>${t.category}</dt><dd>${p.category === null ? html`<span class="badge missing">${photoCategoryText(p, photos, lang)}</span>` : photoCategoryText(p, photos, lang)}</dd>
  <dt>${t.verdict}</dt><dd>${verdictBadge(p.status)} ${photoVerdictSentences(p, photos, lang).join(" · ")}</dd>
</dl>
<details class="small"><summary>${t.measures}</summary><dl>${Object.entries(p.measures).map(([k, v]) => html`<dt>${k.replaceAll("_", " ")}</dt><dd>${measure(v)}</dd>`)}</dl></details>
</figure>`;
}

function measure(v: JsonValue): string {
  return typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : valueText(v);
}
