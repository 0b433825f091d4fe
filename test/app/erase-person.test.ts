/**
 * Erasure against a real Redis and the file blob store: every case with the person loses their
 * address and name (case, timeline, sent answers, search index), their attachments' blobs are deleted,
 * each case keeps an audit event, and a case without them is untouched.
 */
import type { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CaseStore } from "../../src/adapters/redis/case-store.js";
import { archiveClosedCases } from "../../src/app/archive-cases.js";
import { NOT_ERASED, erasePersonData } from "../../src/app/erase-person.js";
import { DAY_MS } from "../../src/core/case/archive.js";
import type { BlobStore } from "../../src/app/ports.js";
import type { Case } from "../../src/core/types.js";
import { makeCase, makeOutboxEntry } from "../support/case.js";
import { openStoreAndBlobs, type StoreAndBlobs } from "../support/store-and-blobs.js";

const PERSON = "ivar.ek@el.example";
const NOW = Date.parse("2026-11-26T12:00:00.000Z");

describe("erase --email", () => {
  let opened: StoreAndBlobs;
  let redis: Redis;
  let store: CaseStore;
  let blobs: BlobStore;

  beforeEach(async () => {
    opened = await openStoreAndBlobs("erase");
    ({ redis, store, blobs } = opened);
  });

  afterEach(() => opened.close());

  it("removes the person from every case, answer, timeline and index, deletes their blobs, and leaves an audit event", async () => {
    const photo = await blobs.put(Buffer.from("a photo of Ivar's panel"));
    const other = await blobs.put(Buffer.from("a photo sent by someone else"));
    const withPerson = (id: string): Case =>
      makeCase(id, {
        participants: [
          { email: "nm@customer.example", name: "Nina Manager", role: "network_manager" },
          { email: PERSON, name: "Ivar Ek", role: "installer" },
        ],
        evidence: [
          { mail: "mid:1", at: "2026-11-21T09:00:00.000Z", from: PERSON, answers: {}, forms: [], macs: [], photos: [{ file: "panel.jpg", blob: photo.id, category: "electrical_panel", status: "ok", reasons: [], measures: {} }] },
          { mail: "mid:2", at: "2026-11-21T09:00:00.000Z", from: "nm@customer.example", answers: {}, forms: [], macs: [], photos: [{ file: "x.jpg", blob: other.id, category: null, status: "ok", reasons: [], measures: {} }] },
        ],
      });
    const answer = makeOutboxEntry("ACT-100001", 1, NOW, { to: [PERSON], text: "Hej Ivar Ek" });
    await store.commit({
      before: null,
      case: withPerson("ACT-100001"),
      events: [{ at: "2026-11-21T09:00:00.000Z", kind: "mail_in", by: PERSON, summary: `reply from Ivar Ek <${PERSON}>` }],
      outbox: [answer],
      messageIds: [],
      looseFlags: [],
    });
    await store.markSent(answer, "250 ok", new Date(NOW).toISOString());
    await store.commit({ before: null, case: withPerson("ACT-100002"), events: [], outbox: [], messageIds: [], looseFlags: [] });
    await store.commit({ before: null, case: makeCase("ACT-100003"), events: [], outbox: [], messageIds: [], looseFlags: [] });

    const r = await erasePersonData({ store, blobs, clock: { now: () => new Date(NOW) } }, "Ivar.Ek@el.example", "Maja");
    expect(r).toEqual({ kind: "ok", cases: ["ACT-100002", "ACT-100001"], outboxEntries: 1, unsentCancelled: 0, blobs: 1, restored: [], notErased: NOT_ERASED });

    // Nothing under the prefix names the person any more (case hashes, summaries, timelines, answers, index keys).
    for (const key of await redis.keys(`${store.prefix}*`)) {
      expect(key.toLowerCase()).not.toContain(PERSON);
      const type = await redis.type(key);
      const dump = type === "hash" ? JSON.stringify(await redis.hgetall(key)) : type === "list" ? JSON.stringify(await redis.lrange(key, 0, -1)) : type === "string" ? ((await redis.get(key)) ?? "") : "";
      expect(dump.toLowerCase()).not.toContain(PERSON);
      expect(dump).not.toContain("Ivar Ek");
    }
    const c = await store.getCase("ACT-100001");
    expect(c?.participants[1]).toEqual({ email: "erased-act-100001-1@erased.invalid", role: "installer" });
    expect(c?.evidence[1]?.photos[0]?.blob).toBe(other.id);
    const events = await store.events("ACT-100001");
    expect(events.at(-1)).toMatchObject({ kind: "participant_changed", by: "Maja", summary: expect.stringContaining("GDPR") });
    expect(await blobs.has(photo.id)).toBe(false);
    expect(await blobs.has(other.id)).toBe(true);
    expect((await store.searchPage([`email:${PERSON}`], null, 10)).items).toEqual([]);
    expect((await store.getCase("ACT-100003"))?.version).toBe(1);
    // Again: nothing left to erase.
    expect(await erasePersonData({ store, blobs, clock: { now: () => new Date(NOW) } }, PERSON, "Maja")).toMatchObject({ cases: [], blobs: 0 });
  });

  it("also deletes the raw mails they sent, cancels answers to them not sent yet, reaches archived cases, and names what it cannot erase", async () => {
    const raw = await blobs.put(Buffer.from(`From: Ivar Ek <${PERSON}>\r\nSubject: bilder\r\n\r\nHej, här är bilderna.`));
    const held = await blobs.put(Buffer.from(`From: Ivar Ek <${PERSON}>\r\nSubject: igen\r\n\r\nEn till.`));
    const nina = await blobs.put(Buffer.from("From: nm@customer.example\r\n\r\nfrån Nina"));
    const at = new Date(NOW).toISOString();
    const participants = [
      { email: "nm@customer.example", name: "Nina Manager", role: "network_manager" as const },
      { email: PERSON, name: "Ivar Ek", role: "installer" as const },
    ];
    // ACT-100001 hot, with a raw mail from Ivar, one from Nina, a held mail of his, and an answer to him not sent yet.
    const unsent = makeOutboxEntry("ACT-100001", 1, NOW, { to: [PERSON], text: "Hej Ivar Ek" });
    await store.commit({
      before: null,
      case: makeCase("ACT-100001", {
        participants,
        flags: [{ id: "unknown_sender:mid:9", code: "unknown_sender", reason: `${PERSON} is not a participant of ACT-100001`, at, blob: held.id }],
      }),
      events: [
        { at, kind: "mail_in", by: PERSON, summary: "bilder", mail: "mid:1", data: { blob: raw.id } },
        { at, kind: "mail_in", by: "nm@customer.example", summary: "svar", mail: "mid:2", data: { blob: nina.id } },
      ],
      outbox: [unsent],
      messageIds: [],
      looseFlags: [],
    });
    // ACT-100002 closed long ago and archived.
    const closedAt = NOW - 200 * DAY_MS;
    await store.commit({ before: null, case: makeCase("ACT-100002", { participants, stage: "closed", activityAt: new Date(closedAt).toISOString() }), events: [], outbox: [], messageIds: [], looseFlags: [] });
    expect((await archiveClosedCases({ store, clock: { now: () => new Date(NOW) } }, 90)).archived).toEqual(["ACT-100002"]);

    const r = await erasePersonData({ store, blobs, clock: { now: () => new Date(NOW) } }, PERSON, "Maja");
    expect(r).toMatchObject({ kind: "ok", cases: ["ACT-100002", "ACT-100001"], unsentCancelled: 1, blobs: 2, restored: ["ACT-100002"] });
    if (r.kind !== "ok") throw new Error("refused");
    expect(r.notErased.join(" ")).toMatch(/INBOX, Processed and Quarantine.*Sent folder/);

    expect(await blobs.has(raw.id)).toBe(false);
    expect(await blobs.has(held.id)).toBe(false);
    expect(await blobs.has(nina.id)).toBe(true);
    expect(await store.outboxEntry(unsent.key)).toBeNull();
    expect(await store.pendingOutbox()).toEqual([]);
    const events = await store.events("ACT-100001");
    expect(events[0]).toMatchObject({ by: "erased-act-100001-1@erased.invalid", data: { erased: true } });
    expect(events[1]?.data).toEqual({ blob: nina.id });
    expect((await store.getCase("ACT-100001"))?.flags[0]?.blob).toBeUndefined();
    // The archived case was restored and erased; it is hot until the archive takes it again.
    const restored = await store.getCase("ACT-100002");
    expect(restored?.participants[1]?.email).toBe("erased-act-100002-1@erased.invalid");
    expect(JSON.stringify(await store.events("ACT-100002"))).not.toContain(PERSON);
  });

  it("refuses something that is not one address", async () => {
    expect(await erasePersonData({ store, blobs, clock: { now: () => new Date(NOW) } }, "ivar", "Maja")).toMatchObject({ kind: "refused", code: "bad_address" });
  });
});
