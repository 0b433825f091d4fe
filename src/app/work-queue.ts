/**
 * The desk's work queue (SPEC §6): one row per thing a person must do, filtered, sorted and paged by an
 * opaque cursor. It reads the work index the case commit keeps (core/case/work-items.ts `workIndex`,
 * issue 19's way), never every case: three sources, each read in the order asked from the cursor on, a
 * page's worth each — the cases with something to do (filtered by index membership), the cases whose
 * escalation is at most a working day away (a window of reminder-plan start times, found from the
 * rules; ordered by that time), and the flags tied to no case — merged by (score, id). A page ends where
 * the first source that has more stopped reading, so no row is ever skipped between pages, and its
 * cost does not grow with the open work beyond it.
 */
import type { WaitingOn, WorkCause, WorkItem, WorkSort } from "../core/case/work-items.js";
import { nearEscalationWindow, stageScore, WAITING_ON, WORK_CAUSES, WORK_SORTS, workRows } from "../core/case/work-items.js";
import { workingDaysBetween } from "../core/case/reminders.js";
import type { Rules } from "../core/rules/rules.js";
import type { Flag, StageId } from "../core/types.js";
import { STAGES } from "../core/types.js";
import type { CaseRepository, WorkCursor, WorkScan } from "./ports.js";

/**
 * Rows per page. The queue is worked from the top: a row is three or four lines high, so 25 are two
 * screens — as many as a person takes in before acting (help-desk views show 25–50) — and a bound on
 * the page's HTML and on its cost, which is per row (its reminder plan, its words, its markup).
 */
export const WORK_PAGE_ROWS = 25;
/** Bound on what a filter value may be (they come from the query string). */
export const MAX_FILTER_CHARS = 40;
/** A cursor is a score and a case id or a loose flag's id (a Message-ID at most 998 characters). */
export const MAX_CURSOR_CHARS = 1100;
/** A near-escalation row's place in the order is its case id with this appended (the case's other rows keep the id). */
const ESCALATION_ID = "#escalation";
/** Index reads per page when filters on rows (age, cause) drop cases the index let through. */
const MAX_SCAN_ROUNDS = 4;

export type OwnerFilter = "mine" | "unassigned";

export interface WorkQuery {
  cause?: WorkCause;
  stage?: StageId;
  waitingOn?: WaitingOn;
  locale?: string;
  /** Only rows waiting at least this many working days. */
  minDays?: number;
  owner?: OwnerFilter;
  /** Oldest waiting first when absent. */
  sort?: WorkSort;
  cursor?: string;
}

export interface WorkPage {
  rows: WorkItem[];
  /** Cases and loose mails with something to do, when no filter is set (counting is then one read). */
  total: number | null;
  /** Cursor of the next page, null on the last. */
  next: string | null;
}

export interface WorkQueueDeps {
  store: Pick<CaseRepository, "workScan" | "looseFlagScan" | "activityScan" | "countWork">;
  rules: Rules;
}

/** Reads a query string into a WorkQuery, dropping what is not a known value. */
export function parseWorkQuery(q: Record<string, string | undefined>): WorkQuery {
  const pick = <T extends string>(value: string | undefined, allowed: readonly T[]): T | undefined =>
    value !== undefined && (allowed as readonly string[]).includes(value) ? (value as T) : undefined;
  const out: WorkQuery = {};
  const cause = pick(q.cause, WORK_CAUSES);
  const stage = pick(q.stage, STAGES);
  const waitingOn = pick(q.waiting, WAITING_ON);
  const owner = pick(q.owner, ["mine", "unassigned"] as const);
  const sort = pick(q.sort, WORK_SORTS);
  if (cause) out.cause = cause;
  if (stage) out.stage = stage;
  if (waitingOn) out.waitingOn = waitingOn;
  if (owner) out.owner = owner;
  if (sort && sort !== "oldest") out.sort = sort;
  if (q.locale && /^[a-z]{2}$/.test(q.locale)) out.locale = q.locale;
  const days = Number(q.days);
  if (q.days && Number.isInteger(days) && days >= 0 && days < 1000) out.minDays = days;
  if (q.cursor && q.cursor.length <= MAX_CURSOR_CHARS && parseCursor(q.cursor)) out.cursor = q.cursor;
  return out;
}

