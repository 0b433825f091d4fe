/**
 * Reminders for waiting stages (SPEC §5): after N working days without activity the audience of the
 * stage is reminded, and after the last one the case is escalated to the flagged queue. Working days
 * skip weekends and the holidays in rules/reminders.yaml, counted in the desk's time zone. Pure.
 */
import type { Rules } from "../rules/rules.js";
import { stageRule } from "../rules/rules.js";
import type { Case, CaseEvent, StageId } from "../types.js";
import { awaitingTeam, evaluateChecklist, participantOpenItems } from "./checklist.js";
import type { Decision } from "./decide.js";
import { raiseFlag } from "./decide.js";
import { said, summarised } from "../words/english.js";
import { words } from "../words/words.js";
import { audienceOf } from "./stage-requests.js";

export interface ReminderStep {
  /** 1-based reminder number; the escalation is the step after the last reminder. */
  n: number;
  kind: "reminder" | "escalation";
  at: string;
}

/** Step `n` (1-based) of the plan that starts at `since`; undefined past the escalation. */
export function reminderStep(since: string, n: number, r: Rules["reminders"]): ReminderStep | undefined {
  const reminders = r.after_working_days.length;
  if (!Number.isInteger(n) || n < 1 || n > reminders + 1) return undefined;
  const days = n <= reminders ? (r.after_working_days[n - 1] as number) : r.escalate_after_working_days;
  return { n, kind: n <= reminders ? "reminder" : "escalation", at: addWorkingDays(since, days, r).toISOString() };
}

/**
 * Every step of the plan that starts at `since`: the reminders, then the escalation. The plan depends
 * on the local date of `since` only, so it is worked out once per date and rules (the work queue asks
 * for one per row of every page it shows); the steps are frozen, shared by every caller.
 */
export function reminderPlan(since: string, r: Rules["reminders"]): readonly ReminderStep[] {
  const start = localDate(new Date(since), r.time_zone);
  let plans = plansByRules.get(r);
  if (!plans) plansByRules.set(r, (plans = new Map()));
  let plan = plans.get(start);
  if (!plan) {
    if (plans.size >= MAX_REMEMBERED) plans.clear();
    plan = Object.freeze(Array.from({ length: r.after_working_days.length + 1 }, (_, i) => Object.freeze(reminderStep(since, i + 1, r) as ReminderStep)));
    plans.set(start, plan);
  }
  return plan;
}

const plansByRules = new WeakMap<Rules["reminders"], Map<string, readonly ReminderStep[]>>();

/** The instant `days` working days after `since`, at the configured hour in the desk's zone. */
export function addWorkingDays(since: string, days: number, r: Rules["reminders"]): Date {
  // Depends only on the local date: the work queue asks for hundreds of cases per page.
  const start = localDate(new Date(since), r.time_zone);
  return new Date(remembered(r, `add:${start}:${days}`, () => addWorkingDaysFrom(start, days, r).getTime()));
}

function addWorkingDaysFrom(start: string, days: number, r: Rules["reminders"]): Date {
  const holidays = new Set(r.holidays);
  let day = start;
  let left = days;
  while (left > 0) {
    day = nextDay(day);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(day)) left -= 1;
  }
  return zonedInstant(day, r.send_at_hour, r.time_zone);
}

/** Working days from `since` to `now` in the desk's zone: 0 on the same day, weekends and holidays not counted. */
export function workingDaysBetween(since: string, now: string, r: Rules["reminders"]): number {
  const start = localDate(new Date(since), r.time_zone);
  const end = localDate(new Date(now), r.time_zone);
  return remembered(r, `between:${start}:${end}`, () => workingDaysFromTo(start, end, r));
}

function workingDaysFromTo(start: string, end: string, r: Rules["reminders"]): number {
  const holidays = new Set(r.holidays);
  let day = start;
  let count = 0;
  // Bounded: a year of days at most, so a garbage date cannot spin.
  for (let i = 0; day < end && i < 366; i++) {
    day = nextDay(day);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !holidays.has(day)) count += 1;
  }
  return count;
}

