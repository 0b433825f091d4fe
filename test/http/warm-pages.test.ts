// The desk's pages warmed up at start (src/http/warm-pages.ts), over the real CaseStore on real Redis.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import type { CaseRepository } from "../../src/app/ports.js";
import { createHttpServer } from "../../src/http/server.js";
import { QUEUE_ROWS } from "../../src/http/queue-view.js";
import { warmPages } from "../../src/http/warm-pages.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { makeCase } from "../support/case.js";
import { repoRules } from "../support/rules.js";
import { randomPrefix, redisUrl } from "../support/services.js";

describe("warming the desk's pages at start", () => {
  let redis: Redis;
  let store: CaseStore;
  let blobDir: string;

  beforeEach(async () => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("warm"));
    blobDir = await mkdtemp(join(tmpdir(), "warm-blobs-"));
  });
  afterEach(async () => {
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await rm(blobDir, { recursive: true, force: true });
  });

  it("renders the queue and the work queue from one page of each list", async () => {
    const flag = { id: "f1", code: "loop" as const, reason: "rate limit reached", at: "2026-12-01T08:00:00.000Z" };
    await store.commit({ before: null, case: makeCase("ACT-500001", { flags: [flag] }), events: [], outbox: [], messageIds: [], looseFlags: [] });
    const limits: number[] = [];
    const counting = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === "listCases") throw new Error("the warm-up walked the cases");
        if (prop !== "listPage") return Reflect.get(target, prop, receiver) as unknown;
        return (...args: Parameters<CaseRepository["listPage"]>) => {
          limits.push(args[2]);
          return target.listPage(...args);
        };
      },
    });
    await warmPages({ store: counting, rules: await repoRules() });
    expect(limits.length).toBeGreaterThan(1);
    expect(Math.max(...limits)).toBeLessThanOrEqual(QUEUE_ROWS + 1);
  });

  it("holds back neither the server's start nor /healthz when the store does not answer", async () => {
    const silent = new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        return typeof value === "function" ? () => new Promise(() => undefined) : value;
      },
    });
    const app = createHttpServer({
      store: silent,
      blobs: createFileBlobStore(blobDir),
      rules: await repoRules(),
      renderer: await loadTemplates("templates"),
      metrics: createMetrics(),
      teamCommand: () => Promise.reject(new Error("read only")),
      settleLooseFlag: () => Promise.reject(new Error("read only")),
      readiness: async () => ({ ok: true, checks: {} }),
    });
    await app.ready();
    const res = await app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    await app.close();
  });
});
