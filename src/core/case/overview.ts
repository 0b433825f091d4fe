/**
 * The desk's overview (issue 18 item 10): cases per stage, median and oldest time in stage, arrivals
 * and activations per week, open flags per cause, and reply lag. The arithmetic only — pure, no I/O.
 *
 * The store keeps what these figures need in the same commit as each case change, so that reading them
 * costs a few index reads whatever the store's size (issue 19):
 *   - `stageEntered` on the case (when it entered its stage), and an index per stage of the cases in it
 *     scored by that time (`stageSinceKey`): the oldest is rank 0, the median the middle rank;
 *   - per-week counters of cases opened and activated (`weekCounts`), one hash field per ISO week;
 *   - a rolling record of reply lags of the last REPLY_LAG_WINDOW_MS, ranked by lag (`replyLagMs`).
 * Time in stage is `now − entry time`, so the median time in stage is now − the median entry time.
 */
import type { Case, CaseEvent, StageId } from "../types.js";
import { STAGES } from "../types.js";
import type { OutboxEntry } from "./outbox-entry.js";

/** Weeks the overview shows of arrivals and activations. */
export const OVERVIEW_WEEKS = 12;
/** Reply lag is the median and p95 over this window. */
export const REPLY_LAG_WINDOW_MS = 7 * 86_400_000;
/** The rolling record of reply lags keeps at most this many replies (the oldest go first): its bound. */
export const MAX_REPLY_LAG_SAMPLES = 50_000;
/** Stages whose time in stage is indexed; a closed case only waits for the archive. */
export const TIMED_STAGES: readonly StageId[] = STAGES.filter((s) => s !== "closed");

/** The week counters' hashes (key without prefix): one field per ISO week, e.g. `2026-W49`. */
export const WEEK_COUNTERS = { opened: "stats:opened", activated: "stats:activated" } as const;
export type WeekCounter = keyof typeof WEEK_COUNTERS;

/** The index of cases in a stage by the time they entered it (key without prefix). */
export function stageSinceKey(stage: StageId): string {
  return `stagesince:${stage}`;
}

/** The ISO 8601 week (weeks start on Monday; week 1 holds the year's first Thursday), in UTC. */
export function isoWeek(ms: number): string {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The Monday (00:00 UTC) that starts the ISO week of `ms`, as epoch ms. */
export function weekStart(ms: number): number {
  const d = new Date(ms);
  const day = (d.getUTCDay() + 6) % 7;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day);
}

/** The `n` ISO weeks up to and including the one of `nowMs`, oldest first. */
export function lastWeeks(nowMs: number, n: number = OVERVIEW_WEEKS): string[] {
  const start = weekStart(nowMs);
  // Noon on each Monday: far from a week's edges whatever the leap seconds or rounding.
  return Array.from({ length: n }, (_, i) => isoWeek(start - (n - 1 - i) * 7 * 86_400_000 + 43_200_000));
}

/**
 * When the case entered its stage, as the case alone tells: its `stageEntered` when that is about the
 * stage it is in, else (a case stored before it was kept) the opening for a case still open, else its
 * last activity (the last time a participant moved it or its stage changed).
 */
export function stageSince(c: Pick<Case, "stage" | "openedAt" | "activityAt" | "stageEntered">): string {
  if (c.stageEntered?.stage === c.stage) return c.stageEntered.at;
  return c.stage === "open" ? c.openedAt : c.activityAt || c.openedAt;
}

/**
 * The case as it is committed with `events`, with `stageEntered` set: the time of the last of its events
 * that moved it into its stage, the opening for a new case, else what it was (`stageSince`).
 */
export function withStageEntered(c: Case, events: readonly CaseEvent[], isNew: boolean): Case {
  const moved = [...events].reverse().find((e) => e.kind === "stage_changed" && e.stage === c.stage);
  const at = moved?.at ?? (isNew && c.stage === "open" ? c.openedAt : stageSince(c));
  if (c.stageEntered?.stage === c.stage && c.stageEntered.at === at) return c;
  return { ...c, stageEntered: { stage: c.stage, at } };
}

/** The index keys and scores (epoch ms) of a case's time in stage: none for a closed case. */
export function stageSinceIndex(c: Pick<Case, "stage" | "openedAt" | "activityAt" | "stageEntered">): Record<string, number> {
  if (!TIMED_STAGES.includes(c.stage)) return {};
  return { [stageSinceKey(c.stage)]: Date.parse(stageSince(c)) || 0 };
}

