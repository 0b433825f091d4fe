/**
 * `GET /cases/:id`: everything the team needs to judge one case — header, open flags, checklist,
 * actions, extracted fields, photos with their check results, and the timeline.
 */
import type { Participant } from "../../core/types.js";
import { formatValue } from "../../core/reply/format-value.js";
import { STAGES } from "../../core/types.js";
import type { CaseDetail } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { extractedFieldsSection, photosSection } from "./evidence-sections.js";
import { stageBadge, stageLabel, stateCell, when } from "./format.js";
import { threadSection } from "./thread-section.js";
import { ownerSection } from "./owner-section.js";
import { caseEditSection } from "./case-edit-section.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import type { Notice } from "./layout.js";
import { layout } from "./layout.js";
import { signOutForm } from "./login-page.js";
import { speakSection } from "./speak-section.js";
import { caseUrl } from "./urls.js";

/** `session`: who looks; a viewer sees no forms, and every form carries the session's CSRF token. */
export function casePage(detail: CaseDetail, timeZone: string, notice: Notice | undefined, session: DeskSession): Html {
  const c = detail.case;
  // An archived case is read-only: its only form is Reopen.
  const acting = detail.archived ? { ...session, mayAct: false } : session;
  const body = html`
<h1>${c.id} · ${c.site}${detail.archived && html` <span class="badge missing">archived</span>`}</h1>
${detail.archived && archivedSection(detail, timeZone, session)}
${headerSection(detail, timeZone)}
${ownerSection(detail, timeZone, acting)}
${caseEditSection(detail, acting)}
${flagsSection(detail, timeZone, acting)}
${toVerifySection(detail, acting)}
<div class="grid2">
${checklistSection(detail, timeZone)}
${acting.mayAct && actionsSection(detail, acting)}
</div>
${extractedFieldsSection(detail, timeZone)}
${deliveriesSection(detail, timeZone)}
${threadSection(c.id, detail.thread, timeZone)}
${speakSection(detail, timeZone, acting)}
${photosSection(detail)}
${timelineSection(detail, timeZone)}`;
  return layout(`${c.id} ${c.site}`, body, notice, session.login, session.login !== null ? signOutForm(session.csrf) : undefined);
}

function archivedSection({ case: c, archived }: CaseDetail, timeZone: string, session: DeskSession): Html {
  return html`<section class="card" id="archived">
<h2>Archived</h2>
<p>This case was moved to the archive ${when(archived?.at ?? "", timeZone)}: it is shown read-only.${
    archived?.blobsDeletedAt && html` Its mails' originals and its photos were deleted by the retention policy ${when(archived.blobsDeletedAt, timeZone)}; the checks' verdicts are kept.`
  }</p>
${
  session.mayAct &&
  html`<form class="inline" method="post" action="${caseUrl(c.id, "/reopen")}">
  ${csrfField(session)}
  <input type="text" name="reason" maxlength="2000" required placeholder="Why it is reopened" aria-label="Why it is reopened">
  <button type="submit">Reopen</button>
</form>`
}
</section>`;
}

export { caseUrl } from "./urls.js";

function headerSection(detail: CaseDetail, timeZone: string): Html {
  const c = detail.case;
  return html`<section class="card">
<div class="grid2">
<dl class="facts">
  <dt>Stage</dt><dd>${stageBadge(c.stage)}</dd>
  <dt>Site</dt><dd>${c.site}</dd>
  <dt>Subject</dt><dd>${c.subject}</dd>
  <dt>Locale</dt><dd>${c.locale}</dd>
  <dt>Opened</dt><dd>${when(c.openedAt, timeZone)}</dd>
  <dt>Last activity</dt><dd>${c.activityAt ? when(c.activityAt, timeZone) : "—"}</dd>
  <dt>Stations</dt><dd>${c.stations}${c.macsShipped.length > 0 && html` <span class="muted small">(shipped: <span class="mono">${c.macsShipped.join(", ")}</span>)</span>`}</dd>
  <dt>Install service</dt><dd>${c.installService ? "bought (site preparation applies)" : "not bought"}</dd>
  <dt>Make</dt><dd>${detail.make.name}${detail.make.thirdParty && html` <span class="badge flag">third-party</span>`}${!detail.make.given && html` <span class="muted small">(default)</span>`}</dd>
  <dt>Rules</dt><dd class="mono">${c.rulesVersion}</dd>
</dl>
<div>
<h2>Participants</h2>
${c.participants.length === 0 ? html`<p class="empty">None.</p>` : html`<table><tbody>${c.participants.map(participantRow)}</tbody></table>`}
</div>
</div>
</section>`;
}

