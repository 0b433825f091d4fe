/**
 * `GET /cases/:id/photos/:blob`: one photo of the case full size — upright, HEIC shown as JPEG — with
 * a zoom that needs no script (fit to the window, or 100 % in a scrolling frame, by a link), when and
 * with which camera it was taken, its category and verdict in words, its measures on demand, and the
 * case's previous and next photo.
 */
import type { CasePhotoEntry, CasePhotoView } from "../../app/case-attachments.js";
import type { PhotosRules } from "../../core/evidence/schema.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { when, valueText } from "./format.js";
import { deskLayout } from "./layout.js";
import { uiText } from "./ui-language.js";
import { caseUrl, photoUrl } from "./urls.js";
import { photoCategoryText, photoVerdictSentences } from "./verdict-words.js";

export type PhotoZoom = "fit" | "full";

const TEXT = {
  en: {
    title: (n: number, of: number) => `Photo ${n} of ${of}`,
    back: "Back to the case",
    previous: "← Previous photo",
    next: "Next photo →",
    zoom: "Zoom",
    fit: "Fit to window",
    full: "Zoom to 100 %",
    file: "File",
    received: "Received",
    from: (who: string) => `from ${who}`,
    category: "Category",
    verdict: "Verdict",
    taken: "Taken",
    camera: "Camera",
    unknown: "not in the photo's EXIF",
    measures: "Measures",
  },
  sv: {
    title: (n: number, of: number) => `Foto ${n} av ${of}`,
    back: "Tillbaka till ärendet",
    previous: "← Föregående foto",
    next: "Nästa foto →",
    zoom: "Zoom",
    fit: "Anpassa till fönstret",
    full: "Zooma till 100 %",
    file: "Fil",
    received: "Mottaget",
    from: (who: string) => `från ${who}`,
    category: "Kategori",
    verdict: "Bedömning",
    taken: "Tagen",
    camera: "Kamera",
    unknown: "finns inte i bildens EXIF",
    measures: "Mätvärden",
  },
};

/** Fit: the photo scales down to the window; 100 %: one image pixel per CSS pixel, scrolled in its frame. */
const VIEWER_STYLES = `
.viewer { overflow: auto; max-height: 85vh; background: #1f2329; border-radius: 6px; padding: 8px; }
.viewer img { display: block; margin: 0 auto; }
.viewer.fit img { max-width: 100%; max-height: 80vh; width: auto; height: auto; }
.viewer.full img { max-width: none; max-height: none; }
.photo-nav { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 8px 0; }
.photo-nav .zoom a[aria-current] { font-weight: bold; text-decoration: none; }
.verdicts { margin: 0; padding-left: 18px; }
`;

export function photoPage(view: CasePhotoView, zoom: PhotoZoom, photos: PhotosRules, timeZone: string, session: DeskSession): Html {
  const t = uiText(TEXT, session.lang);
  const { case: c, photo: p, exif } = view;
  const here = (z: PhotoZoom) => `${photoUrl(c.id, p.blob)}${z === "full" ? "?zoom=full" : ""}`;
  const link = (z: PhotoZoom, label: string) => html`<a href="${here(z)}"${z === zoom && html` aria-current="true"`}>${label}</a>`;
  const neighbour = (n: CasePhotoEntry | null, label: string) => n && html`<a href="${photoUrl(c.id, n.blob)}${zoom === "full" ? "?zoom=full" : ""}" rel="${label === t.next ? "next" : "prev"}">${label}</a>`;
  const camera = [exif.make, exif.model].filter((x): x is string => x !== null).join(" ");
  const body = html`<style>${VIEWER_STYLES}</style>
<h1><a href="${caseUrl(c.id)}">${c.id}</a> · ${c.site} · ${t.title(view.position, view.count)}</h1>
<nav class="photo-nav" aria-label="${t.title(view.position, view.count)}">
  <a href="${caseUrl(c.id)}#photos">${t.back}</a>
  ${neighbour(view.previous, t.previous)}
  ${neighbour(view.next, t.next)}
  <span class="zoom">${t.zoom}: ${link("fit", t.fit)} · ${link("full", t.full)}</span>
</nav>
<div class="viewer ${zoom}"><img id="photo" src="${photoUrl(c.id, p.blob, "/image")}" alt="${p.file}"></div>
<section class="card">
<dl class="facts">
  <dt>${t.file}</dt><dd class="mono">${p.file}</dd>
  <dt>${t.received}</dt><dd>${when(p.at, timeZone)} ${t.from(p.from)}</dd>
  <dt>${t.category}</dt><dd>${photoCategoryText(p, photos, session.lang)}</dd>
  <dt>${t.verdict}</dt><dd><ul class="verdicts">${photoVerdictSentences(p, photos, session.lang).map((s) => html`<li>${s}</li>`)}</ul></dd>
  <dt>${t.taken}</dt><dd id="exif-taken">${exif.takenAt ? exif.takenAt.replace("T", " ") : html`<span class="muted">${t.unknown}</span>`}</dd>
  <dt>${t.camera}</dt><dd id="exif-camera">${camera || html`<span class="muted">${t.unknown}</span>`}</dd>
</dl>
<details><summary>${t.measures}</summary><dl class="facts small">${Object.entries(p.measures).map(([k, v]) => html`<dt>${k}</dt><dd class="mono">${valueText(v)}</dd>`)}</dl></details>
</section>`;
  return deskLayout(`${c.id} ${t.title(view.position, view.count)}`, body, session);
}
