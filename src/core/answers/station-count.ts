/**
 * The number of stations a reply states ("vi planerar 3 stationer", "two chargers are mounted"),
 * to compare with the case's station count (issue 21): a reply that contradicts a case fact is
 * asked back and shown to the desk, never taken silently. Pure.
 */
import { fold } from "./tokens.js";
import type { AnswerVocabulary } from "./vocabulary.js";

/** A site with more stations than this is not a count but a misreading (a year, a postcode). */
export const MAX_STATION_COUNT = 500;
/** Characters of the reply around a stated count kept as its quote. */
const QUOTE_CHARS = 120;

export interface StationCount {
  count: number;
  /** The sentence it was read from, for the desk and the question back. */
  text: string;
}

/** The first station count the text states, if any; several different counts → the first. */
export function readStationCount(text: string, vocabulary: Pick<AnswerVocabulary, "station_words" | "number_words">): StationCount | undefined {
  if (vocabulary.station_words.length === 0) return undefined;
  const nouns = vocabulary.station_words.map((w) => {
    const star = w.endsWith("*");
    const body = fold(star ? w.slice(0, -1) : w).replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/ +/g, "[ \\t-]+");
    return star ? `${body}\\p{L}*` : body;
  });
  const words = Object.keys(vocabulary.number_words).map((w) => fold(w)).filter((w) => /^\p{L}+$/u.test(w));
  const number = `(\\d{1,4}${words.length ? `|${words.join("|")}` : ""})`;
  // "3 stationer", "3 st. laddare", "tre nya laddstationer": a count right before the noun, on the same
  // line ("… 040-12 34 56\nStationerna ska vara publika." is a phone number above a sentence), and not
  // the last group of a number written in groups ("12 34 56 stationer" is no count of 56).
  const pattern = new RegExp(
    `(?<![\\p{L}\\d:.,-])(?<!\\d[ \\t])${number}(?:[ \\t]+st\\.?)?(?:[ \\t]+(?:nya|new|st))?[ \\t]+(?:${nouns.join("|")})(?!\\p{L})`,
    "iu",
  );
  const folded = fold(text);
  const m = pattern.exec(folded);
  if (!m || m[1] === undefined) return undefined;
  const raw = m[1];
  const count = /^\d+$/.test(raw) ? Number(raw) : vocabulary.number_words[raw] ?? lookupFolded(vocabulary.number_words, raw);
  if (count === undefined || count < 1 || count > MAX_STATION_COUNT) return undefined;
  return { count, text: sentenceAround(text, m.index, m[0].length) };
}

function lookupFolded(words: Record<string, number>, folded: string): number | undefined {
  return Object.entries(words).find(([w]) => fold(w) === folded)?.[1];
}

/** The sentence around a match; `fold` keeps positions (one character for one). */
function sentenceAround(text: string, at: number, length: number): string {
  const start = Math.max(text.lastIndexOf(".", at) + 1, text.lastIndexOf("\n", at) + 1, at - QUOTE_CHARS);
  const endDot = text.slice(at + length).search(/[.!?\n]/);
  const end = endDot < 0 ? Math.min(text.length, at + length + QUOTE_CHARS) : at + length + endDot + 1;
  return text.slice(start, end).trim();
}
