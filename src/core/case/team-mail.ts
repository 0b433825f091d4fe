/**
 * The team speaks in the case's thread (issue 18 §6, §7): asks for named photos again, asks again about
 * named checklist items, sends the reminder now, writes a line of its own, pauses the reminders until a
 * date, and replaces a bounced participant address, sending the last mail again to the new one. Each is
 * a decision like the bot's own: its mail is an outbox intent (rendered from templates/, in the thread,
 * deduplicated by the outbox key), and its event names the team member. Pure.
 */
import { retakeLine } from "../evidence/photo-verdict.js";
import type { PhotoReasonCode } from "../evidence/schema.js";
import { PHOTO_REASON_CODES } from "../evidence/schema.js";
import type { Rules } from "../rules/rules.js";
import { stageRule } from "../rules/rules.js";
import type { Case, CaseEvent, ItemId, Participant, PhotoEvidence } from "../types.js";
import type { Checklist } from "./checklist.js";
import { evaluateChecklist, participantOpenItems } from "./checklist.js";
import type { MailKind, OutboxIntent, ReplyContent } from "./outbox-intent.js";
import { deskDay, deskDayStart } from "./reminders.js";
import { audienceOf, openFor, teamPendingFor } from "./stage-requests.js";
import type { TeamResult } from "./team-actions.js";
import { refusal, summarised } from "../words/english.js";
import type { Refused, Words } from "../words/words.js";
import { words } from "../words/words.js";

/** Bound on what a team member writes into a mail: a few paragraphs, not a document. */
export const MAX_TEAM_MAIL_CHARS = 4000;
/** Photos or items one mail names at most: more is a new stage request, not a question. */
export const MAX_NAMED = 20;
/** Reminders are paused at most this far ahead. */
export const MAX_PAUSE_DAYS = 366;

export type TeamMail =
  /** Named photos (`photoRef`) asked for again from whoever sent each, with the member's reason. */
  | { kind: "retake"; photos: string[]; reason: string }
  /** Named checklist items asked about again (unclear words quoted, failed reasons given). */
  | { kind: "ask_again"; items: ItemId[]; note: string }
  /** The stage's reminder now, to the stage's audience; the bot's own reminders count from now. */
  | { kind: "remind"; note: string }
  /** A line of the member's own to named participants. */
  | { kind: "message"; to: string[]; text: string };

export type TeamMailKind = TeamMail["kind"];

/** How the desk names one photo of a case's evidence: its blob, else its file name. */
export function photoRef(p: Pick<PhotoEvidence, "blob" | "file">): string {
  return p.blob ?? `file:${p.file}`;
}

const refused = (w: Words): TeamResult => refusal(w);

/**
 * The mail a team member asks for, as a decision. `draft` names this one request (the desk's preview
 * hands it out): it is part of each intent's slot, so sending the same draft twice is one mail.
 */
export function teamMail(c: Case, req: TeamMail, by: string, rules: Rules, now: string, draft: string): TeamResult {
  if (c.stage === "closed") return refused(words("closed_mails_nothing", { caseId: c.id }));
  const checklist = evaluateChecklist(c, rules);
  const base = { received: [], open: [], unclear: [], problems: [], stage: c.stage } satisfies ReplyContent;
  const plan = planOf(c, req, rules, checklist.unclear);
  if (plan.kind === "refused") return plan;
  for (const p of plan.parts) {
    const bounced = p.to.flatMap((email) => {
      const u = c.participants.find((x) => x.email === email)?.undeliverable;
      return u ? [email] : [];
    });
    if (bounced.length) return refused(words("replace_bounced_first", { addresses: bounced }));
    if (p.to.length === 0) return refused(words("nobody_to_send_to", {}));
  }
  let next: Case = c;
  const events: CaseEvent[] = [];
  const outbox: OutboxIntent[] = plan.parts.map((p, i) => ({
    kind: p.kind,
    slot: `${req.kind}:${draft}:${i}`,
    to: p.to,
    cc: [],
    content: { ...base, ...p.content },
    attachForms: [],
  }));
  if (req.kind === "remind") {
    next = { ...c, reminderRestart: { from: now, by, at: now, cause: "reminded_now" } };
    events.push({ at: now, kind: "reminder", by, ...summarised(words("reminded_now", { by, to: outbox.flatMap((o) => o.to), note: noteText(req.note) })), stage: c.stage });
  } else {
    if (plan.summary) events.push({ at: now, kind: "team_mail", by, ...summarised(plan.summary), stage: c.stage });
  }
  return { kind: "ok", decision: { case: next, events, outbox, checklist: evaluateChecklist(next, rules) } };
}

