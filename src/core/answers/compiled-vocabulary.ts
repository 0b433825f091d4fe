/**
 * The lexicon turned into matchers once per vocabulary object (rules are loaded once and passed
 * to every call), so reading a reply costs matching only.
 */
import type { ItemId } from "../types.js";
import { PhraseSet, foldAll } from "./phrase-matcher.js";
import type { BreakClass, SegmentGrammar } from "./segments.js";
import { fold, tokenize, type Token } from "./tokens.js";
import type { AnswerVocabulary, ItemVocabulary } from "./vocabulary.js";

export type CueClass = "ok" | "negative" | "unclear" | "deferral" | "ignore";
export type TopicClass = "topic" | "exclude";
export type ValueClass = "public" | "private" | "marker" | "noun" | "negation" | "none" | "attached";

export interface CompiledItem {
  id: ItemId;
  vocab: ItemVocabulary;
  topics: PhraseSet<TopicClass>;
  /** The general cues with the item's own added. */
  cues: PhraseSet<CueClass>;
  /** Value phrases of access and media items. */
  values?: PhraseSet<ValueClass>;
  /** Folded prepositions skipped before a group name, and words that end one. */
  groupSkip: ReadonlySet<string>;
  groupEnd: ReadonlySet<string>;
}

export interface CompiledVocabulary {
  items: CompiledItem[];
  byId: ReadonlyMap<ItemId, CompiledItem>;
  generalCues: PhraseSet<CueClass>;
  segments: SegmentGrammar;
  numberWords: ReadonlyMap<string, number>;
  /** Folded words never taken for a person's name: labels and every lexicon word. */
  notNames: ReadonlySet<string>;
  negations: readonly string[];
  numbered: readonly ItemId[];
  blanket: AnswerVocabulary["blanket_confirmation"];
  blanketScope: PhraseSet<"scope">;
  questionIsUnclear: boolean;
}

const cache = new WeakMap<AnswerVocabulary, CompiledVocabulary>();

function cueLists(c: {
  ok: string[];
  negative: string[];
  unclear: string[];
  deferral: string[];
}): [CueClass, string[]][] {
  return [
    ["ok", c.ok],
    ["negative", c.negative],
    ["unclear", c.unclear],
    ["deferral", c.deferral],
  ];
}

function valueLists(item: ItemVocabulary, negations: string[]): [ValueClass, string[]][] | undefined {
  if (item.kind === "access") {
    return [
      ["public", item.public],
      ["private", item.private],
      ["marker", item.group_markers],
      ["noun", item.group_nouns],
      ["negation", negations],
    ];
  }
  if (item.kind === "media") {
    return [
      ["none", item.none],
      ["attached", item.attached],
    ];
  }
  return undefined;
}

export function compileVocabulary(v: AnswerVocabulary): CompiledVocabulary {
  const hit = cache.get(v);
  if (hit) return hit;

  const general: [CueClass, string[]][] = [...cueLists(v.cues), ["ignore", v.cues.ignore]];
  const items: CompiledItem[] = Object.entries(v.items).map(([id, vocab]) => {
    const negations = [...v.cues.negative, ...vocab.negative];
    const values = valueLists(vocab, negations);
    const item: CompiledItem = {
      id,
      vocab,
      topics: new PhraseSet<TopicClass>([
        ["topic", vocab.topics],
        ["exclude", vocab.excludes],
      ]),
      cues: new PhraseSet<CueClass>([...general, ...cueLists(vocab)]),
      groupSkip: vocab.kind === "access" ? foldAll(vocab.group_skip) : new Set(),
      groupEnd: vocab.kind === "access" ? foldAll(vocab.group_end) : new Set(),
    };
    if (values) item.values = new PhraseSet<ValueClass>(values);
    return item;
  });

  const lexiconWords = new Set<string>();
  const addWords = (phrases: readonly string[]) => {
    for (const p of phrases) for (const t of tokenize(p.replace(/\*/g, ""))) lexiconWords.add(t.norm);
  };
  addWords([...v.cues.ok, ...v.cues.negative, ...v.cues.unclear, ...v.cues.deferral, ...v.clause_breaks]);
  for (const item of Object.values(v.items)) addWords([...item.topics, ...item.ok, ...item.negative]);

  const breaks: [BreakClass, string[]][] = [
    ["break", v.clause_breaks],
    ["exception", v.exception_words],
  ];
  const compiled: CompiledVocabulary = {
    items,
    byId: new Map(items.map((i) => [i.id, i])),
    generalCues: new PhraseSet<CueClass>(general),
    segments: {
      breaks: new PhraseSet<BreakClass>(breaks),
      abbreviations: new Set(v.abbreviations.map((a) => fold(a).replace(/\./g, ""))),
    },
    numberWords: new Map(Object.entries(v.number_words).map(([w, n]) => [fold(w), n])),
    notNames: new Set([...foldAll(v.contact_labels), ...lexiconWords]),
    negations: v.cues.negative,
    numbered: v.numbered_questions,
    blanket: v.blanket_confirmation,
    blanketScope: new PhraseSet<"scope">([["scope", v.blanket_confirmation.scope_words]]),
    questionIsUnclear: v.cues.question_is_unclear,
  };
  cache.set(v, compiled);
  return compiled;
}

/** The cue classes found in some tokens, "ignore" aside. */
export function cueClasses(set: PhraseSet<CueClass>, tokens: readonly Token[]): Set<CueClass> {
  const out = new Set<CueClass>();
  for (const m of set.findLongest(tokens)) if (m.cls !== "ignore") out.add(m.cls);
  return out;
}
