/**
 * Cuts a reply into segments (a sentence, a bullet, one numbered answer, a line) and each segment
 * into clauses, the unit an item's cues are read from: "Organisationen stämmer men Flex är inte
 * klar" is two clauses, each read for its own item.
 */
import { type PhraseSet } from "./phrase-matcher.js";
import { fold, tokenize, type Token } from "./tokens.js";
import { matchesOf } from "../match-all.js";

export interface Clause {
  /** Offsets in the segment's text. */
  start: number;
  end: number;
  tokens: Token[];
  /** Introduced by an exception word ("utom", "except"): what it names is not confirmed. */
  exception: boolean;
}

export interface Segment {
  text: string;
  tokens: Token[];
  clauses: Clause[];
  /** Blank-line separated block of the reply, counted from 0. */
  paragraph: number;
  /** The label of a numbered answer ("2." → 2). */
  number?: number;
  /** Ends with a colon: what follows belongs to it ("Öppettider:"). */
  heading: boolean;
  question: boolean;
}

export type BreakClass = "break" | "exception";

export interface SegmentGrammar {
  breaks: PhraseSet<BreakClass>;
  /** Folded words whose period does not end a sentence ("kl", "tex"). */
  abbreviations: ReadonlySet<string>;
}

const QUOTED = /^\s*>/;
const BULLET = /^\s*(?:[-*•·▪◦‣–—]|[a-h][.)]|\([a-h]\))\s+/;
const NUMBER_LABEL = /^\s*\(?(\d{1,2})\s*[.):]\s+/;
/** A later label in the same line ("1. Ja 2. Klart"); only followed-up sequences split. */
const INLINE_LABEL = /(?<=\s)\(?(\d{1,2})[.)]\s+/g;
/** Punctuation that separates clauses: a comma, semicolon or colon before a space, a spaced dash. */
const CLAUSE_PUNCT = /[,;:]\s+|\s[-–—]\s|\s\+\s/g;

export function segmentText(text: string, grammar: SegmentGrammar): Segment[] {
  const out: Segment[] = [];
  let paragraph = 0;
  let blank = false;
  for (const line of text.split("\n")) {
    if (QUOTED.test(line)) continue;
    if (line.trim() === "") {
      blank = true;
      continue;
    }
    if (blank && out.length > 0) paragraph++;
    blank = false;
    for (const piece of numberedPieces(line)) {
      for (const sentence of sentences(piece.text, grammar.abbreviations)) {
        out.push(makeSegment(sentence, paragraph, piece.number, grammar.breaks));
        piece.number = undefined;
      }
    }
  }
  return out;
}

function numberedPieces(line: string): { text: string; number: number | undefined }[] {
  const stripped = line.replace(BULLET, "");
  const label = NUMBER_LABEL.exec(stripped);
  if (!label) return [{ text: stripped.trim(), number: undefined }];
  const first = Number(label[1]);
  const body = stripped.slice(label[0].length);
  const pieces: { text: string; number: number | undefined }[] = [];
  let expected = first + 1;
  let from = 0;
  let current = first;
  for (const m of matchesOf(INLINE_LABEL, body)) {
    if (Number(m[1]) !== expected) continue;
    pieces.push({ text: body.slice(from, m.index).trim(), number: current });
    from = m.index + m[0].length;
    current = expected++;
  }
  pieces.push({ text: body.slice(from).trim(), number: current });
  return pieces.filter((p) => p.text !== "");
}

const SENTENCE_END = /[.!?]+\s+/g;

function sentences(text: string, abbreviations: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let from = 0;
  for (const m of matchesOf(SENTENCE_END, text)) {
    const end = m.index + m[0].length;
    const next = text.charAt(end);
    const mark = m[0].charAt(0);
    if (mark === ".") {
      if (!/[\p{Lu}\d"'(]/u.test(next)) continue;
      const word = /([\p{L}.]+)$/u.exec(text.slice(from, m.index))?.[1] ?? "";
      if (abbreviations.has(fold(word).replace(/\./g, "")) || /^\p{Lu}$/u.test(word)) continue;
    }
    out.push(text.slice(from, end).trim());
    from = end;
  }
  out.push(text.slice(from).trim());
  return out.filter((s) => s !== "");
}

function makeSegment(
  text: string,
  paragraph: number,
  number: number | undefined,
  breaks: PhraseSet<BreakClass>,
): Segment {
  const tokens = tokenize(text);
  const cuts: { start: number; end: number; exception: boolean }[] = [];
  for (const m of matchesOf(CLAUSE_PUNCT, text)) {
    cuts.push({ start: m.index, end: m.index + m[0].length, exception: false });
  }
  for (const m of breaks.findLongest(tokens)) {
    const a = tokens[m.from];
    const b = tokens[m.to - 1];
    if (a && b) cuts.push({ start: a.start, end: b.end, exception: m.cls === "exception" });
  }
  cuts.sort((x, y) => x.start - y.start);

  const clauses: Clause[] = [];
  let from = 0;
  let exception = false;
  const close = (end: number) => {
    const inside = tokens.filter((t) => t.start >= from && t.end <= end);
    if (inside.length > 0) clauses.push({ start: from, end, tokens: inside, exception });
  };
  for (const cut of cuts) {
    if (cut.start < from) {
      exception ||= cut.exception;
      from = Math.max(from, cut.end);
      continue;
    }
    close(cut.start);
    from = cut.end;
    exception = cut.exception;
  }
  close(text.length);

  const segment: Segment = {
    text,
    tokens,
    clauses,
    paragraph,
    heading: /:\s*$/.test(text),
    question: text.includes("?"),
  };
  if (number !== undefined) segment.number = number;
  return segment;
}
