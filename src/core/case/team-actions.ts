/**
 * Team actions from the review UI and the CLI (SPEC §1, §5): override an item, confirm or send back a
 * team step, activate, close, resolve a flag. Each is recorded as an event with who and why. Pure.
 */
import type { Rules } from "../rules/rules.js";
import type { Case, CaseEvent, ItemId, StageId, TeamCheck } from "../types.js";
import type { Checklist } from "./checklist.js";
import type { OutboxIntent } from "./outbox-intent.js";
import { evaluateChecklist, teamStepIds } from "./checklist.js";
import type { Decision } from "./decide.js";
import { audienceOf, openFor, stageRequests } from "./stage-requests.js";
import { stageRule } from "../rules/rules.js";
import type { TeamAction } from "./stages.js";
import { autoAdvance, teamTransition } from "./stages.js";
import { refusal, summarised } from "../words/english.js";
import type { Words } from "../words/words.js";
import { words } from "../words/words.js";

/** Refused: `reason` in English (CLI, API), `words` for the desk's language (core/words). */
export type TeamResult = { kind: "ok"; decision: Decision } | { kind: "refused"; reason: string; words?: Words };

export function overrideItem(c: Case, item: ItemId, by: string, why: string, rules: Rules, now: string): TeamResult {
  const before = evaluateChecklist(c, rules);
  if (!before.items.some((i) => i.id === item)) {
    return refusal(words("not_a_checklist_item", { item, caseId: c.id, items: before.items.map((i) => i.id) }));
  }
  if (!why.trim()) return refusal(words("override_needs_reason", {}));
  let next: Case = { ...c, overrides: [...c.overrides, { item, by, why, at: now }] };
  const events: CaseEvent[] = [{ at: now, kind: "override", by, ...summarised(words("item_overridden", { item, why })) }];
  const checklist = evaluateChecklist(next, rules);
  for (const stage of autoAdvance(next, checklist, rules)) {
    events.push({ at: now, kind: "stage_changed", by, ...summarised(words("stage_advanced", { from: next.stage, to: stage, after: "override" })), stage });
    next = { ...next, stage, activityAt: now };
  }
  const outbox = next.stage !== c.stage ? stageRequests(next, checklist, rules, [], `override:${item}:${now}`) : [];
  return { kind: "ok", decision: { case: next, events, outbox, checklist } };
}

export type TeamStepVerdict = { kind: "confirm" } | { kind: "send_back"; reason: string };

/**
 * A team member confirms a team step of the case's current stage (the account verified, the site
 * ready), or sends it back with a reason that is mailed to the stage's audience. Only the current
 * stage's steps: confirming ahead would let the bot pass a step before the team saw its evidence.
 */
