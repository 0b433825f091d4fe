/**
 * Supervised mode (issue 18 §9): while a stage is supervised, the mails the bot composes on its own
 * (answers to mail, progress mails, reminders) are held as **drafts** — outbox entries that wait until
 * a team member sends, edits or discards them. How a desk starts trusting a new bot.
 *
 * A draft is an outbox entry in a held state, committed with the case change that made it; the case
 * lists its drafts (`Case.drafts`), so the work queue's index, written in the same commit, shows each
 * as "draft to review" from the time it was made. Sending releases it to the normal outbox path (the
 * same Message-ID, threading headers, Sent copy and dedupe). Discarding keeps it, marked discarded.
 *
 * The reminder plan counts from the participants' last activity (`activityAt`), which a draft does not
 * move: a discarded draft leaves the plan exactly as if the mail had never been composed. A draft sent
 * later than it was made restarts the plan from the send (`reminderRestart`), so that the participant
 * gets the stage's full wait to answer a mail they only now receive. Pure.
 */
import type { Case, CaseEvent, Draft, StageId } from "../types.js";
import { STAGES } from "../types.js";
import type { OutboxEntry } from "./outbox-entry.js";
import { refusal, said, summarised } from "../words/english.js";
import type { Refused, Words } from "../words/words.js";
import { words } from "../words/words.js";

/** `all`: every stage is supervised; a list: those stages; empty list: supervised mode is off. */
export type { Draft };

export type SupervisedStages = "all" | StageId[];

/** The longest reason a team member may give for a discard. */
export const MAX_DISCARD_REASON_CHARS = 500;
/** The longest text an edited draft may have (a mail, not a document). */
export const MAX_DRAFT_TEXT_CHARS = 20_000;

export type SupervisionParse = { kind: "ok"; stages: SupervisedStages } | { kind: "invalid"; reason: string; words: Words };

/** Reads `all`, `off`, empty, or a comma list of stage ids (as in SUPERVISED_STAGES and the Settings form). */
export function parseSupervisedStages(text: string): SupervisionParse {
  const t = text.trim().toLowerCase();
  if (t === "all") return { kind: "ok", stages: "all" };
  if (t === "" || t === "off" || t === "none") return { kind: "ok", stages: [] };
  const names = t.split(",").map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(STAGES as readonly string[]).includes(n));
  if (unknown.length) return { kind: "invalid", ...said(words("unknown_stages", { names: unknown, stages: [...STAGES] })) };
  return { kind: "ok", stages: STAGES.filter((s) => names.includes(s)) };
}

/** The setting as written in SUPERVISED_STAGES: `all`, a comma list, or "" (off). */
export function formatSupervisedStages(s: SupervisedStages): string {
  return s === "all" ? "all" : s.join(",");
}

export function isSupervised(s: SupervisedStages, stage: StageId): boolean {
  return s === "all" || s.includes(stage);
}

/**
 * Holds the entries of supervised stages as drafts: returns the case listing them, their keys (the
 * commit holds those instead of sending), and one timeline event per draft. Entries of other stages
 * go out as always.
 */
export function holdDrafts(c: Case, entries: OutboxEntry[], setting: SupervisedStages, now: string): { case: Case; held: string[]; events: CaseEvent[] } {
  const held = entries.filter((e) => isSupervised(setting, e.content?.stage ?? c.stage));
  if (held.length === 0) return { case: c, held: [], events: [] };
  const known = new Set((c.drafts ?? []).map((d) => d.key));
  const fresh = held.filter((e) => !known.has(e.key));
  const drafts: Draft[] = [
    ...(c.drafts ?? []),
    ...fresh.map((e) => ({ key: e.key, kind: e.kind, to: e.to, stage: e.content?.stage ?? c.stage, messageId: e.messageId, at: now })),
  ];
  const events: CaseEvent[] = fresh.map((e) => ({
    at: now,
    kind: "draft",
    by: "bot",
    ...summarised(words("draft_held", { mailKind: e.kind, to: e.to })),
    stage: e.content?.stage ?? c.stage,
    data: { outbox: e.key, action: "held" },
  }));
  return { case: { ...c, drafts }, held: held.map((e) => e.key), events };
}

export type DraftResult = { kind: "ok"; case: Case; events: CaseEvent[]; draft: Draft } | Refused;

function findDraft(c: Case, key: string): Draft | undefined {
  return (c.drafts ?? []).find((d) => d.key === key);
}

function without(c: Case, key: string): Case {
  const rest = (c.drafts ?? []).filter((d) => d.key !== key);
  const { drafts: _all, ...other } = c;
  return rest.length ? { ...other, drafts: rest } : other;
}

function notADraft(c: Case, key: string): DraftResult {
  return refusal(words("no_draft", { caseId: c.id, key }));
}

/**
 * A team member sends a draft: it leaves the case's drafts and goes to the outbox as it is stored
 * (edited or not). The reminder plan restarts from now when the draft waited (see the module's note).
 */
export function sendDraft(c: Case, key: string, by: string, now: string): DraftResult {
  const draft = findDraft(c, key);
  if (!draft) return notADraft(c, key);
  const next = without(c, key);
  const restart = now > c.activityAt ? { reminderRestart: { from: now, by, at: now, cause: "draft_sent" as const } } : {};
  const events: CaseEvent[] = [
    {
      at: now,
      kind: "draft",
      by,
      ...summarised(words("draft_sent", { mailKind: draft.kind, to: draft.to, by, ...(draft.edited ? { editedBy: draft.edited.by } : {}) })),
      stage: draft.stage,
      data: { outbox: key, action: "sent" },
    },
  ];
  return { kind: "ok", case: { ...next, ...restart }, events, draft };
}

/** A team member changes a draft's text; the draft waits on, now carrying the edit. */
export function editDraft(c: Case, key: string, by: string, now: string): DraftResult {
  const draft = findDraft(c, key);
  if (!draft) return notADraft(c, key);
  const edited: Draft = { ...draft, edited: { by, at: now } };
  const drafts = (c.drafts ?? []).map((d) => (d.key === key ? edited : d));
  const events: CaseEvent[] = [
    { at: now, kind: "draft", by, ...summarised(words("draft_edited", { mailKind: draft.kind, to: draft.to, by })), stage: draft.stage, data: { outbox: key, action: "edited" } },
  ];
  return { kind: "ok", case: { ...c, drafts }, events, draft: edited };
}

/**
 * A team member discards a draft: nothing is sent, and the case carries on as if the mail had not been
 * composed — its Message-ID leaves the thread's list (later mails do not refer to it), the checklist is
 * untouched and the reminder plan keeps counting from the participants' last activity.
 */
export function discardDraft(c: Case, key: string, by: string, why: string, now: string): DraftResult {
  const draft = findDraft(c, key);
  if (!draft) return notADraft(c, key);
  const reason = why.trim();
  if (reason.length > MAX_DISCARD_REASON_CHARS) return refusal(words("discard_reason_too_long", { max: MAX_DISCARD_REASON_CHARS }));
  const next = without(c, key);
  const messageIds = next.messageIds.filter((id) => id !== draft.messageId);
  const { rootMessageId, ...rest } = next;
  const root = rootMessageId === draft.messageId ? undefined : rootMessageId;
  const events: CaseEvent[] = [
    {
      at: now,
      kind: "draft",
      by,
      ...summarised(words("draft_discarded", { mailKind: draft.kind, to: draft.to, by, reason })),
      stage: draft.stage,
      data: { outbox: key, action: "discarded" },
    },
  ];
  return { kind: "ok", case: { ...rest, ...(root ? { rootMessageId: root } : {}), messageIds }, events, draft };
}
