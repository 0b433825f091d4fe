/**
 * The case page's drafts (supervised mode, core/case/drafts.ts): each mail the bot holds for the team,
 * as it would go out, with Send, Edit and Discard. Shown only while the case has drafts.
 */
import type { DraftView } from "../../app/drafts.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import { when } from "./format.js";
import { uiText } from "./ui-language.js";
import { caseUrl } from "./urls.js";

const TEXT = {
  en: {
    heading: "Drafts to review",
    intro: "Supervised mode: the bot's mails below wait until you send, edit or discard them. Nothing has been sent.",
    to: "To",
    cc: "Cc",
    subject: "Subject",
    answers: "Answers",
    attached: "Attached",
    made: "Made",
    editedBy: (by: string) => `edited by ${by}`,
    send: "Send",
    edit: "Edit",
    discard: "Discard",
    why: "Why it is discarded (timeline only, optional)",
    missing: "The mail of this draft is gone (its recipient's data was erased): discard it.",
  },
  sv: {
    heading: "Utkast att granska",
    intro: "Övervakat läge: botens mejl nedan väntar tills du skickar, redigerar eller kastar dem. Inget har skickats.",
    to: "Till",
    cc: "Kopia",
    subject: "Ämne",
    answers: "Svarar på",
    attached: "Bifogat",
    made: "Skapat",
    editedBy: (by: string) => `redigerat av ${by}`,
    send: "Skicka",
    edit: "Redigera",
    discard: "Kasta",
    why: "Varför det kastas (bara i tidslinjen, frivilligt)",
    missing: "Mejlet i det här utkastet finns inte längre (mottagarens uppgifter raderades): kasta det.",
  },
};

/** The draft's own address under its case: `/cases/ACT-…/drafts/<key><action>`. */
export function draftUrl(caseId: string, key: string, action = ""): string {
  return caseUrl(caseId, `/drafts/${encodeURIComponent(key)}${action}`);
}

export function draftsSection(caseId: string, drafts: DraftView[], timeZone: string, session: DeskSession): Html {
  if (drafts.length === 0) return html``;
  const t = uiText(TEXT, session.lang);
  return html`<section class="card" id="drafts">
<h2>${t.heading} (${drafts.length})</h2>
<p class="muted small">${t.intro}</p>
${drafts.map(
  (d) => html`<article class="mail-preview draft" id="draft-${d.key}">
<dl class="facts">
  <dt>${t.to}</dt><dd class="mono">${d.to.join(", ")}</dd>
  ${d.cc.length > 0 && html`<dt>${t.cc}</dt><dd class="mono">${d.cc.join(", ")}</dd>`}
  <dt>${t.subject}</dt><dd>${d.subject}</dd>
  ${d.inReplyTo && html`<dt>${t.answers}</dt><dd class="mono small">${d.inReplyTo}</dd>`}
  ${d.attachments.length > 0 && html`<dt>${t.attached}</dt><dd>${d.attachments.join(", ")}</dd>`}
  <dt>${t.made}</dt><dd>${when(d.at, timeZone)} · ${d.kind}${d.edited && html` · ${t.editedBy(d.edited.by)}`}</dd>
</dl>
${d.missing ? html`<p class="notice bad">${t.missing}</p>` : html`<div class="mail-text preview-text">${d.text}</div>`}
${
  session.mayAct &&
  html`<div class="draft-actions">
${!d.missing && html`<form class="inline" method="post" action="${draftUrl(caseId, d.key, "/send")}">${csrfField(session)}<button type="submit">${t.send}</button></form>
<a class="button secondary" href="${draftUrl(caseId, d.key, "/edit")}">${t.edit}</a>`}
<form class="inline" method="post" action="${draftUrl(caseId, d.key, "/discard")}">${csrfField(session)}
  <label>${t.why} <input type="text" name="reason" maxlength="500"></label>
  <button type="submit" class="secondary">${t.discard}</button>
</form>
</div>`
}
</article>`,
)}
</section>`;
}
