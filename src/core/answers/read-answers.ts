/**
 * Reads a network manager's answers from the new text of a reply (SPEC §3, answers in mail text).
 * Pure: the lexicon is passed in; expected outcomes are values, nothing throws.
 *
 * How a reply is read
 * 1. The text is cut into segments (sentences, bullets, numbered answers) and clauses
 *    (segments.ts). Lines quoted with `>` are never read.
 * 2. A clause names items by their topic words. A clause without topic words belongs to the item
 *    of the clause before it (or after it, at the start of a sentence): "Flex-fakturering, nej inte
 *    än" and "Ja, Flex-fakturering är klar" are both about Flex billing.
 * 3. A segment without topic words is, in order: the numbered answer to the question of that
 *    number; the continuation of a heading ("Öppettider:" then "Mån–fre 7–18") or of the previous
 *    item when it carries that item's value; a value that names its item (a price with its unit,
 *    days with hours); else a loose statement ("Ja, allt stämmer"), kept for the blanket rule.
 * 4. Each item's status comes from its cues and value (see `statusOf`); items the text does not
 *    speak of are absent; loose statements may then confirm items as a whole
 *    (blanket-confirmation.ts).
 */
import type { Answer, AnswerStatus, Answers, ItemId, JsonValue } from "../types.js";
import { applyBlanket, isBlanketStatement, type Loose } from "./blanket-confirmation.js";
import {
  compileVocabulary,
  cueClasses,
  type CompiledItem,
  type CompiledVocabulary,
  type CueClass,
} from "./compiled-vocabulary.js";
import { readItemValue, type ValueReading } from "./item-value.js";
import { segmentText, type Clause, type Segment } from "./segments.js";
import type { Token } from "./tokens.js";
import type { AnswerVocabulary } from "./vocabulary.js";

/** Answers sit in the first lines a person writes; past this is pasted material, not answers,
 *  and matching cost grows with it. */
export const MAX_ANSWER_TEXT = 20_000;
/** Segments read at most (a sentence each); bounds the work on a pathological text. */
export const MAX_SEGMENTS = 600;

export interface ReadAnswersOptions {
  /** The items the replied-to mail asked for, in the order it numbered them. Numbered answers
   *  map to these (else to the lexicon's `numbered_questions`), and a blanket confirmation
   *  confirms only those of its items that were asked. */
  asked?: readonly ItemId[];
}

interface Piece {
  segment: Segment;
  own: Clause[];
  /** The item is named right after an exception word ("allt klart utom Flex"). */
  excepted: boolean;
  /** Clauses whose cues the item takes when its own have none ("Flex och kontakter är klara"). */
  borrowed: Clause[];
}

/** Only prices and hours can name their item by their form alone. */
const SELF_EVIDENT_KINDS = new Set(["pricing", "opening_hours"]);

interface Context {
  items: ItemId[];
  heading: boolean;
  paragraph: number;
  attached: number;
}

/** Texts that reach every value grammar, once as one-byte and once as two-byte strings. */
const WARM_UP_TEXTS = ["1. Ja, 3 kr/kWh, 08-17, nina@example.com 070-123 45 67", "1. Ja, 3 kr/kWh, mån–fre 08–17, nina@example.com 070-123 45 67"];

/**
 * Compiles the lexicon and runs every item's value grammar, twice over each kind of string. V8
 * compiles a regex on its first runs (interpreted, then native), separately for one-byte and
 * two-byte text: tens of milliseconds for the larger grammars, which belong at start-up rather
 * than on the event loop while the first replies of a backlog wait.
 */
export function warmUpAnswerReader(vocabulary: AnswerVocabulary): void {
  const cv = compileVocabulary(vocabulary);
  for (let round = 0; round < 2; round++) {
    for (const text of WARM_UP_TEXTS) {
      readAnswers(text, vocabulary);
      for (const item of cv.items) readItemValue(item, text, cv);
    }
  }
}

