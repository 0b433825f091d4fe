/**
 * A page of a case list (all, by stage, flagged, by flag code), newest case first. Reads one page of an
 * index and the small summaries of that page, never the whole store, so its cost does not grow with
 * the number of cases ever opened.
 */
import type { CaseListKey, CaseSummary } from "../core/case/case-summary.js";
import type { CaseRepository } from "./ports.js";

/** Rows per page when the caller does not say. */
export const DEFAULT_PAGE_SIZE = 50;
/** Most rows one page may ask for: a page is read and rendered in the request. */
export const MAX_PAGE_SIZE = 200;
/** A cursor is a case number (six digits); anything longer is not one of ours. */
const MAX_CURSOR_CHARS = 12;

export interface CasePage {
  items: CaseSummary[];
  /** Give this back as `cursor` for the next page; null on the last page. */
  cursor: string | null;
}

export type PageRequest = { cursor?: string; limit?: number };

export type PageOutcome = { kind: "ok"; page: CasePage } | { kind: "invalid"; code: "bad_cursor" | "bad_limit"; message: string };

/** The cursor and limit, checked; the same rules for every paged list. */
export function pageBounds(req: PageRequest): { kind: "ok"; after: number | null; limit: number } | Extract<PageOutcome, { kind: "invalid" }> {
  const limit = req.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    return { kind: "invalid", code: "bad_limit", message: `limit must be a whole number from 1 to ${MAX_PAGE_SIZE}` };
  }
  if (req.cursor === undefined || req.cursor === "") return { kind: "ok", after: null, limit };
  if (req.cursor.length > MAX_CURSOR_CHARS || !/^\d+$/.test(req.cursor)) {
    return { kind: "invalid", code: "bad_cursor", message: "cursor must be the cursor of a previous page" };
  }
  return { kind: "ok", after: Number(req.cursor), limit };
}

export async function listCases(store: Pick<CaseRepository, "listPage">, list: CaseListKey, req: PageRequest = {}): Promise<PageOutcome> {
  const b = pageBounds(req);
  if (b.kind === "invalid") return b;
  const page = await store.listPage(list, b.after, b.limit);
  return { kind: "ok", page: { items: page.items, cursor: page.next === null ? null : String(page.next) } };
}