export function checkTeamStep(c: Case, item: ItemId, verdict: TeamStepVerdict, by: string, rules: Rules, now: string): TeamResult {
  const steps = teamStepIds(rules, c.stage);
  if (!steps.has(item)) {
    const steps = rules.stages.flatMap((s) => s.items.filter((i) => i.evidence === "team").map((i) => ({ item: i.id, stage: s.id })));
    return refusal(words("not_a_team_step", { item, stage: c.stage, steps }));
  }
  const reason = verdict.kind === "send_back" ? verdict.reason.trim() : "";
  if (verdict.kind === "send_back" && !reason) return refusal(words("send_back_needs_reason", {}));
  const check: TeamCheck =
    verdict.kind === "confirm" ? { item, verdict: "confirmed", by, at: now } : { item, verdict: "sent_back", by, at: now, reason };
  let next: Case = { ...c, teamChecks: [...(c.teamChecks ?? []), check], activityAt: now };
  const events: CaseEvent[] = [
    {
      at: now,
      kind: "item_changed",
      by,
      ...summarised(verdict.kind === "confirm" ? words("item_confirmed", { item, by }) : words("item_sent_back", { item, by, reason })),
      stage: c.stage,
    },
  ];
  const checklist = evaluateChecklist(next, rules);
  if (verdict.kind === "send_back") {
    const stage = stageRule(rules, c.stage);
    const intent = {
      kind: "sent_back" as const,
      slot: `sent_back:${item}:${now}`,
      to: audienceOf(next, stage.audience === "team" ? "network_manager" : stage.audience),
      cc: [],
      content: { stage: c.stage, received: [], open: openFor(checklist, c.stage, rules), unclear: [], problems: [], sentBack: { id: item, reason } },
      attachForms: [],
    };
    return { kind: "ok", decision: { case: next, events, outbox: [intent], checklist } };
  }
  for (const stage of autoAdvance(next, checklist, rules)) {
    events.push({ at: now, kind: "stage_changed", by, ...summarised(words("stage_advanced", { from: next.stage, to: stage, after: "confirmed", item })), stage });
    next = { ...next, stage };
  }
  const requests = next.stage !== c.stage ? stageRequests(next, checklist, rules, [], `confirm:${item}:${now}`) : [];
  const told = toldOfConfirmation(next, c.stage, item, checklist, rules, now);
  // One mail to one person: whoever gets the next stage's request (the network manager of a case
  // without installer) reads the confirmation in it instead of in a mail of its own.
  const inRequest = (a: string) => requests.some((r) => r.to.includes(a));
  const outbox = [
    ...told.map((t) => ({ ...t, to: t.to.filter((a) => !inRequest(a)) })).filter((t) => t.to.length > 0),
    ...requests.map((r) => (told.some((t) => t.to.some((a) => r.to.includes(a))) ? { ...r, content: { ...r.content, confirmed: { id: item } } } : r)),
  ];
  return { kind: "ok", decision: { case: next, events, outbox, checklist } };
}

/** The mail that tells a team step's confirmation (rules `tell_when_confirmed`): "your account is verified". */
function toldOfConfirmation(c: Case, from: StageId, item: ItemId, checklist: Checklist, rules: Rules, now: string): OutboxIntent[] {
  const tell = rules.stages.flatMap((s) => s.items).find((i) => i.id === item)?.tell_when_confirmed;
  if (!tell) return [];
  const to = audienceOf(c, tell);
  if (to.length === 0) return [];
  // Verified before the network manager answered everything: the mail says what is still missing.
  const open = stageRule(rules, c.stage).audience === tell ? openFor(checklist, c.stage, rules) : [];
  return [
    {
      kind: "step_confirmed",
      slot: `confirmed:${item}:${now}`,
      to,
      cc: [],
      content: { stage: c.stage, received: [], open, unclear: [], problems: [], confirmed: { id: item }, ...(c.stage !== from ? { advancedFrom: from } : {}) },
      attachForms: [],
    },
  ];
}

export function takeTeamAction(
  c: Case,
  action: TeamAction,
  by: string,
  why: string,
  opts: { force: boolean },
  rules: Rules,
  now: string,
): TeamResult {
  const t = teamTransition(c, action, opts);
  if (t.kind === "refused") return t;
  const next: Case = { ...c, stage: t.to, activityAt: now, ...(t.to === "closed" ? { closedFrom: c.stage } : {}) };
  const checklist = evaluateChecklist(next, rules);
  const events: CaseEvent[] = [
    { at: now, kind: "stage_changed", by, ...summarised(words("stage_set", { from: c.stage, to: t.to, action, why })), stage: t.to },
  ];
  const outbox = action === "activate" ? stageRequests(next, checklist, rules, [], "activated") : [];
  return { kind: "ok", decision: { case: next, events, outbox, checklist } };
}

export function resolveFlag(c: Case, flagId: string, by: string, how: string, rules: Rules, now: string): TeamResult {
  const flag = c.flags.find((f) => f.id === flagId && !f.resolved);
  if (!flag) return refusal(words("no_open_flag", { flag: flagId, caseId: c.id }));
  const next: Case = { ...c, flags: c.flags.map((f) => (f === flag ? { ...f, resolved: { by, at: now, how } } : f)) };
  return {
    kind: "ok",
    decision: {
      case: next,
      events: [{ at: now, kind: "flag_resolved", by, ...summarised(words("flag_resolved", { code: flag.code, how })) }],
      outbox: [],
      checklist: evaluateChecklist(next, rules),
    },
  };
}

/** Bound on an internal note: a paragraph or a few, not a document. */
export const MAX_NOTE_CHARS = 4000;

