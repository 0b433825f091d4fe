/**
 * The checklist: the rules evaluated against all evidence of a case so far (SPEC §3). Pure.
 * Later evidence wins over earlier evidence for the same item, except that an unclear answer never
 * undoes a clear one; an override wins over everything.
 */
import type { Rules } from "../rules/rules.js";
import { applicableStages, itemApplies } from "../rules/rules.js";
import type { ItemRuleT } from "../rules/schema.js";
import type { Case, ChecklistItem, ItemId, ItemState, StageId } from "../types.js";
import { quote, words } from "../words/words.js";
import { evaluateEvidenceItem } from "./evidence-items.js";

export interface Checklist {
  items: ChecklistItem[];
  /** Items whose latest answer was unclear, with the words read: asked again, quoting them. */
  unclear: Record<ItemId, string>;
  rulesVersion: string;
}

export function evaluateChecklist(c: Case, rules: Rules): Checklist {
  const unclear: Record<ItemId, string> = {};
  const items: ChecklistItem[] = [];
  for (const stage of applicableStages(rules, c)) {
    for (const item of stage.items) {
      if (!itemApplies(rules, item, c)) continue;
      const override = [...c.overrides].reverse().find((o) => o.item === item.id && !o.undone);
      let state: ItemState;
      if (override) {
        state = { status: "overridden", by: override.by, why: override.why, at: override.at };
      } else if (item.evidence === "team") {
        state = teamCheckState(c, item.id);
      } else if (item.evidence === "answer") {
        const read = answerState(c, item.id);
        state = read.state;
        if (read.unclear !== undefined) unclear[item.id] = read.unclear;
      } else {
        state = evaluateEvidenceItem(c, item, rules);
      }
      items.push({ id: item.id, stage: stage.id, state });
    }
  }
  return { items, unclear, rulesVersion: rules.version };
}

function answerState(c: Case, id: ItemId): { state: ItemState; unclear?: string } {
  let state: ItemState = { status: "missing" };
  let unclear: string | undefined;
  for (const record of c.evidence) {
    const answer = record.answers[id];
    if (!answer) continue;
    if (answer.status === "ok") {
      state = { status: "ok", value: answer.value, source: record.mail };
      unclear = undefined;
    } else if (answer.status === "negative") {
      state = { status: "failed", reason: answer.text, code: "negative_answer", words: words("state_answered_no", { text: quote(answer.text) }) };
      unclear = undefined;
    } else if (state.status !== "ok") {
      unclear = answer.text;
    }
  }
  return unclear === undefined ? { state } : { state, unclear };
}

/** The latest team member's verdict on a team step: confirmed is ok, sent back is failed with the reason. */
function teamCheckState(c: Case, id: ItemId): ItemState {
  const check = [...(c.teamChecks ?? [])].reverse().find((t) => t.item === id);
  if (!check) return { status: "missing" };
  return check.verdict === "confirmed"
    ? { status: "ok", value: `${check.by}`, source: `team:${check.at}` }
    : { status: "failed", code: "sent_back", reason: check.reason ?? "", words: words("state_sent_back", { by: check.by, reason: check.reason ?? "" }) };
}

export function isDone(state: ItemState): boolean {
  return state.status === "ok" || state.status === "overridden";
}

/** The items of one stage that still hold the case: blocking and neither ok nor overridden. */
export function openItems(checklist: Checklist, stage: StageId, rules: Pick<Rules, "stages">): ChecklistItem[] {
  const blocking = new Set(
    rules.stages.find((s) => s.id === stage)?.items.filter((i: ItemRuleT) => i.blocking).map((i) => i.id) ?? [],
  );
  return checklist.items.filter((i) => i.stage === stage && blocking.has(i.id) && !isDone(i.state));
}

/** Ids of a stage's team steps (`evidence: team`): never asked of a participant in a mail. */
export function teamStepIds(rules: Pick<Rules, "stages">, stage: StageId): Set<ItemId> {
  return new Set(rules.stages.find((s) => s.id === stage)?.items.filter((i) => i.evidence === "team").map((i) => i.id) ?? []);
}

/** The open items a participant of the stage can do something about (team steps left out). */
export function participantOpenItems(checklist: Checklist, stage: StageId, rules: Pick<Rules, "stages">): ChecklistItem[] {
  const team = teamStepIds(rules, stage);
  return openItems(checklist, stage, rules).filter((i) => !team.has(i.id));
}

/** The team steps that hold the case in its stage now ("to verify" in the review desk). */
export function awaitingTeam(checklist: Checklist, stage: StageId, rules: Pick<Rules, "stages">): ChecklistItem[] {
  const team = teamStepIds(rules, stage);
  return openItems(checklist, stage, rules).filter((i) => team.has(i.id));
}
