/**
 * Finds lexicon phrases in token sequences (syntax: see vocabulary.ts). Matching is per token, with
 * three tolerances that real replies need: compounds ("flex fakturering" ~ "flexfakturering",
 * "stationsinformation" ~ "stations-information"), `*` suffixes, and one or two typos in long words.
 *
 * Cost: a phrase is only tried at tokens sharing its first letter, phrases are a few tokens long and
 * compounds join at most MAX_COMPOUND pieces, so a search is O(tokens × phrases per letter).
 */
import { fold, tokenize, type Token } from "./tokens.js";

interface PatternToken {
  text: string;
  wildcard: boolean;
}

interface Phrase<C extends string> {
  cls: C;
  tokens: PatternToken[];
  source: string;
}

export interface PhraseMatch<C extends string> {
  cls: C;
  /** Typos the match needed; of two equally long matches the more exact wins. */
  typos: number;
  /** Index of the first and one past the last matched token. */
  from: number;
  to: number;
  source: string;
}

/** Pieces a compound may be split into, either in the text or in the phrase. */
const MAX_COMPOUND = 3;
/** Words shorter than this are matched exactly: short words differ by one letter ("inte"/"inne"). */
const FUZZY_MIN = 6;
const FUZZY_TWO_MIN = 11;

function allowedTypos(length: number): number {
  if (length >= FUZZY_TWO_MIN) return 2;
  return length >= FUZZY_MIN ? 1 : 0;
}

/** Reused rows of the distance table; words longer than this are never within a typo or two of a
 *  lexicon word (phrases are at most 80 characters). */
const MAX_FUZZY_LENGTH = 96;
const rowA = new Int32Array(MAX_FUZZY_LENGTH + 1);
const rowB = new Int32Array(MAX_FUZZY_LENGTH + 1);

/** Levenshtein distance bounded by `max`; returns max + 1 when over. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max || a.length > MAX_FUZZY_LENGTH || b.length > MAX_FUZZY_LENGTH) {
    return max + 1;
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    let best = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      cur[j] = v;
      if (v < best) best = v;
    }
    if (best > max) return max + 1;
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] as number;
}

/** Words repeat within and across replies; the cost of a (pattern, word) pair is remembered, by
 *  pattern and then word (no key string to build per lookup). Cleared when full, so memory stays
 *  bounded whatever the input. */
const MAX_MEMO = 50_000;
const memo = { exact: new Map<string, Map<string, number>>(), wildcard: new Map<string, Map<string, number>>(), size: 0 };

/** Typos spent matching `word` to `p`, or -1 when it does not match. */
function tokenCost(p: PatternToken, word: string): number {
  if (word === p.text) return 0;
  if (p.wildcard && word.startsWith(p.text)) return 0;
  const typos = allowedTypos(p.text.length);
  if (typos === 0 || word.charAt(0) !== p.text.charAt(0)) return -1;
  if (p.wildcard ? word.length < p.text.length - typos : Math.abs(word.length - p.text.length) > typos) return -1;
  const byPattern = p.wildcard ? memo.wildcard : memo.exact;
  let costs = byPattern.get(p.text);
  const known = costs?.get(word);
  if (known !== undefined) return known;
  const cost = fuzzyCost(p, word, typos);
  if (memo.size >= MAX_MEMO) {
    memo.exact.clear();
    memo.wildcard.clear();
    memo.size = 0;
    costs = undefined;
  }
  if (!costs) byPattern.set(p.text, (costs = new Map()));
  costs.set(word, cost);
  memo.size++;
  return cost;
}

function fuzzyCost(p: PatternToken, word: string, typos: number): number {
  if (!p.wildcard) {
    const d = distance(word, p.text, typos);
    return d <= typos ? d : -1;
  }
  // A `*` word with a typo: compare with the word's prefixes of about the pattern's length.
  let best = -1;
  for (let len = p.text.length - typos; len <= p.text.length + typos; len++) {
    if (len <= 0 || len > word.length) continue;
    const d = distance(word.slice(0, len), p.text, typos);
    if (d <= typos && (best < 0 || d < best)) best = d;
  }
  return best;
}

function compilePhrase<C extends string>(source: string, cls: C): Phrase<C> | undefined {
  const tokens: PatternToken[] = [];
  for (const word of source.trim().split(/\s+/)) {
    const wildcard = word.endsWith("*");
    const parts = tokenize(wildcard ? word.slice(0, -1) : word);
    parts.forEach((t, i) => tokens.push({ text: t.norm, wildcard: wildcard && i === parts.length - 1 }));
  }
  return tokens.length === 0 ? undefined : { cls, tokens, source };
}

interface Reach {
  end: number;
  typos: number;
}

/** Where phrase tokens p[j..] matched from words[i] end, with the fewest typos; undefined if not.
 *  The ways to go on are tried in a fixed order and the first of equal cost wins; they are tried as
 *  they come, without collecting them first (this runs for every phrase at every word). */