/** One case's rows (or one loose mail's), and where it sorts. */
interface Group extends WorkCursor {
  rows: WorkItem[];
}

/**
 * `me` is who is looking (the login, or the proxy's member): the "mine" filter. The rows of one case
 * stay together, oldest first; a page holds WORK_PAGE_ROWS rows, or a little more to end a case.
 */
export async function workQueue(deps: WorkQueueDeps, query: WorkQuery, now: string, me: string | null = null): Promise<WorkPage> {
  const sort = query.sort ?? "oldest";
  const desc = sort === "newest";
  const after = query.cursor ? parseCursor(query.cursor) : null;
  const keep = (rows: WorkItem[]) => rows.filter((r) => rowWanted(r, query, me));

  /** One source's groups, and where it stopped reading if it has more: the page may not pass that. */
  type Read = { groups: Group[]; frontier?: WorkCursor };

  const indexFilters = caseFilters(query, me);
  const casesRead = async (): Promise<Read> => {
    const groups: Group[] = [];
    if (!indexFilters || query.cause === "near_escalation") return { groups };
    let from = after;
    for (let round = 0; round < MAX_SCAN_ROUNDS; round++) {
      const scan: WorkScan = { order: sort === "stage" ? "bystage" : "since", desc, filters: indexFilters, after: from, limit: WORK_PAGE_ROWS };
      const page = await deps.store.workScan(scan);
      for (const { summary, score: s } of page.items) {
        const rows = keep(workRows(summary, deps.rules, now, { escalation: false }));
        if (rows.length) groups.push({ score: s, id: summary.id, rows });
      }
      const last = page.items[page.items.length - 1];
      if (!page.more || !last) break;
      from = { score: last.score, id: last.summary.id };
      if (groups.length >= WORK_PAGE_ROWS || round === MAX_SCAN_ROUNDS - 1) return { groups, frontier: from };
    }
    return { groups };
  };

  const escalationRead = async (): Promise<Read> => {
    const groups: Group[] = [];
    if ((query.cause && query.cause !== "near_escalation") || query.waitingOn === "team") return { groups };
    const window = nearEscalationWindow(deps.rules, now);
    // Stage order: the window within each stage's band of the by-stage index, stages in order.
    const ranges = sort === "stage" ? STAGES.map((st) => ({ from: stageScore(st, window.from), to: stageScore(st, window.to) })) : [window];
    const order = sort === "stage" ? "bystage" : "since";
    const page = await deps.store.activityScan({ order, ranges, desc, after, idSuffix: ESCALATION_ID, limit: WORK_PAGE_ROWS });
    for (const { summary, score: s } of page.items) {
      const rows = keep(workRows(summary, deps.rules, now, { entries: false }));
      // Its own id: a case may also have other things to do, sorted by their own times.
      if (rows.length) groups.push({ score: s, id: `${summary.id}${ESCALATION_ID}`, rows });
    }
    const last = page.items[page.items.length - 1];
    return page.more && last ? { groups, frontier: { score: last.score, id: `${last.summary.id}${ESCALATION_ID}` } } : { groups };
  };

  const looseRead = async (): Promise<Read> => {
    const groups: Group[] = [];
    if (!looseWanted(query)) return { groups };
    const page = await deps.store.looseFlagScan({ desc, after, limit: WORK_PAGE_ROWS });
    for (const { flag, score: s } of page.items) {
      const rows = keep([looseRow(flag, now, deps.rules)]);
      if (rows.length) groups.push({ score: s, id: flag.id, rows });
    }
    const last = page.items[page.items.length - 1];
    return page.more && last ? { groups, frontier: { score: last.score, id: last.flag.id } } : { groups };
  };

  // The sources and the count are read side by side: one page waits on the slowest, not on their sum.
  const [reads, count] = await Promise.all([Promise.all([casesRead(), escalationRead(), looseRead()]), total(deps, query)]);
  const groups = reads.flatMap((r) => r.groups);
  const frontiers = reads.flatMap((r) => (r.frontier ? [r.frontier] : []));

  groups.sort((a, b) => compare(a, b, desc));
  const limit = frontiers.sort((a, b) => compare(a, b, desc))[0];
  const rows: WorkItem[] = [];
  let lastTaken: WorkCursor | null = null;
  let left = false;
  for (const g of groups) {
    if ((limit && compare(g, limit, desc) > 0) || rows.length >= WORK_PAGE_ROWS) {
      left = true;
      break;
    }
    rows.push(...g.rows);
    lastTaken = g;
  }
  const more = left || limit !== undefined;
  const next = more ? (lastTaken ?? limit ?? null) : null;
  return { rows, total: count, next: next ? encodeCursor(next) : null };
}

