/**
 * `GET /cases/:id/drafts/:key/edit`: a draft's text in a text box (supervised mode). Saving changes the
 * text that goes out — rendered as the templates render theirs, text and HTML — and records the edit
 * under the team member's name; the draft then waits on the case page for Send.
 */
import type { DraftView } from "../../app/drafts.js";
import { MAX_DRAFT_TEXT_CHARS } from "../../core/case/drafts.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import { draftUrl } from "./drafts-section.js";
import { deskLayout } from "./layout.js";
import { uiText } from "./ui-language.js";
import { caseUrl } from "./urls.js";

const TEXT = {
  en: {
    title: (id: string) => `Edit draft · ${id}`,
    intro: "Change the mail as it should go out. Saving sends nothing: the draft waits on the case page for Send.",
    to: "To",
    subject: "Subject",
    text: "Text of the mail",
    save: "Save changes",
    back: "Back to the case without saving",
  },
  sv: {
    title: (id: string) => `Redigera utkast · ${id}`,
    intro: "Ändra mejlet så som det ska skickas. Att spara skickar inget: utkastet väntar på ärendesidan tills du trycker Skicka.",
    to: "Till",
    subject: "Ämne",
    text: "Mejlets text",
    save: "Spara ändringarna",
    back: "Tillbaka till ärendet utan att spara",
  },
};

export function draftEditPage(caseId: string, draft: DraftView, session: DeskSession): Html {
  const t = uiText(TEXT, session.lang);
  const body = html`<h1>${t.title(caseId)}</h1>
<section class="card" id="draft-edit">
<p class="muted small">${t.intro}</p>
<dl class="facts">
  <dt>${t.to}</dt><dd class="mono">${draft.to.join(", ")}</dd>
  <dt>${t.subject}</dt><dd>${draft.subject}</dd>
</dl>
<form class="action" method="post" action="${draftUrl(caseId, draft.key, "/edit")}">
  ${csrfField(session)}
  <label>${t.text} <textarea name="text" rows="20" required maxlength="${String(MAX_DRAFT_TEXT_CHARS)}">${draft.text}</textarea></label>
  <button type="submit">${t.save}</button>
  <a href="${caseUrl(caseId)}#drafts">${t.back}</a>
</form>
</section>`;
  return deskLayout(t.title(caseId), body, session);
}
