/** `GET /work`: the work queue — one row per thing a person must do, filtered (owner too), sorted and paged. */
import type { WorkPage, WorkQuery } from "../../app/work-queue.js";
import { WORK_CAUSES, WORK_SORTS } from "../../core/case/work-items.js";
import type { WorkCause, WorkItem, WorkSort } from "../../core/case/work-items.js";
import { STAGES } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { stageBadge, stageLabel, when, workingDays } from "./format.js";
import type { Notice } from "./layout.js";
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { workUrl } from "./urls.js";
import { workBulkBar, workBulkCell, workBulkHead } from "./work-bulk.js";
import { wordsHtml } from "./core-words.js";
import { flagWord } from "./flag-words.js";

const TEXT = {
  en: {
    title: "Work queue",
    causes: {
      flag: "Flagged",
      evidence_rejected: "Evidence rejected",
      team_step: "To verify",
      ready_to_activate: "Ready to activate",
      bounced: "Address bounces",
      draft: "Draft to review",
      near_escalation: "Close to escalation",
    } satisfies Record<WorkCause, string>,
    sorts: { oldest: "Oldest waiting first", newest: "Newest first", stage: "By stage" } satisfies Record<WorkSort, string>,
    cause: "Cause",
    stage: "Stage",
    waitingOn: "Waiting on",
    language: "Language",
    waitingAtLeast: "Waiting at least",
    workingDaysUnit: "working days",
    owner: "Owner",
    sort: "Sort",
    any: "any",
    anyone: "anyone",
    team: "the team",
    participants: "the participants",
    swedish: "Swedish",
    english: "English",
    mine: "mine",
    unassigned: "unassigned",
    filter: "Filter",
    toDo: (n: number) => `${n} cases and loose mails to do · `,
    nothing: "Nothing to do here.",
    since: "Since",
    nextReminder: "Next reminder",
    case: "Case",
    noCase: "no case",
    next: "Next page",
    resolve: "Resolve",
    resolveLabel: "Resolve this flag on the case page",
    keysHint: "Keys: j / k move, Enter opens, r resolves, ? shows all.",
  },
  sv: {
    title: "Arbetskö",
    causes: {
      flag: "Flaggad",
      evidence_rejected: "Underlag underkänt",
      team_step: "Att verifiera",
      ready_to_activate: "Redo att aktivera",
      bounced: "Adressen studsar",
      draft: "Utkast att granska",
      near_escalation: "Nära eskalering",
    } satisfies Record<WorkCause, string>,
    sorts: { oldest: "Längst väntande först", newest: "Nyaste först", stage: "Efter steg" } satisfies Record<WorkSort, string>,
    cause: "Orsak",
    stage: "Steg",
    waitingOn: "Väntar på",
    language: "Språk",
    waitingAtLeast: "Väntat minst",
    workingDaysUnit: "arbetsdagar",
    owner: "Ägare",
    sort: "Sortering",
    any: "alla",
    anyone: "vem som helst",
    team: "teamet",
    participants: "deltagarna",
    swedish: "svenska",
    english: "engelska",
    mine: "mina",
    unassigned: "utan ägare",
    filter: "Filtrera",
    toDo: (n: number) => `${n} ärenden och lösa mejl att göra · `,
    nothing: "Inget att göra här.",
    since: "Sedan",
    nextReminder: "Nästa påminnelse",
    case: "Ärende",
    noCase: "inget ärende",
    next: "Nästa sida",
    resolve: "Lös",
    resolveLabel: "Lös flaggan på ärendesidan",
    keysHint: "Tangenter: j / k flyttar, Enter öppnar, r löser, ? visar alla.",
  },
} satisfies Record<UiLanguage, unknown>;

/** The cause labels in English (the JSON API and older callers). */
export const CAUSE_LABELS: Record<WorkCause, string> = TEXT.en.causes;
export const SORT_LABELS: Record<WorkSort, string> = TEXT.en.sorts;

