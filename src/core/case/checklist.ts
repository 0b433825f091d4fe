/**
 * The checklist: the rules evaluated against all evidence of a case so far (SPEC §3). Pure.
 * Later evidence wins over earlier evidence for the same item, except that an unclear answer never
 * undoes a clear one; an override wins over everything.
 */
import type { Rules } from "../rules/rules.js";
import { applicableStages } from "../rules/rules.js";
import type { ItemRuleT } from "../rules/schema.js";
import type { Case, ChecklistItem, ItemId, ItemState, StageId } from "../types.js";
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
      const override = [...c.overrides].reverse().find((o) => o.item === item.id && !o.undone);
      let state: ItemState;
      if (override) {
        state = { status: "overridden", by: override.by, why: override.why, at: override.at };
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
      state = { status: "failed", reason: answer.text, code: "negative_answer" };
      unclear = undefined;
    } else if (state.status !== "ok") {
      unclear = answer.text;
    }
  }
  return unclear === undefined ? { state } : { state, unclear };
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
