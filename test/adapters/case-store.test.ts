/**
 * The case store's reads against a real Redis (a random key prefix per test): what matching needs
 * comes in one round trip, and so does a case with the loop guard's counts, as the commit wrote them;
 * the case list never silently lacks a case it could not read.
 */
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import type { OutboxEntry } from "../../src/core/case/outbox-entry.js";
import type { Case } from "../../src/core/types.js";
import { makeCase, makeOutboxEntry } from "../support/case.js";
import { randomPrefix, redisUrl } from "../support/services.js";

const NOW = Date.parse("2026-11-26T12:00:00.000Z");

describe("case store reads", () => {
  let redis: Redis;
  let store: CaseStore;

  beforeEach(async () => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("case-store"));
    const commit = (c: Case, mailKey: string, outbox: OutboxEntry[], messageIds: string[]) =>
      store.commit({ before: null, case: c, events: [], outbox, mail: { key: mailKey, outcome: `case:${c.id}` }, messageIds, looseFlags: [] });
    await commit(makeCase("ACT-100001"), "imap:1:1", [makeOutboxEntry("ACT-100001", 1, NOW - 10 * 60_000), makeOutboxEntry("ACT-100001", 2, NOW - 2 * 3_600_000)], [
      "<nm-1@customer.example>",
    ]);
    await commit(makeCase("ACT-100002"), "imap:1:2", [makeOutboxEntry("ACT-100002", 1, NOW - 5 * 3_600_000, { progress: true })], ["<nm-2@customer.example>"]);
  });

  afterEach(async () => {
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("matchLookup brings the ledger, the known Message-IDs and the cases that exist", async () => {
    const found = await store.matchLookup({
      mailKey: "imap:1:1",
      messageIds: ["<nm-1@customer.example>", "<unknown@customer.example>", "<nm-2@customer.example>"],
      caseIds: ["ACT-100001", "act-100002", "ACT-999999"],
    });
    expect(found.ledger).toBe("case:ACT-100001");
    expect([...found.knownMessageIds]).toEqual([
      ["<nm-1@customer.example>", "ACT-100001"],
      ["<nm-2@customer.example>", "ACT-100002"],
    ]);
    expect([...found.existingCases].sort()).toEqual(["ACT-100001", "ACT-100002"]);
  });

  it("matchLookup without a mail key, Message-IDs or case ids finds nothing", async () => {
    expect(await store.matchLookup({ mailKey: "imap:1:99", messageIds: [], caseIds: [] })).toEqual({
      ledger: null,
      knownMessageIds: new Map(),
      existingCases: new Set(),
    });
    expect(await store.matchLookup({ mailKey: null, messageIds: ["<nm-1@customer.example>"], caseIds: [] })).toEqual({
      ledger: null,
      knownMessageIds: new Map([["<nm-1@customer.example>", "ACT-100001"]]),
      existingCases: new Set(),
    });
    expect((await store.matchLookup({ mailKey: null, messageIds: [], caseIds: ["ACT-100002"] })).existingCases).toEqual(new Set(["ACT-100002"]));
  });

  it("caseWithSendCounts counts answers of the last hour per case and of the last day per recipient", async () => {
    const one = await store.caseWithSendCounts("ACT-100001", ["nm@customer.example", "other@customer.example"], NOW);
    expect(one.case).toMatchObject({ id: "ACT-100001", version: 1 });
    // Two answers to the case: one 10 minutes ago, one 2 hours ago; neither moved the checklist.
    // The recipient had three answers in the last day, across both cases.
    expect(one.sent).toEqual({
      caseLastHour: 1,
      noProgressLastHour: 1,
      recipientLastDay: { "nm@customer.example": 3, "other@customer.example": 0 },
    });
    const two = await store.caseWithSendCounts("ACT-100002", [], NOW);
    expect(two.sent).toEqual({ caseLastHour: 0, noProgressLastHour: 0, recipientLastDay: {} });
    expect(await store.caseWithSendCounts("ACT-999999", [], NOW)).toMatchObject({ case: null });
  });

  it("listCases leaves out an id whose case is gone, and throws when a case cannot be read", async () => {
    await redis.zadd(`${store.prefix}cases`, NOW, "ACT-100003");
    expect((await store.listCases()).map((c) => c.id).sort()).toEqual(["ACT-100001", "ACT-100002"]);
    await redis.set(`${store.prefix}case:ACT-100003`, "not a hash");
    await expect(store.listCases()).rejects.toThrow(/WRONGTYPE/);
  });

  it("markFiled empties a sent entry's text and HTML once its Sent copy is filed, and keeps what dedupe and the thread need", async () => {
    const sent = makeOutboxEntry("ACT-100001", 1, NOW - 10 * 60_000);
    expect(await store.markSent(sent, "250 ok", new Date(NOW).toISOString())).toBe(true);
    expect(await store.unfiledSentCopies(NOW + 1, 10)).toEqual([sent.key]);
    // The pending one (never sent) keeps its body: the sender still needs it.
    await store.markFiled([sent.key, "ACT-100001.answer2"]);
    expect(await store.unfiledSentCopies(NOW + 1, 10)).toEqual([]);
    const filed = await store.outboxEntry(sent.key);
    expect(filed).toMatchObject({ status: "sent", text: "", html: "", bodyFiled: true, messageId: sent.messageId, to: sent.to, subject: sent.subject });
    expect((await store.outboxEntry("ACT-100001.answer2"))?.text).toBe("text");
    await store.markFiled([sent.key]);
    expect(await store.markSent(sent, "250 ok", new Date(NOW).toISOString())).toBe(false);
  });

  it("markFiled and markSent leave no half-made entry behind when the entry is gone by the time they write (a wipe, the archive, an erase)", async () => {
    const sent = makeOutboxEntry("ACT-100001", 1, NOW - 10 * 60_000);
    const hash = `${store.prefix}outbox:${sent.key}`;
    expect(await store.markSent(sent, "250 ok", new Date(NOW).toISOString())).toBe(true);
    // The store wiped between markFiled's read and its write.
    const hmget = redis.hmget.bind(redis) as (...args: string[]) => Promise<(string | null)[]>;
    const read = async (...args: string[]) => {
      const row = await hmget(...args);
      await redis.del(hash);
      return row;
    };
    redis.hmget = read as unknown as typeof redis.hmget;
    await store.markFiled([sent.key]).finally(() => (redis.hmget = hmget as unknown as typeof redis.hmget));
    expect(await redis.exists(hash)).toBe(0);
    // A send that ends after its entry went: no status-only hash, no event for a case that is not there.
    const gone = makeOutboxEntry("ACT-100003", 1, NOW);
    expect(await store.markSent(gone, "250 ok", new Date(NOW).toISOString())).toBe(false);
    expect(await redis.exists(`${store.prefix}outbox:${gone.key}`, `${store.prefix}case:ACT-100003:events`)).toBe(0);
  });
});
