/**
 * `GET /cases/:id/mails/:blob/html`: a received mail as it was sent, its HTML sanitised and shown in an
 * iframe sandboxed with no permission at all (no script, no same-origin, no form, no popup), served by
 * its own route under a closed CSP (mail-html-routes.ts).
 */
import type { Case } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { deskLayout } from "./layout.js";
import { uiText } from "./ui-language.js";
import { caseUrl, mailHtmlUrl } from "./urls.js";

const TEXT = {
  en: {
    title: "Mail as sent (HTML)",
    back: "Back to the thread",
    note: "Shown cleaned: scripts, forms and remote images are removed; nothing in it can run or load from the internet.",
    frame: "The mail's HTML, cleaned",
  },
  sv: {
    title: "E-postmeddelandet som det skickades (HTML)",
    back: "Tillbaka till e-posttråden",
    note: "Visas rensat: skript, formulär och bilder från internet är borttagna; inget i det kan köras eller hämta något från internet.",
    frame: "E-postmeddelandets HTML, rensad",
  },
};

const STYLES = `.mail-frame { width: 100%; height: 75vh; border: 1px solid var(--line); border-radius: 6px; background: #fff; }`;

export function mailHtmlPage(c: Case, blob: string, session: DeskSession): Html {
  const t = uiText(TEXT, session.lang);
  const body = html`<style>${STYLES}</style>
<h1><a href="${caseUrl(c.id)}">${c.id}</a> · ${t.title}</h1>
<p><a href="${caseUrl(c.id)}#thread">${t.back}</a></p>
<p class="muted small">${t.note}</p>
<iframe class="mail-frame" id="mail-html" sandbox="" referrerpolicy="no-referrer" src="${mailHtmlUrl(c.id, blob, "/content")}" title="${t.frame}"></iframe>`;
  return deskLayout(`${c.id} ${t.title}`, body, session);
}

/** The text of the "show as sent" link in the thread. */
export const SHOW_HTML_TEXT = { en: "Show as sent (HTML)", sv: "Visa som skickat (HTML)" };
/** Placeholder for an image the cleaned HTML does not load. */
export const IMAGE_PLACEHOLDER_TEXT = { en: "image not loaded", sv: "bilden hämtades inte" };
