/**
 * Grammar of a pricing policy: "3,50 kr/kWh", "€0.35 per kWh", "2 kr/kWh + 10 kr/tim efter 4 h",
 * "35 öre/min", "5 kr per laddning", "gratis". Currencies, units and the words around them come
 * from the lexicon; numbers, symbols and the order price–currency–unit are grammar.
 *
 * Result: `{ free: true }`, or any of `energy`, `time`, `session` as `{ amount, currency, per }`
 * (`time` may carry `after_hours`). A price with a currency but no unit is returned as `price`
 * and is not a complete answer: the desk must know what it is charged per.
 */
import type { JsonValue } from "../types.js";
import type { ItemVocabulary } from "./vocabulary.js";
import { alternation, fold } from "./tokens.js";
import { matchesOf } from "../match-all.js";

type PricingVocabulary = Extract<ItemVocabulary, { kind: "pricing" }>;

export interface PricingReading {
  value?: { [key: string]: JsonValue };
  complete: boolean;
  /** A price with a unit: the text is about pricing even without a topic word. */
  selfEvident: boolean;
}

/** Rounds away binary noise (35 × 0.01) at a precision no tariff uses. */
const AMOUNT_DECIMALS = 4;
/** A free phrase counts as negated when a negation ends this close before it ("inte gratis"). */
const NEGATION_REACH_CHARS = 12;

interface Grammar {
  free: RegExp;
  negationBefore: RegExp;
  after: RegExp;
  first: RegExp;
  price: RegExp;
  currencies: Map<string, { code: string; factor: number }>;
  numberWords: ReadonlyMap<string, number>;
}

const cache = new WeakMap<PricingVocabulary, Grammar>();

function grammar(
  v: PricingVocabulary,
  negations: readonly string[],
  numberWords: ReadonlyMap<string, number>,
): Grammar {
  const hit = cache.get(v);
  if (hit) return hit;
  const currencies = new Map<string, { code: string; factor: number }>();
  for (const c of v.currencies) for (const w of c.words) currencies.set(fold(w), { code: c.code, factor: c.factor });
  const cur = alternation([...currencies.keys()]);
  const num = "(\\d{1,6}(?:[.,:]\\d{1,2})?)";
  const count = `(\\d{1,4}(?:[.,]\\d{1,2})?|${alternation([...numberWords.keys()])})`;
  const hour = `(${alternation(v.hour_units)})`;
  const minute = `(${alternation(v.minute_units)})`;
  const per = `(?:(?:/|${alternation(v.per_words)})\\s*)?`;
  const g: Grammar = {
    free: new RegExp(alternation(v.free), "gu"),
    negationBefore: new RegExp(`${alternation(negations)}[\\s\\p{L}]{0,${NEGATION_REACH_CHARS}}$`, "u"),
    after: new RegExp(`${alternation(v.after_words)}\\s+(?:${count}\\s*)?(?:${hour}|${minute})`, "gu"),
    first: new RegExp(`${alternation(v.first_words)}\\s+(?:${count}\\s*)?(?:${hour}|${minute})`, "gu"),
    price: new RegExp(
      `(?<![\\p{L}\\d.,])(?:(${cur})\\s*)?${num}(?:\\s*(${cur}))?\\s*${per}` +
        `(?:(${alternation(v.energy_units)})|${hour}|${minute}|(${alternation(v.session_units)}))?`,
      "gu",
    ),
    currencies,
    numberWords,
  };
  cache.set(v, g);
  return g;
}

function amountOf(s: string): number {
  return Number(s.replace(/[,:]/, "."));
}

function round(n: number): number {
  const f = 10 ** AMOUNT_DECIMALS;
  return Math.round(n * f) / f;
}

/** Hours in "efter 4 h", "after 30 minutes", "första timmen" (no number: one). */
function duration(m: RegExpMatchArray, g: Grammar): number | undefined {
  const [, n, hourUnit, minuteUnit] = m;
  const value = n === undefined ? 1 : (g.numberWords.get(fold(n)) ?? amountOf(n));
  if (!Number.isFinite(value)) return undefined;
  if (hourUnit !== undefined) return round(value);
  return minuteUnit !== undefined ? round(value / 60) : undefined;
}

export function readPricing(
  text: string,
  v: PricingVocabulary,
  negations: readonly string[],
  numberWords: ReadonlyMap<string, number>,
): PricingReading {
  const g = grammar(v, negations, numberWords);
  let folded = fold(text);
  const mask = (m: RegExpMatchArray) => {
    const start = m.index ?? 0;
    folded = folded.slice(0, start) + " ".repeat(m[0].length) + folded.slice(start + m[0].length);
  };

  let free = false;
  for (const m of matchesOf(g.free, folded)) {
    if (!g.negationBefore.test(folded.slice(0, m.index))) free = true;
  }
  let afterHours: number | undefined;
  for (const m of matchesOf(g.after, folded)) {
    afterHours ??= duration(m, g);
    mask(m);
  }
  let firstHours: number | undefined;
  for (const m of matchesOf(g.first, folded)) {
    firstHours ??= duration(m, g);
    mask(m);
  }

  const parts: { [key: string]: JsonValue } = {};
  let unspecified: JsonValue | undefined;
  for (const m of matchesOf(g.price, folded)) {
    const [, curBefore, amount, curAfter, energy, hour, minute, session] = m;
    const currency = g.currencies.get((curBefore ?? curAfter ?? "").replace(/\s+/g, " "));
    if (amount === undefined) continue;
    const unit = energy ? "kWh" : hour ? "h" : minute ? "min" : session ? "session" : undefined;
    // A bare number with a time unit is a duration ("max 4 h"), not a price.
    if (currency === undefined && unit !== "kWh") continue;
    const code = currency?.code ?? v.default_currency;
    const price: { [key: string]: JsonValue } = {
      amount: round(amountOf(amount) * (currency?.factor ?? 1)),
      currency: code,
    };
    if (unit === undefined) {
      unspecified ??= price;
      continue;
    }
    price.per = unit;
    const key = unit === "kWh" ? "energy" : unit === "session" ? "session" : "time";
    if (key === "time") {
      const after = afterHours ?? (free ? firstHours : undefined);
      if (after !== undefined) price.after_hours = after;
    }
    parts[key] ??= price;
  }

  if (Object.keys(parts).length > 0) return { value: parts, complete: true, selfEvident: true };
  if (free) return { value: { free: true }, complete: true, selfEvident: false };
  if (unspecified !== undefined) return { value: { price: unspecified }, complete: false, selfEvident: false };
  return { complete: false, selfEvident: false };
}
