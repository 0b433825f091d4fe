/**
 * Stage changes (SPEC §5): derived from the checklist for `advance: auto` stages, and from team
 * actions for the others. Pure; the only place that computes a case's next stage.
 */
import { refusal } from "../words/english.js";
import type { Words } from "../words/words.js";
import { words } from "../words/words.js";
import type { Rules } from "../rules/rules.js";
import { applicableStages } from "../rules/rules.js";
import type { Case, StageId } from "../types.js";
import type { Checklist } from "./checklist.js";
import { openItems } from "./checklist.js";

/** Every stage the case moves through from where it is, given its checklist; empty when it stays. */
export function autoAdvance(c: Case, checklist: Checklist, rules: Rules): StageId[] {
  const stages = applicableStages(rules, c);
  let index = stages.findIndex((s) => s.id === c.stage);
  if (index < 0) return [];
  const passed: StageId[] = [];
  for (;;) {
    const stage = stages[index];
    const next = stages[index + 1];
    if (!stage || !next || stage.advance !== "auto") break;
    if (openItems(checklist, stage.id, rules).length > 0) break;
    passed.push(next.id);
    index += 1;
  }
  return passed;
}

export type TeamAction = "activate" | "close";

/** Stage a team action leads to, or why it cannot be taken now. */
export function teamTransition(
  c: Case,
  action: TeamAction,
  opts: { force: boolean },
): { kind: "ok"; to: StageId } | { kind: "refused"; reason: string; words: Words } {
  if (action === "activate") {
    if (c.stage === "activated" || c.stage === "closed") return refusal(words("already_in_stage", { stage: c.stage }));
    if (c.stage !== "ready_for_activation" && !opts.force) return refusal(words("not_ready_to_activate", { stage: c.stage }));
    return { kind: "ok", to: "activated" };
  }
  if (c.stage === "closed") return refusal(words("already_in_stage", { stage: c.stage }));
  if (c.stage !== "activated" && !opts.force) return refusal(words("never_activated", { stage: c.stage }));
  return { kind: "ok", to: "closed" };
}