export function readAnswers(
  replyText: string,
  vocabulary: AnswerVocabulary,
  options: ReadAnswersOptions = {},
): Answers {
  const cv = compileVocabulary(vocabulary);
  const segments = segmentText(replyText.slice(0, MAX_ANSWER_TEXT), cv.segments).slice(0, MAX_SEGMENTS);
  const order = options.asked ?? cv.numbered;
  const pieces = new Map<ItemId, Piece[]>();
  const loose: Loose[] = [];
  const add = (id: ItemId, p: Piece) => {
    const list = pieces.get(id);
    if (list) list.push(p);
    else pieces.set(id, [p]);
  };
  const whole = (segment: Segment): Piece => ({ segment, own: segment.clauses, excepted: false, borrowed: [] });
  let context: Context | undefined;

  for (const segment of segments) {
    const assigned = assignClauses(segment, cv);
    if (assigned.byItem.size > 0) {
      let bare = true;
      for (const [id, p] of assigned.byItem) {
        add(id, p);
        const item = cv.byId.get(id);
        if (item && !isBareTopic(item, p, cv)) bare = false;
      }
      loose.push(...assigned.loose.map((clause) => ({ segment, clause })));
      context = {
        items: [...assigned.byItem.keys()],
        heading: segment.heading || segment.question || bare,
        paragraph: segment.paragraph,
        attached: 0,
      };
      continue;
    }

    const numbered = segment.number === undefined ? undefined : order[segment.number - 1];
    if (numbered !== undefined && cv.byId.has(numbered)) {
      add(numbered, whole(segment));
      context = { items: [numbered], heading: segment.heading, paragraph: segment.paragraph, attached: 0 };
      continue;
    }

    const targets = context && follows(context, segment) ? continuationTargets(context, segment, cv) : [];
    if (context && targets.length > 0) {
      for (const id of targets) add(id, whole(segment));
      context.paragraph = segment.paragraph;
      context.attached++;
      continue;
    }

    const implied = cv.items
      .filter((i) => SELF_EVIDENT_KINDS.has(i.vocab.kind) && readItemValue(i, segment.text, cv).selfEvident)
      .map((i) => i.id);
    if (implied.length > 0) {
      for (const id of implied) add(id, whole(segment));
      context = { items: implied, heading: false, paragraph: segment.paragraph, attached: 0 };
      continue;
    }

    loose.push(...segment.clauses.map((clause) => ({ segment, clause })));
    context = undefined;
  }

  const answers: Answers = {};
  for (const [id, ps] of pieces) {
    const item = cv.byId.get(id);
    if (item) answers[id] = evaluate(item, ps, cv);
  }
  applyBlanket(answers, loose, cv, options.asked);
  return answers;
}

// ---------------------------------------------------------------------------------------------
// Clauses to items

function topicsOf(tokens: readonly Token[], cv: CompiledVocabulary): ItemId[] {
  return cv.items.filter((i) => i.topics.findLongest(tokens).some((m) => m.cls === "topic")).map((i) => i.id);
}

function assignClauses(segment: Segment, cv: CompiledVocabulary): { byItem: Map<ItemId, Piece>; loose: Clause[] } {
  const clauses = segment.clauses;
  const topics = clauses.map((c) => topicsOf(c.tokens, cv));
  const byItem = new Map<ItemId, Piece>();
  const loose: Clause[] = [];
  if (topics.every((t) => t.length === 0)) return { byItem, loose: [] };

  const give = (ids: ItemId[], clause: Clause, named: boolean) => {
    for (const id of ids) {
      const p = byItem.get(id) ?? { segment, own: [], excepted: false, borrowed: [] };
      p.own.push(clause);
      if (named && clause.exception) p.excepted = true;
      byItem.set(id, p);
    }
  };
  clauses.forEach((clause, i) => {
    const own = topics[i] ?? [];
    if (own.length > 0) return give(own, clause, true);
    const before = topics.slice(0, i).findLastIndex((t) => t.length > 0);
    if (before >= 0) return give(topics[before] ?? [], clause, false);
    const after = topics.findIndex((t, k) => k > i && t.length > 0);
    // "Allt klart utom Flex": the statement before an exception is not about the excepted item;
    // "Ja, allt stämmer och öppet dygnet runt": an opening blanket statement is about no item.
    if (after >= 0 && !clauses[after]?.exception && !isBlanketStatement(clause, cv)) {
      return give(topics[after] ?? [], clause, false);
    }
    loose.push(clause);
  });

  const withCues = clauses.map((c) => cueClasses(cv.generalCues, c.tokens).size > 0);
  for (const p of byItem.values()) {
    const idx = clauses.indexOf(p.own[p.own.length - 1] as Clause);
    const first = clauses.indexOf(p.own[0] as Clause);
    const crossesException = (k: number) => clauses.slice(idx + 1, k + 1).some((c) => c.exception);
    const right = withCues.findIndex((has, k) => has && k > idx && !crossesException(k));
    const left = p.own[0]?.exception ? -1 : withCues.findLastIndex((has, k) => has && k < first);
    const borrow = right >= 0 ? right : left;
    const clause = borrow >= 0 ? clauses[borrow] : undefined;
    if (clause && !p.own.includes(clause)) p.borrowed.push(clause);
  }
  return { byItem, loose };
}

