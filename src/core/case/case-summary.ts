/**
 * A case summary: the few fields a list shows, kept beside the case and rewritten in the same commit,
 * so that lists read one small record per row instead of the whole case. Search terms and list
 * memberships are derived here too, so the store only writes what this module says (pure: no I/O).
 */
import type { Words } from "../words/words.js";
import { normaliseMac } from "../evidence/mac.js";
import type { Case, CaseId, FlagCode, Role, StageId } from "../types.js";
import type { WorkEntry } from "./work-items.js";
import { MAX_WORK_ENTRIES, workEntries } from "./work-items.js";
import { reminderPlanStart } from "./reminders.js";

/** Open flags copied into a summary; a case with more shows the newest ones and the count. */
export const MAX_SUMMARY_FLAGS = 5;
/** Site words and name words shorter than this are not searchable on their own (too common). */
export const MIN_SEARCH_WORD = 2;
/** Prefixes of site and name words from this length are searchable, so "storg" finds "Storgatan". */
export const MIN_SEARCH_PREFIX = 3;
/** Words of a site or name beyond this many are not indexed (an address is a few words). */
export const MAX_INDEXED_WORDS = 12;
/** Longest word kept for search; a longer token is cut (it is not a word a person types). */
export const MAX_SEARCH_WORD = 40;
/** Search tokens read from one query; more are refused by the use case. */
export const MAX_QUERY_TOKENS = 6;

export interface SummaryFlag {
  id: string;
  code: FlagCode;
  reason: string;
  /** The reason as words (core/words); absent on flags raised before words were kept. */
  words?: Words;
  at: string;
}

export interface CaseSummary {
  id: CaseId;
  site: string;
  stage: StageId;
  openedAt: string;
  activityAt: string;
  openFlagCount: number;
  /** The newest open flags, newest first, at most MAX_SUMMARY_FLAGS. */
  flags: SummaryFlag[];
  roles: Role[];
  /** Absent in summaries written before the work queue read them (reindex writes them again). */
  locale?: string;
  /** The team member the case is assigned to. */
  owner?: string;
  /** Where the reminder plan starts when not at `activityAt` (a pause or "remind now", core/case/reminders.ts). */
  remindFrom?: string;
  /** What the desk must do about the case, oldest first, at most MAX_WORK_ENTRIES (core/case/work-items.ts). */
  work?: WorkEntry[];
  /** How many things there are to do in all (more than `work` holds when the case has many). */
  workCount?: number;
  /** Set while the case is in the archive (core/case/archive.ts): opened read-only, reopenable. */
  archivedAt?: string;
}

/** A list a case belongs to; every list is ordered newest case first. */
export type CaseListKey = { kind: "all" } | { kind: "stage"; stage: StageId } | { kind: "flagged" } | { kind: "flag"; code: FlagCode };

export function caseSummary(c: Case, work: WorkEntry[] = workEntries(c)): CaseSummary {
  const open = c.flags.filter((f) => !f.resolved).sort((a, b) => b.at.localeCompare(a.at));
  return {
    id: c.id,
    site: c.site,
    stage: c.stage,
    openedAt: c.openedAt,
    activityAt: c.activityAt,
    openFlagCount: open.length,
    flags: open.slice(0, MAX_SUMMARY_FLAGS).map((f) => ({ id: f.id, code: f.code, reason: f.reason, ...(f.words ? { words: f.words } : {}), at: f.at })),
    roles: [...new Set(c.participants.map((p) => p.role))],
    locale: c.locale,
    ...(c.owner ? { owner: c.owner.name } : {}),
    // Reminders count from here when the team restarted or paused them (later than the last activity).
    ...(reminderPlanStart(c) !== c.activityAt ? { remindFrom: reminderPlanStart(c) } : {}),
    work: work.slice(0, MAX_WORK_ENTRIES),
    workCount: work.length,
  };
}

/** The lists a case is on now. */
export function caseLists(c: Case): CaseListKey[] {
  const open = c.flags.filter((f) => !f.resolved);
  return [
    { kind: "all" },
    { kind: "stage", stage: c.stage },
    ...(open.length ? [{ kind: "flagged" } as const] : []),
    ...[...new Set(open.map((f) => f.code))].map((code) => ({ kind: "flag", code }) as const),
  ];
}

export function listName(l: CaseListKey): string {
  switch (l.kind) {
    case "all":
      return "all";
    case "stage":
      return `stage:${l.stage}`;
    case "flagged":
      return "flagged";
    case "flag":
      return `flag:${l.code}`;
  }
}

/**
 * Search terms of a case: `id:`, `w:` (site and name words and their prefixes), `mac:` (canonical),
 * `email:` (lower-cased) and `msgid:` (as in the header, without angle brackets, lower-cased).
 */
export function searchTerms(c: Case): string[] {
  const terms = new Set<string>([`id:${c.id.toLowerCase()}`, `id:${c.id.slice(4)}`]);
  const words = [...textWords(c.site), ...c.participants.flatMap((p) => textWords(p.name ?? ""))];
  for (const w of words) for (const t of wordTerms(w)) terms.add(t);
  for (const m of c.macsShipped) terms.add(`mac:${macTerm(m) ?? m.toLowerCase()}`);
  for (const e of c.evidence) for (const m of e.macs) if (m.mac) terms.add(`mac:${m.mac.toLowerCase()}`);
  for (const p of c.participants) terms.add(`email:${p.email.toLowerCase()}`);
  for (const id of c.messageIds) terms.add(`msgid:${bareMessageId(id)}`);
  return [...terms];
}

/**
 * The terms one query token must match. A token that reads as a case id, MAC, address or Message-ID is
 * looked up as that; anything else as a word (or word prefix) of a site or name.
 */
export function queryTerm(token: string): string {
  const t = token.trim();
  if (/^act-\d{6}$/i.test(t)) return `id:${t.toLowerCase()}`;
  const mac = macTerm(t);
  if (mac) return `mac:${mac}`;
  if (t.startsWith("<") && t.endsWith(">")) return `msgid:${bareMessageId(t)}`;
  if (/^[^\s@<>]+@[^\s@<>]+$/.test(t)) return `email:${t.toLowerCase()}`;
  return `w:${foldWord(t).slice(0, MAX_SEARCH_WORD)}`;
}

/** A query split into tokens: words, or whole addresses/Message-IDs/MACs. */
export function queryTokens(q: string): string[] {
  return q
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter((t) => t.length >= MIN_SEARCH_WORD || /^\d+$/.test(t));
}

function textWords(text: string): string[] {
  return text
    .split(/[^\p{L}\p{N}]+/u)
    .map(foldWord)
    .filter((w) => w.length >= MIN_SEARCH_WORD || /^\d+$/.test(w))
    .slice(0, MAX_INDEXED_WORDS);
}

function wordTerms(word: string): string[] {
  const w = word.slice(0, MAX_SEARCH_WORD);
  const out = [`w:${w}`];
  for (let n = MIN_SEARCH_PREFIX; n < w.length; n++) out.push(`w:${w.slice(0, n)}`);
  return out;
}

/** Lower case; the desk types "malmo" for "Malmö", so diacritics are folded too. */
function foldWord(w: string): string {
  return w.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

function bareMessageId(id: string): string {
  return id.trim().replace(/^</, "").replace(/>$/, "").toLowerCase();
}

/** A MAC in the project's canonical form (mac.ts), lower-cased for terms; a bare number is no MAC. */
function macTerm(raw: string): string | null {
  const n = normaliseMac(raw);
  if (n.kind !== "ok" || /^\d+$/.test(raw)) return null;
  return n.mac.toLowerCase();
}
