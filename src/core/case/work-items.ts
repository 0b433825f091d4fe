/**
 * What a person of the desk must do about one case, one item per thing (SPEC §6 queue): every open
 * flag (rejected evidence, an unclear answer and an unassigned photo among them), a case ready to
 * activate, a participant whose mail bounces, a case whose escalation is at most a working day away.
 * Each says on whom the case waits and since when, and when the next reminder goes out.
 *
 * Also the team steps a case waits on once its participants have sent the rest (`withTeamSteps`).
 *
 * Two halves, so that the queue reads an index instead of every case (issue 19): `workEntries` is what
 * the case alone says (no clock, no rules), kept in its summary and indexed by `workIndex` in the same
 * commit; `workRows` adds, at read time, the working days, the next reminder and the closeness to
 * escalation, which depend on the clock and the rules. Pure.
 */
import type { Rules } from "../rules/rules.js";
import type { Case, FlagCode, StageId } from "../types.js";
import { STAGES } from "../types.js";
import type { Checklist } from "./checklist.js";
import { awaitingTeam, participantOpenItems } from "./checklist.js";
import { reminderPlan, reminderPlanStart, reminderStep, workingDaysBetween } from "./reminders.js";
import { englishText } from "../words/english.js";
import type { Words } from "../words/words.js";
import { words } from "../words/words.js";

export const WORK_CAUSES = ["flag", "evidence_rejected", "team_step", "ready_to_activate", "bounced", "draft", "near_escalation"] as const;
export type WorkCause = (typeof WORK_CAUSES)[number];
export type WaitingOn = "team" | "participants";
export const WAITING_ON: readonly WaitingOn[] = ["team", "participants"];

/** Orders of the queue: oldest waiting first (the default), newest waiting first, by stage then oldest. */
export const WORK_SORTS = ["oldest", "newest", "stage"] as const;
export type WorkSort = (typeof WORK_SORTS)[number];

/** Things to do kept in a summary; a case with more shows the oldest ones and the count. */
export const MAX_WORK_ENTRIES = 20;
/** Stage order dominates the stage sort's score: an epoch-ms time is below 1e13 until the year 2286. */
export const STAGE_SCORE_STEP = 1e13;

/** Flags the bot raised after asking the sender to fix something: the case waits on the sender. */
const ASKED_BACK: ReadonlySet<FlagCode> = new Set<FlagCode>(["evidence_rejected", "unclear_answer", "unassigned_photo"]);
/** Stages in which the bot reminds and escalates (rules/reminders.yaml applies). */
const DONE_STAGES: ReadonlySet<StageId> = new Set<StageId>(["activated", "closed"]);

/** One thing to do that the case alone tells (kept in the case summary). */
export interface WorkEntry {
  cause: Exclude<WorkCause, "near_escalation">;
  /** The flag code, case id or address the item is about. */
  subject: string;
  /** The cause in English (the API's and the CLI's; all that summaries kept before `words` have). */
  what: string;
  /** The cause as words (core/words), for the desk's language. */
  words?: Words;
  waitingOn: WaitingOn;
  since: string;
}

export interface WorkItem extends Omit<WorkEntry, "cause"> {
  /** Null for a mail tied to no case (unmatched, ambiguous, quarantined). */
  caseId: string | null;
  site: string;
  stage: StageId;
  locale: string;
  cause: WorkCause;
  owner: string | null;
  workingDays: number;
  nextReminder: string | null;
}

/** What `workRows` reads of a case: its summary's fields. */
export interface WorkSource {
  id: string;
  site: string;
  stage: StageId;
  locale?: string;
  owner?: string;
  openedAt: string;
  activityAt: string;
  /** Where the reminder plan starts, when not at `activityAt` (the team paused or restarted it). */
  remindFrom?: string;
  work?: WorkEntry[];
}

const what = (w: Words): { what: string; words: Words } => ({ what: englishText(w), words: w });

/** The things to do the case itself tells, oldest first (a closed case has none). */
export function workEntries(c: Case): WorkEntry[] {
  if (c.stage === "closed") return [];
  const out: WorkEntry[] = [];
  for (const f of c.flags) {
    if (f.resolved) continue;
    const cause = f.code === "evidence_rejected" ? "evidence_rejected" : "flag";
    out.push({ cause, subject: f.code, what: f.reason, ...(f.words ? { words: f.words } : {}), waitingOn: ASKED_BACK.has(f.code) ? "participants" : "team", since: f.at });
  }
  for (const item of c.awaitingTeam ?? []) {
    out.push({ cause: "team_step", subject: item, ...what(words("team_step_waiting", { item })), waitingOn: "team", since: c.activityAt || c.openedAt });
  }
  if (c.stage === "ready_for_activation") {
    out.push({ cause: "ready_to_activate", subject: c.id, ...what(words("ready_to_activate", {})), waitingOn: "team", since: c.activityAt || c.openedAt });
  }
  for (const p of c.participants) {
    if (p.undeliverable) {
      out.push({ cause: "bounced", subject: p.email, ...what(words("participant_bounces", { email: p.email, diagnostic: p.undeliverable.diagnostic })), waitingOn: "team", since: p.undeliverable.at });
    }
  }
  // Supervised mode (drafts.ts): the bot's mail waits for a team member to send, edit or discard it.
  for (const d of c.drafts ?? []) {
    out.push({ cause: "draft", subject: d.key, ...what(words("draft_waiting", { mailKind: d.kind, to: d.to })), waitingOn: "team", since: d.at });
  }
  return out.sort((a, b) => a.since.localeCompare(b.since) || a.subject.localeCompare(b.subject));
}

/**
 * The case with the team steps it waits on now (`awaitingTeam`): those of its stage once the stage's
 * participant items are all in, so the queue shows "to verify" only when nobody else is to act.
 */
