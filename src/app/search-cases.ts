/**
 * Search: cases by case id, site or name words (and their beginnings), MAC address (any notation),
 * e-mail address or Message-ID. Every query word must match; reads the term indexes written with
 * each commit and the summaries of one page, never the cases themselves.
 */
import { MAX_QUERY_TOKENS, queryTerm, queryTokens } from "../core/case/case-summary.js";
import type { PageOutcome, PageRequest } from "./list-cases.js";
import { pageBounds } from "./list-cases.js";
import type { CaseRepository } from "./ports.js";

/** Longest query read; a search box needs a few words. */
export const MAX_QUERY_CHARS = 200;

export type SearchOutcome = PageOutcome | { kind: "invalid"; code: "bad_query"; message: string };

export async function searchCases(store: Pick<CaseRepository, "searchPage">, query: string, req: PageRequest = {}): Promise<SearchOutcome> {
  if (query.length > MAX_QUERY_CHARS) return { kind: "invalid", code: "bad_query", message: `a search is at most ${MAX_QUERY_CHARS} characters` };
  const tokens = queryTokens(query);
  if (tokens.length === 0) return { kind: "invalid", code: "bad_query", message: "search for a case id, site, name, e-mail address, MAC address or Message-ID" };
  if (tokens.length > MAX_QUERY_TOKENS) return { kind: "invalid", code: "bad_query", message: `search with at most ${MAX_QUERY_TOKENS} words` };
  const b = pageBounds(req);
  if (b.kind === "invalid") return b;
  const page = await store.searchPage([...new Set(tokens.map(queryTerm))], b.after, b.limit);
  return { kind: "ok", page: { items: page.items, cursor: page.next === null ? null : String(page.next) } };
}
