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
import { layout } from "./layout.js";
import { signOutForm } from "./login-page.js";
import { caseUrl } from "./urls.js";

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
  const body = html`
<h1>Preview · ${caseId}</h1>
<section class="card" id="preview">
<p class="muted small">${input.mails.length === 1 ? "This mail goes" : `These ${input.mails.length} mails go`} out in the case's thread when you press Send. Nothing has been sent yet.</p>
${input.mails.map(
  (m) => html`<article class="mail-preview">
<dl class="facts">
  <dt>To</dt><dd class="mono">${m.to.join(", ")}</dd>
  ${m.cc.length > 0 && html`<dt>Cc</dt><dd class="mono">${m.cc.join(", ")}</dd>`}
  <dt>Subject</dt><dd>${m.subject}</dd>
  ${m.inReplyTo && html`<dt>Answers</dt><dd class="mono small">${m.inReplyTo}</dd>`}
  ${m.attachments.length > 0 && html`<dt>Attached</dt><dd>${m.attachments.join(", ")}</dd>`}
</dl>
<div class="mail-text preview-text">${m.text}</div>
</article>`,
)}
<form class="inline" method="post" action="${caseUrl(caseId, "/speak/send")}">
  ${csrfField(session)}
  <input type="hidden" name="draft" value="${input.draft}">
  ${input.fields.map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <button type="submit">Send</button>
  <a href="${caseUrl(caseId)}#speak">Back to the case without sending</a>
</form>
</section>`;
  return layout(`Preview ${caseId}`, body, undefined, session.login, session.login !== null ? signOutForm(session.csrf) : undefined);
}