/** An internal note in the timeline: the case itself does not change, and nobody is mailed. */
export function addNote(c: Case, by: string, text: string, rules: Rules, now: string): TeamResult {
  const note = text.trim();
  if (!note) return refusal(words("note_needs_text", {}));
  if (note.length > MAX_NOTE_CHARS) return refusal(words("note_too_long", { max: MAX_NOTE_CHARS }));
  return { kind: "ok", decision: { case: c, events: [{ at: now, kind: "note", by, summary: note }], outbox: [], checklist: evaluateChecklist(c, rules) } };
}

/** Takes back the item's standing override: recorded on the override and in the timeline, not erased. */
export function undoOverride(c: Case, item: ItemId, by: string, why: string, rules: Rules, now: string): TeamResult {
  const standing = [...c.overrides].reverse().find((o) => o.item === item && !o.undone);
  if (!standing) return refusal(words("no_override_to_undo", { item }));
  if (!why.trim()) return refusal(words("undo_needs_reason", {}));
  const next: Case = { ...c, overrides: c.overrides.map((o) => (o === standing ? { ...o, undone: { by, why, at: now } } : o)) };
  return {
    kind: "ok",
    decision: {
      case: next,
      events: [{ at: now, kind: "override", by, ...summarised(words("override_undone", { item, by: standing.by, why })) }],
      outbox: [],
      checklist: evaluateChecklist(next, rules),
    },
  };
}

/** Bound on a team member's name as an owner (the desk's logins are short names). */
export const MAX_OWNER_CHARS = 80;

/**
 * Assigns the case to a team member (`owner` null: unassigned). Recorded with who assigned whom; the
 * case's stage and reminders do not change.
 */
export function assignOwner(c: Case, owner: string | null, by: string, rules: Rules, now: string): TeamResult {
  const name = owner?.trim() ?? null;
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  if (name !== null && (!name || name.length > MAX_OWNER_CHARS || /[\u0000-\u001f\u007f]/.test(name))) {
    return refusal(words("bad_owner_name", { max: MAX_OWNER_CHARS }));
  }
  if ((c.owner?.name ?? null) === name) return refusal(name ? words("already_assigned", { caseId: c.id, owner: name }) : words("not_assigned", { caseId: c.id }));
  const { owner: _old, ...rest } = c;
  const next: Case = name ? { ...rest, owner: { name, by, at: now } } : rest;
  const said = summarised(
    name ? words("owner_assigned", { owner: name, by, ...(c.owner ? { was: c.owner.name } : {}) }) : words("owner_unassigned", { by, was: c.owner?.name ?? null }),
  );
  return { kind: "ok", decision: { case: next, events: [{ at: now, kind: "owner_changed", by, ...said }], outbox: [], checklist: evaluateChecklist(next, rules) } };
}

/**
 * Reopens a closed case in the stage it was closed from; a case closed before that was recorded goes
 * to the first stage whose checklist is not complete. Reminders count from now; nobody is mailed (the
 * team says why in the reason, and speaks in the thread if it must).
 */
export function reopenCase(c: Case, by: string, why: string, rules: Rules, now: string): TeamResult {
  if (c.stage !== "closed") return refusal(words("not_closed", { caseId: c.id, stage: c.stage }));
  if (!why.trim()) return refusal(words("reopen_needs_reason", {}));
  const to = c.closedFrom ?? firstIncompleteStage(c, rules);
  const { closedFrom: _from, ...rest } = c;
  const next: Case = { ...rest, stage: to, activityAt: now };
  return {
    kind: "ok",
    decision: {
      case: next,
      events: [{ at: now, kind: "stage_changed", by, ...summarised(words("case_reopened", { to, by, why: why.trim() })), stage: to }],
      outbox: [],
      checklist: evaluateChecklist(next, rules),
    },
  };
}

function firstIncompleteStage(c: Case, rules: Rules): Case["stage"] {
  const probe: Case = { ...c, stage: "open" };
  const checklist = evaluateChecklist(probe, rules);
  const passed = autoAdvance(probe, checklist, rules);
  return passed[passed.length - 1] ?? "open";
}
