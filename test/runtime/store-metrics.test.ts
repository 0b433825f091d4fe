/**
 * The store and queue gauges, scraped from a real Redis (a random prefix) and real BullMQ queues: open
 * work by stage and by flag, the outbox backlog and its age, queue depths and memory per case.
 */
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { OverviewStore } from "../../src/adapters/redis/overview-store.js";
import type { OutboxEntry } from "../../src/core/case/outbox-entry.js";
import type { Case } from "../../src/core/types.js";
import { registerStoreMetrics } from "../../src/runtime/store-metrics.js";
import { makeCase } from "../support/case.js";
import { randomPrefix, redisUrl } from "../support/services.js";

/** One sample of a scraped metric, by its labels (Prometheus text format). */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

const entry = (key: string, caseId: string, createdAt: string): OutboxEntry => ({
  key,
  caseId,
  kind: "progress",
  from: "desk@example.com",
  replyTo: "desk@example.com",
  to: ["nm@example.com"],
  cc: [],
  subject: "Re: site",
  messageId: `<${key}@desk.example.com>`,
  references: [],
  text: "t",
  html: "<p>t</p>",
  attachments: [],
  autoSubmitted: "auto-replied",
  progress: true,
  createdAt,
});

describe("store metrics", () => {
  let redis: Redis;
  let store: CaseStore;
  let queue: Queue;
  let registry: Registry;

  const open = (c: Case, outbox: OutboxEntry[] = []) => store.commit({ before: null, case: c, events: [], outbox, messageIds: [], looseFlags: [] });

  beforeEach(() => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("store-metrics"));
    queue = new Queue("outbox", { connection: new Redis(redisUrl(), { maxRetriesPerRequest: null }), prefix: `${store.prefix}bull` });
    registry = new Registry();
    registerStoreMetrics(registry, { store, overview: new OverviewStore(redis, store.prefix), stages: ["open", "site_ready", "closed"], queues: { outbox: queue } });
  });

  afterEach(async () => {
    await queue.close();
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it("counts cases by stage and by open flag, the outbox backlog and its oldest entry, and queued jobs", async () => {
    const tenMinutesAgo = new Date(Date.now() - 600_000).toISOString();
    await open(makeCase("ACT-100001"), [entry("k1", "ACT-100001", tenMinutesAgo)]);
    await open(makeCase("ACT-100002", { stage: "closed" }));
    await open(
      makeCase("ACT-100003", {
        stage: "site_ready",
        flags: [
          { id: "f1", code: "unknown_sender", reason: "a stranger wrote", at: tenMinutesAgo },
          { id: "f2", code: "fact_mismatch", reason: "3 stations, 2 ordered", at: tenMinutesAgo },
        ],
      }),
    );
    await queue.add("send", { key: "k1" });
    await queue.add("send", { key: "k2" }, { delay: 60_000 });

    const text = await registry.metrics();
    expect(sample(text, "activation_bot_cases", 'stage="open"')).toBe(1);
    expect(sample(text, "activation_bot_cases", 'stage="site_ready"')).toBe(1);
    expect(sample(text, "activation_bot_cases", 'stage="closed"')).toBe(1);
    expect(sample(text, "activation_bot_flags_open", 'code="unknown_sender"')).toBe(1);
    expect(sample(text, "activation_bot_flags_open", 'code="fact_mismatch"')).toBe(1);
    expect(sample(text, "activation_bot_flags_open", 'code="unmatched"')).toBe(0);
    expect(sample(text, "activation_bot_flags_open", 'code="loose"')).toBe(0);
    expect(sample(text, "activation_bot_outbox_backlog", 'state="pending"')).toBe(1);
    expect(sample(text, "activation_bot_outbox_oldest_pending_seconds")).toBeGreaterThanOrEqual(600);
    expect(sample(text, "activation_bot_queue_jobs", 'queue="outbox",state="waiting"')).toBe(1);
    expect(sample(text, "activation_bot_queue_jobs", 'queue="outbox",state="delayed"')).toBe(1);
    expect(sample(text, "activation_bot_store_bytes_per_case")).toBeGreaterThan(0);
    expect(sample(text, "activation_bot_metric_read_failures_total", 'gauge="cases"')).toBeUndefined();
  });

  it("keeps the scrape whole when Redis cannot be read, and counts the failed reads", async () => {
    await open(makeCase("ACT-100001"));
    expect(sample(await registry.metrics(), "activation_bot_cases", 'stage="open"')).toBe(1);
    redis.disconnect();
    const text = await registry.metrics();
    expect(sample(text, "activation_bot_cases", 'stage="open"')).toBe(1);
    expect(sample(text, "activation_bot_metric_read_failures_total", 'gauge="cases"')).toBe(1);
    // The overview's gauges share one reading per scrape: its failure is counted once, and they keep their values.
    expect(sample(text, "activation_bot_metric_read_failures_total", 'gauge="overview"')).toBe(1);
    expect(sample(text, "activation_bot_stage_oldest_seconds", 'stage="open"')).toBeGreaterThan(0);
    redis = new Redis(redisUrl());
  });
});
