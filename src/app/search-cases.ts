/**
 * Search: cases by case id, site or name words (and their beginnings), MAC address (any notation),
 * e-mail address or Message-ID. Every query word must match; reads the term indexes written with
 * each commit and the summaries of one page, never the cases themselves.
 */
import { MAX_QUERY_TOKENS, queryTerm, queryTokens } from "../core/case/case-summary.js";
import { normaliseMac } from "../core/evidence/mac.js";
import type { CaseId, StageId } from "../core/types.js";
import { CASE_ID_PATTERN } from "../core/types.js";
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

/** Hits the desk's search box shows: a search that matches more is too broad to read anyway. */
export const MAX_SEARCH_HITS = 50;

export interface SearchHit {
  caseId: CaseId;
  site: string;
  stage: StageId;
  /** What kind of term the query was read as, in words ("MAC address"). */
  why: string;
  /** In the archive: opens read-only. */
  archived: boolean;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  /** True when more cases matched than are shown. */
  more: boolean;
  /** Why the query could not be used, in words. */
  problem?: string;
}

/** The search box of every desk page: the first page of `searchCases`, as hits in words. */
export async function searchForDesk(deps: { store: Pick<CaseRepository, "searchPage"> }, raw: string): Promise<SearchResult> {
  const query = raw.trim();
  if (!query) return { query, hits: [], more: false };
  const outcome = await searchCases(deps.store, query, { limit: MAX_SEARCH_HITS });
  if (outcome.kind === "invalid") return { query, hits: [], more: false, problem: outcome.message };
  const why = readAs(query);
  return {
    query,
    hits: outcome.page.items.map((s) => ({ caseId: s.id, site: s.site, stage: s.stage, why, archived: s.archivedAt !== undefined })),
    more: outcome.page.cursor !== null,
  };
}

function readAs(query: string): string {
  if (CASE_ID_PATTERN.test(query.toUpperCase())) return "case id";
  if (normaliseMac(query).kind === "ok") return "MAC address";
  if (query.includes("@")) return "e-mail address or Message-ID";
  return "site, address or name";
}
