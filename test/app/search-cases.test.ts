// Search over the real CaseStore (real Redis, a random prefix).
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { searchForDesk } from "../../src/app/search-cases.js";
import { makeCase } from "../support/case.js";
import { randomPrefix, redisUrl } from "../support/services.js";

describe("searching cases", () => {
  let redis: Redis;
  let store: CaseStore;

  beforeAll(async () => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("search"));
    const seed = async (c: ReturnType<typeof makeCase>) =>
      expect(await store.commit({ before: null, case: c, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
    await seed(
      makeCase("ACT-300001", {
        site: "Storgatan 1, Malmö",
        macsShipped: ["00:1A:2B:3C:4D:01"],
        participants: [{ email: "nina@kund.se", name: "Nina Nilsson", role: "network_manager" }],
        messageIds: ["<act-300001.a1@desk.test>"],
      }),
    );
    await seed(makeCase("ACT-300002", { site: "Hamngatan 7, Lund", stage: "closed" }));
  });
  afterAll(async () => {
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  const ids = async (q: string) => (await searchForDesk({ store }, q)).hits.map((h) => `${h.caseId} ${h.why}`);

  it("finds a case by id, site words, a MAC in any notation, an address and a name, and says how it read the query", async () => {
    expect(await ids("act-300002")).toEqual(["ACT-300002 case id"]);
    expect(await ids("storgatan malmö")).toEqual(["ACT-300001 site, address or name"]);
    for (const mac of ["001a2b3c4d01", "00-1a-2b-3c-4d-01", "001A.2B3C.4D01", " 00:1A:2B:3C:4D:01 "]) {
      expect(await ids(mac), mac).toEqual(["ACT-300001 MAC address"]);
    }
    expect(await ids("NINA@kund.se")).toEqual(["ACT-300001 e-mail address or Message-ID"]);
    expect(await ids("nilsson")).toEqual(["ACT-300001 site, address or name"]);
    expect(await ids("lund")).toEqual(["ACT-300002 site, address or name"]);
    expect(await ids("   ")).toEqual([]);
    expect(await ids("00:1A:2B:3C:4D:99")).toEqual([]);
  });
});