function matchFrom(p: PatternToken[], j: number, words: string[], i: number): Reach | undefined {
  if (j === p.length) return { end: i, typos: 0 };
  const word = words[i];
  const pj = p[j];
  if (word === undefined || pj === undefined) return undefined;
  let best = tryFrom(undefined, tokenCost(pj, word), p, j + 1, words, i + 1);
  // The phrase writes apart what the text writes together: "flex fakturering" ~ "flexfakturering".
  let joined = pj.text;
  for (let k = j + 1; k < Math.min(p.length, j + MAX_COMPOUND); k++) {
    const pk = p[k];
    if (pk === undefined) break;
    joined += pk.text;
    best = tryFrom(best, tokenCost({ text: joined, wildcard: pk.wildcard }, word), p, k + 1, words, i + 1);
  }
  // The text writes apart what the phrase writes together: "stations-information". The first piece
  // must begin the phrase word exactly, or two words would join into a typo of a third: "is correct"
  // → "iscorrect" ~ "incorrect".
  let text = word;
  for (let m = pj.text.startsWith(word) ? i + 1 : words.length; m < Math.min(words.length, i + MAX_COMPOUND); m++) {
    text += words[m] ?? "";
    if (text.length > pj.text.length + 2 && !pj.wildcard) break;
    best = tryFrom(best, tokenCost(pj, text), p, j + 1, words, m + 1);
  }
  return best;
}

/** `best`, or the way on from p[nextJ] at words[nextI] after spending `cost` typos, if that is cheaper. */
function tryFrom(best: Reach | undefined, cost: number, p: PatternToken[], nextJ: number, words: string[], nextI: number): Reach | undefined {
  if (cost < 0) return best;
  const rest = matchFrom(p, nextJ, words, nextI);
  if (rest === undefined || (best !== undefined && rest.typos + cost >= best.typos)) return best;
  return { end: rest.end, typos: rest.typos + cost };
}

/** The words of a token list, made once per list: every item's phrase sets search the same clause. */
const wordsByTokens = new WeakMap<readonly Token[], string[]>();

function wordsOf(tokens: readonly Token[]): string[] {
  let words = wordsByTokens.get(tokens);
  if (!words) wordsByTokens.set(tokens, (words = tokens.map((t) => t.norm)));
  return words;
}

/** A compiled list of phrases of several classes, searched together. */
export class PhraseSet<C extends string> {
  private readonly byLetter = new Map<string, Phrase<C>[]>();

  constructor(lists: ReadonlyArray<readonly [C, readonly string[]]>) {
    for (const [cls, sources] of lists) {
      for (const source of sources) {
        const phrase = compilePhrase(source, cls);
        const first = phrase?.tokens[0]?.text.charAt(0);
        if (phrase === undefined || first === undefined) continue;
        const bucket = this.byLetter.get(first) ?? [];
        bucket.push(phrase);
        this.byLetter.set(first, bucket);
      }
    }
  }

  /** Every match at every position (overlapping), in text order. */
  findAll(tokens: readonly Token[]): PhraseMatch<C>[] {
    const words = wordsOf(tokens);
    const out: PhraseMatch<C>[] = [];
    for (let i = 0; i < words.length; i++) {
      const bucket = this.byLetter.get((words[i] ?? "").charAt(0));
      if (bucket === undefined) continue;
      for (const phrase of bucket) {
        const reach = matchFrom(phrase.tokens, 0, words, i);
        if (reach !== undefined && reach.end > i) {
          out.push({ cls: phrase.cls, typos: reach.typos, from: i, to: reach.end, source: phrase.source });
        }
      }
    }
    return out;
  }

  /** Matches that do not overlap, longest first ("stämmer inte" wins over "stämmer"), then the
   *  most exact ("konfigurera" listed as ignored wins over a typo of "konfigurerad"). */
  findLongest(tokens: readonly Token[]): PhraseMatch<C>[] {
    const all = this.findAll(tokens);
    if (all.length < 2) return all;
    all.sort((a, b) => b.to - b.from - (a.to - a.from) || a.typos - b.typos || a.from - b.from);
    const taken = new Array<boolean>(tokens.length).fill(false);
    const out: PhraseMatch<C>[] = [];
    for (const m of all) {
      let free = true;
      for (let k = m.from; k < m.to; k++) if (taken[k]) free = false;
      if (!free) continue;
      for (let k = m.from; k < m.to; k++) taken[k] = true;
      out.push(m);
    }
    return out.sort((a, b) => a.from - b.from);
  }

  has(tokens: readonly Token[]): boolean {
    return this.findAll(tokens).length > 0;
  }
}

/** Folds a phrase list for literal comparison (abbreviations, labels). */
export function foldAll(words: readonly string[]): Set<string> {
  return new Set(words.map((w) => fold(w.trim())));
}