function participantRow(p: Participant): Html {
  return html`<tr>
  <td>${p.name && html`${p.name}<br>`}<span class="mono">${p.email}</span></td>
  <td class="small">${p.role.replaceAll("_", " ")}${p.undeliverable && html`<br><span class="badge failed" title="${p.undeliverable.diagnostic}">undeliverable</span>`}</td>
</tr>`;
}

function flagsSection({ case: c, flags }: CaseDetail, timeZone: string, session: DeskSession): Html {
  const open = flags.filter((f) => !f.resolved);
  const resolved = flags.filter((f) => f.resolved);
  return html`<section class="card">
<h2>Flags (${open.length} open)</h2>
${open.length === 0 && html`<p class="empty">No open flag.</p>`}
${open.map(
  (f) => html`<div class="flag-row">
  <span class="badge flag">${f.code}</span> ${f.reason} <span class="muted small">· ${when(f.at, timeZone)}${f.mail && html` · mail <span class="mono">${f.mail}</span>`}</span>
  ${
    session.mayAct &&
    html`<form class="inline" method="post" action="${caseUrl(c.id, `/flags/${encodeURIComponent(f.id)}/resolve`)}">
    ${csrfField(session)}
    <input type="text" name="how" required maxlength="2000" placeholder="How it was resolved" aria-label="How it was resolved">
    <button type="submit" class="secondary">Resolve flag</button>
  </form>`
  }
  ${
    session.mayAct &&
    f.code === "unknown_sender" &&
    f.blob &&
    html`<form class="inline" method="post" action="${caseUrl(c.id, `/flags/${encodeURIComponent(f.id)}/accept`)}">
    ${csrfField(session)}
    <button type="submit">Accept sender and process the mail</button>
  </form>`
  }
</div>`,
)}
${
  resolved.length > 0 &&
  html`<h3>Resolved</h3>
<ul class="small">${resolved.map(
    (f) => html`<li><span class="badge missing">${f.code}</span> ${f.reason} — resolved by <strong>${f.resolved?.by}</strong>: ${f.resolved?.how} · ${when(f.resolved?.at ?? "", timeZone)}</li>`,
  )}</ul>`
}
</section>`;
}

function checklistSection({ checklist }: CaseDetail, timeZone: string): Html {
  const stages = STAGES.filter((s) => checklist.items.some((i) => i.stage === s));
  return html`<section class="card">
<h2>Checklist</h2>
${checklist.items.length === 0 && html`<p class="empty">No checklist item applies.</p>`}
${stages.map(
  (stage) => html`<h3>${stageLabel(stage)}</h3>
<table><tbody>${checklist.items
    .filter((i) => i.stage === stage)
    .map(
      (i) => html`<tr>
  <td>${i.title}<div class="mono muted small">${i.id}</div>${checklist.unclear[i.id] !== undefined && html`<div class="small muted">unclear answer: “${checklist.unclear[i.id]}”</div>`}</td>
  <td>${stateCell(i.state, timeZone)}</td>
</tr>`,
    )}</tbody></table>`,
)}
<p class="muted small">Rules ${checklist.rulesVersion}</p>
</section>`;
}

/**
 * The team's own steps of the current stage (rules/stages.yaml, `evidence: team`): the case waits on
 * them. Each is one button to confirm, or a reason to send it back (mailed to the stage's participant).
 */
function toVerifySection({ case: c, toVerify }: CaseDetail, session: DeskSession): Html | false {
  if (toVerify.length === 0) return false;
  return html`<section class="card to-verify">
<h2>To verify</h2>
<p class="muted small">The case waits on the commissioning team for ${toVerify.length === 1 ? "this step" : "these steps"}.</p>
${toVerify.map(
  (step) => html`<div class="team-step">
<h3>${step.title}</h3>
${
  session.mayAct
    ? html`<form class="inline" method="post" action="${caseUrl(c.id, "/confirm")}">
  ${csrfField(session)}
  <input type="hidden" name="item" value="${step.id}">
  <button type="submit">Confirm</button>
</form>
<form class="action" method="post" action="${caseUrl(c.id, "/send-back")}">
  ${csrfField(session)}
  <input type="hidden" name="item" value="${step.id}">
  <label>Reason to send it back (mailed) <textarea name="reason" required maxlength="2000"></textarea></label>
  <button type="submit" class="secondary">Send back</button>
</form>`
    : html`<p class="muted small">An agent confirms or sends back this step.</p>`
}
</div>`,
)}
</section>`;
}

