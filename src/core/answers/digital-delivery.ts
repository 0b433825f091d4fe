/**
 * A question about a parcel for a product that is delivered digitally (issue 22; the guide:
 * "Molnabonnemang för programvara, Assure-abonnemang och aktiveringstjänster levereras digitalt (det
 * finns ingen fysisk leverans)"): "Var är paketet med Assure-abonnemanget?", "We have not received
 * the software subscription yet". Such a sentence is no receipt of stations: it is answered with the
 * mail that explains digital delivery, never blocks, and the desk sees it. Pure; the words live in
 * rules/answers.yaml (`digital_delivery`).
 */
import { z } from "zod";
import type { Answers } from "../types.js";
import { PhraseSet } from "./phrase-matcher.js";
import { tokenize } from "./tokens.js";

/** A sentence longer than this is quoted cut (the desk's timeline and the mail quote it). */
const MAX_QUOTE_CHARS = 200;
/** Sentences read at most: a reply's own text is short, and the question is near the top. */
const MAX_SENTENCES = 200;

const Phrases = z.array(z.string().trim().min(1).max(80)).max(400);

export const DigitalDeliveryVocabularySchema = z.strictObject({
  /** The products that come digitally, each with the words that name it. */
  products: z.array(z.strictObject({ id: z.string().regex(/^[a-z][a-z0-9_]*$/), words: Phrases.min(1) })).min(1),
  /** Words of parcels, shipping and receipt: with a product word, the sentence asks after a parcel. */
  parcel_words: Phrases.min(1),
});
export type DigitalDeliveryVocabulary = z.infer<typeof DigitalDeliveryVocabularySchema>;

export interface DigitalDeliveryQuestion {
  /** Product ids named (rules/answers.yaml `digital_delivery.products`), in order of first mention. */
  products: string[];
  /** The sentences it was read from. */
  text: string;
}

const compiled = new WeakMap<DigitalDeliveryVocabulary, { products: PhraseSet<string>; parcels: PhraseSet<"parcel"> }>();

function compile(v: DigitalDeliveryVocabulary) {
  let c = compiled.get(v);
  if (!c) {
    c = {
      products: new PhraseSet(v.products.map((p) => [p.id, p.words] as const)),
      parcels: new PhraseSet([["parcel", v.parcel_words] as const]),
    };
    compiled.set(v, c);
  }
  return c;
}

/** The sentences that ask after a parcel of a digital product; undefined when none does. */
export function readDigitalDeliveryQuestion(text: string, v: DigitalDeliveryVocabulary | undefined): DigitalDeliveryQuestion | undefined {
  if (!v) return undefined;
  const { products, parcels } = compile(v);
  const named: string[] = [];
  const sentences: string[] = [];
  // A sentence about the parcel right after the question goes with it ("Vi har inget spårningsnummer").
  let following = false;
  for (const sentence of text.split(/(?<=[.!?])\s+|\n+/).slice(0, MAX_SENTENCES)) {
    const tokens = tokenize(sentence);
    if (tokens.length === 0) continue;
    const hits = products.findLongest(tokens);
    const parcel = parcels.has(tokens);
    following = parcel && (hits.length > 0 || following);
    if (!following) continue;
    for (const h of hits) if (!named.includes(h.cls)) named.push(h.cls);
    sentences.push(sentence.trim().slice(0, MAX_QUOTE_CHARS));
  }
  return named.length ? { products: named, text: sentences.join(" ") } : undefined;
}

/**
 * The answers of a reply without those read from its digital-delivery sentences: "Vi har inte fått
 * något paket med programvaran" is neither a missing box of stations nor a "no" to the account items.
 */
export function answersBeside(answers: Answers, question: DigitalDeliveryQuestion | undefined): Answers {
  if (!question) return answers;
  return Object.fromEntries(Object.entries(answers).filter(([, a]) => !a.text.trim() || !question.text.includes(a.text.trim())));
}
