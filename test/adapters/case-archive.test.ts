/**
 * The archive of closed cases against a real Redis and the file blob store: a case closed long enough
 * moves into one compressed record (its timeline, answers and send logs leave the hot store in the
 * same atomic change), is still found by search and lists with its archived mark, opens read-only,
 * and is restored whole; its blobs are deleted after the retention time unless another case keeps them.
 */
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CaseStore } from "../../src/adapters/redis/case-store.js";
import { archiveAllDue, archiveClosedCases, dropArchivedBlobs, restoreArchivedCase } from "../../src/app/archive-cases.js";
import type { BlobStore } from "../../src/app/ports.js";
import { DAY_MS } from "../../src/core/case/archive.js";
import type { Case, CaseEvent } from "../../src/core/types.js";
import { makeCase, makeOutboxEntry } from "../support/case.js";
import { openStoreAndBlobs, type StoreAndBlobs } from "../support/store-and-blobs.js";

const CLOSED_AT = Date.parse("2026-06-01T10:00:00.000Z");
const clockAt = (ms: number) => ({ now: () => new Date(ms) });

describe("the archive of closed cases", () => {
  let opened: StoreAndBlobs;
  let redis: Redis;
  let store: CaseStore;
  let blobs: BlobStore;

  beforeEach(async () => {
    opened = await openStoreAndBlobs("archive");
    ({ redis, store, blobs } = opened);
  });

  afterEach(() => opened.close());

  /** A case committed at `stage`, last active at `at`, with one answer sent and filed and a mail in. */
  async function stored(id: string, stage: Case["stage"], at: number, over: Partial<Case> = {}, raw?: string): Promise<void> {
    const iso = new Date(at).toISOString();
    const answer = makeOutboxEntry(id, 1, at, { to: ["nm@customer.example"], text: "Hej Nina", html: "<p>Hej Nina</p>" });
    const events: CaseEvent[] = [
      { at: iso, kind: "case_opened", by: "maja", summary: "opened" },
      { at: iso, kind: "mail_in", by: "nm@customer.example", summary: "Re: Aktivering", mail: `mid:${id}`, ...(raw ? { data: { blob: raw } } : {}) },
    ];
    const r = await store.commit({
      before: null,
      case: makeCase(id, { stage, activityAt: iso, messageIds: [answer.messageId], ...over }),
      events,
      outbox: [answer],
      messageIds: [answer.messageId],
      looseFlags: [],
    });
    expect(r).toBe("committed");
    await store.markSent(answer, "250 ok", iso);
    await store.markFiled([answer.key]);
  }

  it("moves a case closed ARCHIVE_AFTER_DAYS ago into one record, leaves the others hot, and keeps it findable", async () => {
    await stored("ACT-100001", "closed", CLOSED_AT);
    await stored("ACT-100002", "closed", CLOSED_AT + 80 * DAY_MS);
    await stored("ACT-100003", "configuration", CLOSED_AT);
    // What the case's own keys hold while hot (hash, timeline, answers, send logs), against its record.
    const usage = async (keys: string[]) => (await Promise.all(keys.map((k) => redis.call("MEMORY", "USAGE", k, "SAMPLES", "0")))).reduce((n: number, b) => n + Number(b ?? 0), 0);
    const hot = (await redis.keys(`${store.prefix}*ACT-100001*`)).filter((k) => !k.includes("msgid:"));
    const before = await usage(hot);

    const round = await archiveClosedCases({ store, clock: clockAt(CLOSED_AT + 90 * DAY_MS) }, 90);
    expect(round).toEqual({ archived: ["ACT-100001"], compactedBytes: 0, unsettled: [], changed: [] });

    // The hot keys of the case are gone in the same change; the case hash (record and version) stays, and
    // the Message-ID that matches a late reply to it.
    const left = (await redis.keys(`${store.prefix}*ACT-100001*`)).map((k) => k.slice(store.prefix.length)).sort();
    expect(left).toEqual(["case:ACT-100001", "msgid:<ACT-100001.1@vendor.example>"]);
    expect((await redis.hkeys(`${store.prefix}case:ACT-100001`)).sort()).toEqual(["archive", "version"]);
    // Its summary stays in the index slot, where lists and search read it.
    expect(JSON.parse((await redis.hget(`${store.prefix}summaries`, "ACT-100001")) ?? "{}")).toMatchObject({ id: "ACT-100001", archivedAt: expect.any(String) });
    expect(await redis.hexists(`${store.prefix}case:ACT-100001`, "json")).toBe(0);
    expect(await redis.zscore(`${store.prefix}sent:rcpt:nm@customer.example`, "ACT-100001.answer1")).toBeNull();
    const after = Number(await redis.call("MEMORY", "USAGE", `${store.prefix}case:ACT-100001`, "SAMPLES", "0"));
    expect(after).toBeLessThan(before);

    expect(await store.getCase("ACT-100001")).toBeNull();
    expect(await store.isArchived("ACT-100001")).toBe(true);
    const state = await store.archivedCase("act-100001");
    expect(state?.record.case.stage).toBe("closed");
    expect(state?.record.events.map((e) => e.kind)).toEqual(["case_opened", "mail_in", "mail_out", "archived"]);
    expect(state?.record.outbox).toEqual([expect.objectContaining({ key: "ACT-100001.answer1", status: "sent", response: "250 ok", bodyFiled: true })]);

    // Search and lists still find it, marked archived; matching by Message-ID still names it.
    const hits = await store.searchPage(["id:act-100001"], null, 10);
    expect(hits.items).toEqual([expect.objectContaining({ id: "ACT-100001", stage: "closed", archivedAt: new Date(CLOSED_AT + 90 * DAY_MS).toISOString() })]);
    const closed = await store.listPage({ kind: "stage", stage: "closed" }, null, 10);
    expect(closed.items.map((s) => [s.id, s.archivedAt !== undefined])).toEqual([
      ["ACT-100002", false],
      ["ACT-100001", true],
    ]);
    const match = await store.matchLookup({ mailKey: null, messageIds: ["<ACT-100001.1@vendor.example>"], caseIds: ["ACT-100001"] });
    expect([...match.existingCases]).toEqual(["ACT-100001"]);
    expect(match.knownMessageIds.get("<ACT-100001.1@vendor.example>")).toBe("ACT-100001");

    // The others stay hot; a second round archives nothing more.
    expect((await store.getCase("ACT-100002"))?.stage).toBe("closed");
    expect((await store.getCase("ACT-100003"))?.stage).toBe("configuration");
    expect(await archiveAllDue({ store, clock: clockAt(CLOSED_AT + 90 * DAY_MS) }, 90)).toEqual({ archived: [], compactedBytes: 0, unsettled: [], changed: [] });
  });

  it("refuses a commit read before the case was archived (the team's or a mail's), so the record stays whole", async () => {
    await stored("ACT-100001", "closed", CLOSED_AT);
    const read = await store.getCase("ACT-100001");
    if (!read) throw new Error("no case");
    await archiveClosedCases({ store, clock: clockAt(CLOSED_AT + 91 * DAY_MS) }, 90);
    const late = await store.commit({ before: read, case: { ...read, site: "changed" }, events: [], outbox: [], messageIds: [], looseFlags: [] });
    expect(late).toBe("conflict");
    expect(await store.getCase("ACT-100001")).toBeNull();
  });

  it("leaves a case whose answer is not sent yet for a later round", async () => {
    const iso = new Date(CLOSED_AT).toISOString();
    const pending = makeOutboxEntry("ACT-100001", 1, CLOSED_AT);
    await store.commit({ before: null, case: makeCase("ACT-100001", { stage: "closed", activityAt: iso }), events: [], outbox: [pending], messageIds: [], looseFlags: [] });
    const round = await archiveClosedCases({ store, clock: clockAt(CLOSED_AT + 100 * DAY_MS) }, 90);
    expect(round).toEqual({ archived: [], compactedBytes: 0, unsettled: ["ACT-100001"], changed: [] });
    expect((await store.outboxEntry(pending.key))?.status).toBe("pending");
  });

  it("restores an archived case whole on reopening: timeline, answers, lists and search, and it is not archived again at once", async () => {
    await stored("ACT-100001", "closed", CLOSED_AT);
    const at = CLOSED_AT + 95 * DAY_MS;
    await archiveClosedCases({ store, clock: clockAt(at) }, 90);

    const r = await restoreArchivedCase({ store, clock: clockAt(at + 1000) }, "act-100001", "maja", "customer asked again");
    expect(r).toEqual({ kind: "ok", caseId: "ACT-100001" });
    const c = await store.getCase("ACT-100001");
    expect(c?.stage).toBe("closed");
    expect(c?.activityAt).toBe(new Date(at + 1000).toISOString());
    const events = await store.events("ACT-100001");
    expect(events.map((e) => e.kind)).toEqual(["case_opened", "mail_in", "mail_out", "archived", "restored"]);
    expect(events.at(-1)).toMatchObject({ by: "maja", summary: expect.stringContaining("customer asked again") });
    expect(await store.outboxEntry("ACT-100001.answer1")).toMatchObject({ status: "sent", bodyFiled: true });
    expect(await redis.zscore(`${store.prefix}sent:rcpt:nm@customer.example`, "ACT-100001.answer1")).not.toBeNull();
    expect((await store.searchPage(["id:act-100001"], null, 10)).items[0]?.archivedAt).toBeUndefined();
    expect(await store.isArchived("ACT-100001")).toBe(false);

    // Hot again and writable; archived again only ARCHIVE_AFTER_DAYS after the reopening.
    if (!c) throw new Error("no case");
    expect(await store.commit({ before: c, case: { ...c }, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
    expect((await archiveClosedCases({ store, clock: clockAt(at + 2 * DAY_MS) }, 90)).archived).toEqual([]);
    expect((await archiveClosedCases({ store, clock: clockAt(at + 91 * DAY_MS) }, 90)).archived).toEqual(["ACT-100001"]);
    expect(await restoreArchivedCase({ store, clock: clockAt(at) }, "ACT-100009", "maja", "")).toEqual({ kind: "refused", reason: "no case ACT-100009" });
  });

  it("deletes an archived case's mail and photo blobs after the retention time, keeping the verdicts and any blob another case keeps", async () => {
    const raw = await blobs.put(Buffer.from("From: nm@customer.example\r\nSubject: photos\r\n\r\nhere"));
    const photo = await blobs.put(Buffer.from("panel photo bytes"));
    const thumb = await blobs.put(Buffer.from("panel thumbnail bytes"));
    const shared = await blobs.put(Buffer.from("a photo both cases were sent"));
    const photoEvidence = (blob: string, thumbnail?: string) => ({ file: "p.jpg", blob, ...(thumbnail ? { thumbnail } : {}), category: "electrical_panel", status: "ok" as const, reasons: [], measures: { width: 4000 } });
    const evidence = (photos: ReturnType<typeof photoEvidence>[]) => [{ mail: "mid:1", at: new Date(CLOSED_AT).toISOString(), from: "nm@customer.example", answers: {}, forms: [], macs: [], photos }];
    await stored("ACT-100001", "closed", CLOSED_AT, { evidence: evidence([photoEvidence(photo.id, thumb.id), photoEvidence(shared.id)]) }, raw.id);
    await stored("ACT-100002", "commissioning", CLOSED_AT, { evidence: evidence([photoEvidence(shared.id)]) });
    const archivedAt = CLOSED_AT + 90 * DAY_MS;
    await archiveClosedCases({ store, clock: clockAt(archivedAt) }, 90);

    // Not before the retention time.
    expect(await dropArchivedBlobs({ store, blobs, clock: clockAt(archivedAt + 29 * DAY_MS) }, 30)).toEqual({ cases: [], deleted: 0 });
    expect(await blobs.has(photo.id)).toBe(true);

    const round = await dropArchivedBlobs({ store, blobs, clock: clockAt(archivedAt + 30 * DAY_MS) }, 30);
    expect(round).toEqual({ cases: ["ACT-100001"], deleted: 3 });
    expect(await blobs.has(raw.id)).toBe(false);
    expect(await blobs.has(photo.id)).toBe(false);
    expect(await blobs.has(thumb.id)).toBe(false);
    expect(await blobs.has(shared.id)).toBe(true);

    const state = await store.archivedCase("ACT-100001");
    expect(state?.record.blobsDeletedAt).toBe(new Date(archivedAt + 30 * DAY_MS).toISOString());
    expect(state?.record.case.evidence[0]?.photos).toEqual([
      { file: "p.jpg", category: "electrical_panel", status: "ok", reasons: [], measures: { width: 4000 } },
      { file: "p.jpg", category: "electrical_panel", status: "ok", reasons: [], measures: { width: 4000 } },
    ]);
    expect(JSON.stringify(state?.record)).not.toContain(raw.id);
    // Done once: the next round finds nothing.
    expect(await dropArchivedBlobs({ store, blobs, clock: clockAt(archivedAt + 60 * DAY_MS) }, 30)).toEqual({ cases: [], deleted: 0 });
  });
});
