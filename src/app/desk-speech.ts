/**
 * What the desk (pages and JSON API) needs to speak in the thread and to triage held mail, as one port
 * the composition root builds: each action that commits hands its case and outbox entries to
 * `dispatch` (the outbox and reminder queues), as every team command does.
 */
import type { Case, CaseId } from "../core/types.js";
import type { TeamMail } from "../core/case/team-mail.js";
import type { CaseCommandDeps, CommandResult } from "./case-commands.js";
import type { HeldMailView } from "./loose-mail.js";
import { heldMailView, looseMailView, rejectLooseMail } from "./loose-mail.js";
import type { BlobStore } from "./ports.js";
import type { ProcessMailDeps } from "./process-mail.js";
import { releaseHeldMail, settleLooseFlag } from "./process-mail.js";
import type { PreviewResult, SpeakCommand } from "./team-mail.js";
import { previewTeamMail, speakCommand } from "./team-mail.js";
import { refusal } from "../core/words/english.js";
import type { Refused } from "../core/words/words.js";
import { words } from "../core/words/words.js";

export type Settled = { kind: "ok" } | Refused;

export interface DeskSpeech {
  preview(caseId: CaseId, mail: TeamMail, by: string, draft?: string): Promise<PreviewResult>;
  command(caseId: CaseId, cmd: SpeakCommand, by: string, draft?: string): Promise<CommandResult>;
  /** A flag tied to no case, its mail and suggested cases; null: no such flag. */
  looseMail(flagId: string): Promise<HeldMailView | null>;
  /** A case's held mail (unknown sender, DMARC failure); null: no such flag. */
  heldMail(caseId: CaseId, flagId: string): Promise<HeldMailView | null>;
  rejectLoose(flagId: string, reason: string, by: string): Promise<Settled>;
  /** Releases a mail held for a DMARC failure: processed again as the sender's. */
  release(caseId: CaseId, flagId: string, by: string): Promise<Settled>;
  /** Assigns a loose mail to a case and accepts its sender there in one step: the mail is processed as a participant's. */
  assignAccepting(flagId: string, caseId: CaseId, by: string): Promise<Settled>;
}

export function deskSpeech(
  deps: CaseCommandDeps & { mail: ProcessMailDeps & { blobs: BlobStore } },
  dispatch: (c: Case, outboxKeys: string[]) => Promise<void>,
): DeskSpeech {
  const loose = { store: deps.store, readMail: (blob: string) => deps.mail.parse({ blob }) };
  return {
    preview: (caseId, mail, by, draft) => previewTeamMail(deps, caseId, mail, by, draft),
    async command(caseId, cmd, by, draft) {
      const r = await speakCommand(deps, caseId, cmd, by, draft);
      if (r.kind === "ok") await dispatch(r.case, r.outbox.map((e) => e.key));
      return r;
    },
    looseMail: (flagId) => looseMailView(loose, flagId),
    heldMail: (caseId, flagId) => heldMailView(loose, caseId, flagId),
    rejectLoose: (flagId, reason, by) => rejectLooseMail({ store: deps.store, clock: deps.clock }, flagId, reason, by),
    async release(caseId, flagId, by) {
      const r = await releaseHeldMail(deps.mail, caseId, flagId, by);
      if (r.kind === "refused") return r;
      if (r.outcome.kind === "case") await dispatch(r.outcome.decision.case, r.outcome.outbox.map((e) => e.key));
      return { kind: "ok" };
    },
    async assignAccepting(flagId, caseId, by) {
      const loose = await deps.store.looseFlag(flagId);
      if (!loose || loose.resolved || !loose.blob) return refusal(words("no_kept_mail", { flag: flagId }));
      const from = (await deps.mail.parse({ blob: loose.blob })).from;
      if (!from?.address) return refusal(words("no_sender_to_accept", {}));
      const c = await deps.store.getCase(caseId);
      if (!c) return refusal(words("no_case", { caseId }));
      // The sender joins first, so that the assigned mail is processed as a participant's.
      if (!c.participants.some((p) => p.email === from.address)) {
        const added = await speakCommand(deps, caseId, { kind: "add_participant", email: from.address, ...(from.name ? { name: from.name } : {}) }, by);
        if (added.kind === "refused") return added;
      }
      const assigned = await settleLooseFlag(deps.mail, flagId, { kind: "assign", caseId }, by);
      if (assigned.kind === "refused") return assigned;
      if (assigned.outcome?.kind === "case") await dispatch(assigned.outcome.decision.case, assigned.outcome.outbox.map((e) => e.key));
      return { kind: "ok" };
    },
  };
}
