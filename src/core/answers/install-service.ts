/**
 * Whether a reply says the installation service (installation by the vendor, CPaaS) was bought or not
 * ("installationen ingår", "vi installerar själva", "we did not order the installation service"), to
 * compare with the case's order (issue 21: a reply that contradicts a case fact is asked back). Pure;
 * the words are data (`install_service` in rules/answers.yaml).
 *
 * A statement is one clause that names the service (a topic word) and says bought or not bought;
 * a negation in the clause turns it round ("ingår inte", "we don't install it ourselves"). Questions
 * state nothing ("Ingår installationen?").
 */
import { compileVocabulary } from "./compiled-vocabulary.js";
import { PhraseSet } from "./phrase-matcher.js";
import { MAX_ANSWER_TEXT, MAX_SEGMENTS } from "./read-answers.js";
import { segmentText } from "./segments.js";
import type { AnswerVocabulary } from "./vocabulary.js";

export interface InstallServiceStatement {
  bought: boolean;
  /** The sentence it was read from, for the desk and the question back. */
  text: string;
}

type Cue = "bought" | "not_bought" | "negation";

interface Matchers {
  topics: PhraseSet<"topic" | "exclude">;
  cues: PhraseSet<Cue>;
}

const compiled = new WeakMap<AnswerVocabulary, Matchers | null>();

/** Topics apart from the cues: "ni installerar" is a bought phrase and names the service too. */
function matchers(vocabulary: AnswerVocabulary): Matchers | null {
  const hit = compiled.get(vocabulary);
  if (hit !== undefined) return hit;
  const v = vocabulary.install_service;
  const made =
    v.topics.length === 0
      ? null
      : {
          topics: new PhraseSet<"topic" | "exclude">([
            ["topic", v.topics],
            ["exclude", v.excludes],
          ]),
          cues: new PhraseSet<Cue>([
            ["bought", v.bought],
            ["not_bought", v.not_bought],
            ["negation", v.negations],
          ]),
        };
  compiled.set(vocabulary, made);
  return made;
}

/** The first statement about the installation service in the text, if any. */
export function readInstallService(text: string, vocabulary: AnswerVocabulary): InstallServiceStatement | undefined {
  const m = matchers(vocabulary);
  if (!m) return undefined;
  // The bounds of answer reading: a reply's own text is far shorter.
  for (const segment of segmentText(text.slice(0, MAX_ANSWER_TEXT), compileVocabulary(vocabulary).segments).slice(0, MAX_SEGMENTS)) {
    if (segment.question) continue;
    for (const clause of segment.clauses) {
      if (!m.topics.findLongest(clause.tokens).some((t) => t.cls === "topic")) continue;
      // "Not bought" phrases may carry their own negation ("inte beställt", "utan installation"): the
      // longest match wins over the words inside it.
      const found = new Set(m.cues.findLongest(clause.tokens).map((c) => c.cls));
      const said = found.has("not_bought") ? false : found.has("bought") ? true : undefined;
      if (said === undefined) continue;
      return { bought: found.has("negation") ? !said : said, text: segment.text };
    }
  }
  return undefined;
}