interface Part {
  kind: MailKind;
  to: string[];
  content: Partial<ReplyContent>;
}

type Plan = { kind: "ok"; parts: Part[]; summary: Words | null } | Refused;

function planOf(c: Case, req: TeamMail, rules: Rules, unclear: Record<ItemId, string>): Plan {
  switch (req.kind) {
    case "retake":
      return retakePlan(c, req, rules);
    case "ask_again":
      return askAgainPlan(c, req, rules, unclear);
    case "remind": {
      const stage = stageRule(rules, c.stage);
      if (!stage.reminders) return refusal(words("stage_sends_no_reminders", { stage: c.stage }));
      const checklist = evaluateChecklist(c, rules);
      if (participantOpenItems(checklist, c.stage, rules).length === 0) {
        return refusal(words("nothing_to_remind", { stage: c.stage }));
      }
      const text = req.note.trim();
      if (text.length > MAX_TEAM_MAIL_CHARS) return refusal(words("text_too_long", { what: "note", max: MAX_TEAM_MAIL_CHARS }));
      const to = audienceOf(c, stage.audience === "team" ? "network_manager" : stage.audience);
      const content: Partial<ReplyContent> = {
        open: openFor(checklist, c.stage, rules),
        teamPending: teamPendingFor(checklist, c.stage, rules),
        ...(text ? { teamNote: text } : {}),
      };
      return { kind: "ok", parts: [{ kind: "reminder", to, content }], summary: null };
    }
    case "message": {
      const text = req.text.trim();
      if (!text) return refusal(words("message_needs_text", {}));
      if (text.length > MAX_TEAM_MAIL_CHARS) return refusal(words("text_too_long", { what: "message", max: MAX_TEAM_MAIL_CHARS }));
      const to = [...new Set(req.to.map((a) => a.trim().toLowerCase()).filter(Boolean))];
      if (to.length === 0) return refusal(words("choose_recipients", {}));
      const strangers = to.filter((a) => !c.participants.some((p) => p.email === a));
      if (strangers.length) return refusal(words("not_participants", { addresses: strangers, caseId: c.id }));
      return { kind: "ok", parts: [{ kind: "team_message", to, content: { teamNote: text } }], summary: words("team_message", { to, excerpt: excerpt(text) }) };
    }
  }
}

function retakePlan(c: Case, req: Extract<TeamMail, { kind: "retake" }>, rules: Rules): Plan {
  const refs = [...new Set(req.photos)];
  if (refs.length === 0) return refusal(words("choose_photos", {}));
  if (refs.length > MAX_NAMED) return refusal(words("too_many_photos", { max: MAX_NAMED }));
  const reason = req.reason.trim();
  if (reason.length > MAX_TEAM_MAIL_CHARS) return refusal(words("text_too_long", { what: "reason", max: MAX_TEAM_MAIL_CHARS }));
  const byRecipient = new Map<string, string[]>();
  const files: string[] = [];
  for (const ref of refs) {
    const found = c.evidence.flatMap((r) => r.photos.filter((p) => photoRef(p) === ref).map((p) => ({ from: r.from, photo: p }))).at(-1);
    if (!found) return refusal(words("no_photo", { ref, caseId: c.id }));
    const { photo } = found;
    const codes = photo.reasons.filter((r): r is PhotoReasonCode => (PHOTO_REASON_CODES as readonly string[]).includes(r));
    const advice = photo.status === "failed" ? retakeLine(photo.file, codes, rules.photos, c.locale) : null;
    if (!advice && !reason) return refusal(words("photo_passed", { file: photo.file }));
    const to = recipient(c, found.from, photoAudience(c, photo, rules));
    byRecipient.set(to.join(","), [...(byRecipient.get(to.join(",")) ?? []), advice ?? photo.file]);
    files.push(photo.file);
  }
  const parts: Part[] = [...byRecipient].map(([to, lines]) => ({
    kind: "retake_request",
    to: to.split(",").filter(Boolean),
    content: { problems: lines, ...(reason ? { teamNote: reason } : {}) },
  }));
  const who = parts.flatMap((p) => p.to).join(", ");
  return { kind: "ok", parts, summary: words("retake_asked", { files, who, note: noteText(reason) }) };
}

