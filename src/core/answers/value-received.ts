/**
 * Grammar of a receipt: "3 lådor", "2 av 3 kartonger", "two of three boxes". Without a count the
 * receipt itself is the value (true).
 */
import type { JsonValue } from "../types.js";
import type { ItemVocabulary } from "./vocabulary.js";
import { alternation, fold } from "./tokens.js";

type ReceivedVocabulary = Extract<ItemVocabulary, { kind: "received" }>;

const cache = new WeakMap<ReceivedVocabulary, RegExp>();

function pattern(v: ReceivedVocabulary, numberWords: ReadonlyMap<string, number>): RegExp {
  const hit = cache.get(v);
  if (hit) return hit;
  const count = `(\\d{1,3}|${alternation([...numberWords.keys()])})`;
  const re = new RegExp(
    `(?<![\\p{L}\\d])${count}\\s+(?:${alternation(v.of_words)}\\s+${count}\\s+)?` +
      `(?:\\p{L}+\\s+)?${alternation(v.box_words)}`,
    "u",
  );
  cache.set(v, re);
  return re;
}

export function readReceived(
  text: string,
  v: ReceivedVocabulary,
  numberWords: ReadonlyMap<string, number>,
): { [key: string]: JsonValue } | undefined {
  const m = pattern(v, numberWords).exec(fold(text));
  if (!m) return undefined;
  const num = (s: string | undefined) => (s === undefined ? undefined : (numberWords.get(s) ?? Number(s)));
  const boxes = num(m[1]);
  const of = num(m[2]);
  if (boxes === undefined || !Number.isFinite(boxes)) return undefined;
  return of !== undefined && Number.isFinite(of) ? { boxes, of } : { boxes };
}
