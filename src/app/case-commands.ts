/**
 * Use cases the team starts (CLI and review UI): open a case, override an item, activate, close,
 * resolve a flag. Each decides in the core, renders what it sends and commits atomically.
 */
import { refusal } from "../core/words/english.js";
import type { Words } from "../core/words/words.js";
import { words } from "../core/words/words.js";
import { randomBytes } from "node:crypto";
import type { Decision } from "../core/case/decide.js";
import type { FieldProblem } from "../core/case/case-fields.js";
import { problemsText } from "../core/case/case-fields.js";
import type { CaseEdit } from "../core/case/edit-case.js";
import { editCase } from "../core/case/edit-case.js";
import type { OpenCaseRequest } from "../core/case/open-case.js";
import { checkOpenCase, openCase } from "../core/case/open-case.js";
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import type { TeamAction } from "../core/case/stages.js";
import { withTeamSteps } from "../core/case/work-items.js";
import type { TeamResult, TeamStepVerdict } from "../core/case/team-actions.js";
import { addNote, assignOwner, checkTeamStep, overrideItem, reopenCase, resolveFlag, takeTeamAction, undoOverride } from "../core/case/team-actions.js";
import { findMake } from "../core/rules/makes.js";
import type { Rules } from "../core/rules/rules.js";
import type { Case, CaseId } from "../core/types.js";
import type { ComposeDeps } from "./compose-outbox.js";
import { composeOutbox } from "./compose-outbox.js";
import { restoreArchivedCase } from "./archive-cases.js";
import type { BlobStore, CaseRepository, Clock } from "./ports.js";
import type { ProcessMailDeps } from "./process-mail.js";
import { acceptHeldMail } from "./process-mail.js";
import { lastMailTo } from "./last-mail.js";

export interface CaseCommandDeps {
  store: CaseRepository;
  rules: Rules;
  compose: ComposeDeps;
  clock: Clock;
  /** The mail pipeline, for accepting a held mail (it is processed again); absent, that is refused. */
  mail?: ProcessMailDeps & { blobs: BlobStore };
}

/** 48 bits: two cases that share an id (a lost store) do not share Message-IDs. */
const CASE_NONCE_BYTES = 6;

/** Refused: `reason` in English (CLI, API), `words` for the desk's language when the core gave them (core/words). */
export type CommandResult = { kind: "ok"; case: Case; outbox: OutboxEntry[] } | { kind: "refused"; reason: string; words?: Words };

/**
 * Opens a case. `make` may be written as people write it ("Alpitronic", "alpitronic hypercharger"):
 * it is resolved against rules/makes.yaml, and a make the rules do not know is refused.
 */
export async function openCaseCommand(deps: CaseCommandDeps, req: OpenCaseRequest, by: string): Promise<CommandResult> {
  const r = await openCaseChecked(deps, req, by);
  return r.kind === "invalid" ? { kind: "refused", reason: problemsText(r.problems) } : r;
}

/** What opening a case gave, with every bad field named (the desk shows each next to its field). */
export type OpenCaseResult = CommandResult | { kind: "invalid"; problems: FieldProblem[] };

/** Opens a case after checking each field (core checkOpenCase); the make is resolved here. */
export async function openCaseChecked(deps: CaseCommandDeps, asked: OpenCaseRequest, by: string): Promise<OpenCaseResult> {
  const checked = checkOpenCase(asked);
  if (checked.kind === "invalid") return checked;
  let req = checked.req;
  if (req.make !== undefined) {
    const make = findMake(deps.rules.makes, req.make);
    if (!make) return { kind: "invalid", problems: [{ field: "make", code: "unknown_make", value: req.make, message: `unknown make “${req.make}”; rules/makes.yaml knows: ${deps.rules.makes.makes.map((m) => m.id).join(", ")}` }] };
    req = { ...req, make: make.id };
  }
  const id = await deps.store.nextCaseId();
  const now = deps.clock.now().toISOString();
  const decision = openCase(id, req, deps.rules, now, by, randomBytes(CASE_NONCE_BYTES).toString("hex"));
  return commitDecision(deps, null, decision, `open:${id}`, now);
}

