/**
 * Where a loose mail (unmatched, ambiguous) may belong: the search terms the desk looks its candidate
 * cases up by (core/case/case-summary.ts), each with why in words — the sender's address (a
 * participant?), case ids the mail or its flag names (an ambiguous mail points to several), MAC
 * addresses in the text, and words of the subject and new text that may name the site. Pure.
 */
import { queryTerm } from "../case/case-summary.js";
import { findMacs, normaliseMac } from "../evidence/mac.js";
import { extractReply } from "./reply-text.js";

export interface SuggestTerm {
  /** An index term (`email:…`, `id:…`, `mac:…`, `w:…`). */
  term: string;
  why: string;
}

/** Terms looked up per mail at most: each is one small index read. */
export const MAX_SUGGEST_TERMS = 12;
/** Words of the subject and new text tried as site words, longest first. */
export const MAX_SUGGEST_WORDS = 6;
/** Shorter words are too common to point at a site. */
const MIN_SITE_WORD = 4;
/** Text read for words and MACs; a case id or MAC is near the top of a mail anyway. */
const MAX_SCAN_CHARS = 20_000;

/**
 * Words every desk mail has, in sv and en: they name no site. Folded (lower case, no diacritics), as
 * search terms are.
 */
const COMMON = new Set(
  (
    "aktivering aktiveringar laddstation laddstationer laddstationerna station stationer stationerna " +
    "arende arendet hej tack halsningar med vanliga fran till och for som det den har har inte kan vill " +
    "skulle bifogar bifogat bilder bild foto foton formular svar angaende fraga skrev skickat " +
    "activation activations charging charger chargers stations station case hello thanks regards kind " +
    "from with have this that about please attached photo photos form reply question dear wrote sent"
  ).split(" "),
);

export function suggestTerms(mail: { from?: { address: string }; subject: string; text: string }, flagReason = ""): SuggestTerm[] {
  const out: SuggestTerm[] = [];
  const add = (token: string, why: string) => {
    const term = queryTerm(token);
    if (!out.some((t) => t.term === term)) out.push({ term, why });
  };
  const text = mail.text.length > MAX_SCAN_CHARS ? mail.text.slice(0, MAX_SCAN_CHARS) : mail.text;
  if (mail.from?.address) add(mail.from.address, `the sender ${mail.from.address} is a participant`);
  for (const m of `${mail.subject}\n${flagReason}\n${text}`.matchAll(/\bACT-\d{6}\b/gi)) add(m[0].toUpperCase(), `the mail names ${m[0].toUpperCase()}`);
  for (const raw of findMacs(text)) {
    const n = normaliseMac(raw);
    if (n.kind === "ok") add(n.mac, `MAC ${n.mac} is in the mail`);
  }
  const words = `${mail.subject}\n${extractReply(text).reply}`
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= MIN_SITE_WORD && !/\d/.test(w) && !COMMON.has(fold(w)));
  const distinct = [...new Map(words.map((w) => [fold(w), w])).values()].sort((a, b) => b.length - a.length).slice(0, MAX_SUGGEST_WORDS);
  for (const w of distinct) add(w, `the word “${w}” is in a site or name`);
  return out.slice(0, MAX_SUGGEST_TERMS);
}

function fold(w: string): string {
  return w.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}
