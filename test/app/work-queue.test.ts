// The work queue use case over the real CaseStore (real Redis, a random prefix) and the real rules.
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { WORK_PAGE_ROWS, parseWorkQuery, workQueue } from "../../src/app/work-queue.js";
import type { Case, Flag } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";
import { repoRules } from "../support/rules.js";
import { randomPrefix, redisUrl } from "../support/services.js";

// Friday 4 December 2026, 10:00 in Stockholm.
const NOW = "2026-12-04T09:00:00.000Z";
const flag = (id: string, at: string, over: Partial<Flag> = {}): Flag => ({ id, code: "unclear_answer", reason: "could not tell the answer", at, ...over });

describe("the work queue", () => {
  let redis: Redis;
  let store: CaseStore;

  beforeEach(() => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("work"));
  });
  afterEach(async () => {
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  async function seed(c: Case, looseFlags: Flag[] = []): Promise<void> {
    expect(await store.commit({ before: null, case: c, events: [], outbox: [], messageIds: [], looseFlags })).toBe("committed");
  }

  it("has one row per thing to do, oldest first, with whom it waits on, since when in working days, and the next reminder", async () => {
    const rules = await repoRules();
    // Monday 30 November: four working days before Friday 4 December.
    await seed(makeCase("ACT-200001", { flags: [flag("f1", "2026-11-30T08:00:00.000Z")], activityAt: "2026-12-03T08:00:00.000Z" }));
    await seed(makeCase("ACT-200002", { stage: "ready_for_activation", activityAt: "2026-12-02T08:00:00.000Z", locale: "en" }));
    await seed(
      makeCase("ACT-200003", {
        activityAt: "2026-12-03T08:00:00.000Z",
        participants: [{ email: "nm@bounce.example", role: "network_manager", undeliverable: { at: "2026-12-01T08:00:00.000Z", diagnostic: "550 no such user" } }],
      }),
    );
    await seed(makeCase("ACT-200004", { stage: "closed", flags: [flag("f9", "2026-11-01T08:00:00.000Z")] }), [flag("unmatched:mid:x", "2026-12-04T07:00:00.000Z", { code: "unmatched", reason: "no case" })]);

    const page = await workQueue({ store, rules }, {}, NOW);
    expect(page.rows.map((r) => `${r.caseId ?? "-"} ${r.cause} ${r.waitingOn} ${r.workingDays}`)).toEqual([
      "ACT-200001 flag team 4",
      "ACT-200003 bounced team 3",
      "ACT-200002 ready_to_activate team 2",
      "- flag team 0",
    ]);
    // The open case's first reminder is three working days after its last activity (Thursday): Tuesday.
    expect(page.rows[0]?.nextReminder?.slice(0, 10)).toBe("2026-12-08");
    expect(page.next).toBeNull();

    const team = await workQueue({ store, rules }, parseWorkQuery({ cause: "bounced", waiting: "team" }), NOW);
    expect(team.rows.map((r) => r.subject)).toEqual(["nm@bounce.example"]);
    expect((await workQueue({ store, rules }, parseWorkQuery({ locale: "en" }), NOW)).rows.map((r) => r.caseId)).toEqual(["ACT-200002"]);
    expect((await workQueue({ store, rules }, parseWorkQuery({ days: "3" }), NOW)).total).toBe(2);
    // Unknown filter values are dropped, not errors: the page shows everything.
    expect(parseWorkQuery({ cause: "<script>", stage: "nope", days: "-1", locale: "xyz" })).toEqual({});
  });

  it("pages with an opaque cursor until the last row", async () => {
    const rules = await repoRules();
    const flags = Array.from({ length: WORK_PAGE_ROWS + 3 }, (_, i) => flag(`f${i}`, new Date(Date.parse("2026-12-01T08:00:00.000Z") + i * 60_000).toISOString()));
    await seed(makeCase("ACT-200010", { flags }));
    const first = await workQueue({ store, rules }, {}, NOW);
    expect(first.rows.length).toBe(WORK_PAGE_ROWS);
    expect(first.total).toBe(WORK_PAGE_ROWS + 3);
    expect(first.next).not.toBeNull();
    const second = await workQueue({ store, rules }, parseWorkQuery({ cursor: first.next ?? "" }), NOW);
    expect(second.rows.map((r) => r.subject)).toHaveLength(3);
    expect(second.next).toBeNull();
    expect(new Set([...first.rows, ...second.rows].map((r) => r.since)).size).toBe(WORK_PAGE_ROWS + 3);
  });
});
