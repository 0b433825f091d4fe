/**
 * The preview of a mail the team is about to send in the thread: each mail as it will go out (to,
 * subject, the thread it answers, attachments, the text part), and one Send button that posts the same
 * request with the preview's draft id, so that pressing it twice sends one mail.
 */
import type { PreviewMail } from "../../app/team-mail.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { caseUrl } from "./urls.js";

const TEXT = {
  en: {
    title: "Preview",
    goes: (n: number) => `${n === 1 ? "This mail goes" : `These ${n} mails go`} out in the case's thread when you press Send. Nothing has been sent yet.`,
    to: "To",
    subject: "Subject",
    answers: "Answers",
    attached: "Attached",
    send: "Send",
    back: "Back to the case without sending",
  },
  sv: {
    title: "Förhandsgranskning",
    goes: (n: number) => `${n === 1 ? "Det här mejlet skickas" : `De här ${n} mejlen skickas`} i ärendets tråd när du trycker på Skicka. Inget har skickats än.`,
    to: "Till",
    subject: "Ämne",
    answers: "Svarar på",
    attached: "Bifogat",
    send: "Skicka",
    back: "Tillbaka till ärendet utan att skicka",
  },
} satisfies Record<UiLanguage, unknown>;

export interface MailPreviewInput {
  caseId: string;
  draft: string;
  mails: PreviewMail[];
  /** The request's fields, posted again with Send. */
  fields: [string, string][];
  session: DeskSession;
}

export function mailPreviewPage(input: MailPreviewInput): Html {
  const { caseId, session } = input;
  const t = uiText(TEXT, session.lang);
  const body = html`
<h1>${t.title} · ${caseId}</h1>
<section class="card" id="preview">
<p class="muted small">${t.goes(input.mails.length)}</p>
${input.mails.map(
  (m) => html`<article class="mail-preview">
<dl class="facts">
  <dt>${t.to}</dt><dd class="mono">${m.to.join(", ")}</dd>
  ${m.cc.length > 0 && html`<dt>Cc</dt><dd class="mono">${m.cc.join(", ")}</dd>`}
  <dt>${t.subject}</dt><dd>${m.subject}</dd>
  ${m.inReplyTo && html`<dt>${t.answers}</dt><dd class="mono small">${m.inReplyTo}</dd>`}
  ${m.attachments.length > 0 && html`<dt>${t.attached}</dt><dd>${m.attachments.join(", ")}</dd>`}
</dl>
<div class="mail-text preview-text">${m.text}</div>
</article>`,
)}
<form class="inline" method="post" action="${caseUrl(caseId, "/speak/send")}">
  ${csrfField(session)}
  <input type="hidden" name="draft" value="${input.draft}">
  ${input.fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <button type="submit">${t.send}</button>
  <a href="${caseUrl(caseId)}#speak">${t.back}</a>
</form>
</section>`;
  return deskLayout(`${t.title} ${caseId}`, body, session);
}
