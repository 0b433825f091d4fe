/**
 * The work queue's own actions (issue 18 §7): "Assign to me" on each row, and checkboxes per row with
 * "Assign to me", "Assign to …" and "Resolve flags" (one reason) for the selected rows. One form
 * (`#work-bulk`) above the table; the rows' checkboxes and buttons belong to it by their `form`
 * attribute, so the table stays as it is. Agents only: a viewer sees none of it.
 */
import type { WorkItem } from "../../core/case/work-items.js";
import type { WorkQuery } from "../../app/work-queue.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { workUrl } from "./urls.js";

const TEXT = {
  en: {
    openCase: "Open a new case",
    selected: "With the selected rows:",
    assignMe: "Assign to me",
    assignTo: "Assign to …",
    owner: "Team member to assign the selected cases to",
    how: "How the selected flags were resolved",
    howPlaceholder: "How they were resolved (one reason for all)",
    resolve: "Resolve flags",
    select: "Select",
    selectRow: (id: string, subject: string) => `Select ${id}: ${subject}`,
    assignRowMe: (id: string) => `Assign ${id} to me`,
  },
  sv: {
    openCase: "Öppna ett nytt ärende",
    selected: "Med de markerade raderna:",
    assignMe: "Tilldela mig",
    assignTo: "Tilldela …",
    owner: "Teammedlem som de markerade ärendena tilldelas",
    how: "Hur de markerade flaggorna löstes",
    howPlaceholder: "Hur de löstes (ett skäl för alla)",
    resolve: "Lös flaggor",
    select: "Markera",
    selectRow: (id: string, subject: string) => `Markera ${id}: ${subject}`,
    assignRowMe: (id: string) => `Tilldela mig ${id}`,
  },
} satisfies Record<UiLanguage, unknown>;

/** Rows whose `subject` is a flag's code: the flag "Resolve flags" resolves. */
const FLAG_CAUSES: ReadonlySet<WorkItem["cause"]> = new Set(["flag", "evidence_rejected"]);

/** The bar above the table: open a case, and the bulk actions' form. */
export function workBulkBar(query: WorkQuery, session: DeskSession): Html | false {
  if (!session.mayAct) return false;
  const t = uiText(TEXT, session.lang);
  return html`<p><a href="/cases/new" class="open-case">${t.openCase}</a></p>
<form class="filters bulk" method="post" action="/work/bulk" id="work-bulk">
  ${csrfField(session)}
  <input type="hidden" name="back" value="${workUrl(query)}">
  <span class="small muted">${t.selected}</span>
  <button type="submit" name="action" value="assign_me" class="secondary">${t.assignMe}</button>
  <button type="submit" name="action" value="assign_to" class="secondary">${t.assignTo}</button>
  <input type="text" name="owner" maxlength="80" class="narrow" aria-label="${t.owner}">
  <input type="text" name="how" maxlength="2000" placeholder="${t.howPlaceholder}" aria-label="${t.how}">
  <button type="submit" name="action" value="resolve" class="secondary">${t.resolve}</button>
</form>`;
}

export function workBulkHead(session: DeskSession): Html | false {
  return session.mayAct && html`<th><span class="muted small">${uiText(TEXT, session.lang).select}</span></th>`;
}

/** A row's checkbox and its "Assign to me" button (none on a mail tied to no case, or a case already mine). */
export function workBulkCell(r: WorkItem, i: number, session: DeskSession): Html | false {
  if (!session.mayAct) return false;
  if (!r.caseId) return html`<td></td>`;
  const t = uiText(TEXT, session.lang);
  const value = FLAG_CAUSES.has(r.cause) ? `${r.caseId}:${r.subject}` : r.caseId;
  const mine = session.login !== null && r.owner === session.login;
  return html`<td class="bulk"><input type="checkbox" form="work-bulk" name="row_${i}" value="${value}" aria-label="${t.selectRow(r.caseId, r.subject)}">
${!mine && html`<button type="submit" form="work-bulk" formaction="/work/assign-me" name="case" value="${r.caseId}" class="secondary small" aria-label="${t.assignRowMe(r.caseId)}">${t.assignMe}</button>`}</td>`;
}