/** Results by local dates, per reminder rules; a bound keeps a long-running process's map small. */
const MAX_REMEMBERED = 20_000;
const rememberedByRules = new WeakMap<Rules["reminders"], Map<string, number>>();
function remembered(r: Rules["reminders"], key: string, compute: () => number): number {
  let m = rememberedByRules.get(r);
  if (!m) rememberedByRules.set(r, (m = new Map()));
  let v = m.get(key);
  if (v === undefined) {
    if (m.size >= MAX_REMEMBERED) m.clear();
    m.set(key, (v = compute()));
  }
  return v;
}

/**
 * A zone's offset changes on quarter hours of UTC only (offsets and DST shifts are whole quarter hours
 * in every zone in use today), so every instant of a quarter hour has one local date, unless the
 * quarter's two ends say otherwise (then each instant is formatted on its own).
 */
const QUARTER_MS = 900_000;
const datesByZone = new Map<string, Map<number, string>>();

/** The local date (`YYYY-MM-DD`) of `d` in `timeZone`: ICU's formatting costs ~10 µs, a remembered quarter hour far less. */
function localDate(d: Date, timeZone: string): string {
  const t = d.getTime();
  const quarter = Math.floor(t / QUARTER_MS);
  let dates = datesByZone.get(timeZone);
  const known = dates?.get(quarter);
  if (known !== undefined) return known;
  const format = formatter(`date:${timeZone}`, () => new Intl.DateTimeFormat("sv-SE", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }));
  if (Number.isNaN(t)) return format.format(d);
  const first = format.format(quarter * QUARTER_MS);
  if (first !== format.format(quarter * QUARTER_MS + QUARTER_MS - 1)) return format.format(d);
  if (!dates) datesByZone.set(timeZone, (dates = new Map()));
  if (dates.size >= MAX_REMEMBERED) dates.clear();
  dates.set(quarter, first);
  return first;
}