async function total(deps: WorkQueueDeps, query: WorkQuery): Promise<number | null> {
  const filtered = query.cause || query.stage || query.waitingOn || query.locale || query.minDays !== undefined || query.owner;
  if (filtered) return null;
  const n = await deps.store.countWork();
  return n.cases + n.loose;
}

/** The index filters of a query, or null when no case can match (none today: every filter fits a case). */
function caseFilters(query: WorkQuery, me: string | null): string[] | null {
  const f: string[] = [];
  if (query.owner === "mine") f.push(`owner:${me ?? ""}`);
  if (query.owner === "unassigned") f.push("owner:-");
  if (query.stage) f.push(`stage:${query.stage}`);
  if (query.locale) f.push(`locale:${query.locale}`);
  if (query.cause && query.cause !== "near_escalation") f.push(`cause:${query.cause}`);
  if (query.waitingOn) f.push(`waiting:${query.waitingOn}`);
  return f;
}

/** Loose mail has no case: no stage, language or owner but "unassigned"; it waits on the team. */
function looseWanted(query: WorkQuery): boolean {
  return !query.stage && !query.locale && query.owner !== "mine" && (!query.cause || query.cause === "flag") && query.waitingOn !== "participants";
}

function looseRow(f: Flag, now: string, rules: Rules): WorkItem {
  return {
    caseId: null,
    site: "",
    stage: "open",
    locale: "",
    owner: null,
    cause: "flag",
    subject: f.code,
    what: f.reason,
    ...(f.words ? { words: f.words } : {}),
    waitingOn: "team",
    since: f.at,
    workingDays: workingDaysBetween(f.at, now, rules.reminders),
    nextReminder: null,
  };
}

function rowWanted(r: WorkItem, q: WorkQuery, me: string | null): boolean {
  if (q.cause && r.cause !== q.cause) return false;
  if (q.stage && (r.caseId === null || r.stage !== q.stage)) return false;
  if (q.waitingOn && r.waitingOn !== q.waitingOn) return false;
  if (q.locale && r.locale !== q.locale) return false;
  if (q.minDays !== undefined && r.workingDays < q.minDays) return false;
  if (q.owner === "mine" && (me === null || r.owner !== me)) return false;
  if (q.owner === "unassigned" && r.owner !== null) return false;
  return true;
}

/** Positive when `a` comes after `b` in the order asked; equal scores go by id (as Redis orders them). */
function compare(a: WorkCursor, b: WorkCursor, desc: boolean): number {
  const c = a.score - b.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return desc ? -c : c;
}

function encodeCursor(c: WorkCursor): string {
  return `${c.score}_${c.id}`;
}

function parseCursor(cursor: string): WorkCursor | null {
  const m = /^(\d{1,16})_(.+)$/s.exec(cursor);
  return m?.[1] && m[2] ? { score: Number(m[1]), id: m[2] } : null;
}