/** The week counters a commit adds one to: the case's opening (a new case), each activation among `events`. */
export function weekCounts(c: Pick<Case, "openedAt">, events: readonly CaseEvent[], isNew: boolean): { hash: string; field: string }[] {
  const out: { hash: string; field: string }[] = [];
  if (isNew) out.push({ hash: WEEK_COUNTERS.opened, field: isoWeek(Date.parse(c.openedAt) || 0) });
  for (const e of events) {
    if (e.kind === "stage_changed" && e.stage === "activated") out.push({ hash: WEEK_COUNTERS.activated, field: isoWeek(Date.parse(e.at) || 0) });
  }
  return out;
}

/**
 * The reply lag of a sent outbox entry in ms: from the answered mail's processing (when the bot took it
 * in and decided, the entry's creation) to the SMTP server's acceptance. Null for a mail that answers
 * no mail (a reminder, the first activation mail, a team member's own message).
 */
export function replyLagMs(entry: Pick<OutboxEntry, "autoSubmitted" | "createdAt">, sentAt: string): number | null {
  if (entry.autoSubmitted !== "auto-replied") return null;
  const from = Date.parse(entry.createdAt);
  const to = Date.parse(sentAt);
  if (Number.isNaN(from) || Number.isNaN(to)) return null;
  return Math.max(0, to - from);
}

/** The 0-based rank of the `q` quantile (0 < q ≤ 1) of `n` sorted values, nearest-rank method; null for none. */
export function quantileRank(n: number, q: number): number | null {
  if (n <= 0) return null;
  return Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1));
}

/** The ranks whose values' mean is the median of `n` sorted values: one for odd n, two for even n. */
export function medianRanks(n: number): number[] {
  if (n <= 0) return [];
  return n % 2 === 1 ? [(n - 1) / 2] : [n / 2 - 1, n / 2];
}

export function mean(values: readonly number[]): number | null {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
}

/** What the store reads for the overview: counts and the values at the ranks asked (epoch ms or ms). */
export interface OverviewReading {
  now: number;
  stages: { stage: StageId; cases: number; oldestSince: number | null; medianSince: number[] }[];
  weeks: { week: string; opened: number; activated: number }[];
  flags: { code: string; cases: number }[];
  /** Open flags tied to no case (unmatched, ambiguous, quarantined mail). */
  looseFlags: number;
  replyLag: { replies: number; median: number[]; p95: number | null };
}

export interface StageFigures {
  stage: StageId;
  cases: number;
  /** Null when no case is in the stage, or for a stage whose time is not indexed (closed). */
  oldestSeconds: number | null;
  medianSeconds: number | null;
}

export interface OverviewFigures {
  at: string;
  stages: StageFigures[];
  weeks: { week: string; opened: number; activated: number }[];
  flags: { code: string; cases: number }[];
  looseFlags: number;
  replyLag: { replies: number; medianSeconds: number | null; p95Seconds: number | null; windowDays: number };
}

const seconds = (ms: number) => Math.max(0, Math.round(ms / 1000));

/** The overview's figures from a reading: times in stage in whole seconds, lags in seconds (ms kept as fractions). */
export function overviewFigures(r: OverviewReading): OverviewFigures {
  return {
    at: new Date(r.now).toISOString(),
    stages: r.stages.map((s) => {
      const median = mean(s.medianSince);
      return {
        stage: s.stage,
        cases: s.cases,
        oldestSeconds: s.oldestSince === null ? null : seconds(r.now - s.oldestSince),
        medianSeconds: median === null ? null : seconds(r.now - median),
      };
    }),
    weeks: r.weeks,
    flags: r.flags,
    looseFlags: r.looseFlags,
    replyLag: {
      replies: r.replyLag.replies,
      medianSeconds: nullable(mean(r.replyLag.median), (ms) => ms / 1000),
      p95Seconds: nullable(r.replyLag.p95, (ms) => ms / 1000),
      windowDays: REPLY_LAG_WINDOW_MS / 86_400_000,
    },
  };
}

function nullable<T, U>(v: T | null, f: (v: T) => U): U | null {
  return v === null ? null : f(v);
}

/** A duration in the largest fitting unit with one decimal below ten: "45 s", "12 min", "3.5 h", "4 d". */
export function durationParts(totalSeconds: number): { value: number; unit: "s" | "min" | "h" | "d" } {
  const pick = (v: number) => (v < 10 ? Math.round(v * 10) / 10 : Math.round(v));
  if (totalSeconds < 60) return { value: pick(totalSeconds), unit: "s" };
  if (totalSeconds < 3600) return { value: pick(totalSeconds / 60), unit: "min" };
  if (totalSeconds < 86_400) return { value: pick(totalSeconds / 3600), unit: "h" };
  return { value: pick(totalSeconds / 86_400), unit: "d" };
}
