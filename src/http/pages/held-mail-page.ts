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
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { caseUrl } from "./urls.js";
import { reasonHtml } from "./core-words.js";

const TEXT = {
  en: {
    held: "Held mail",
    loose: "Loose mail",
    noCase: "Mail tied to no case",
    settledBy: "Settled by",
    theMail: "The mail",
    from: "From",
    noSender: "(no sender)",
    to: "To",
    subject: "Subject",
    noSubject: "(no subject)",
    date: "Date",
    noText: "(no new text)",
    quoted: "Quoted history",
    cannotShow: "The mail cannot be shown.",
    belongs: "Where it belongs",
    noSuggestion: "No case found by the sender, a case id, a MAC or the site's words.",
    assignTo: (id: string) => `Assign to ${id}`,
    assignAccept: "Assign and accept the sender",
    anotherCase: "Another case id",
    assignThis: "Assign to this case",
    reject: "Reject",
    whyReject: "Why it is rejected (the mail stays in the mailbox; nothing is deleted)",
    rejectMail: "Reject mail",
    whatToDo: "What to do with it",
    acceptSender: "Accept sender and process the mail",
    dmarc: "The sender's domain failed DMARC. Release the mail only after you checked that the sender really sent it (by phone, or from the headers).",
    release: "Release the mail (sender checked)",
    whyRejected: "Why it is rejected",
    whyHeldRejected: "Why the held mail is rejected",
    rejectResolve: "Reject (resolve the flag)",
  },
  sv: {
    held: "Kvarhållet mejl",
    loose: "Löst mejl",
    noCase: "Mejl utan ärende",
    settledBy: "Hanterat av",
    theMail: "Mejlet",
    from: "Från",
    noSender: "(ingen avsändare)",
    to: "Till",
    subject: "Ämne",
    noSubject: "(inget ämne)",
    date: "Datum",
    noText: "(ingen ny text)",
    quoted: "Citerad historik",
    cannotShow: "Mejlet kan inte visas.",
    belongs: "Var det hör hemma",
    noSuggestion: "Inget ärende hittades via avsändaren, ett ärendenummer, en MAC-adress eller platsens ord.",
    assignTo: (id: string) => `Koppla till ${id}`,
    assignAccept: "Koppla och godkänn avsändaren",
    anotherCase: "Ett annat ärendenummer",
    assignThis: "Koppla till det här ärendet",
    reject: "Avvisa",
    whyReject: "Varför det avvisas (mejlet ligger kvar i brevlådan; inget raderas)",
    rejectMail: "Avvisa mejlet",
    whatToDo: "Vad ska göras med det",
    acceptSender: "Godkänn avsändaren och behandla mejlet",
    dmarc: "Avsändarens domän klarade inte DMARC. Släpp mejlet först när du har kontrollerat att avsändaren verkligen skickade det (per telefon eller i huvudena).",
    release: "Släpp mejlet (avsändaren kontrollerad)",
    whyRejected: "Varför det avvisas",
    whyHeldRejected: "Varför det kvarhållna mejlet avvisas",
    rejectResolve: "Avvisa (lös flaggan)",
  },
} satisfies Record<UiLanguage, unknown>;

export function heldMailPage(view: HeldMailView, timeZone: string, session: DeskSession, notice?: Notice): Html {
  const { flag, mail } = view;
  const flagUrl = (action: string) => (view.caseId ? caseUrl(view.caseId, `/flags/${encodeURIComponent(flag.id)}/${action}`) : `/flags/${encodeURIComponent(flag.id)}/${action}`);
  const open = !flag.resolved;
  const lang = session.lang;
  const t = uiText(TEXT, lang);
  const body = html`
<h1>${view.caseId ? html`${t.held} · <a href="${caseUrl(view.caseId)}">${view.caseId}</a>` : t.noCase}</h1>
<section class="card">
<p><span class="badge flag">${flag.code}</span> ${reasonHtml(flag, lang)} <span class="muted small">· ${when(flag.at, timeZone, lang)}</span></p>
${flag.resolved && html`<p class="small">${t.settledBy} <strong>${flag.resolved.by}</strong>: ${flag.resolved.how} · ${when(flag.resolved.at, timeZone, lang)}</p>`}
</section>
<section class="card" id="held-mail">
<h2>${t.theMail}</h2>
${
  mail
    ? html`<dl class="facts">
  <dt>${t.from}</dt><dd>${mail.from ? html`${mail.from.name && html`${mail.from.name} `}<span class="mono">${mail.from.address}</span>` : html`<span class="muted">${t.noSender}</span>`}</dd>
  <dt>${t.to}</dt><dd class="mono">${mail.to.join(", ") || "—"}</dd>
  <dt>${t.subject}</dt><dd>${mail.subject || t.noSubject}</dd>
  ${mail.date && html`<dt>${t.date}</dt><dd>${when(mail.date, timeZone, lang)}</dd>`}
</dl>
<div class="mail-text held-text">${mail.text || html`<span class="muted">${t.noText}</span>`}</div>
${mail.signature && html`<div class="mail-text muted small">${mail.signature}</div>`}
${mail.quoted && html`<details><summary>${t.quoted}</summary><div class="mail-text muted small">${mail.quoted}</div></details>`}
${mail.attachments.length > 0 && html`<ul class="attachments small">${mail.attachments.map((a) => html`<li>${a.filename} <span class="muted">(${a.contentType}, ${Math.ceil(a.size / 1024)} KB)</span></li>`)}</ul>`}`
    : html`<p class="empty">${view.unreadable ?? t.cannotShow}</p>`
}
</section>
${open && session.mayAct && (view.caseId ? caseActions(view, flagUrl, session) : looseActions(view, flagUrl, session))}`;
  return deskLayout(view.caseId ? `${t.held} ${view.caseId}` : t.loose, body, session, notice);
}