function askAgainPlan(c: Case, req: Extract<TeamMail, { kind: "ask_again" }>, rules: Rules, unclear: Record<ItemId, string>): Plan {
  const ids = [...new Set(req.items)];
  if (ids.length === 0) return refusal(words("choose_items", {}));
  if (ids.length > MAX_NAMED) return refusal(words("too_many_items", { max: MAX_NAMED }));
  const text = req.note.trim();
  if (text.length > MAX_TEAM_MAIL_CHARS) return refusal(words("text_too_long", { what: "note", max: MAX_TEAM_MAIL_CHARS }));
  const checklist = evaluateChecklist(c, rules);
  const byRecipient = new Map<string, Partial<ReplyContent> & { open: ReplyContent["open"]; unclear: ReplyContent["unclear"] }>();
  for (const id of ids) {
    const item = checklist.items.find((i) => i.id === id);
    const rule = rules.stages.flatMap((s) => s.items.map((r) => ({ stage: s, rule: r }))).find((x) => x.rule.id === id);
    if (!item || !rule) return refusal(words("not_an_item_of", { item: id, caseId: c.id }));
    if (rule.rule.evidence === "team") return refusal(words("team_own_step", { item: id }));
    const answeredBy = [...c.evidence].reverse().find((r) => r.answers[id] !== undefined)?.from;
    const audience = rule.rule.audience ?? rule.stage.audience;
    const to = recipient(c, answeredBy, audienceOf(c, audience === "team" ? "network_manager" : audience)).join(",");
    const part = byRecipient.get(to) ?? { open: [], unclear: [] };
    if (unclear[id] !== undefined) part.unclear.push({ id, text: unclear[id] });
    else part.open.push(item.state.status === "failed" ? { id, failed: item.state.reason } : { id });
    byRecipient.set(to, part);
  }
  const parts: Part[] = [...byRecipient].map(([to, content]) => ({
    kind: "ask_again",
    to: to.split(",").filter(Boolean),
    content: { ...content, ...(text ? { teamNote: text } : {}) },
  }));
  return { kind: "ok", parts, summary: words("asked_again", { items: ids, to: parts.flatMap((p) => p.to), note: noteText(text) }) };
}

/** Whoever sent the evidence, while they are a participant; else the audience that stands in. */
function recipient(c: Case, from: string | undefined, fallback: string[]): string[] {
  return from && c.participants.some((p) => p.email === from) ? [from] : fallback;
}

function photoAudience(c: Case, photo: PhotoEvidence, rules: Rules): string[] {
  const audience = photo.stage ? stageRule(rules, photo.stage).audience : "network_manager";
  return audienceOf(c, audience === "team" ? "network_manager" : audience);
}

/**
 * Reminders paused until `day` (the desk's date, `YYYY-MM-DD`): nothing is sent before, and the plan
 * starts again that day (the first reminder its usual number of working days later).
 */
