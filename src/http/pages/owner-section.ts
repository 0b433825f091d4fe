/**
 * The case page's owner and reopen section: who owns the case (assign to me, to a colleague, or
 * unassign) and, for a closed case, reopening it with a reason. Each button posts to its form endpoint
 * (ui-routes.ts), which records the member acting; a viewer sees the owner and no form.
 */
import type { CaseDetail } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import { when } from "./format.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT = {
  en: {
    owner: "Owner",
    since: "since",
    assignedBy: (by: string) => ` (assigned by ${by})`,
    unassigned: "Unassigned",
    assignToMe: "Assign to me",
    assignTo: "Assign to",
    assignToLabel: "Team member to assign the case to",
    assign: "Assign",
    unassign: "Unassign",
    reopenTitle: "Reopen case",
    why: "Why it is reopened",
    reopen: "Reopen",
  },
  sv: {
    owner: "Ägare",
    since: "sedan",
    assignedBy: (by: string) => ` (tilldelat av ${by})`,
    unassigned: "Ingen ägare",
    assignToMe: "Ta ärendet",
    assignTo: "Tilldela",
    assignToLabel: "Teammedlem som får ärendet",
    assign: "Tilldela",
    unassign: "Ta bort ägaren",
    reopenTitle: "Återöppna ärendet",
    why: "Varför det återöppnas",
    reopen: "Återöppna",
  },
} satisfies Record<UiLanguage, unknown>;

const url = (id: string, action: string): string => `/cases/${encodeURIComponent(id)}${action}`;

export function ownerSection({ case: c }: CaseDetail, timeZone: string, session: DeskSession): Html {
  const owner = c.owner;
  const mine = owner !== undefined && session.login !== null && owner.name === session.login;
  const t = uiText(TEXT, session.lang);
  return html`<section class="card owner">
<h2>${t.owner}</h2>
<p>${owner ? html`<strong class="owner-name">${owner.name}</strong> <span class="muted small">${t.since} ${when(owner.at, timeZone, session.lang)}${owner.by !== owner.name ? t.assignedBy(owner.by) : ""}</span>` : html`<span class="muted owner-name">${t.unassigned}</span>`}</p>
${
  session.mayAct &&
  html`<div class="actions">
<div>
${!mine && html`<form class="inline" method="post" action="${url(c.id, "/assign")}">${csrfField(session)}<input type="hidden" name="to" value="me"><button type="submit">${t.assignToMe}</button></form>`}
<form class="inline" method="post" action="${url(c.id, "/assign")}">
  ${csrfField(session)}
  <label>${t.assignTo} <input type="text" name="owner" required maxlength="80" class="narrow" aria-label="${t.assignToLabel}"></label>
  <button type="submit" class="secondary">${t.assign}</button>
</form>
${owner && html`<form class="inline" method="post" action="${url(c.id, "/assign")}">${csrfField(session)}<button type="submit" class="secondary">${t.unassign}</button></form>`}
</div>
${
  c.stage === "closed" &&
  html`<div>
<h3>${t.reopenTitle}</h3>
<form class="action" method="post" action="${url(c.id, "/reopen")}">
  ${csrfField(session)}
  <label>${t.why} <input type="text" name="reason" required maxlength="2000"></label>
  <button type="submit">${t.reopen}</button>
</form>
</div>`
}
</div>`
}
</section>`;
}
