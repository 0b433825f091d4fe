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

const url = (id: string, action: string): string => `/cases/${encodeURIComponent(id)}${action}`;

export function ownerSection({ case: c }: CaseDetail, timeZone: string, session: DeskSession): Html {
  const owner = c.owner;
  const mine = owner !== undefined && session.login !== null && owner.name === session.login;
  return html`<section class="card owner">
<h2>Owner</h2>
<p>${owner ? html`<strong class="owner-name">${owner.name}</strong> <span class="muted small">since ${when(owner.at, timeZone)}${owner.by !== owner.name ? ` (assigned by ${owner.by})` : ""}</span>` : html`<span class="muted owner-name">Unassigned</span>`}</p>
${
  session.mayAct &&
  html`<div class="actions">
<div>
${!mine && html`<form class="inline" method="post" action="${url(c.id, "/assign")}">${csrfField(session)}<input type="hidden" name="to" value="me"><button type="submit">Assign to me</button></form>`}
<form class="inline" method="post" action="${url(c.id, "/assign")}">
  ${csrfField(session)}
  <label>Assign to <input type="text" name="owner" required maxlength="80" class="narrow" aria-label="Team member to assign the case to"></label>
  <button type="submit" class="secondary">Assign</button>
</form>
${owner && html`<form class="inline" method="post" action="${url(c.id, "/assign")}">${csrfField(session)}<button type="submit" class="secondary">Unassign</button></form>`}
</div>
${
  c.stage === "closed" &&
  html`<div>
<h3>Reopen case</h3>
<form class="action" method="post" action="${url(c.id, "/reopen")}">
  ${csrfField(session)}
  <label>Why it is reopened <input type="text" name="reason" required maxlength="2000"></label>
  <button type="submit">Reopen</button>
</form>
</div>`
}
</div>`
}
</section>`;
}