export type TeamCommand =
  | { kind: "override"; item: string; why: string }
  | { kind: "action"; action: TeamAction; why: string; force: boolean }
  /** Confirm a team step (account verified, site ready) or send it back with a reason that is mailed. */
  | { kind: "team_step"; item: string; verdict: TeamStepVerdict }
  | { kind: "resolve_flag"; flag: string; how: string }
  /** Accept the mail held for an unknown sender: the sender joins the case and the mail is processed. */
  | { kind: "accept_sender"; flag: string }
  /** An internal note in the timeline. */
  | { kind: "note"; text: string }
  /** Take back an item's override (recorded, not erased). */
  | { kind: "undo_override"; item: string; why: string }
  /** Assign the case to a team member (`toSelf`: the one acting), or unassign it (owner null). */
  | { kind: "assign"; owner: string | null; toSelf?: boolean }
  /** Reopen a closed case in the stage it was closed from; an archived one is restored to the hot store first. */
  | { kind: "reopen"; why: string }
  /** Change the case's facts (core/case/edit-case.ts); `resend`: the last mail goes again to each participant added. */
  | { kind: "edit"; edit: CaseEdit; resend: boolean };

export async function teamCommand(deps: CaseCommandDeps, caseId: CaseId, cmd: TeamCommand, by: string): Promise<CommandResult> {
  if (cmd.kind === "accept_sender") {
    if (!deps.mail) return refusal(words("needs_mail_pipeline", {}));
    const accepted = await acceptHeldMail(deps.mail, caseId, cmd.flag, by);
    if (accepted.kind === "refused") return accepted;
    const c = await deps.store.getCase(caseId);
    if (!c) return refusal(words("no_case", { caseId }));
    return { kind: "ok", case: c, outbox: accepted.outcome.kind === "case" ? accepted.outcome.outbox : [] };
  }
  if (cmd.kind === "reopen" && (await deps.store.isArchived(caseId))) {
    // An archived case comes back to the hot store first, then is reopened like any closed case.
    const restored = await restoreArchivedCase(deps, caseId, by, cmd.why);
    if (restored.kind === "refused") return restored;
  }
  const resend = cmd.kind === "edit" && cmd.resend && (cmd.edit.add ?? []).length > 0 ? await lastMailTo(deps, caseId) : null;
  // A concurrent mail may change the case between read and commit: decide again on the new version.
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await deps.store.getCase(caseId);
    if (!c) {
      if (await deps.store.isArchived(caseId)) return refusal(words("archived_read_only", { caseId: caseId.toUpperCase() }));
      return refusal(words("no_case", { caseId }));
    }
    const now = deps.clock.now().toISOString();
    const edited = cmd.kind === "edit" ? editCase(c, cmd.edit, by, deps.rules, now, resend ? { source: resend, slot: `edit:${c.version}` } : null) : null;
    if (edited?.kind === "invalid") return { kind: "refused", reason: problemsText(edited.problems) };
    const result: TeamResult = edited
      ? edited
      : cmd.kind === "override"
        ? overrideItem(c, cmd.item, by, cmd.why, deps.rules, now)
        : cmd.kind === "action"
          ? takeTeamAction(c, cmd.action, by, cmd.why, { force: cmd.force }, deps.rules, now)
          : cmd.kind === "note"
            ? addNote(c, by, cmd.text, deps.rules, now)
            : cmd.kind === "undo_override"
              ? undoOverride(c, cmd.item, by, cmd.why, deps.rules, now)
              : cmd.kind === "team_step"
                ? checkTeamStep(c, cmd.item, cmd.verdict, by, deps.rules, now)
                : cmd.kind === "assign"
                  ? assignOwner(c, cmd.toSelf ? by : cmd.owner, by, deps.rules, now)
                  : cmd.kind === "reopen"
                    ? reopenCase(c, by, cmd.why, deps.rules, now)
                    : cmd.kind === "resolve_flag"
                      ? resolveFlag(c, cmd.flag, by, cmd.how, deps.rules, now)
                      : { kind: "refused", reason: `${cmd.kind} is not a team command` };
    if (result.kind === "refused") return result;
    const committed = await commitDecision(deps, c, result.decision, `team:${c.version}:${JSON.stringify(cmd)}`, now);
    if (committed.kind !== "refused" || committed.reason !== "conflict") return committed;
  }
  return refusal(words("case_kept_changing", { caseId }));
}

async function commitDecision(
  deps: CaseCommandDeps,
  before: Case | null,
  decision: Decision,
  trigger: string,
  now: string,
): Promise<CommandResult> {
  const composed = await composeOutbox(deps.compose, withTeamSteps(decision.case, decision.checklist, deps.rules), decision.checklist, decision.outbox, trigger, now);
  const result = await deps.store.commit({
    before,
    case: composed.case,
    events: decision.events,
    outbox: composed.entries,
    messageIds: composed.entries.map((e) => e.messageId),
    looseFlags: [],
  });
  if (result !== "committed") return { kind: "refused", reason: "conflict" };
  return { kind: "ok", case: composed.case, outbox: composed.entries };
}
