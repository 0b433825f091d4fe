/**
 * Word tokens of a text, folded for matching. Folding keeps every UTF-16 unit in place (one unit
 * in, one unit out), so an offset in the folded text is the same offset in the original: value
 * grammars match on the folded text and cut names and groups from the original.
 */

import { matchesOf } from "../match-all.js";

export interface Token {
  /** Folded: lower case, diacritics removed, apostrophes dropped ("haven't" → "havent"). */
  norm: string;
  /** Lower case as written, diacritics kept ("mån"). */
  raw: string;
  start: number;
  end: number;
}

const SPECIAL: Record<string, string> = { ø: "o", æ: "a", œ: "o", ß: "s", đ: "d", ł: "l", ı: "i" };
const MARKS = /\p{M}/gu;

function foldUnit(c: string): string {
  let l = c.toLowerCase();
  if (l.length !== 1) l = c;
  const bare = l.normalize("NFD").replace(MARKS, "");
  if (bare.length === 1) return bare;
  return SPECIAL[l] ?? l;
}

/** Each UTF-16 unit's fold, filled on first sight: normalising one unit at a time costs about a
 *  microsecond, and every answer text is folded several times. */
const FOLDED = new Map<number, string>();
const ASCII_ONLY = /^[^\u0080-\uffff]*$/;

/** Lower case without diacritics, same length as the input. */
export function fold(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase();
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    let f = FOLDED.get(unit);
    if (f === undefined) {
      f = foldUnit(text.charAt(i));
      FOLDED.set(unit, f);
    }
    out += f;
  }
  return out;
}

/** Letters and digits, with an inner apostrophe kept in the word ("don't"). */
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** E-mail addresses and URLs are one opaque token each: "support@acme.se" must not read as the
 *  word "support". Bounded repetitions keep the scan linear. */
const OPAQUE = /[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|(?:https?:\/\/|www\.)[^\s<>]{1,2000}/g;

export function tokenize(text: string): Token[] {
  const folded = fold(text);
  const out: Token[] = [];
  const opaque = matchesOf(OPAQUE, text).map((m) => ({ start: m.index, end: m.index + m[0].length }));
  let o = 0;
  for (const m of matchesOf(WORD, text)) {
    const start = m.index;
    const end = start + m[0].length;
    while (o < opaque.length && (opaque[o]?.end ?? 0) <= start) o++;
    const span = opaque[o];
    if (span && start >= span.start) {
      // One empty token per address: it keeps its clause alive and matches no phrase.
      if (out[out.length - 1]?.start !== span.start) {
        out.push({ norm: "", raw: "", start: span.start, end: span.end });
      }
      continue;
    }
    out.push({
      norm: folded.slice(start, end).replace(/['’]/g, ""),
      raw: m[0].toLowerCase().replace(/['’]/g, ""),
      start,
      end,
    });
  }
  return out;
}

/** Escapes a literal for a RegExp with the `u` flag (which rejects needless escapes such as `\-`). */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * A RegExp alternation of folded words/symbols, longest first, with letter boundaries where a word
 * starts or ends with a letter or digit ("kr" must not match inside "kronor" unless listed).
 *
 * A run of neighbouring words with the same boundaries shares one pair of them: `B(?:a|b)E` matches
 * what `BaE|BbE` does, in the same order. Each `\p{L}` boundary is a large Unicode class, and one
 * per word made the grammars' regexes slow to compile: 0.5 s on a reply's first price or hours
 * reading, on the event loop.
 */
export function alternation(words: readonly string[]): string {
  const runs: { head: boolean; tail: boolean; words: string[] }[] = [];
  for (const w of [...new Set(words.map((x) => fold(x.trim())).filter((x) => x !== ""))].sort((a, b) => b.length - a.length)) {
    const head = /^[\p{L}\p{N}]/u.test(w);
    const tail = /[\p{L}\p{N}]$/u.test(w);
    const last = runs[runs.length - 1];
    const word = escapeRegExp(w).replace(/\s+/g, "\\s*");
    if (last && last.head === head && last.tail === tail) last.words.push(word);
    else runs.push({ head, tail, words: [word] });
  }
  const parts = runs.map(
    (r) => `${r.head ? "(?<![\\p{L}\\p{N}])" : ""}(?:${r.words.join("|")})${r.tail ? "(?![\\p{L}\\p{N}])" : ""}`,
  );
  return parts.length === 0 ? "(?!)" : `(?:${parts.join("|")})`;
}
