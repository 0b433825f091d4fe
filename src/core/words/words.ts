/**
 * Words: what the core says to a person — a flag's reason, a work item's cause, why a team command was
 * refused — as a code and its parameters, not a sentence. The adapters put it in a language: the desk
 * in its member's (sv or en, http/pages/core-words.ts), the CLI, the JSON API and the logs in English
 * (english.ts, which also writes the `reason` text kept beside the words). Adding a code touches this
 * table of parameters (params.ts) and one table per language; the compiler names a language that lacks it.
 *
 * Parameters are plain JSON (they are stored with the flag and the case summary). Text quoted from a
 * mail is bounded where the parameters are built. Pure.
 */
import type { WordCode, WordParams, Words } from "./params.js";

export type * from "./params.js";

/**
 * Text quoted from outside — a remote server's words, a header, what a participant wrote, a program's
 * error — kept verbatim in every language: the desk frames it in the member's language and marks it as
 * a quotation (`lang`: the quote's language when known, "" when not).
 */
export interface Quoted {
  quoted: string;
  lang: string;
}

export function cite(text: string, lang = ""): Quoted {
  return { quoted: text, lang };
}

/** A sentence: plain text, or pieces of which some are quoted. */
export type Part = string | Quoted;
export type Sentence = string | readonly Part[];

/** Words inside words (a flag's reason in the event that raised it), in the table's own language. */
export type Nested = (w: Words) => Part[];

/** One language's words: a sentence for every code. */
export type WordTable = { [K in WordCode]: (p: WordParams[K], nested: Nested) => Sentence };

export function words<K extends WordCode>(code: K, params: WordParams[K]): Words {
  return { code, params } as Words;
}

/** Bound on a sentence built from a mail: the queue shows it in one cell. */
export const MAX_FLAG_REASON_CHARS = 600;
/** Bound on the words quoted from a mail (a file name, an answer's text). */
export const MAX_QUOTE_CHARS = 80;
/** Bound on the pieces one set of words lists (rejected evidence, files, notes): a cell, not a page. */
export const MAX_LISTED = 40;

export function quote(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > MAX_QUOTE_CHARS ? `${t.slice(0, MAX_QUOTE_CHARS - 1)}…` : t;
}

/** The field `mac` of station 2 → "mac (station 2)"; the desk's labels come from the rules, the flag keeps the key. */
export function englishFieldName(field: string, station: number | undefined): string {
  return station !== undefined ? `${field.replaceAll("_", " ")} (station ${station})` : field.replaceAll("_", " ");
}

export function bound(sentence: string): string {
  return sentence.length > MAX_FLAG_REASON_CHARS ? `${sentence.slice(0, MAX_FLAG_REASON_CHARS - 1)}…` : sentence;
}

/** Codes whose sentence lists what a mail brought: bounded, as the queue shows them in one cell. */
const BOUNDED: ReadonlySet<WordCode> = new Set<WordCode>(["evidence_rejected", "unclear_answer", "unassigned_photo", "flag_narrowed", "resolved_fixed"]);

/** A record without its words: what the JSON API and the CLI send (their English is in `reason` / `what`). */
export function withoutWords<T extends { words?: Words | undefined }>(record: T): Omit<T, "words"> {
  const { words: _words, ...rest } = record;
  return rest;
}

/** Renders words with a language's table as pieces (quotes apart); the table is typed, so the cast only pairs code and params. */
export function sayParts(table: WordTable, w: Words): Part[] {
  const say = table[w.code] as (p: Words["params"], nested: Nested) => Sentence;
  const sentence = say(w.params, (inner) => sayParts(table, inner));
  const parts = typeof sentence === "string" ? [sentence] : [...sentence];
  return BOUNDED.has(w.code) ? boundParts(parts) : parts;
}

/** Renders words with a language's table as one plain sentence (quotes verbatim, as the English always had them). */
export function sayWith(table: WordTable, w: Words): string {
  return plain(sayParts(table, w));
}

export function plain(parts: readonly Part[]): string {
  return parts.map((p) => (typeof p === "string" ? p : p.quoted)).join("");
}

/** `bound` over pieces: the quotes count as their text does. */
export function boundParts(parts: readonly Part[]): Part[] {
  if (plain(parts).length <= MAX_FLAG_REASON_CHARS) return [...parts];
  const out: Part[] = [];
  let room = MAX_FLAG_REASON_CHARS - 1;
  for (const p of parts) {
    const text = typeof p === "string" ? p : p.quoted;
    if (text.length < room) {
      out.push(p);
      room -= text.length;
      continue;
    }
    const cut = `${text.slice(0, room)}…`;
    out.push(typeof p === "string" ? cut : { ...p, quoted: cut });
    break;
  }
  return out;
}
