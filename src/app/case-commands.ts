/**
 * Use cases the team starts (CLI and review UI): open a case, override an item, activate, close,
 * resolve a flag. Each decides in the core, renders what it sends and commits atomically.
 */
import { randomBytes } from "node:crypto";
import type { Decision } from "../core/case/decide.js";
import type { OpenCaseRequest } from "../core/case/open-case.js";
import { openCase } from "../core/case/open-case.js";
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import type { TeamAction } from "../core/case/stages.js";
import type { TeamResult, TeamStepVerdict } from "../core/case/team-actions.js";
import { addNote, checkTeamStep, overrideItem, resolveFlag, takeTeamAction, undoOverride } from "../core/case/team-actions.js";
import type { Rules } from "../core/rules/rules.js";
import type { Case, CaseId } from "../core/types.js";
import type { ComposeDeps } from "./compose-outbox.js";
import { composeOutbox } from "./compose-outbox.js";
import { restoreArchivedCase } from "./archive-cases.js";
import type { BlobStore, CaseRepository, Clock } from "./ports.js";
import type { ProcessMailDeps } from "./process-mail.js";
import { acceptHeldMail } from "./process-mail.js";

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

export type CommandResult = { kind: "ok"; case: Case; outbox: OutboxEntry[] } | { kind: "refused"; reason: string };

export async function openCaseCommand(deps: CaseCommandDeps, req: OpenCaseRequest, by: string): Promise<CommandResult> {
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
  /** Restore an archived case to the hot store (app/archive-cases.ts): read-write again. */
  | { kind: "reopen"; why: string };

export async function teamCommand(deps: CaseCommandDeps, caseId: CaseId, cmd: TeamCommand, by: string): Promise<CommandResult> {
  if (cmd.kind === "accept_sender") {
    if (!deps.mail) return { kind: "refused", reason: "accepting a held mail needs the mail pipeline" };
    const accepted = await acceptHeldMail(deps.mail, caseId, cmd.flag, by);
    if (accepted.kind === "refused") return accepted;
    const c = await deps.store.getCase(caseId);
    if (!c) return { kind: "refused", reason: `no case ${caseId}` };
    return { kind: "ok", case: c, outbox: accepted.outcome.kind === "case" ? accepted.outcome.outbox : [] };
  }
  if (cmd.kind === "reopen") {
    const restored = await restoreArchivedCase(deps, caseId, by, cmd.why);
    if (restored.kind === "refused") return restored;
    const c = await deps.store.getCase(restored.caseId);
    return c ? { kind: "ok", case: c, outbox: [] } : { kind: "refused", reason: `${restored.caseId} changed meanwhile; try again` };
  }
  // A concurrent mail may change the case between read and commit: decide again on the new version.
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await deps.store.getCase(caseId);
    if (!c) {
      if (await deps.store.isArchived(caseId)) return { kind: "refused", reason: `${caseId.toUpperCase()} is archived (read-only): reopen it first` };
      return { kind: "refused", reason: `no case ${caseId}` };
    }
    const now = deps.clock.now().toISOString();
    const result: TeamResult =
      cmd.kind === "override"
        ? overrideItem(c, cmd.item, by, cmd.why, deps.rules, now)
        : cmd.kind === "action"
          ? takeTeamAction(c, cmd.action, by, cmd.why, { force: cmd.force }, deps.rules, now)
          : cmd.kind === "note"
            ? addNote(c, by, cmd.text, deps.rules, now)
            : cmd.kind === "undo_override"
              ? undoOverride(c, cmd.item, by, cmd.why, deps.rules, now)
              : cmd.kind === "team_step"
                ? checkTeamStep(c, cmd.item, cmd.verdict, by, deps.rules, now)
                : resolveFlag(c, cmd.flag, by, cmd.how, deps.rules, now);
    if (result.kind === "refused") return result;
    const committed = await commitDecision(deps, c, result.decision, `team:${c.version}:${JSON.stringify(cmd)}`, now);
    if (committed.kind !== "refused" || committed.reason !== "conflict") return committed;
  }
  return { kind: "refused", reason: `case ${caseId} kept changing; try again` };
}

async function commitDecision(
  deps: CaseCommandDeps,
  before: Case | null,
  decision: Decision,
  trigger: string,
  now: string,
): Promise<CommandResult> {
  const composed = await composeOutbox(deps.compose, decision.case, decision.checklist, decision.outbox, trigger, now);
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