export function pauseReminders(c: Case, day: string, why: string, by: string, rules: Rules, now: string): TeamResult {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T12:00:00Z`)) || new Date(`${day}T12:00:00Z`).toISOString().slice(0, 10) !== day) {
    return refused(words("not_a_date", { day }));
  }
  const today = deskDay(now, rules.reminders);
  if (day <= today) return refused(words("pause_after_today", { today }));
  if (Date.parse(`${day}T12:00:00Z`) - Date.parse(`${today}T12:00:00Z`) > MAX_PAUSE_DAYS * 86_400_000) {
    return refused(words("pause_too_far", { max: MAX_PAUSE_DAYS }));
  }
  if (c.stage === "closed" || c.stage === "activated") return refused(words("no_reminders_when_done", { caseId: c.id, stage: c.stage }));
  const reason = why.trim();
  if (reason.length > MAX_TEAM_MAIL_CHARS) return refused(words("text_too_long", { what: "reason", max: MAX_TEAM_MAIL_CHARS }));
  const from = deskDayStart(day, rules.reminders).toISOString();
  const next: Case = { ...c, reminderRestart: { from, by, at: now, cause: "paused" } };
  const events: CaseEvent[] = [
    { at: now, kind: "reminder", by, ...summarised(words("reminders_paused", { day, note: noteText(reason) })), stage: c.stage },
  ];
  return { kind: "ok", decision: { case: next, events, outbox: [], checklist: evaluateChecklist(next, rules) } };
}

/** The mail to send again to a replaced address: the last one the old address was sent. */
export interface ResendSource {
  kind: MailKind;
  /** What it said; absent on mails sent before it was kept (the stage's request is sent instead). */
  content?: ReplyContent;
  attachments: { filename: string; blob: string; contentType: string }[];
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/**
 * A participant's address is replaced (it bounced, or the person changed): the role and name stay, the
 * bounce mark goes, the open bounce flags of the old address are resolved, and, with `resend`, the last
 * mail the old address was sent goes again to the new one, in the thread.
 */
export function replaceAddress(
  c: Case,
  oldEmail: string,
  replacement: { email: string; name?: string },
  resend: ResendSource | null,
  by: string,
  rules: Rules,
  now: string,
  draft: string,
): TeamResult {
  const old = oldEmail.trim().toLowerCase();
  const email = replacement.email.trim().toLowerCase();
  const person = c.participants.find((p) => p.email === old);
  if (!person) return refused(words("not_participants", { addresses: [old || "(empty)"], caseId: c.id }));
  if (!EMAIL.test(email) || email.length > 254) return refused(words("not_an_email_address", { email: email || "(empty)" }));
  if (email === old) return refused(words("same_address", {}));
  if (c.participants.some((p) => p.email === email)) return refused(words("already_a_participant", { email, caseId: c.id }));
  const name = replacement.name?.trim();
  const replaced: Participant = { email, role: person.role, ...(name || person.name ? { name: name || person.name } : {}) };
  let next: Case = { ...c, participants: c.participants.map((p) => (p === person ? replaced : p)) };
  const events: CaseEvent[] = [
    { at: now, kind: "participant_changed", by, ...summarised(words("participant_replaced", { old, email, role: person.role, ...(person.undeliverable ? { diagnostic: person.undeliverable.diagnostic } : {}) })) },
  ];
  const how = summarised(words("resolved_address_replaced", { email }));
  next = {
    ...next,
    flags: next.flags.map((f) => {
      if (f.resolved || f.code !== "bounce" || !f.reason.toLowerCase().includes(old)) return f;
      events.push({ at: now, kind: "flag_resolved", by, ...summarised(words("flag_resolved", { code: "bounce", how: how.summary, howWords: how.words })) });
      return { ...f, resolved: { by, at: now, how: how.summary, words: how.words } };
    }),
  };
  const checklist = evaluateChecklist(next, rules);
  if (!resend) return { kind: "ok", decision: { case: next, events, outbox: [], checklist } };
  if (c.stage === "closed") return refused(words("closed_replace_without_sending", { caseId: c.id }));
  const intent = resendIntent(next, checklist, rules, resend, email, `resend:${draft}`);
  events.push({ at: now, kind: "team_mail", by, ...summarised(words("last_mail_resent", { mailKind: resend.kind, email, old })), stage: next.stage });
  return { kind: "ok", decision: { case: next, events, outbox: [intent], checklist } };
}

/**
 * The mail sent again to `email`: what the resend source said, or, when it kept no content, the
 * stage's request as it stands (so the address hears what is open).
 */
export function resendIntent(c: Case, checklist: Checklist, rules: Rules, resend: ResendSource, email: string, slot: string): OutboxIntent {
  const content: ReplyContent = resend.content ?? {
    stage: c.stage,
    received: [],
    open: openFor(checklist, c.stage, rules),
    teamPending: teamPendingFor(checklist, c.stage, rules),
    unclear: [],
    problems: [],
  };
  return {
    kind: resend.content ? resend.kind : "stage_request",
    slot,
    to: [email],
    cc: [],
    content,
    attachForms: [],
    ...(resend.attachments.length ? { attachEvidence: resend.attachments } : {}),
  };
}

/** A member's note as the timeline quotes it ("" when none). */
function noteText(text: string): string {
  return text.trim() ? excerpt(text.trim()) : "";
}

/** The timeline shows a member's words; a long text is cut there (the mail has it whole). */
function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ");
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}

/**
 * A team member adds an address to the case as a participant (`team_added`): its mail is then trusted
 * as theirs (issue 18 §8, "assign and accept the sender"). The display name is kept when given.
 */
export function addParticipant(c: Case, person: { email: string; name?: string }, by: string, rules: Rules, now: string): TeamResult {
  const email = person.email.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) return refused(words("not_an_email_address", { email: email || "(empty)" }));
  if (c.participants.some((p) => p.email === email)) return refused(words("already_a_participant", { email, caseId: c.id }));
  const name = person.name?.trim();
  const next: Case = { ...c, participants: [...c.participants, { email, role: "team_added", ...(name ? { name } : {}) }] };
  const events: CaseEvent[] = [{ at: now, kind: "participant_changed", by, ...summarised(words("participant_added", { email })) }];
  return { kind: "ok", decision: { case: next, events, outbox: [], checklist: evaluateChecklist(next, rules) } };
}
