/**
 * Lists and search read indexes, against a real Redis (a random key prefix per test): the commit that
 * changes a case moves it between lists and terms in the same script, pages continue with a cursor,
 * search finds by id, site word, MAC, address, name and Message-ID, and reindex builds the index of a
 * store written before it existed.
 */
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { packRecord } from "../../src/adapters/redis/case-archive.js";
import { CaseStore, INDEX_VERSION } from "../../src/adapters/redis/case-store.js";
import { caseSummary } from "../../src/core/case/case-summary.js";
import { listCases } from "../../src/app/list-cases.js";
import { searchCases } from "../../src/app/search-cases.js";
import type { Case, Flag } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";
import { randomPrefix, redisUrl } from "../support/services.js";

const flag = (id: string, over: Partial<Flag> = {}): Flag => ({ id, code: "unknown_sender", reason: "a stranger wrote", at: "2026-11-21T10:00:00.000Z", ...over });

describe("case indexes", () => {
  let redis: Redis;
  let store: CaseStore;

  const open = (c: Case) => store.commit({ before: null, case: c, events: [], outbox: [], messageIds: [], looseFlags: [] });
  const change = async (id: string, f: (c: Case) => Case) => {
    const c = await store.getCase(id);
    if (!c) throw new Error(`no ${id}`);
    expect(await store.commit({ before: c, case: f(c), events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
  };
  const ids = (page: { items: { id: string }[] }) => page.items.map((s) => s.id);

  beforeEach(async () => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("case-index"));
  });

  afterEach(async () => {
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("pages a list newest first with a cursor, and a stage change moves the case between lists", async () => {
    for (let n = 1; n <= 5; n++) await open(makeCase(`ACT-10000${n}`, { site: `Gata ${n}, Malmö` }));
    const first = await listCases(store, { kind: "all" }, { limit: 2 });
    if (first.kind !== "ok") throw new Error(first.message);
    expect(ids(first.page)).toEqual(["ACT-100005", "ACT-100004"]);
    const second = await listCases(store, { kind: "all" }, { limit: 2, cursor: first.page.cursor ?? "" });
    if (second.kind !== "ok") throw new Error(second.message);
    expect(ids(second.page)).toEqual(["ACT-100003", "ACT-100002"]);
    const last = await listCases(store, { kind: "all" }, { limit: 2, cursor: second.page.cursor ?? "" });
    expect(last.kind === "ok" && ids(last.page)).toEqual(["ACT-100001"]);
    expect(last.kind === "ok" && last.page.cursor).toBeNull();

    await change("ACT-100003", (c) => ({ ...c, stage: "closed", flags: [flag("f1")] }));
    expect(ids(await store.listPage({ kind: "stage", stage: "closed" }, null, 10))).toEqual(["ACT-100003"]);
    expect(ids(await store.listPage({ kind: "stage", stage: "open" }, null, 10))).toEqual(["ACT-100005", "ACT-100004", "ACT-100002", "ACT-100001"]);
    const flagged = await store.listPage({ kind: "flagged" }, null, 10);
    expect(flagged.items).toMatchObject([{ id: "ACT-100003", stage: "closed", openFlagCount: 1, flags: [{ id: "f1", code: "unknown_sender" }] }]);
    expect(ids(await store.listPage({ kind: "flag", code: "unknown_sender" }, null, 10))).toEqual(["ACT-100003"]);

    await change("ACT-100003", (c) => ({ ...c, flags: c.flags.map((f) => ({ ...f, resolved: { by: "Maja", at: f.at, how: "ok" } })) }));
    expect(ids(await store.listPage({ kind: "flagged" }, null, 10))).toEqual([]);
    expect(await store.countList({ kind: "flag", code: "unknown_sender" })).toBe(0);
  });

  it("refuses a cursor or limit that is not one of its own", async () => {
    expect(await listCases(store, { kind: "all" }, { cursor: "abc" })).toMatchObject({ kind: "invalid", code: "bad_cursor" });
    expect(await listCases(store, { kind: "all" }, { limit: 10_000 })).toMatchObject({ kind: "invalid", code: "bad_limit" });
    expect(await searchCases(store, "  ")).toMatchObject({ kind: "invalid", code: "bad_query" });
  });

  it("finds a case by id, site words and their beginnings, MAC in any notation, address, name and Message-ID", async () => {
    await open(makeCase("ACT-100001", { site: "Storgatan 1, Malmö", macsShipped: ["00:1A:2B:3C:4D:01"], messageIds: ["<first@vendor.example>"] }));
    await open(makeCase("ACT-100002", { site: "Storgatan 9, Lund", participants: [{ email: "ivar@el.se", name: "Ivar Ek", role: "installer" }] }));
    const found = async (q: string) => {
      const r = await searchCases(store, q);
      if (r.kind !== "ok") throw new Error(r.message);
      return ids(r.page);
    };
    expect(await found("act-100001")).toEqual(["ACT-100001"]);
    expect(await found("storgatan")).toEqual(["ACT-100002", "ACT-100001"]);
    expect(await found("Storg malmo")).toEqual(["ACT-100001"]);
    expect(await found("001a2b3c4d01")).toEqual(["ACT-100001"]);
    expect(await found("00-1a-2b-3c-4d-01")).toEqual(["ACT-100001"]);
    expect(await found("IVAR@el.se")).toEqual(["ACT-100002"]);
    expect(await found("ivar")).toEqual(["ACT-100002"]);
    expect(await found("<first@vendor.example>")).toEqual(["ACT-100001"]);
    expect(await found("göteborg")).toEqual([]);

    // A renamed site leaves its old words behind in the same commit.
    await change("ACT-100001", (c) => ({ ...c, site: "Kungsgatan 2, Malmö" }));
    expect(await found("storgatan")).toEqual(["ACT-100002"]);
    expect(await found("kungsgatan")).toEqual(["ACT-100001"]);
  });

  it("keeps loose flags in a hash; a resolved one leaves the open list", async () => {
    await store.commit({ before: null, events: [], outbox: [], messageIds: [], looseFlags: [flag("u1", { code: "unmatched" }), flag("u2", { code: "unmatched", at: "2026-11-22T10:00:00.000Z" })] });
    expect((await store.openLooseFlags(10)).flags.map((f) => f.id)).toEqual(["u2", "u1"]);
    expect(await store.resolveLooseFlag("u1", { by: "Maja", at: "2026-11-23T10:00:00.000Z", how: "spam" })).toBe(true);
    expect(await store.resolveLooseFlag("u1", { by: "Maja", at: "2026-11-23T10:00:00.000Z", how: "spam" })).toBe(false);
    expect(await store.openLooseFlags(10)).toEqual({ flags: [expect.objectContaining({ id: "u2" })], total: 1 });
    expect((await store.looseFlag("u1"))?.resolved?.how).toBe("spam");
  });

  it("reindex builds lists, terms and summaries of cases written before the index, and moves old loose flags", async () => {
    // A store as the previous version wrote it: case hashes, the cases zset and the loose-flag list only.
    const old = makeCase("ACT-100007", { site: "Hamngatan 3, Ystad", stage: "commissioning", version: 3, flags: [flag("f7")] });
    await redis.hset(`${store.prefix}case:ACT-100007`, { json: JSON.stringify(old), version: "3" });
    await redis.zadd(`${store.prefix}cases`, 1, "ACT-100007");
    await redis.rpush(`${store.prefix}flags:loose`, JSON.stringify(flag("u9", { code: "unmatched" })), JSON.stringify(flag("u8", { resolved: { by: "x", at: "y", how: "z" } })));
    expect(await store.indexVersion()).toBeNull();

    let from: number | null = 0;
    while (from !== null) from = await store.reindexBatch(from, 1);
    expect(await store.indexVersion()).toBe(INDEX_VERSION);
    expect(ids(await store.listPage({ kind: "stage", stage: "commissioning" }, null, 10))).toEqual(["ACT-100007"]);
    expect(ids(await store.listPage({ kind: "flagged" }, null, 10))).toEqual(["ACT-100007"]);
    expect(ids(await store.searchPage(["w:ystad"], null, 10))).toEqual(["ACT-100007"]);
    expect((await store.openLooseFlags(10)).flags.map((f) => f.id)).toEqual(["u9"]);
    expect((await store.looseFlags()).map((f) => f.id).sort()).toEqual(["u8", "u9"]);
    // The overview's index of time in stage: a case stored before entry times counts from its last activity.
    expect(await redis.zrange(`${store.prefix}stagesince:commissioning`, 0, -1, "WITHSCORES")).toEqual(["ACT-100007", String(Date.parse(old.activityAt))]);
    // Again: nothing changes.
    from = 0;
    while (from !== null) from = await store.reindexBatch(from, 10);
    expect(await store.countList({ kind: "all" })).toBe(1);
  });

  it("reindex moves the summaries and list keys a version 5 store kept in each case's hash into the index slot, an archived case's too", async () => {
    const P = store.prefix;
    // A hot case whose hash holds its summary and list keys, one list it has since left still naming it.
    const hot = makeCase("ACT-100008", { site: "Torget 1, Lund", stage: "site_ready", version: 2 });
    await redis.hset(`${P}case:ACT-100008`, { json: JSON.stringify(hot), version: "2", summary: JSON.stringify({ id: "ACT-100008", stale: true }), idx: JSON.stringify(["list:all", "list:stage:open"]) });
    await redis.zadd(`${P}list:stage:open`, 100008, "ACT-100008");
    await redis.zadd(`${P}cases`, 1, "ACT-100008");
    // An archived case: its record, summary and version in the hash, its lists and terms kept.
    const archivedAt = "2026-10-01T00:00:00.000Z";
    const closed = makeCase("ACT-100009", { site: "Kajen 2, Visby", stage: "closed", version: 4 });
    await redis.hset(`${P}case:ACT-100009`, { archive: packRecord({ case: closed, events: [], outbox: [], archivedAt }), summary: JSON.stringify({ ...caseSummary(closed), archivedAt }), version: "5" });
    await redis.zadd(`${P}term:w:visby`, 100009, "ACT-100009");
    await redis.zadd(`${P}cases`, 2, "ACT-100009");

    let from: number | null = 0;
    while (from !== null) from = await store.reindexBatch(from, 1);
    expect((await redis.hkeys(`${P}case:ACT-100008`)).sort()).toEqual(["json", "version"]);
    expect((await redis.hkeys(`${P}case:ACT-100009`)).sort()).toEqual(["archive", "version"]);
    expect(ids(await store.listPage({ kind: "stage", stage: "open" }, null, 10))).toEqual([]);
    expect((await store.listPage({ kind: "stage", stage: "site_ready" }, null, 10)).items).toMatchObject([{ id: "ACT-100008", site: "Torget 1, Lund" }]);
    expect((await store.searchPage(["w:visby"], null, 10)).items).toMatchObject([{ id: "ACT-100009", archivedAt }]);
    // The next change of the hot case leaves the lists the index step holds for it.
    await change("ACT-100008", (c) => ({ ...c, stage: "closed" }));
    expect(ids(await store.listPage({ kind: "stage", stage: "site_ready" }, null, 10))).toEqual([]);
    expect(ids(await store.listPage({ kind: "stage", stage: "closed" }, null, 10))).toEqual(["ACT-100009", "ACT-100008"]);
  });

  it("every step script refuses a key it was not given in KEYS", async () => {
    const x = { token: "ACT-100001|1|a", prefix: store.prefix, ops: [{ op: "sadd", key: `${store.prefix}blobref:b1`, member: "ACT-100001" }], declare: [], oldIdx: [] };
    const combined = (redis as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>).abCombinedCommit;
    await expect(combined?.call(redis, 1, `${store.prefix}dirty`, "", JSON.stringify(x))).rejects.toThrow(/undeclared key .*blobref:b1/);
    expect(await redis.exists(`${store.prefix}blobref:b1`)).toBe(0);
  });
});