function nextDay(day: string): string {
  const d = new Date(`${day}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Formatters are costly to build (~0.2 ms) and immutable: one per zone and use, kept. */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(key: string, make: () => Intl.DateTimeFormat): Intl.DateTimeFormat {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make()));
  return f;
}

/**
 * Where a case's reminder plan counts from: its last activity, or a later restart by the team
 * (reminders paused until a date, a reminder sent now). Both the planner and the fired step use it, so
 * a step planned before a restart cancels itself.
 */
export function reminderPlanStart(c: Pick<Case, "activityAt" | "reminderRestart">): string {
  const restart = c.reminderRestart?.from;
  return restart && restart > c.activityAt ? restart : c.activityAt;
}

/** The instant a desk's day (`YYYY-MM-DD`) begins for reminders: the configured hour in its zone. */
export function deskDayStart(day: string, r: Rules["reminders"]): Date {
  return zonedInstant(day, r.send_at_hour, r.time_zone);
}

/** Today's date (`YYYY-MM-DD`) in the desk's zone. */
export function deskDay(now: string, r: Rules["reminders"]): string {
  return localDate(new Date(now), r.time_zone);
}

/** UTC instant of `hour`:00 local time on `day` in `timeZone`. */
function zonedInstant(day: string, hour: number, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, hour);
  return new Date(guess - zoneOffsetMs(guess, timeZone));
}

function zoneOffsetMs(t: number, timeZone: string): number {
  const parts = formatter(`parts:${timeZone}`, () =>
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    }),
  ).formatToParts(new Date(t));
  const p = (type: string) => Number(parts.find((x) => x.type === type)?.value ?? 0);
  return Date.UTC(p("year"), p("month") - 1, p("day"), p("hour"), p("minute"), p("second")) - t;
}

export type ReminderOutcome = { kind: "cancelled"; reason: string } | { kind: "due"; decision: Decision };

/** What a reminder step does when it fires: nothing if the case moved on since it was planned. */
export function decideReminder(
  c: Case,
  step: { stage: StageId; n: number; kind: "reminder" | "escalation"; plannedFrom: string },
  rules: Rules,
  now: string,
): ReminderOutcome {
  if (c.stage !== step.stage) return { kind: "cancelled", reason: `case moved on to ${c.stage}` };
  if (reminderPlanStart(c) > step.plannedFrom) {
    return { kind: "cancelled", reason: c.activityAt > step.plannedFrom ? "activity since the reminder was planned" : "the team restarted the reminders" };
  }
  const stage = stageRule(rules, c.stage);
  if (!stage.reminders) return { kind: "cancelled", reason: `stage ${c.stage} has no reminders` };
  const checklist = evaluateChecklist(c, rules);
  // A stage held only by team steps waits on the team, not on the participant: nobody is reminded.
  const open = participantOpenItems(checklist, c.stage, rules);
  if (open.length === 0) return { kind: "cancelled", reason: "nothing is missing from the participants" };
  const events: CaseEvent[] = [];
  if (step.kind === "escalation") {
    const flagged = raiseFlag(c, events, {
      code: "no_reply_escalation",
      ...said(words("no_reply_escalation", { stage: c.stage, days: rules.reminders.escalate_after_working_days, reminders: step.n - 1 })),
      at: now,
    });
    return { kind: "due", decision: { case: flagged, events, outbox: [], checklist } };
  }
  const to = audienceOf(c, stage.audience);
  events.push({ at: now, kind: "reminder", by: "bot", ...summarised(words("reminder_sent", { n: step.n, to })), stage: c.stage });
  return {
    kind: "due",
    decision: {
      case: c,
      events,
      checklist,
      outbox: [
        {
          kind: "reminder",
          slot: `reminder:${c.stage}:${step.plannedFrom}:${step.n}`,
          to,
          cc: [],
          content: {
            stage: c.stage,
            received: [],
            open: open.map((i) => (i.state.status === "failed" ? { id: i.id, failed: i.state.reason } : { id: i.id })),
            unclear: [],
            problems: [],
            reminder: step.n,
          },
          attachForms: [],
        },
      ],
    },
  };
}

/**
 * When a case whose stage waits on the team should be flagged: `team_escalate_after_working_days`
 * working days after `since` (the case's last activity), at the configured hour.
 */
export function teamEscalationAt(since: string, r: Rules["reminders"]): string {
  return addWorkingDays(since, r.team_escalate_after_working_days, r).toISOString();
}

/**
 * A team step that waits too long (issue 22): when the escalation planned from `plannedFrom` fires
 * and the stage is still held only by team steps that no member has acted on since, the case is
 * flagged `team_step_overdue` for the queue. Nothing is mailed: the wait is the team's own.
 */
export function decideTeamEscalation(c: Case, step: { stage: StageId; plannedFrom: string }, rules: Rules, now: string): ReminderOutcome {
  if (c.stage !== step.stage) return { kind: "cancelled", reason: `case moved on to ${c.stage}` };
  const checklist = evaluateChecklist(c, rules);
  // A step sent back waits on the participant's fix, not on the team.
  const waiting = awaitingTeam(checklist, c.stage, rules).filter((i) => i.state.status === "missing");
  if (waiting.length === 0) return { kind: "cancelled", reason: "no team step holds the case" };
  if (participantOpenItems(checklist, c.stage, rules).length > 0) return { kind: "cancelled", reason: "the case waits on a participant too" };
  if ((c.teamChecks ?? []).some((t) => t.at > step.plannedFrom)) return { kind: "cancelled", reason: "a team member acted since" };
  if (c.flags.some((f) => f.code === "team_step_overdue" && !f.resolved)) return { kind: "cancelled", reason: "already flagged" };
  const events: CaseEvent[] = [];
  const days = workingDaysBetween(step.plannedFrom, now, rules.reminders);
  const flagged = raiseFlag(c, events, {
    code: "team_step_overdue",
    ...said(words("team_step_overdue", { items: waiting.map((i) => i.id), days, since: step.plannedFrom })),
    at: now,
  });
  return { kind: "due", decision: { case: flagged, events, outbox: [], checklist } };
}