function looseActions(view: HeldMailView, flagUrl: (action: string) => string, session: DeskSession): Html {
  const t = uiText(TEXT, session.lang);
  return html`<section class="card" id="triage">
<h2>${t.belongs}</h2>
${
  view.suggestions.length === 0
    ? html`<p class="empty">${t.noSuggestion}</p>`
    : html`<table class="suggestions"><tbody>${view.suggestions.map(
        (s) => html`<tr>
  <td><a href="${caseUrl(s.caseId)}">${s.caseId}</a><div class="small">${s.site}</div></td>
  <td>${stageBadge(s.stage, session.lang)}</td>
  <td class="small"><ul>${s.why.map((w) => html`<li>${w}</li>`)}</ul></td>
  <td>${
    view.mail &&
    html`<form class="inline" method="post" action="${flagUrl("assign")}">
    ${csrfField(session)}
    <input type="hidden" name="case" value="${s.caseId}">
    <button type="submit">${t.assignTo(s.caseId)}</button>
  </form>`
  }${
    view.mail &&
    !s.senderIsParticipant &&
    html`<form class="inline" method="post" action="${flagUrl("assign-accept")}">
    ${csrfField(session)}
    <input type="hidden" name="case" value="${s.caseId}">
    <button type="submit" class="secondary">${t.assignAccept}</button>
  </form>`
  }</td>
</tr>`,
      )}</tbody></table>`
}
${
  view.mail &&
  html`<form class="inline" method="post" action="${flagUrl("assign")}">
  ${csrfField(session)}
  <input type="text" name="case" required pattern="[Aa][Cc][Tt]-[0-9]{6}" placeholder="ACT-123456" aria-label="${t.anotherCase}" class="narrow">
  <button type="submit" class="secondary">${t.assignThis}</button>
</form>`
}
<h3>${t.reject}</h3>
<form class="action" method="post" action="${flagUrl("reject")}">
  ${csrfField(session)}
  <label>${t.whyReject} <input type="text" name="reason" required maxlength="2000"></label>
  <button type="submit" class="secondary">${t.rejectMail}</button>
</form>
</section>`;
}

function caseActions(view: HeldMailView, flagUrl: (action: string) => string, session: DeskSession): Html {
  const { flag } = view;
  const t = uiText(TEXT, session.lang);
  return html`<section class="card" id="triage">
<h2>${t.whatToDo}</h2>
${
  flag.code === "unknown_sender" &&
  html`<form class="inline" method="post" action="${flagUrl("accept")}">
  ${csrfField(session)}
  <button type="submit">${t.acceptSender}</button>
</form>`
}
${
  flag.code === "auth_failed" &&
  html`<form class="action" method="post" action="${flagUrl("release")}">
  ${csrfField(session)}
  <p class="small muted">${t.dmarc}</p>
  <button type="submit">${t.release}</button>
</form>`
}
<form class="inline" method="post" action="${flagUrl("resolve")}">
  ${csrfField(session)}
  <input type="text" name="how" required maxlength="2000" placeholder="${t.whyRejected}" aria-label="${t.whyHeldRejected}">
  <button type="submit" class="secondary">${t.rejectResolve}</button>
</form>
</section>`;
}
