/**
 * `GET /`: the flagged queue (flagged cases and loose flags, newest first, with reason codes) and the
 * newest cases of each stage, each stage paged on its own (`/?stage=…&cursor=…`). Built from case
 * summaries, one page of each list: its size does not grow with the store.
 */
import type { CaseSummary } from "../../core/case/case-summary.js";
import type { StageId } from "../../core/types.js";
import type { QueueFlag } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { stageBadge, stageLabel, when } from "./format.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import type { Notice } from "./layout.js";
import { layout } from "./layout.js";
import { signOutForm } from "./login-page.js";

export interface StageGroup {
  stage: StageId;
  /** Cases in the stage, all of them (the group shows one page). */
  total: number;
  cases: CaseSummary[];
  /** Link to the next page of this stage, if there is one. */
  next: string | null;
}

export interface QueuePageInput {
  flagged: CaseSummary[];
  flaggedTotal: number;
  loose: QueueFlag[];
  looseTotal: number;
  stages: StageGroup[];
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

function flaggedSection({ flagged, flaggedTotal, loose, looseTotal, timeZone, session }: QueuePageInput): Html {
  type Row = { at: string; row: Html };
  const caseRows: Row[] = flagged.map((c) => {
    const flags = c.flags;
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
  <td><span class="muted">no case</span>${f.mail && html`<div class="mono small muted" title="mail key">${f.mail}</div>`}${f.blob && html`<div class="small"><a href="/flags/${encodeURIComponent(f.id)}">Read the mail</a></div>`}</td><td class="muted">—</td><td class="muted">—</td>
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
<h2>Flagged (${flaggedTotal + looseTotal})</h2>
${rows.length < flaggedTotal + looseTotal ? html`<p class="small muted">The newest ${rows.length} are shown.</p>` : ""}
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

function casesSection({ stages, timeZone }: QueuePageInput): Html {
  const groups = stages.filter((g) => g.total > 0);
  const total = groups.reduce((n, g) => n + g.total, 0);
  return html`<section class="card" id="cases">
<h2>Cases by stage (${total})</h2>
${
  groups.length === 0
    ? html`<p class="empty">No cases yet.</p>`
    : html`<table class="stage-group">
<thead><tr><th>Case</th><th>Site</th><th>Stage</th><th>Open flags</th><th>Opened</th><th>Participants</th></tr></thead>
${groups.map(
  (g) => html`<tbody>
<tr><th colspan="6">${stageLabel(g.stage)} (${g.total})</th></tr>
${g.cases.map(
  (row) => html`<tr>
  <td>${caseLink(row.id)}</td><td>${row.site}</td><td>${stageBadge(row.stage)}</td>
  <td>${row.openFlagCount > 0 ? html`<span class="badge flag">${row.openFlagCount}</span>` : html`<span class="muted">0</span>`}</td>
  <td>${when(row.openedAt, timeZone)}</td>
  <td class="small">${row.roles.map((r) => r.replaceAll("_", " ")).join(", ")}</td>
</tr>`,
)}
${g.next ? html`<tr><td colspan="6"><a href="${g.next}">Older ${stageLabel(g.stage)} cases</a></td></tr>` : ""}
</tbody>`,
)}
</table>`
}
</section>`;
}
