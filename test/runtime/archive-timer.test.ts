/**
 * The archive in the background (runtime/archive-timer.ts) on real Redis and the file blob store: only
 * the instance that leads archives, and it archives on its own timer without being asked.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { DAY_MS } from "../../src/core/case/archive.js";
import { startArchiveTimer } from "../../src/runtime/archive-timer.js";
import { makeCase } from "../support/case.js";
import { randomPrefix, redisUrl } from "../support/services.js";

describe("the archive timer", () => {
  let redis: Redis;
  let store: CaseStore;
  let dir: string;

  beforeEach(async () => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("archive-timer"));
    dir = await mkdtemp(join(tmpdir(), "archive-timer-"));
  });

  afterEach(async () => {
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  it("archives due cases only while this instance leads", async () => {
    const longAgo = new Date(Date.now() - 100 * DAY_MS).toISOString();
    await store.commit({ before: null, case: makeCase("ACT-100001", { stage: "closed", activityAt: longAgo }), events: [], outbox: [], messageIds: [], looseFlags: [] });
    let leads = false;
    const timer = startArchiveTimer(
      { store, blobs: createFileBlobStore(dir), clock: { now: () => new Date() }, log: pino({ level: "silent" }), archiveAfterDays: 90, blobRetentionDays: 365, leads: () => leads },
      20,
    );
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(await store.isArchived("ACT-100001")).toBe(false);
      leads = true;
      const until = Date.now() + 10_000;
      while (!(await store.isArchived("ACT-100001")) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await store.isArchived("ACT-100001")).toBe(true);
    } finally {
      await timer.stop();
    }
  });
});
