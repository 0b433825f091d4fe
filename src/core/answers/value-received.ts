/**
 * Grammar of a receipt: "3 lådor", "2 av 3 kartonger", "two of three boxes", and the box's own
 * number: "låda 1 av 2", "box 2 of 2" (stations come in several boxes on different dates). Without a
 * count the receipt itself is the value (true).
 */
import type { JsonValue } from "../types.js";
import type { ItemVocabulary } from "./vocabulary.js";
import { alternation, fold } from "./tokens.js";

type ReceivedVocabulary = Extract<ItemVocabulary, { kind: "received" }>;

const cache = new WeakMap<ReceivedVocabulary, { counted: RegExp; numbered: RegExp }>();

function patterns(v: ReceivedVocabulary, numberWords: ReadonlyMap<string, number>): { counted: RegExp; numbered: RegExp } {
  const hit = cache.get(v);
  if (hit) return hit;
  const count = `(\\d{1,3}|${alternation([...numberWords.keys()])})`;
  const counted = new RegExp(
    `(?<![\\p{L}\\d])${count}\\s+(?:${alternation(v.of_words)}\\s+${count}\\s+)?` +
      `(?:\\p{L}+\\s+)?${alternation(v.box_words)}`,
    "u",
  );
  // "låda 1 av 2", "box 2 of 2", "kolli nr 1 av 3": one box of several, by its number.
  const numbered = new RegExp(
    `(?<![\\p{L}\\d])${alternation(v.box_words)}\\s+(?:(?:nr|no|#)\\.?\\s*)?${count}\\s+${alternation(v.of_words)}\\s+${count}(?![\\p{L}\\d])`,
    "u",
  );
  const built = { counted, numbered };
  cache.set(v, built);
  return built;
}

export function readReceived(
  text: string,
  v: ReceivedVocabulary,
  numberWords: ReadonlyMap<string, number>,
): { [key: string]: JsonValue } | undefined {
  const { counted, numbered } = patterns(v, numberWords);
  const folded = fold(text);
  const num = (s: string | undefined) => (s === undefined ? undefined : (numberWords.get(s) ?? Number(s)));
  const box = numbered.exec(folded);
  if (box) {
    const n = num(box[1]);
    const of = num(box[2]);
    if (n !== undefined && of !== undefined && Number.isFinite(n) && Number.isFinite(of) && n >= 1 && n <= of) return { box: n, of };
  }
  const m = counted.exec(folded);
  if (!m) return undefined;
  const boxes = num(m[1]);
  const of = num(m[2]);
  if (boxes === undefined || !Number.isFinite(boxes)) return undefined;
  return of !== undefined && Number.isFinite(of) ? { boxes, of } : { boxes };
}
