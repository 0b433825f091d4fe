/**
 * `GET /`: the flagged queue (flagged cases and loose flags, newest first, with reason codes) and every
 * case by stage.
 */
import type { Case } from "../../core/types.js";
import { STAGES } from "../../core/types.js";
import type { QueueFlag } from "../case-views.js";
import { caseRow, openFlags } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { stageBadge, stageLabel, when } from "./format.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import type { Notice } from "./layout.js";
import { layout } from "./layout.js";
import { signOutForm } from "./login-page.js";

export interface QueuePageInput {
  flagged: Case[];
  loose: QueueFlag[];
  cases: Case[];
  timeZone: string;
  notice?: Notice;
  /** Who looks: a viewer sees no forms; every form carries the session's CSRF token. */
  session: DeskSession;
}

export function queuePage(input: QueuePageInput): Html {
  const body = html`
<h1>Flagged queue</h1>
${flaggedSection(input)}
${casesSection(input)}`;
  return layout("Flagged queue", body, input.notice, input.session.login, input.session.login !== null ? signOutForm(input.session.csrf) : undefined);
}

function caseLink(id: string): Html {
  return html`<a href="/cases/${encodeURIComponent(id)}">${id}</a>`;
}

function flaggedSection({ flagged, loose, timeZone, session }: QueuePageInput): Html {
  type Row = { at: string; row: Html };
  const caseRows: Row[] = flagged.map((c) => {
    const flags = openFlags(c).sort((a, b) => b.at.localeCompare(a.at));
    return {
      at: flags[0]?.at ?? "",
      row: html`<tr>
  <td>${caseLink(c.id)}</td><td>${c.site}</td><td>${stageBadge(c.stage)}</td>
  <td>${flags.map((f) => html`<div><span class="badge flag">${f.code}</span> <span class="small">${f.reason}</span></div>`)}</td>
  <td>${when(flags[0]?.at ?? "", timeZone)}</td>
</tr>`,
    };
  });
  const looseRows: Row[] = loose.map((f) => ({
    at: f.at,
    row: html`<tr>
  <td><span class="muted">no case</span>${f.mail && html`<div class="mono small muted" title="mail key">${f.mail}</div>`}</td><td class="muted">—</td><td class="muted">—</td>
  <td><span class="badge flag">${f.code}</span> <span class="small">${f.reason}</span>
    ${
      session.mayAct &&
      html`<form class="inline" method="post" action="/flags/${encodeURIComponent(f.id)}/resolve">
      ${csrfField(session)}
      <input type="text" name="how" required maxlength="2000" placeholder="How it was resolved" aria-label="How it was resolved">
      <button type="submit" class="secondary">Resolve</button>
    </form>`
    }
    ${
      session.mayAct &&
      f.blob &&
      html`<form class="inline" method="post" action="/flags/${encodeURIComponent(f.id)}/assign">
      ${csrfField(session)}
      <input type="text" name="case" required pattern="[Aa][Cc][Tt]-[0-9]{6}" placeholder="ACT-123456" aria-label="Case id" class="narrow">
      <button type="submit">Assign mail to case</button>
    </form>`
    }
  </td>
  <td>${when(f.at, timeZone)}</td>
</tr>`,
  }));
  const rows = [...caseRows, ...looseRows].sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
  return html`<section class="card">
<h2>Flagged (${rows.length})</h2>
${
  rows.length === 0
    ? html`<p class="empty">Nothing flagged. The queue is empty.</p>`
    : html`<table>
<thead><tr><th>Case</th><th>Site</th><th>Stage</th><th>Flags</th><th>Latest</th></tr></thead>
<tbody>${rows.map((r) => r.row)}</tbody>
</table>`
}
</section>`;
}

function casesSection({ cases, timeZone }: QueuePageInput): Html {
  const groups = STAGES.map((stage) => ({ stage, cases: cases.filter((c) => c.stage === stage) })).filter((g) => g.cases.length > 0);
  return html`<section class="card" id="cases">
<h2>All cases by stage (${cases.length})</h2>
${
  groups.length === 0
    ? html`<p class="empty">No cases yet.</p>`
    : html`<table class="stage-group">
<thead><tr><th>Case</th><th>Site</th><th>Stage</th><th>Open flags</th><th>Opened</th><th>Participants</th></tr></thead>
${groups.map(
  (g) => html`<tbody>
<tr><th colspan="6">${stageLabel(g.stage)} (${g.cases.length})</th></tr>
${g.cases.map((c) => {
  const row = caseRow(c);
  return html`<tr>
  <td>${caseLink(row.id)}</td><td>${row.site}</td><td>${stageBadge(row.stage)}</td>
  <td>${row.openFlags > 0 ? html`<span class="badge flag">${row.openFlags}</span>` : html`<span class="muted">0</span>`}</td>
  <td>${when(row.openedAt, timeZone)}</td>
  <td class="small">${row.roles.map((r) => r.replaceAll("_", " ")).join(", ")}</td>
</tr>`;
})}
</tbody>`,
)}
</table>`
}
</section>`;
}
