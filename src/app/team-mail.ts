/**
 * The team speaks in the case's thread (core/case/team-mail.ts) over ports: a preview renders exactly
 * what would be committed, without committing; sending commits the case, its events and its outbox
 * entries in one step, keyed by the preview's draft id in the mail ledger, so a second press of Send
 * (a double click, a reload) sends nothing more. The mails are outbox entries like every other: the
 * thread's headers, the dedupe key, the Sent copy.
 */
import { randomBytes } from "node:crypto";
import type { TeamResult } from "../core/case/team-actions.js";
import type { TeamMail } from "../core/case/team-mail.js";
import { addParticipant, pauseReminders, replaceAddress, teamMail } from "../core/case/team-mail.js";
import type { CaseId } from "../core/types.js";
import type { CaseCommandDeps, CommandResult } from "./case-commands.js";
import { composeOutbox } from "./compose-outbox.js";
import { lastMailTo } from "./last-mail.js";

/** A draft id names one previewed request: hex, short enough for a form field and a ledger key. */
export const DRAFT_PATTERN = /^[a-f0-9]{16}$/;

export function newDraft(): string {
  return randomBytes(8).toString("hex");
}

export type SpeakCommand =
  | { kind: "mail"; mail: TeamMail }
  | { kind: "pause"; until: string; why: string }
  | { kind: "replace_address"; old: string; email: string; name?: string; resend: boolean }
  | { kind: "add_participant"; email: string; name?: string };

export interface PreviewMail {
  kind: string;
  to: string[];
  cc: string[];
  subject: string;
  inReplyTo?: string;
  text: string;
  html: string;
  attachments: string[];
}

export type PreviewResult = { kind: "ok"; draft: string; mails: PreviewMail[] } | { kind: "refused"; reason: string };

/** What sending the mail would send, rendered as it would be, with the draft id that sends it. */
export async function previewTeamMail(deps: CaseCommandDeps, caseId: CaseId, mail: TeamMail, by: string, draft = newDraft()): Promise<PreviewResult> {
  if (!DRAFT_PATTERN.test(draft)) return { kind: "refused", reason: "that draft id is not one the desk handed out" };
  const c = await deps.store.getCase(caseId);
  if (!c) return { kind: "refused", reason: `no case ${caseId}` };
  const now = deps.clock.now().toISOString();
  const result = teamMail(c, mail, by, deps.rules, now, draft);
  if (result.kind === "refused") return result;
  const { entries } = await composeOutbox(deps.compose, result.decision.case, result.decision.checklist, result.decision.outbox, triggerOf(draft), now);
  return {
    kind: "ok",
    draft,
    mails: entries.map((e) => ({
      kind: e.kind,
      to: e.to,
      cc: e.cc,
      subject: e.subject,
      ...(e.inReplyTo ? { inReplyTo: e.inReplyTo } : {}),
      text: e.text,
      html: e.html,
      attachments: e.attachments.map((a) => a.filename),
    })),
  };
}

/**
 * Carries out one speak command. `draft` names it (the preview's id; a new one when absent): a
 * command whose draft was committed before changes nothing and sends nothing again.
 */
export async function speakCommand(deps: CaseCommandDeps, caseId: CaseId, cmd: SpeakCommand, by: string, draft = newDraft()): Promise<CommandResult> {
  if (!DRAFT_PATTERN.test(draft)) return { kind: "refused", reason: "that draft id is not one the desk handed out" };
  const resend = cmd.kind === "replace_address" && cmd.resend ? await lastMailTo(deps, caseId, cmd.old.trim().toLowerCase()) : null;
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await deps.store.getCase(caseId);
    if (!c) return { kind: "refused", reason: `no case ${caseId}` };
    const now = deps.clock.now().toISOString();
    const result: TeamResult =
      cmd.kind === "mail"
        ? teamMail(c, cmd.mail, by, deps.rules, now, draft)
        : cmd.kind === "pause"
          ? pauseReminders(c, cmd.until, cmd.why, by, deps.rules, now)
          : cmd.kind === "add_participant"
            ? addParticipant(c, { email: cmd.email, ...(cmd.name ? { name: cmd.name } : {}) }, by, deps.rules, now)
            : replaceAddress(c, cmd.old, { email: cmd.email, ...(cmd.name ? { name: cmd.name } : {}) }, resend, by, deps.rules, now, draft);
    if (result.kind === "refused") return result;
    const { decision } = result;
    const composed = await composeOutbox(deps.compose, decision.case, decision.checklist, decision.outbox, triggerOf(draft), now);
    const committed = await deps.store.commit({
      before: c,
      case: composed.case,
      events: decision.events,
      outbox: composed.entries,
      mail: { key: `team:${caseId}:${draft}`, outcome: `team:${cmd.kind}` },
      messageIds: composed.entries.map((e) => e.messageId),
      looseFlags: [],
    });
    if (committed === "already_handled") return { kind: "ok", case: c, outbox: [] };
    if (committed === "committed") return { kind: "ok", case: composed.case, outbox: composed.entries };
  }
  return { kind: "refused", reason: `case ${caseId} kept changing; try again` };
}

function triggerOf(draft: string): string {
  return `team_mail:${draft}`;
}
