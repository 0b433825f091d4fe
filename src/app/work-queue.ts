/**
 * The desk's work queue (SPEC §6): one row per thing a person must do, filtered, sorted (oldest
 * waiting first) and paged by an opaque cursor. Today it walks the open cases (`listCases`); the
 * cursor is kept opaque so that a store index of work items (issue 19's case summaries) can replace
 * the walk without changing the page or its links.
 */
import type { WorkCause, WorkItem } from "../core/case/work-items.js";
import { WORK_CAUSES, workItems } from "../core/case/work-items.js";
import type { Rules } from "../core/rules/rules.js";
import type { StageId } from "../core/types.js";
import { STAGES } from "../core/types.js";
import type { CaseRepository } from "./ports.js";

/** Rows per page: a screen's worth, and a bound on the HTML of one page. */
export const WORK_PAGE_ROWS = 50;
/** Bound on what a filter value may be (they come from the query string). */
export const MAX_FILTER_CHARS = 40;

export interface WorkQuery {
  cause?: WorkCause;
  stage?: StageId;
  waitingOn?: WorkItem["waitingOn"];
  locale?: string;
  /** Only rows waiting at least this many working days. */
  minDays?: number;
  cursor?: string;
}

export interface WorkPage {
  rows: WorkItem[];
  total: number;
  /** Cursor of the next page, null on the last. */
  next: string | null;
}

export interface WorkQueueDeps {
  store: Pick<CaseRepository, "listCases" | "looseFlags">;
  rules: Rules;
}

/** Reads a query string into a WorkQuery, dropping what is not a known value. */
export function parseWorkQuery(q: Record<string, string | undefined>): WorkQuery {
  const pick = <T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined =>
    value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
  const out: WorkQuery = {};
  const cause = pick(q.cause, WORK_CAUSES);
  const stage = pick(q.stage, STAGES);
  const waitingOn = pick(q.waiting, ["team", "participants"] as const);
  if (cause) out.cause = cause;
  if (stage) out.stage = stage;
  if (waitingOn) out.waitingOn = waitingOn;
  if (q.locale && /^[a-z]{2}$/.test(q.locale)) out.locale = q.locale;
  const days = Number(q.days);
  if (q.days && Number.isInteger(days) && days >= 0 && days < 1000) out.minDays = days;
  if (q.cursor && q.cursor.length <= MAX_FILTER_CHARS) out.cursor = q.cursor;
  return out;
}

export async function workQueue(deps: WorkQueueDeps, query: WorkQuery, now: string): Promise<WorkPage> {
  const [cases, loose] = await Promise.all([deps.store.listCases(), deps.store.looseFlags()]);
  const rows: WorkItem[] = cases.flatMap((c) => workItems(c, deps.rules, now));
  for (const f of loose) {
    if (f.resolved) continue;
    rows.push({ caseId: null, site: "", stage: "open", locale: "", cause: "flag", subject: f.code, what: f.reason, waitingOn: "team", since: f.at, workingDays: 0, nextReminder: null });
  }
  const wanted = rows
    .filter((r) => (query.cause ? r.cause === query.cause : true))
    .filter((r) => (query.stage ? r.caseId !== null && r.stage === query.stage : true))
    .filter((r) => (query.waitingOn ? r.waitingOn === query.waitingOn : true))
    .filter((r) => (query.locale ? r.locale === query.locale : true))
    .filter((r) => (query.minDays !== undefined ? r.workingDays >= query.minDays : true))
    .sort((a, b) => a.since.localeCompare(b.since) || (a.caseId ?? "").localeCompare(b.caseId ?? "") || a.subject.localeCompare(b.subject));
  const offset = decodeCursor(query.cursor);
  const page = wanted.slice(offset, offset + WORK_PAGE_ROWS);
  const end = offset + page.length;
  return { rows: page, total: wanted.length, next: end < wanted.length ? encodeCursor(end) : null };
}

function encodeCursor(offset: number): string {
  return `o${offset.toString(36)}`;
}

function decodeCursor(cursor: string | undefined): number {
  const m = cursor ? /^o([0-9a-z]{1,8})$/.exec(cursor) : null;
  return m?.[1] ? parseInt(m[1], 36) : 0;
}
