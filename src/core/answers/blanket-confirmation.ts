/**
 * Item-less statements about the checklist as a whole: "Ja, allt stämmer", a bare "Ja", "Nej, inte
 * än". When they confirm (or deny) items is data: `blanket_confirmation` in rules/answers.yaml.
 */
import type { AnswerStatus, Answers, ItemId } from "../types.js";
import { cueClasses, type CompiledVocabulary, type CueClass } from "./compiled-vocabulary.js";
import type { Clause, Segment } from "./segments.js";

/** A clause that names no item and belongs to none. */
export interface Loose {
  segment: Segment;
  clause: Clause;
}

type Statement = "ok" | "negative" | "unclear" | "deferral" | "none";

function statementOf(classes: Set<CueClass>): Statement {
  if (classes.has("unclear")) return "unclear";
  if (classes.has("negative")) return "negative";
  if (classes.has("deferral")) return "deferral";
  return classes.has("ok") ? "ok" : "none";
}

/** "Allt stämmer", "all done": an ok statement with a scope word. */
export function isBlanketStatement(clause: Clause, cv: CompiledVocabulary): boolean {
  return cv.blanketScope.has(clause.tokens) && statementOf(cueClasses(cv.generalCues, clause.tokens)) === "ok";
}

/**
 * Adds the blanket items the loose statements confirm or deny; an item the reply answers itself
 * keeps its own answer.
 */
export function applyBlanket(
  answers: Answers,
  loose: Loose[],
  cv: CompiledVocabulary,
  asked: readonly ItemId[] | undefined,
): void {
  const items = cv.blanket.items.filter((id) => asked === undefined || asked.includes(id));
  if (items.length === 0 || loose.length === 0) return;
  const said = loose
    .map((l) => ({
      ...l,
      kind: statementOf(cueClasses(cv.generalCues, l.clause.tokens)),
      scope: cv.blanketScope.has(l.clause.tokens),
    }))
    .filter((s) => s.kind !== "none");
  if (said.length === 0) return;

  const answeredElsewhere = Object.keys(answers).length > 0;
  const strong = said.filter((s) => s.kind === "ok" && s.scope);
  let status: AnswerStatus | undefined;
  let from = said;
  if (strong.length > 0 && !said.some((s) => s.kind === "unclear" || s.kind === "negative")) {
    status = "ok";
    from = strong;
  } else if (!answeredElsewhere && cv.blanket.bare_reply && said.every((s) => s.kind === "ok")) {
    status = "ok";
  } else if (
    !answeredElsewhere &&
    cv.blanket.bare_negative &&
    said.some((s) => s.kind === "negative") &&
    said.every((s) => s.kind === "negative" || s.kind === "deferral")
  ) {
    status = "negative";
  }
  if (status === undefined) return;

  const text = [...new Set(from.map((s) => s.segment.text))].join(" ");
  for (const id of items) {
    if (answers[id] !== undefined) continue;
    answers[id] = { status, value: status === "ok", text };
  }
}