function isBareTopic(item: CompiledItem, p: Piece, cv: CompiledVocabulary): boolean {
  const tokens = p.own.flatMap((c) => c.tokens);
  return cueClasses(item.cues, tokens).size === 0 && readItemValue(item, spanOf(p), cv).value === undefined;
}

function follows(context: Context, segment: Segment): boolean {
  if (segment.paragraph === context.paragraph) return true;
  return context.heading && context.attached === 0 && segment.paragraph === context.paragraph + 1;
}

function continuationTargets(context: Context, segment: Segment, cv: CompiledVocabulary): ItemId[] {
  if (context.heading) return context.items;
  return context.items.filter((id) => {
    const item = cv.byId.get(id);
    return item !== undefined && readItemValue(item, segment.text, cv).value !== undefined;
  });
}

/** The text of a piece's own clauses, from the first to the last (values span clause breaks). */
function spanOf(p: Piece): string {
  const start = Math.min(...p.own.map((c) => c.start));
  const end = Math.max(...p.own.map((c) => c.end));
  return p.segment.text.slice(start, end);
}

// ---------------------------------------------------------------------------------------------
// Status and value

/** Kinds answered by a yes or no; the others (media aside, whose "no" is a value) need a value. */
const NEGATIVE_IS_FALSE = new Set(["confirm", "contacts", "received"]);

/**
 * Precedence, from the first that applies:
 *   a hedge ("vet inte", "kanske")                           → unclear
 *   a complete value (a price with unit, an e-mail…)         → ok, even beside a negation
 *   named after an exception word ("allt klart utom Flex")   → negative
 *   a negation ("inte", "not yet")                           → negative (value items: unclear)
 *   a deferral ("återkommer")                                → unclear
 *   a confirmation cue for a confirm/contacts item           → ok (value true)
 *   a receipt word with no negation                          → ok (value true)
 *   anything else (a bare topic, a question, a partial value) → unclear
 */
function statusOf(
  item: CompiledItem,
  cues: Set<CueClass>,
  reading: ValueReading,
  excepted: boolean,
  question: boolean,
): { status: AnswerStatus; value: JsonValue } {
  const kind = item.vocab.kind;
  const partial = reading.value ?? null;
  if (cues.has("unclear")) return { status: "unclear", value: partial };
  if (reading.complete && reading.value !== undefined) return { status: "ok", value: reading.value };
  if (excepted || cues.has("negative")) {
    // "Priset vet vi inte än": a value item denied is a value not decided yet, not a refusal.
    return NEGATIVE_IS_FALSE.has(kind) ? { status: "negative", value: false } : { status: "unclear", value: partial };
  }
  if (cues.has("deferral")) return { status: "unclear", value: partial };
  if (cues.has("ok") && (kind === "confirm" || kind === "contacts")) {
    return { status: "ok", value: reading.value ?? true };
  }
  if (kind === "received" && !question) return { status: "ok", value: reading.value ?? true };
  return { status: "unclear", value: partial };
}

function evaluate(item: CompiledItem, ps: Piece[], cv: CompiledVocabulary): Answer {
  const reading = readItemValue(item, ps.map(spanOf).join("\n"), cv);
  const cues = new Set<CueClass>();
  for (const p of ps) {
    let found = cueClasses(item.cues, p.own.flatMap((c) => c.tokens));
    if (found.size === 0 && reading.value === undefined) {
      found = cueClasses(item.cues, p.borrowed.flatMap((c) => c.tokens));
    }
    for (const c of found) cues.add(c);
  }
  const excepted = ps.some((p) => p.excepted);
  const question = cv.questionIsUnclear && ps.some((p) => p.segment.question);
  const { status, value } = statusOf(item, cues, reading, excepted, question);
  return { status, value, text: [...new Set(ps.map((p) => p.segment.text))].join(" ") };
}
