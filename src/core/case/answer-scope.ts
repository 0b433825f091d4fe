/**
 * Whose words answer which items (SPEC §3): the network manager's side answers the items of the
 * stages addressed to the network manager, the installer's side (installer, contractor) the answer
 * items of the installer's and contractor's stages ("jag är certifierad"). A contractor's "här är
 * bilderna" is no media answer, and a network manager cannot certify the installer. Pure.
 */
import type { Rules } from "../rules/rules.js";
import type { Answers, ItemId, Role } from "../types.js";

export function answerScope(rules: Pick<Rules, "stages">, role: Role): Set<ItemId> {
  const side = role === "network_manager" || role === "team_added" ? ["network_manager"] : ["installer", "contractor"];
  return new Set(
    rules.stages.filter((s) => side.includes(s.audience)).flatMap((s) => s.items.filter((i) => i.evidence === "answer").map((i) => i.id)),
  );
}

/** The answers of a reply that its sender's role may give. */
export function answersInScope(answers: Answers, rules: Pick<Rules, "stages">, role: Role): Answers {
  const scope = answerScope(rules, role);
  return Object.fromEntries(Object.entries(answers).filter(([id]) => scope.has(id)));
}