export function workPage(page: WorkPage, query: WorkQuery, timeZone: string, session: DeskSession, notice?: Notice): Html {
  const lang = session.lang;
  const t = uiText(TEXT, lang);
  const body = html`<h1>${t.title}</h1>
<section class="card">
<form class="filters" method="get" action="/work">
  <label>${t.cause} <select name="cause"><option value="">${t.any}</option>${WORK_CAUSES.map((c) => html`<option value="${c}"${query.cause === c && " selected"}>${t.causes[c]}</option>`)}</select></label>
  <label>${t.stage} <select name="stage"><option value="">${t.any}</option>${STAGES.map((s) => html`<option value="${s}"${query.stage === s && " selected"}>${stageLabel(s, lang)}</option>`)}</select></label>
  <label>${t.waitingOn} <select name="waiting"><option value="">${t.anyone}</option><option value="team"${query.waitingOn === "team" && " selected"}>${t.team}</option><option value="participants"${query.waitingOn === "participants" && " selected"}>${t.participants}</option></select></label>
  <label>${t.language} <select name="locale"><option value="">${t.any}</option><option value="sv"${query.locale === "sv" && " selected"}>${t.swedish}</option><option value="en"${query.locale === "en" && " selected"}>${t.english}</option></select></label>
  <label>${t.waitingAtLeast} <input type="number" name="days" min="0" max="999" value="${query.minDays ?? ""}" class="narrow"> ${t.workingDaysUnit}</label>
  <label>${t.owner} <select name="owner"><option value="">${t.anyone}</option><option value="mine"${query.owner === "mine" && " selected"}>${t.mine}</option><option value="unassigned"${query.owner === "unassigned" && " selected"}>${t.unassigned}</option></select></label>
  <label>${t.sort} <select name="sort">${WORK_SORTS.map((o) => html`<option value="${o}"${(query.sort ?? "oldest") === o && " selected"}>${t.sorts[o]}</option>`)}</select></label>
  <button type="submit" class="secondary">${t.filter}</button>
</form>
${workBulkBar(query, session)}
<p class="muted small">${page.total !== null && t.toDo(page.total)}${t.sorts[query.sort ?? "oldest"].toLowerCase()}</p>
${
  page.rows.length === 0
    ? html`<p class="empty">${t.nothing}</p>`
    : html`<div class="scroll"><table class="work">
<thead><tr>${workBulkHead(session)}<th>${t.case}</th><th>${t.stage}</th><th>${t.cause}</th><th>${t.waitingOn}</th><th>${t.since}</th><th>${t.nextReminder}</th><th>${t.owner}</th></tr></thead>
<tbody>${page.rows.map((r, i) => row(r, i, timeZone, session))}</tbody></table></div>
<p class="muted small keys-hint">${t.keysHint}</p>`
}
${page.next && html`<p><a href="${workUrl(query, page.next)}">${t.next}</a></p>`}
</section>`;
  return deskLayout(t.title, body, session, notice);
}

/**
 * What a row is about beside its reason: a flag's kind in words, a bounced address. Item ids, case ids
 * and draft keys are left out: the reason names them as the member reads them (item titles, links).
 */
function subjectLine(r: WorkItem, lang: UiLanguage): Html | false {
  if (r.cause === "flag") return html`<div class="muted small">${flagWord(r.subject, lang)}</div>`;
  if (r.cause === "bounced") return html`<div class="mono muted small">${r.subject}</div>`;
  return false;
}

/**
 * One row; `data-row` marks it for the keyboard (j / k), its case link (`data-open`) takes the focus so
 * that Enter opens it, and a flag's row links its resolve form on the case page (`data-resolve`, r).
 */
function row(r: WorkItem, i: number, timeZone: string, session: DeskSession): Html {
  const lang = session.lang;
  const t = uiText(TEXT, lang);
  const caseHref = r.caseId ? `/cases/${encodeURIComponent(r.caseId)}` : null;
  const resolvable = r.caseId && (r.cause === "flag" || r.cause === "evidence_rejected");
  return html`<tr data-row>${workBulkCell(r, i, session)}
  <td>${caseHref ? html`<a href="${caseHref}" data-open>${r.caseId}</a><div class="small">${r.site}</div>` : html`<span class="muted">${t.noCase}</span>`}</td>
  <td>${r.caseId ? stageBadge(r.stage, lang) : "—"}</td>
  <td><strong>${t.causes[r.cause]}</strong><div class="small">${wordsHtml(r.words, r.what, lang)}</div>${subjectLine(r, lang)}${
    resolvable && html`<a class="small" href="${caseHref}#resolve-${r.subject}" data-resolve aria-label="${t.resolveLabel}">${t.resolve}</a>`
  }</td>
  <td>${r.waitingOn === "team" ? t.team : t.participants}</td>
  <td>${when(r.since, timeZone, lang)}<div class="small muted">${workingDays(r.workingDays, lang)}</div></td>
  <td>${r.nextReminder ? when(r.nextReminder, timeZone, lang) : "—"}</td>
  <td class="owner">${r.owner ?? html`<span class="muted">${t.unassigned}</span>`}</td>
</tr>`;
}
