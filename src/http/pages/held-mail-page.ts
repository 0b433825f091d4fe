/**
 * A held or loose mail read before anyone acts on it (issue 18 §8): who sent it, to whom, its new text
 * with the quoted history folded, its attachments; for a loose mail the cases it may belong to, each one
 * click to assign; reject with a reason (the mail stays in the mailbox); for a case's held mail, accept
 * the sender or release a mail held for a DMARC failure. Nothing of the mail is rendered raw.
 */
import type { HeldMailView } from "../../app/loose-mail.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import { stageBadge, when } from "./format.js";
import type { Notice } from "./layout.js";
import { layout } from "./layout.js";
import { signOutForm } from "./login-page.js";
import { caseUrl } from "./urls.js";

export function heldMailPage(view: HeldMailView, timeZone: string, session: DeskSession, notice?: Notice): Html {
  const { flag, mail } = view;
  const flagUrl = (action: string) => (view.caseId ? caseUrl(view.caseId, `/flags/${encodeURIComponent(flag.id)}/${action}`) : `/flags/${encodeURIComponent(flag.id)}/${action}`);
  const open = !flag.resolved;
  const body = html`
<h1>${view.caseId ? html`Held mail · <a href="${caseUrl(view.caseId)}">${view.caseId}</a>` : "Mail tied to no case"}</h1>
<section class="card">
<p><span class="badge flag">${flag.code}</span> ${flag.reason} <span class="muted small">· ${when(flag.at, timeZone)}</span></p>
${flag.resolved && html`<p class="small">Settled by <strong>${flag.resolved.by}</strong>: ${flag.resolved.how} · ${when(flag.resolved.at, timeZone)}</p>`}
</section>
<section class="card" id="held-mail">
<h2>The mail</h2>
${
  mail
    ? html`<dl class="facts">
  <dt>From</dt><dd>${mail.from ? html`${mail.from.name && html`${mail.from.name} `}<span class="mono">${mail.from.address}</span>` : html`<span class="muted">(no sender)</span>`}</dd>
  <dt>To</dt><dd class="mono">${mail.to.join(", ") || "—"}</dd>
  <dt>Subject</dt><dd>${mail.subject || "(no subject)"}</dd>
  ${mail.date && html`<dt>Date</dt><dd>${when(mail.date, timeZone)}</dd>`}
</dl>
<div class="mail-text held-text">${mail.text || html`<span class="muted">(no new text)</span>`}</div>
${mail.signature && html`<div class="mail-text muted small">${mail.signature}</div>`}
${mail.quoted && html`<details><summary>Quoted history</summary><div class="mail-text muted small">${mail.quoted}</div></details>`}
${mail.attachments.length > 0 && html`<ul class="attachments small">${mail.attachments.map((a) => html`<li>${a.filename} <span class="muted">(${a.contentType}, ${Math.ceil(a.size / 1024)} KB)</span></li>`)}</ul>`}`
    : html`<p class="empty">${view.unreadable ?? "The mail cannot be shown."}</p>`
}
</section>
${open && session.mayAct && (view.caseId ? caseActions(view, flagUrl, session) : looseActions(view, flagUrl, session))}`;
  return layout(view.caseId ? `Held mail ${view.caseId}` : "Loose mail", body, notice, session.login, session.login !== null ? signOutForm(session.csrf) : undefined);
}

function looseActions(view: HeldMailView, flagUrl: (action: string) => string, session: DeskSession): Html {
  return html`<section class="card" id="triage">
<h2>Where it belongs</h2>
${
  view.suggestions.length === 0
    ? html`<p class="empty">No case found by the sender, a case id, a MAC or the site's words.</p>`
    : html`<table class="suggestions"><tbody>${view.suggestions.map(
        (s) => html`<tr>
  <td><a href="${caseUrl(s.caseId)}">${s.caseId}</a><div class="small">${s.site}</div></td>
  <td>${stageBadge(s.stage)}</td>
  <td class="small"><ul>${s.why.map((w) => html`<li>${w}</li>`)}</ul></td>
  <td>${
    view.mail &&
    html`<form class="inline" method="post" action="${flagUrl("assign")}">
    ${csrfField(session)}
    <input type="hidden" name="case" value="${s.caseId}">
    <button type="submit">Assign to ${s.caseId}</button>
  </form>`
  }${
    view.mail &&
    !s.senderIsParticipant &&
    html`<form class="inline" method="post" action="${flagUrl("assign-accept")}">
    ${csrfField(session)}
    <input type="hidden" name="case" value="${s.caseId}">
    <button type="submit" class="secondary">Assign and accept the sender</button>
  </form>`
  }</td>
</tr>`,
      )}</tbody></table>`
}
${
  view.mail &&
  html`<form class="inline" method="post" action="${flagUrl("assign")}">
  ${csrfField(session)}
  <input type="text" name="case" required pattern="[Aa][Cc][Tt]-[0-9]{6}" placeholder="ACT-123456" aria-label="Another case id" class="narrow">
  <button type="submit" class="secondary">Assign to this case</button>
</form>`
}
<h3>Reject</h3>
<form class="action" method="post" action="${flagUrl("reject")}">
  ${csrfField(session)}
  <label>Why it is rejected (the mail stays in the mailbox; nothing is deleted) <input type="text" name="reason" required maxlength="2000"></label>
  <button type="submit" class="secondary">Reject mail</button>
</form>
</section>`;
}

function caseActions(view: HeldMailView, flagUrl: (action: string) => string, session: DeskSession): Html {
  const { flag } = view;
  return html`<section class="card" id="triage">
<h2>What to do with it</h2>
${
  flag.code === "unknown_sender" &&
  html`<form class="inline" method="post" action="${flagUrl("accept")}">
  ${csrfField(session)}
  <button type="submit">Accept sender and process the mail</button>
</form>`
}
${
  flag.code === "auth_failed" &&
  html`<form class="action" method="post" action="${flagUrl("release")}">
  ${csrfField(session)}
  <p class="small muted">The sender's domain failed DMARC. Release the mail only after you checked that the sender really sent it (by phone, or from the headers).</p>
  <button type="submit">Release the mail (sender checked)</button>
</form>`
}
<form class="inline" method="post" action="${flagUrl("resolve")}">
  ${csrfField(session)}
  <input type="text" name="how" required maxlength="2000" placeholder="Why it is rejected" aria-label="Why the held mail is rejected">
  <button type="submit" class="secondary">Reject (resolve the flag)</button>
</form>
</section>`;
}
