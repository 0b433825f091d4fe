/**
 * Search from every page of the desk: a case id, site or address words, a MAC in any notation, an
 * e-mail address, a person's name, or a Message-ID. Today it walks the cases (`listCases`); a store
 * index (issue 19) can take its place behind the same function.
 */
import { normaliseMac } from "../core/evidence/mac.js";
import type { Case, CaseId, StageId } from "../core/types.js";
import { CASE_ID_PATTERN } from "../core/types.js";
import type { CaseRepository } from "./ports.js";

/** Bound on the typed query. */
export const MAX_SEARCH_CHARS = 200;
/** Bound on the hits shown: a search that matches more is too broad to read anyway. */
export const MAX_SEARCH_HITS = 50;

export interface SearchHit {
  caseId: CaseId;
  site: string;
  stage: StageId;
  /** What matched, in words ("MAC 00:1A:2B:3C:4D:01"). */
  why: string;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
  /** True when more cases matched than are shown. */
  more: boolean;
}

export async function searchCases(deps: { store: Pick<CaseRepository, "listCases"> }, raw: string): Promise<SearchResult> {
  const query = raw.trim().slice(0, MAX_SEARCH_CHARS);
  if (!query) return { query, hits: [], more: false };
  const match = matcher(query);
  const hits: SearchHit[] = [];
  for (const c of await deps.store.listCases()) {
    const why = match(c);
    if (why) hits.push({ caseId: c.id, site: c.site, stage: c.stage, why });
  }
  // Open cases first, then the newest.
  hits.sort((a, b) => Number(a.stage === "closed") - Number(b.stage === "closed") || b.caseId.localeCompare(a.caseId));
  return { query, hits: hits.slice(0, MAX_SEARCH_HITS), more: hits.length > MAX_SEARCH_HITS };
}

function matcher(query: string): (c: Case) => string | null {
  const upper = query.toUpperCase();
  if (CASE_ID_PATTERN.test(upper)) return (c) => (c.id === upper ? "case id" : null);
  const mac = normaliseMac(query);
  if (mac.kind === "ok") {
    return (c) => {
      const shipped = c.macsShipped.some((m) => sameMac(m, mac.mac));
      const seen = c.evidence.some((r) => r.macs.some((m) => m.mac !== null && sameMac(m.mac, mac.mac)));
      return shipped ? `MAC ${mac.mac} (shipped)` : seen ? `MAC ${mac.mac} (in a mail)` : null;
    };
  }
  const lower = query.toLowerCase();
  if (lower.includes("@")) {
    // An address or a Message-ID (with or without its angle brackets): both are looked for.
    const bare = lower.replace(/^<|>$/g, "");
    return (c) =>
      c.participants.find((p) => p.email.toLowerCase().includes(bare))?.email ??
      (c.messageIds.some((m) => m.replace(/^<|>$/g, "").toLowerCase() === bare) ? "Message-ID" : null);
  }
  const words = lower.split(/\s+/).filter(Boolean);
  const has = (text: string | undefined) => text !== undefined && words.every((w) => text.toLowerCase().includes(w));
  return (c) => {
    if (has(c.site)) return "site";
    const person = c.participants.find((p) => has(p.name));
    return person ? `participant ${person.name ?? ""}` : has(c.subject) ? "subject" : null;
  };
}

function sameMac(stored: string, canonical: string): boolean {
  const n = normaliseMac(stored);
  return n.kind === "ok" && n.mac === canonical;
}
