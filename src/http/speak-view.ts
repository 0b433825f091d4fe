/**
 * What the case page offers for speaking in the thread (issue 18 §6–8), and the API returns with the
 * case: the photos that can be asked for again, the items that can be asked about again, who can be
 * written to, whether the stage reminds, the addresses that bounce, and the held mails to read.
 */
import { stageRule } from "../core/rules/rules.js";
import type { Rules } from "../core/rules/rules.js";
import type { Checklist } from "../core/case/checklist.js";
import { participantOpenItems } from "../core/case/checklist.js";
import { photoRef } from "../core/case/team-mail.js";
import { audienceOf } from "../core/case/stage-requests.js";
import type { Case, FlagCode, ItemState, ReminderRestart, Role } from "../core/types.js";
import { STAGES } from "../core/types.js";

export interface SpeakView {
  photos: { ref: string; file: string; from: string; status: "ok" | "failed"; reasons: string[]; category: string | null }[];
  /** Participant items of the stages reached so far that are not done, or whose answer was unclear. */
  askable: { id: string; state: ItemState["status"]; unclear?: string }[];
  recipients: { email: string; name?: string; role: Role; bounces: boolean }[];
  /** The stage's reminder can be sent now, to these addresses (empty: it cannot). */
  remindTo: string[];
  reminderRestart?: ReminderRestart;
  bounced: { email: string; name?: string; role: Role; diagnostic: string }[];
  held: { id: string; code: FlagCode; reason: string }[];
}

/** Photos listed at most: a case has a few dozen. */
const MAX_PHOTOS = 60;

export function speakView(c: Case, checklist: Checklist, rules: Rules): SpeakView {
  const team = new Set(rules.stages.flatMap((s) => s.items.filter((i) => i.evidence === "team").map((i) => i.id)));
  // Only what was asked already: the items of the stages up to the case's own.
  const reached = new Set(STAGES.slice(0, STAGES.indexOf(c.stage) + 1));
  const askable = checklist.items
    .filter((i) => reached.has(i.stage) && !team.has(i.id) && (checklist.unclear[i.id] !== undefined || i.state.status === "missing" || i.state.status === "failed"))
    .map((i) => ({ id: i.id, state: i.state.status, ...(checklist.unclear[i.id] !== undefined ? { unclear: checklist.unclear[i.id] } : {}) }));
  const stage = stageRule(rules, c.stage);
  const canRemind = stage.reminders && c.stage !== "closed" && participantOpenItems(checklist, c.stage, rules).length > 0;
  return {
    photos: c.evidence
      .flatMap((r) => r.photos.map((p) => ({ ref: photoRef(p), file: p.file, from: r.from, status: p.status, reasons: p.reasons, category: p.category })))
      .slice(-MAX_PHOTOS),
    askable,
    recipients: c.participants.map((p) => ({ email: p.email, ...(p.name ? { name: p.name } : {}), role: p.role, bounces: p.undeliverable !== undefined })),
    remindTo: canRemind ? audienceOf(c, stage.audience === "team" ? "network_manager" : stage.audience) : [],
    ...(c.reminderRestart ? { reminderRestart: c.reminderRestart } : {}),
    bounced: c.participants.flatMap((p) => (p.undeliverable ? [{ email: p.email, ...(p.name ? { name: p.name } : {}), role: p.role, diagnostic: p.undeliverable.diagnostic }] : [])),
    held: c.flags.filter((f) => !f.resolved && f.blob).map((f) => ({ id: f.id, code: f.code, reason: f.reason })),
  };
}