function actionsSection({ case: c, checklist }: CaseDetail, session: DeskSession): Html {
  const overridable = checklist.items.filter((i) => i.state.status === "missing" || i.state.status === "failed");
  // The same stages the core accepts these actions in (core/case/stages.ts teamTransition).
  const canActivate = c.stage !== "activated" && c.stage !== "closed";
  const canClose = c.stage !== "closed";
  const { login } = session;
  const standing = c.overrides.filter((o, i) => !o.undone && !c.overrides.slice(i + 1).some((later) => later.item === o.item && !later.undone));
  const titleOf = (item: string): string => checklist.items.find((i) => i.id === item)?.title ?? item;
  return html`<section class="card">
<h2>Actions</h2>
${login && html`<p class="muted small">You act as <strong>${login}</strong>; the timeline records it.</p>`}
<div class="actions">
<div>
<h3>Override checklist item</h3>
${
  overridable.length === 0
    ? html`<p class="empty">No item is missing or failed.</p>`
    : html`<form class="action" method="post" action="${caseUrl(c.id, "/override")}">
  <label>Checklist item <select name="item" required>${overridable.map((i) => html`<option value="${i.id}">${i.title} (${i.state.status})</option>`)}</select></label>
  <label>Reason <textarea name="reason" required maxlength="2000" placeholder="Why the item counts as done"></textarea></label>
  ${csrfField(session)}
  <button type="submit">Override</button>
</form>`
}
</div>
${
  canActivate &&
  html`<div>
<h3>Activate stations</h3>
<form class="action" method="post" action="${caseUrl(c.id, "/activate")}">
  <label>Reason (optional) <input type="text" name="reason" maxlength="2000"></label>
  ${c.stage !== "ready_for_activation" && html`<label class="check"><input type="checkbox" name="force" value="1"> Activate even though the case is not ready for activation</label>`}
  ${csrfField(session)}
  <button type="submit">Activate</button>
</form>
</div>`
}
${
  standing.length > 0 &&
  html`<div>
<h3>Undo an override</h3>
<form class="action" method="post" action="${caseUrl(c.id, "/overrides/undo")}">
  ${csrfField(session)}
  <label>Overridden item <select name="item" required>${standing.map((o) => html`<option value="${o.item}">${titleOf(o.item)} (by ${o.by})</option>`)}</select></label>
  <label>Why it no longer counts <textarea name="reason" required maxlength="2000"></textarea></label>
  <button type="submit" class="secondary">Undo override</button>
</form>
</div>`
}
<div>
<h3>Internal note</h3>
<form class="action" method="post" action="${caseUrl(c.id, "/notes")}">
  ${csrfField(session)}
  <label>Note for the team (never mailed) <textarea name="text" required maxlength="4000"></textarea></label>
  <button type="submit" class="secondary">Add note</button>
</form>
</div>
${
  canClose &&
  html`<div>
<h3>Close case</h3>
<form class="action" method="post" action="${caseUrl(c.id, "/close")}">
  <label>Reason (optional) <input type="text" name="reason" maxlength="2000"></label>
  ${c.stage !== "activated" && html`<label class="check"><input type="checkbox" name="force" value="1"> Close even though the case was never activated</label>`}
  ${csrfField(session)}
  <button type="submit" class="secondary">Close</button>
</form>
</div>`
}
</div>
</div>
</section>`;
}

function timelineSection({ events }: CaseDetail, timeZone: string): Html {
  return html`<section class="card">
<h2>Timeline (${events.length})</h2>
${
  events.length === 0
    ? html`<p class="empty">No event yet.</p>`
    : html`<ol class="timeline">${events.map(
        (e) => html`<li>
  <span class="small">${when(e.at, timeZone)}</span>
  <span class="small"><span class="badge missing">${e.kind.replaceAll("_", " ")}</span></span>
  <span>${e.summary} <span class="muted small">— ${e.by}${e.stage && html` · ${stageLabel(e.stage)}`}${e.mail && html` · <span class="mono">${e.mail}</span>`}</span></span>
</li>`,
      )}</ol>`
}
</section>`;
}

/** Every receipt of stations and every parcel question about a digital product (issue 22); none holds the case. */
function deliveriesSection({ deliveries, case: c }: CaseDetail, timeZone: string): Html {
  if (deliveries.length === 0) return html``;
  return html`<section class="card">
<h2>Deliveries (${deliveries.length})</h2>
<table><tbody>${deliveries.map(
    (d) => html`<tr>
  <td class="small">${when(d.at, timeZone)}</td>
  <td class="small">${d.from}</td>
  <td>${d.kind === "receipt" ? html`<span class="badge ${d.status === "ok" ? "ok" : "failed"}">${d.status === "ok" ? "received" : d.status === "negative" ? "not received" : "unclear"}</span> ${d.value !== null && d.value !== true && d.value !== false ? formatValue(d.value, c.locale) : ""}` : html`<span class="badge flag">digital product: ${d.products.join(", ")}</span> answered: delivered digitally`}</td>
  <td class="small muted">“${d.text}”</td>
</tr>`,
  )}</tbody></table>
</section>`;
}