export function withTeamSteps(c: Case, checklist: Checklist, rules: Rules): Case {
  const steps = c.stage === "closed" || participantOpenItems(checklist, c.stage, rules).length > 0 ? [] : awaitingTeam(checklist, c.stage, rules).map((i) => i.id);
  const { awaitingTeam: _was, ...rest } = c;
  return steps.length ? { ...rest, awaitingTeam: steps } : rest;
}

/**
 * The index entries of the work queue, key (without prefix) → score, written in the case's commit:
 * `work:since` (oldest thing to do, epoch ms) and `work:bystage` (stage order, then that time) order the
 * cases that have something to do; `work:f:<filter>:<value>` are the filters (owner, stage, language,
 * cause, waiting-on) checked by membership; `work:activity` holds every case that reminds, by where its
 * reminder plan starts (its last activity, or a later restart), and `work:activity:bystage` the same by
 * stage order then that time: the queue pages through their near-escalation window in either order.
 */
export function workIndex(c: Case, entries: WorkEntry[] = workEntries(c)): Record<string, number> {
  const out: Record<string, number> = {};
  if (!DONE_STAGES.has(c.stage)) {
    const activity = Date.parse(reminderPlanStart(c) || c.openedAt) || 0;
    out["work:activity"] = activity;
    out["work:activity:bystage"] = stageScore(c.stage, activity);
  }
  const first = entries[0];
  if (!first) return out;
  const since = Date.parse(first.since) || 0;
  out["work:since"] = since;
  out["work:bystage"] = stageScore(c.stage, since);
  const filters = [
    `owner:${c.owner?.name ?? "-"}`,
    `stage:${c.stage}`,
    `locale:${c.locale}`,
    ...entries.map((e) => `cause:${e.cause}`),
    ...entries.map((e) => `waiting:${e.waitingOn}`),
  ];
  for (const f of filters) out[`work:f:${f}`] = since;
  return out;
}

export function stageScore(stage: StageId, sinceMs: number): number {
  return STAGES.indexOf(stage) * STAGE_SCORE_STEP + sinceMs;
}

/** The reminder plan's next step after `now`, for a case in a stage that reminds. */
export function nextStep(s: Pick<WorkSource, "stage" | "activityAt" | "openedAt" | "remindFrom">, rules: Rules, now: string) {
  if (DONE_STAGES.has(s.stage)) return null;
  return reminderPlan(s.remindFrom ?? (s.activityAt || s.openedAt), rules.reminders).find((step) => step.at > now) ?? null;
}

/** The rows of one case at `now`: its kept entries, and closeness to escalation. */
export function workRows(s: WorkSource, rules: Rules, now: string, opts: { entries?: boolean; escalation?: boolean } = {}): WorkItem[] {
  if (s.stage === "closed") return [];
  const r = rules.reminders;
  const next = nextStep(s, rules, now);
  // Written out field by field, not spread: the queue makes one per row of every page.
  const row = (e: WorkEntry | Pick<WorkItem, "cause" | "subject" | "what" | "words" | "waitingOn" | "since">): WorkItem => {
    const item: WorkItem = {
      caseId: s.id,
      site: s.site,
      stage: s.stage,
      locale: s.locale ?? "",
      owner: s.owner ?? null,
      cause: e.cause,
      subject: e.subject,
      what: e.what,
      waitingOn: e.waitingOn,
      since: e.since,
      workingDays: workingDaysBetween(e.since, now, r),
      nextReminder: next?.at ?? null,
    };
    if (e.words) item.words = e.words;
    return item;
  };
  const rows: WorkItem[] = opts.entries === false ? [] : (s.work ?? []).map(row);
  if (opts.escalation !== false && next?.kind === "escalation" && workingDaysBetween(now, next.at, r) <= 1) {
    rows.push(row({ cause: "near_escalation", subject: s.id, ...what(words("near_escalation", {})), waitingOn: "participants", since: s.activityAt || s.openedAt }));
  }
  return rows;
}

/**
 * The last-activity times (epoch ms, inclusive) whose escalation falls after `now` and at most a working
 * day away: where the queue looks in `work:activity`. The escalation time only grows with the activity
 * time, so both ends are found by bisection over the past year.
 */
export function nearEscalationWindow(rules: Rules, now: string): { from: number; to: number } {
  // The window moves with the clock's minute at most: computed once a minute per rules (a few ms each).
  const key = now.slice(0, 16);
  const cached = windowCache.get(rules.reminders);
  if (cached?.key === key) return cached.window;
  const window = computeWindow(rules, now);
  windowCache.set(rules.reminders, { key, window });
  return window;
}

const HOUR = 3_600_000;
const windowCache = new WeakMap<Rules["reminders"], { key: string; window: { from: number; to: number } }>();

function computeWindow(rules: Rules, now: string): { from: number; to: number } {
  const r = rules.reminders;
  const last = r.after_working_days.length + 1;
  const escalation = (a: number): string => reminderStep(new Date(a).toISOString(), last, r)?.at ?? "";
  const nowMs = Date.parse(now);
  const lowest = (ok: (a: number) => boolean): number => {
    let lo = nowMs - 366 * 86_400_000;
    let hi = nowMs;
    if (!ok(hi)) return hi + 1;
    while (hi - lo > HOUR) {
      const mid = Math.floor((lo + hi) / 2);
      if (ok(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  };
  const from = lowest((a) => escalation(a) > now);
  // The first activity time whose escalation is more than a working day away; the window ends before it.
  const beyond = lowest((a) => workingDaysBetween(now, escalation(a), r) > 1);
  // An hour either side: bisection stops within one (the escalation moves at local midnight only);
  // each candidate's rows are checked exactly.
  return { from: from - HOUR, to: beyond + HOUR };
}
