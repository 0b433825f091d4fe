/** The case page's thread: every mail in and out, oldest first, its new text open, its history folded. */
import type { ThreadMail } from "../../app/case-thread.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { when } from "./format.js";
import { SHOW_HTML_TEXT } from "./mail-html-page.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { formUrl, mailHtmlUrl, photoUrl } from "./urls.js";

const TEXT = {
  en: {
    title: (n: number) => `Thread (${n} mails)`,
    none: "No mail yet.",
    received: "received",
    sent: "sent",
    to: "to",
    noText: "(no new text)",
    quoted: "Quoted history",
    original: "Original mail (.eml)",
  },
  sv: {
    title: (n: number) => `Tråden (${n} mejl)`,
    none: "Inga mejl än.",
    received: "mottaget",
    sent: "skickat",
    to: "till",
    noText: "(ingen ny text)",
    quoted: "Citerad historik",
    original: "Originalmejlet (.eml)",
  },
} satisfies Record<UiLanguage, unknown>;

/** The blobs of the case's evidence that open in the desk: photos in the viewer, returned forms as PDF. */
export interface ViewableBlobs {
  photos: ReadonlySet<string>;
  forms: ReadonlySet<string>;
}

const NONE: ViewableBlobs = { photos: new Set(), forms: new Set() };

export function threadSection(caseId: string, thread: ThreadMail[], timeZone: string, lang: UiLanguage = "en", viewable: ViewableBlobs = NONE): Html {
  const t = uiText(TEXT, lang);
  return html`<section class="card" id="thread">
<h2>${t.title(thread.length)}</h2>
${thread.length === 0 ? html`<p class="empty">${t.none}</p>` : html`<ol class="thread">${thread.map((m) => mailItem(caseId, m, timeZone, lang, viewable))}</ol>`}
</section>`;
}

function mailItem(caseId: string, m: ThreadMail, timeZone: string, lang: UiLanguage, viewable: ViewableBlobs): Html {
  const t = uiText(TEXT, lang);
  const who = m.from.name ? html`<strong>${m.from.name}</strong> <span class="mono small">&lt;${m.from.address}&gt;</span>` : html`<strong class="mono">${m.from.address}</strong>`;
  return html`<li class="mail ${m.direction}">
<div class="mail-head">
  <span class="badge ${m.direction === "in" ? "stage" : "ok"}">${m.direction === "in" ? t.received : t.sent}</span>
  ${who}${m.to.length > 0 && html` <span class="muted small">${t.to} ${m.to.join(", ")}</span>`}
  <span class="small muted">· ${when(m.at, timeZone, lang)}</span>
</div>
<div class="mail-subject">${m.subject}</div>
${m.unreadable ? html`<p class="muted small">${m.unreadable}</p>` : html`<div class="mail-text">${m.text || html`<span class="muted">${t.noText}</span>`}</div>`}
${m.signature && html`<div class="mail-text muted small">${m.signature}</div>`}
${m.quoted && html`<details><summary>${t.quoted}</summary><div class="mail-text muted small">${m.quoted}</div></details>`}
${
  m.attachments.length > 0 &&
  html`<ul class="attachments small">${m.attachments.map((a) => html`<li>${attachmentName(caseId, a, viewable)} <span class="muted">(${a.contentType}${a.size > 0 && `, ${Math.ceil(a.size / 1024)} KB`})</span></li>`)}</ul>`
}
${m.blob && m.hasHtml && html`<a class="small show-html" href="${mailHtmlUrl(caseId, m.blob)}">${uiText(SHOW_HTML_TEXT, lang)}</a> · `}${m.blob && html`<a class="small" href="/cases/${encodeURIComponent(caseId)}/mails/${encodeURIComponent(m.blob)}.eml" download>${t.original}</a>`}
</li>`;
}

/** An attachment's name, a link where the desk shows it: a photo in the viewer, a returned form as its PDF. */
function attachmentName(caseId: string, a: ThreadMail["attachments"][number], viewable: ViewableBlobs): Html | string {
  if (a.blob && viewable.photos.has(a.blob)) return html`<a href="${photoUrl(caseId, a.blob)}">${a.filename}</a>`;
  if (a.blob && viewable.forms.has(a.blob)) return html`<a href="${formUrl(caseId, a.blob)}">${a.filename}</a>`;
  return a.filename;
}
