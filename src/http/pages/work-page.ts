/** `GET /work`: the work queue — one row per thing a person must do, filtered (owner too), sorted and paged. */
import type { WorkPage, WorkQuery } from "../../app/work-queue.js";
import { WORK_CAUSES, WORK_SORTS } from "../../core/case/work-items.js";
import type { WorkCause, WorkSort } from "../../core/case/work-items.js";
import { STAGES } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { stageBadge, stageLabel, when } from "./format.js";
import type { Notice } from "./layout.js";
import { layout } from "./layout.js";
import { signOutForm } from "./login-page.js";
import { workBulkBar, workBulkCell, workBulkHead } from "./work-bulk.js";

export const CAUSE_LABELS: Record<WorkCause, string> = {
  flag: "Flagged",
  evidence_rejected: "Evidence rejected",
  team_step: "To verify",
  ready_to_activate: "Ready to activate",
  bounced: "Address bounces",
  near_escalation: "Close to escalation",
};

export const SORT_LABELS: Record<WorkSort, string> = {
  oldest: "Oldest waiting first",
  newest: "Newest first",
  stage: "By stage",
};

export function workPage(page: WorkPage, query: WorkQuery, timeZone: string, session: DeskSession, notice?: Notice): Html {
  const body = html`<h1>Work queue</h1>
<section class="card">
<form class="filters" method="get" action="/work">
  <label>Cause <select name="cause"><option value="">any</option>${WORK_CAUSES.map((c) => html`<option value="${c}"${query.cause === c && " selected"}>${CAUSE_LABELS[c]}</option>`)}</select></label>
  <label>Stage <select name="stage"><option value="">any</option>${STAGES.map((s) => html`<option value="${s}"${query.stage === s && " selected"}>${stageLabel(s)}</option>`)}</select></label>
  <label>Waiting on <select name="waiting"><option value="">anyone</option><option value="team"${query.waitingOn === "team" && " selected"}>the team</option><option value="participants"${query.waitingOn === "participants" && " selected"}>the participants</option></select></label>
  <label>Language <select name="locale"><option value="">any</option><option value="sv"${query.locale === "sv" && " selected"}>Swedish</option><option value="en"${query.locale === "en" && " selected"}>English</option></select></label>
  <label>Waiting at least <input type="number" name="days" min="0" max="999" value="${query.minDays ?? ""}" class="narrow"> working days</label>
  <label>Owner <select name="owner"><option value="">anyone</option><option value="mine"${query.owner === "mine" && " selected"}>mine</option><option value="unassigned"${query.owner === "unassigned" && " selected"}>unassigned</option></select></label>
  <label>Sort <select name="sort">${WORK_SORTS.map((o) => html`<option value="${o}"${(query.sort ?? "oldest") === o && " selected"}>${SORT_LABELS[o]}</option>`)}</select></label>
  <button type="submit" class="secondary">Filter</button>
</form>
${workBulkBar(query, session)}
<p class="muted small">${page.total !== null && `${page.total} cases and loose mails to do · `}${SORT_LABELS[query.sort ?? "oldest"].toLowerCase()}</p>
${
  page.rows.length === 0
    ? html`<p class="empty">Nothing to do here.</p>`
    : html`<div class="scroll"><table class="work">
<thead><tr>${workBulkHead(session)}<th>Case</th><th>Stage</th><th>Cause</th><th>Waiting on</th><th>Since</th><th>Next reminder</th><th>Owner</th></tr></thead>
<tbody>${page.rows.map(
        (r, i) => html`<tr>${workBulkCell(r, i, session)}
  <td>${r.caseId ? html`<a href="/cases/${encodeURIComponent(r.caseId)}">${r.caseId}</a><div class="small">${r.site}</div>` : html`<span class="muted">no case</span>`}</td>
  <td>${r.caseId ? stageBadge(r.stage) : "—"}</td>
  <td><strong>${CAUSE_LABELS[r.cause]}</strong><div class="small">${r.what}</div><div class="mono muted small">${r.subject}</div></td>
  <td>${r.waitingOn === "team" ? "the team" : "the participants"}</td>
  <td>${when(r.since, timeZone)}<div class="small muted">${r.workingDays} working ${r.workingDays === 1 ? "day" : "days"}</div></td>
  <td>${r.nextReminder ? when(r.nextReminder, timeZone) : "—"}</td>
  <td class="owner">${r.owner ?? html`<span class="muted">unassigned</span>`}</td>
</tr>`,
      )}</tbody></table></div>`
}
${page.next && html`<p><a href="${nextHref(query, page.next)}">Next page</a></p>`}
</section>`;
  return layout("Work queue", body, notice, session.login, session.login !== null ? signOutForm(session.csrf) : undefined);
}

function nextHref(query: WorkQuery, cursor: string): string {
  const q = new URLSearchParams();
  if (query.cause) q.set("cause", query.cause);
  if (query.stage) q.set("stage", query.stage);
  if (query.waitingOn) q.set("waiting", query.waitingOn);
  if (query.locale) q.set("locale", query.locale);
  if (query.minDays !== undefined) q.set("days", String(query.minDays));
  if (query.owner) q.set("owner", query.owner);
  if (query.sort) q.set("sort", query.sort);
  q.set("cursor", cursor);
  return `/work?${q.toString()}`;
}
