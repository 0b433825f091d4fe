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
import { participantRole, stageBadge, stageLabel, when } from "./format.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import type { Notice } from "./layout.js";
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { reasonHtml } from "./core-words.js";

const TEXT = {
  en: {
    title: "Flagged queue",
    noCase: "no case",
    mailKey: "mail key",
    readMail: "Read the mail",
    how: "How it was resolved",
    resolve: "Resolve",
    caseId: "Case id",
    assign: "Assign mail to case",
    flagged: (n: number) => `Flagged (${n})`,
    newest: (n: number) => `The newest ${n} are shown; the work queue has them all, page by page:`,
    allInWork: "all flags in the work queue",
    empty: "Nothing flagged. The queue is empty.",
    case: "Case",
    site: "Site",
    stage: "Stage",
    flags: "Flags",
    latest: "Latest",
    byStage: (n: number) => `Cases by stage (${n})`,
    noCases: "No cases yet.",
    openFlags: "Open flags",
    opened: "Opened",
    participants: "Participants",
    older: (stage: string) => `Older ${stage} cases`,
  },
  sv: {
    title: "Flaggade",
    noCase: "inget ärende",
    mailKey: "mejlets nyckel",
    readMail: "Läs mejlet",
    how: "Hur den löstes",
    resolve: "Lös",
    caseId: "Ärendenummer",
    assign: "Koppla mejlet till ärendet",
    flagged: (n: number) => `Flaggade (${n})`,
    newest: (n: number) => `De ${n} nyaste visas; arbetskön har alla, sida för sida:`,
    allInWork: "alla flaggor i arbetskön",
    empty: "Inget är flaggat. Kön är tom.",
    case: "Ärende",
    site: "Plats",
    stage: "Steg",
    flags: "Flaggor",
    latest: "Senast",
    byStage: (n: number) => `Ärenden per steg (${n})`,
    noCases: "Inga ärenden än.",
    openFlags: "Öppna flaggor",
    opened: "Öppnat",
    participants: "Deltagare",
    older: (stage: string) => `Äldre ärenden i ${stage}`,
  },
} satisfies Record<UiLanguage, unknown>;

export interface StageGroup {
  stage: StageId;
  /** Cases in the stage, all of them (the group shows one page). */
  total: number;
  cases: CaseSummary[];
  /** Link to the next page of this stage, if there is one. */
  next: string | null;
}

export interface QueuePageInput {
  /** Flagged cases and loose flags shown together, the newest first, at most. */
  rows: number;
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
  const t = uiText(TEXT, input.session.lang);
  const body = html`
<h1>${t.title}</h1>
${flaggedSection(input)}
${casesSection(input)}`;
  return deskLayout(t.title, body, input.session, input.notice);
}

function caseLink(id: string): Html {
  return html`<a href="/cases/${encodeURIComponent(id)}">${id}</a>`;
}

function flaggedSection({ rows: shown, flagged, flaggedTotal, loose, looseTotal, timeZone, session }: QueuePageInput): Html {
  const lang = session.lang;
  const t = uiText(TEXT, lang);
  type Row = { at: string; row: Html };
  const caseRows: Row[] = flagged.map((c) => {
    const flags = c.flags;
    return {
      at: flags[0]?.at ?? "",
      row: html`<tr>
  <td>${caseLink(c.id)}</td><td>${c.site}</td><td>${stageBadge(c.stage, lang)}</td>
  <td>${flags.map((f) => html`<div><span class="badge flag">${f.code}</span> <span class="small">${reasonHtml(f, lang)}</span></div>`)}</td>
  <td>${when(flags[0]?.at ?? "", timeZone, lang)}</td>
</tr>`,
    };
  });
  const looseRows: Row[] = loose.map((f) => ({
    at: f.at,
    row: html`<tr>
  <td><span class="muted">${t.noCase}</span>${f.mail && html`<div class="mono small muted" title="${t.mailKey}">${f.mail}</div>`}${f.blob && html`<div class="small"><a href="/flags/${encodeURIComponent(f.id)}">${t.readMail}</a></div>`}</td><td class="muted">—</td><td class="muted">—</td>
  <td><span class="badge flag">${f.code}</span> <span class="small">${reasonHtml(f, lang)}</span>
    ${
      session.mayAct &&
      html`<form class="inline" method="post" action="/flags/${encodeURIComponent(f.id)}/resolve">
      ${csrfField(session)}
      <input type="text" name="how" required maxlength="2000" placeholder="${t.how}" aria-label="${t.how}">
      <button type="submit" class="secondary">${t.resolve}</button>
    </form>`
    }
    ${
      session.mayAct &&
      f.blob &&
      html`<form class="inline" method="post" action="/flags/${encodeURIComponent(f.id)}/assign">
      ${csrfField(session)}
      <input type="text" name="case" required pattern="[Aa][Cc][Tt]-[0-9]{6}" placeholder="ACT-123456" aria-label="${t.caseId}" class="narrow">
      <button type="submit">${t.assign}</button>
    </form>`
    }
  </td>
  <td>${when(f.at, timeZone, lang)}</td>
</tr>`,
  }));
  const rows = [...caseRows, ...looseRows].sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0)).slice(0, shown);
  return html`<section class="card">
<h2>${t.flagged(flaggedTotal + looseTotal)}</h2>
${rows.length < flaggedTotal + looseTotal ? html`<p class="small muted">${t.newest(rows.length)} <a href="/work?cause=flag" class="all-flags">${t.allInWork}</a></p>` : ""}
${
  rows.length === 0
    ? html`<p class="empty">${t.empty}</p>`
    : html`<table>
<thead><tr><th>${t.case}</th><th>${t.site}</th><th>${t.stage}</th><th>${t.flags}</th><th>${t.latest}</th></tr></thead>
<tbody>${rows.map((r) => r.row)}</tbody>
</table>`
}
</section>`;
}

function casesSection({ stages, timeZone, session }: QueuePageInput): Html {
  const lang = session.lang;
  const t = uiText(TEXT, lang);
  const groups = stages.filter((g) => g.total > 0);
  const total = groups.reduce((n, g) => n + g.total, 0);
  return html`<section class="card" id="cases">
<h2>${t.byStage(total)}</h2>
${
  groups.length === 0
    ? html`<p class="empty">${t.noCases}</p>`
    : html`<table class="stage-group">
<thead><tr><th>${t.case}</th><th>${t.site}</th><th>${t.stage}</th><th>${t.openFlags}</th><th>${t.opened}</th><th>${t.participants}</th></tr></thead>
${groups.map(
  (g) => html`<tbody>
<tr><th colspan="6">${stageLabel(g.stage, lang)} (${g.total})</th></tr>
${g.cases.map(
  (row) => html`<tr>
  <td>${caseLink(row.id)}</td><td>${row.site}</td><td>${stageBadge(row.stage, lang)}</td>
  <td>${row.openFlagCount > 0 ? html`<span class="badge flag">${row.openFlagCount}</span>` : html`<span class="muted">0</span>`}</td>
  <td>${when(row.openedAt, timeZone, lang)}</td>
  <td class="small">${row.roles.map((r) => participantRole(r, lang)).join(", ")}</td>
</tr>`,
)}
${g.next ? html`<tr><td colspan="6"><a href="${g.next}">${t.older(stageLabel(g.stage, lang))}</a></td></tr>` : ""}
</tbody>`,
)}
</table>`
}
</section>`;
}
