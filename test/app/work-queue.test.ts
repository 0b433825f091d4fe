// The work queue use case over the real CaseStore (real Redis, a random prefix) and the real rules:
// it reads the work index the commit keeps, never every case.
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import type { CaseRepository } from "../../src/app/ports.js";
import { WORK_PAGE_ROWS, parseWorkQuery, workQueue } from "../../src/app/work-queue.js";
import type { Case, Flag } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";
import { repoRules } from "../support/rules.js";
import { randomPrefix, redisUrl } from "../support/services.js";

// Friday 4 December 2026, 10:00 in Stockholm.
const NOW = "2026-12-04T09:00:00.000Z";
const flag = (id: string, at: string, over: Partial<Flag> = {}): Flag => ({ id, code: "loop", reason: "rate limit reached", at, ...over });

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

  /** The store with listCases taken away: the queue must not walk the cases. */
  function indexOnly(): CaseRepository {
    return new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === "listCases" || prop === "looseFlags") throw new Error(`the work queue read ${String(prop)}`);
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
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
    await seed(makeCase("ACT-200005", { activityAt: "2026-12-03T08:00:00.000Z", flags: [flag("evidence_rejected:m1", "2026-12-02T09:00:00.000Z", { code: "evidence_rejected", reason: "photo “a.jpg” blurred" })] }));

    const deps = { store: indexOnly(), rules };
    const page = await workQueue(deps, {}, NOW);
    expect(page.rows.map((r) => `${r.caseId ?? "-"} ${r.cause} ${r.waitingOn} ${r.workingDays}`)).toEqual([
      "ACT-200001 flag team 4",
      "ACT-200003 bounced team 3",
      "ACT-200002 ready_to_activate team 2",
      "ACT-200005 evidence_rejected participants 2",
      "- flag team 0",
    ]);
    // The open case's first reminder is three working days after its last activity (Thursday): Tuesday.
    expect(page.rows[0]?.nextReminder?.slice(0, 10)).toBe("2026-12-08");
    expect(page.rows[0]?.owner).toBeNull();
    expect(page.next).toBeNull();
    // Four cases with something to do (the closed one is out) and one loose mail.
    expect(page.total).toBe(5);

    const team = await workQueue(deps, parseWorkQuery({ cause: "bounced", waiting: "team" }), NOW);
    expect(team.rows.map((r) => r.subject)).toEqual(["nm@bounce.example"]);
    expect((await workQueue(deps, parseWorkQuery({ locale: "en" }), NOW)).rows.map((r) => r.caseId)).toEqual(["ACT-200002"]);
    expect((await workQueue(deps, parseWorkQuery({ days: "3" }), NOW)).rows.map((r) => r.caseId)).toEqual(["ACT-200001", "ACT-200003"]);
    expect((await workQueue(deps, parseWorkQuery({ cause: "evidence_rejected" }), NOW)).rows.map((r) => r.what)).toEqual(["photo “a.jpg” blurred"]);
    // Unknown filter values are dropped, not errors: the page shows everything.
    expect(parseWorkQuery({ cause: "<script>", stage: "nope", days: "-1", locale: "xyz", owner: "x", sort: "y", cursor: "zz" })).toEqual({});
  });

  it("filters by owner — mine and unassigned — and sorts oldest first, newest first or by stage", async () => {
    const rules = await repoRules();
    const owned = (name: string) => ({ owner: { name, by: name, at: "2026-12-01T08:00:00.000Z" } });
    await seed(makeCase("ACT-200011", { stage: "configuration", flags: [flag("a", "2026-11-30T08:00:00.000Z")], activityAt: "2026-12-03T08:00:00.000Z", ...owned("maja") }));
    await seed(makeCase("ACT-200012", { stage: "open", flags: [flag("b", "2026-12-01T08:00:00.000Z")], activityAt: "2026-12-03T08:00:00.000Z", ...owned("olle") }));
    await seed(makeCase("ACT-200013", { stage: "commissioning", flags: [flag("c", "2026-12-02T08:00:00.000Z")], activityAt: "2026-12-03T08:00:00.000Z" }));
    await seed(makeCase("ACT-200014", { stage: "open", flags: [flag("d", "2026-12-03T08:00:00.000Z")], activityAt: "2026-12-03T08:00:00.000Z", ...owned("maja") }), [
      flag("unmatched:mid:y", "2026-11-29T08:00:00.000Z", { code: "unmatched", reason: "no case" }),
    ]);
    const deps = { store: indexOnly(), rules };
    const ids = async (q: Record<string, string>, me: string | null = "maja") => (await workQueue(deps, parseWorkQuery(q), NOW, me)).rows.map((r) => r.caseId ?? "-");

    expect(await ids({})).toEqual(["-", "ACT-200011", "ACT-200012", "ACT-200013", "ACT-200014"]);
    expect(await ids({ owner: "mine" })).toEqual(["ACT-200011", "ACT-200014"]);
    expect(await ids({ owner: "mine" }, "olle")).toEqual(["ACT-200012"]);
    expect(await ids({ owner: "unassigned" })).toEqual(["-", "ACT-200013"]);
    expect(await ids({ sort: "newest" })).toEqual(["ACT-200014", "ACT-200013", "ACT-200012", "ACT-200011", "-"]);
    // By stage in process order (a loose mail counts as the first stage), oldest first within a stage.
    expect(await ids({ sort: "stage" })).toEqual(["-", "ACT-200012", "ACT-200014", "ACT-200013", "ACT-200011"]);
    expect(await ids({ sort: "stage", owner: "mine" })).toEqual(["ACT-200014", "ACT-200011"]);
    expect((await workQueue(deps, parseWorkQuery({ owner: "mine" }), NOW, "maja")).rows.map((r) => r.owner)).toEqual(["maja", "maja"]);
  });

  it("moves a case between owners in the same commit that changes it", async () => {
    const rules = await repoRules();
    const c = makeCase("ACT-200021", { flags: [flag("a", "2026-11-30T08:00:00.000Z")] });
    await seed(c);
    const stored = (await store.getCase(c.id)) as Case;
    expect(await store.commit({ before: stored, case: { ...stored, owner: { name: "maja", by: "olle", at: NOW } }, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
    const deps = { store: indexOnly(), rules };
    expect((await workQueue(deps, parseWorkQuery({ owner: "mine" }), NOW, "maja")).rows.map((r) => r.caseId)).toEqual(["ACT-200021"]);
    expect((await workQueue(deps, parseWorkQuery({ owner: "unassigned" }), NOW, "maja")).rows).toEqual([]);
    expect(await redis.zscore(`${store.prefix}work:f:owner:-`, c.id)).toBeNull();
    // Closed: off every work list.
    const owned = (await store.getCase(c.id)) as Case;
    expect(await store.commit({ before: owned, case: { ...owned, stage: "closed" }, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
    expect((await workQueue(deps, {}, NOW, "maja")).rows).toEqual([]);
    expect(await redis.keys(`${store.prefix}work:*`)).toEqual([]);
  });

  it("shows a case whose escalation is at most a working day away, from the last-activity index", async () => {
    const rules = await repoRules();
    // Escalation is ten working days after the last activity. From Friday 20 November: Friday 4 December
    // 09:00 local, already past at 10:00; from Monday 23 November: Monday 7 December, one working day away.
    await seed(makeCase("ACT-200031", { activityAt: "2026-11-20T08:00:00.000Z" }));
    await seed(makeCase("ACT-200032", { activityAt: "2026-11-23T08:00:00.000Z" }));
    await seed(makeCase("ACT-200033", { activityAt: "2026-11-24T08:00:00.000Z" }));
    await seed(makeCase("ACT-200034", { stage: "activated", activityAt: "2026-11-23T08:00:00.000Z" }));
    const deps = { store: indexOnly(), rules };
    const page = await workQueue(deps, {}, NOW);
    expect(page.rows.map((r) => `${r.caseId} ${r.cause} ${r.waitingOn}`)).toEqual(["ACT-200032 near_escalation participants"]);
    expect(page.rows[0]?.nextReminder?.slice(0, 10)).toBe("2026-12-07");
    expect((await workQueue(deps, parseWorkQuery({ cause: "near_escalation" }), NOW)).rows).toHaveLength(1);
    expect((await workQueue(deps, parseWorkQuery({ waiting: "team" }), NOW)).rows).toEqual([]);
  });

  it("pages the cases close to escalation from the cursor, a page at a time, in every order, skipping none", async () => {
    const rules = await repoRules();
    const n = WORK_PAGE_ROWS + 7;
    // Last activity on Monday 23 November (escalation one working day away), a minute apart; two stages.
    const at = (i: number) => new Date(Date.parse("2026-11-23T07:00:00.000Z") + i * 60_000).toISOString();
    for (let i = 0; i < n; i++) await seed(makeCase(`ACT-${400000 + i}`, { stage: i % 2 ? "commissioning" : "open", activityAt: at(i) }));
    // A case with a flag too: its flag row and its escalation row are two rows of their own.
    await seed(makeCase("ACT-409999", { activityAt: at(3), flags: [flag("f", at(3))] }));
    const read: number[] = [];
    const store2 = indexOnly();
    const counting = new Proxy(store2, {
      get(target, prop, receiver) {
        if (prop !== "activityScan") return Reflect.get(target, prop, receiver) as unknown;
        return async (q: Parameters<CaseRepository["activityScan"]>[0]) => {
          const page = await target.activityScan(q);
          read.push(page.items.length);
          return page;
        };
      },
    });
    const deps = { store: counting, rules };
    for (const sort of ["oldest", "newest", "stage"]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 5; pages++) {
        const page = await workQueue(deps, parseWorkQuery({ sort, ...(cursor ? { cursor } : {}) }), NOW);
        seen.push(...page.rows.map((r) => `${r.caseId ?? "-"} ${r.cause} ${r.stage} ${r.since}`));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(seen).toHaveLength(n + 2);
      expect(new Set(seen).size).toBe(seen.length);
      const near = seen.filter((r) => r.includes("near_escalation"));
      expect(near).toHaveLength(n + 1);
      const key = (r: string) => (sort === "stage" ? `${r.split(" ")[2] === "open" ? 0 : 1} ${r.split(" ")[3]}` : (r.split(" ")[3] ?? ""));
      const keys = near.map(key);
      expect(keys).toEqual([...keys].sort((a, b) => (sort === "newest" ? b.localeCompare(a) : a.localeCompare(b))));
    }
    // Each page read at most a page of the window, however many cases it holds.
    expect(Math.max(...read)).toBeLessThanOrEqual(WORK_PAGE_ROWS);
    expect(read.length).toBeGreaterThan(3);
  });

  it("pages every row exactly once: cases of one to three rows, loose mail and cases close to escalation, in every order and with a filter", async () => {
    const rules = await repoRules();
    const codes = ["loop", "unknown_sender", "auth_failed"] as const;
    const at = (i: number) => new Date(Date.parse("2026-11-30T08:00:00.000Z") + i * 60_000).toISOString();
    const expected = new Set<string>();
    const unassigned = new Set<string>();
    const cases = 3 * WORK_PAGE_ROWS;
    for (let i = 0; i < cases; i++) {
      const id = `ACT-${500000 + i}`;
      // One to three flags; every fourth case also one working day from its escalation, every fifth owned.
      const flags = codes.slice(0, 1 + (i % 3)).map((code, k) => flag(`${code}:${i}`, at(i * 3 + k), { code }));
      const escalating = i % 4 === 0;
      const owned = i % 5 === 0;
      const rows = [...flags.map((f) => `${id} flag ${f.code}`), ...(escalating ? [`${id} near_escalation ${id}`] : [])];
      const loose = i % 7 === 0 ? [flag(`unmatched:mid:${i}`, at(i * 3 + 1), { code: "unmatched", reason: "no case" })] : [];
      await seed(
        makeCase(id, {
          stage: i % 2 ? "commissioning" : "open",
          flags,
          activityAt: escalating ? new Date(Date.parse("2026-11-23T07:00:00.000Z") + i * 60_000).toISOString() : "2026-12-03T08:00:00.000Z",
          ...(owned ? { owner: { name: "maja", by: "maja", at: NOW } } : {}),
        }),
        loose,
      );
      for (const r of rows) {
        expected.add(r);
        if (!owned) unassigned.add(r);
      }
      // A loose mail has no case, and no owner: it is known by when it came.
      for (const f of loose) {
        expected.add(`- flag ${f.at}`);
        unassigned.add(`- flag ${f.at}`);
      }
    }
    const deps = { store: indexOnly(), rules };
    const key = (r: { caseId: string | null; cause: string; subject: string; since: string }) => (r.caseId ? `${r.caseId} ${r.cause} ${r.subject}` : `- ${r.cause} ${r.since}`);
    for (const q of [{}, { sort: "newest" }, { sort: "stage" }, { owner: "unassigned" }, { owner: "unassigned", sort: "newest" }] as Record<string, string>[]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      for (; pages < 20; pages++) {
        const page = await workQueue(deps, parseWorkQuery({ ...q, ...(cursor ? { cursor } : {}) }), NOW, "maja");
        // A page ends a case it began: at most a case's rows beyond the page size.
        expect(page.rows.length).toBeLessThanOrEqual(WORK_PAGE_ROWS + 2);
        seen.push(...page.rows.map(key));
        if (!page.next) break;
        cursor = page.next;
      }
      const want = q.owner ? unassigned : expected;
      expect(pages, JSON.stringify(q)).toBeGreaterThanOrEqual(Math.floor(want.size / (WORK_PAGE_ROWS + 2)));
      expect(seen.filter((r, i) => seen.indexOf(r) !== i), `twice, ${JSON.stringify(q)}`).toEqual([]);
      expect(new Set(seen), JSON.stringify(q)).toEqual(want);
    }
  });

  it("pages with an opaque cursor across cases and loose mail until the last row, skipping none", async () => {
    const rules = await repoRules();
    const n = WORK_PAGE_ROWS + 7;
    const at = (i: number) => new Date(Date.parse("2026-12-01T08:00:00.000Z") + i * 60_000).toISOString();
    for (let i = 0; i < n; i++) {
      const loose = i % 5 === 0 ? [flag(`unmatched:mid:${i}`, at(i), { code: "unmatched", reason: "no case" })] : [];
      await seed(makeCase(`ACT-${300000 + i}`, { flags: [flag(`f${i}`, at(i))], activityAt: "2026-12-03T08:00:00.000Z" }), loose);
    }
    const deps = { store: indexOnly(), rules };
    for (const sort of ["oldest", "newest"]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 5; pages++) {
        const page = await workQueue(deps, parseWorkQuery({ sort, ...(cursor ? { cursor } : {}) }), NOW);
        expect(page.rows.length).toBeLessThanOrEqual(WORK_PAGE_ROWS);
        seen.push(...page.rows.map((r) => `${r.caseId ?? r.subject}@${r.since}`));
        if (!page.next) break;
        cursor = page.next;
      }
      expect(seen).toHaveLength(n + Math.ceil(n / 5));
      expect(new Set(seen).size).toBe(seen.length);
      const times = seen.map((s) => s.split("@")[1] ?? "");
      expect(times).toEqual([...times].sort((a, b) => (sort === "oldest" ? a.localeCompare(b) : b.localeCompare(a))));
    }
  });
});
