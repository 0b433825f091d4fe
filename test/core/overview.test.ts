/** The overview's arithmetic: ISO weeks, stage entry times, week counters, ranks and the figures. */
import { describe, expect, it } from "vitest";
import {
  durationParts,
  isoWeek,
  lastWeeks,
  medianRanks,
  overviewFigures,
  quantileRank,
  replyLagMs,
  stageSince,
  stageSinceIndex,
  weekCounts,
  withStageEntered,
} from "../../src/core/case/overview.js";
import type { CaseEvent } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";

const ms = (iso: string) => Date.parse(iso);
const moved = (at: string, stage: CaseEvent["stage"]): CaseEvent => ({ at, kind: "stage_changed", by: "bot", summary: "x", stage });

describe("ISO weeks", () => {
  it("names the week by its Thursday's year, Monday first", () => {
    expect(isoWeek(ms("2026-12-04T17:00:00Z"))).toBe("2026-W49");
    expect(isoWeek(ms("2026-11-30T00:00:00Z"))).toBe("2026-W49"); // Monday
    expect(isoWeek(ms("2026-11-29T23:59:59Z"))).toBe("2026-W48"); // Sunday
    expect(isoWeek(ms("2021-01-03T12:00:00Z"))).toBe("2020-W53"); // a Sunday still in 2020's last week
    expect(isoWeek(ms("2024-12-30T12:00:00Z"))).toBe("2025-W01"); // a Monday already in 2025's first
  });

  it("lists the last weeks oldest first, across a year's end", () => {
    expect(lastWeeks(ms("2027-01-06T10:00:00Z"), 3)).toEqual(["2026-W52", "2026-W53", "2027-W01"]);
    expect(lastWeeks(ms("2026-12-04T10:00:00Z"))).toHaveLength(12);
    expect(lastWeeks(ms("2026-12-04T10:00:00Z")).at(-1)).toBe("2026-W49");
  });
});

describe("time in stage", () => {
  it("takes the entry time from the last event that moved the case into its stage", () => {
    const c = makeCase("ACT-100001", { stage: "commissioning", activityAt: "2026-11-25T09:00:00.000Z" });
    const events = [moved("2026-11-24T08:00:00.000Z", "site_ready"), moved("2026-11-24T08:00:01.000Z", "commissioning")];
    expect(withStageEntered(c, events, false).stageEntered).toEqual({ stage: "commissioning", at: "2026-11-24T08:00:01.000Z" });
  });

  it("keeps the entry time while the stage stays, and starts a new case at its opening", () => {
    const c = makeCase("ACT-100001", { stage: "commissioning", activityAt: "2026-11-28T00:00:00.000Z", stageEntered: { stage: "commissioning", at: "2026-11-22T00:00:00.000Z" } });
    expect(withStageEntered(c, [], false).stageEntered?.at).toBe("2026-11-22T00:00:00.000Z");
    expect(withStageEntered(makeCase("ACT-100002"), [], true).stageEntered).toEqual({ stage: "open", at: "2026-11-20T08:00:00.000Z" });
  });

  it("falls back to the last activity for a case stored before entry times were kept, or moved without an event", () => {
    const old = makeCase("ACT-100001", { stage: "configuration", activityAt: "2026-11-27T00:00:00.000Z" });
    expect(stageSince(old)).toBe("2026-11-27T00:00:00.000Z");
    const stale = { ...old, stageEntered: { stage: "open" as const, at: "2026-11-20T08:00:00.000Z" } };
    expect(stageSince(stale)).toBe("2026-11-27T00:00:00.000Z");
    expect(stageSince(makeCase("ACT-100002"))).toBe("2026-11-20T08:00:00.000Z");
  });

  it("indexes every stage but closed by the entry time", () => {
    const c = withStageEntered(makeCase("ACT-100001"), [], true);
    expect(stageSinceIndex(c)).toEqual({ "stagesince:open": ms("2026-11-20T08:00:00.000Z") });
    expect(stageSinceIndex({ ...c, stage: "closed" })).toEqual({});
  });
});

describe("week counters", () => {
  it("counts a new case in its opening week and each activation in its week", () => {
    const c = makeCase("ACT-100001", { openedAt: "2026-11-29T23:00:00.000Z" });
    expect(weekCounts(c, [], true)).toEqual([{ hash: "stats:opened", field: "2026-W48" }]);
    expect(weekCounts(c, [moved("2026-12-01T10:00:00.000Z", "ready_for_activation"), moved("2026-12-01T10:00:00.000Z", "activated")], false)).toEqual([
      { hash: "stats:activated", field: "2026-W49" },
    ]);
    expect(weekCounts(c, [moved("2026-12-01T10:00:00.000Z", "closed")], false)).toEqual([]);
  });
});

describe("ranks and figures", () => {
  it("gives nearest-rank quantiles and the middle ranks of a median", () => {
    expect(quantileRank(0, 0.95)).toBeNull();
    expect(quantileRank(1, 0.95)).toBe(0);
    expect(quantileRank(20, 0.95)).toBe(18);
    expect(quantileRank(100, 0.95)).toBe(94);
    expect(quantileRank(100, 1)).toBe(99);
    expect(medianRanks(0)).toEqual([]);
    expect(medianRanks(5)).toEqual([2]);
    expect(medianRanks(4)).toEqual([1, 2]);
  });

  it("measures a reply's lag from the answered mail to the relay's acceptance, and no lag for a mail that answers none", () => {
    expect(replyLagMs({ autoSubmitted: "auto-replied", createdAt: "2026-12-01T10:00:00.000Z" }, "2026-12-01T10:00:01.500Z")).toBe(1500);
    expect(replyLagMs({ autoSubmitted: "auto-generated", createdAt: "2026-12-01T10:00:00.000Z" }, "2026-12-01T10:00:01.500Z")).toBeNull();
  });

  it("turns entry times into times in stage, and lags into seconds", () => {
    const now = ms("2026-12-04T12:00:00.000Z");
    const f = overviewFigures({
      now,
      stages: [
        { stage: "open", cases: 4, oldestSince: now - 86_400_000, medianSince: [now - 7200_000, now - 3600_000] },
        { stage: "closed", cases: 2, oldestSince: null, medianSince: [] },
      ],
      weeks: [{ week: "2026-W49", opened: 3, activated: 1 }],
      flags: [{ code: "bounce", cases: 1 }],
      looseFlags: 2,
      replyLag: { replies: 3, median: [800], p95: 2500 },
    });
    expect(f.stages).toEqual([
      { stage: "open", cases: 4, oldestSeconds: 86_400, medianSeconds: 5400 },
      { stage: "closed", cases: 2, oldestSeconds: null, medianSeconds: null },
    ]);
    expect(f.replyLag).toEqual({ replies: 3, medianSeconds: 0.8, p95Seconds: 2.5, windowDays: 7 });
    expect(f.at).toBe("2026-12-04T12:00:00.000Z");
  });

  it("says a duration in the largest fitting unit", () => {
    expect(durationParts(42)).toEqual({ value: 42, unit: "s" });
    expect(durationParts(0.84)).toEqual({ value: 0.8, unit: "s" });
    expect(durationParts(5400)).toEqual({ value: 1.5, unit: "h" });
    expect(durationParts(86_400 * 12.4)).toEqual({ value: 12, unit: "d" });
  });
});
