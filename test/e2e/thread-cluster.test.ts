/**
 * Issue 19, "Redis that outgrows one host": the whole case thread of thread-suite.ts with the bot on a
 * real three-master Redis Cluster on loopback (REDIS_CLUSTER_NODES): every Lua script, pipeline and
 * BullMQ queue of a thread works on a cluster, and the keys sit in the slot of the prefix's hash tag.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRedisSettings } from "../../src/adapters/redis/boot-check.js";
import { connectRedis } from "../../src/adapters/redis/connect.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { OverviewStore } from "../../src/adapters/redis/overview-store.js";
import { StoreEpoch } from "../../src/adapters/redis/store-epoch.js";
import { loadConfig } from "../../src/config.js";
import { STAGES } from "../../src/core/types.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { registerStoreMetrics } from "../../src/runtime/store-metrics.js";
import type { ClusterTopology } from "../support/cluster-redis.js";
import { CLUSTER_PORTS, startClusterTopology } from "../support/cluster-redis.js";
import { redisServerAvailable } from "../support/sentinel-redis.js";
import { threadSuite } from "./thread-suite.js";

describe.skipIf(!redisServerAvailable())("on a Redis Cluster", () => {
  let topo: ClusterTopology;
  beforeAll(async () => {
    topo = await startClusterTopology();
  });
  afterAll(async () => {
    await topo?.stop();
  });

  it("boot check asks every master, and the prefix becomes a hash tag", async () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: topo.nodes, REDIS_PREFIX: "ab:" });
    expect(config.REDIS_PREFIX).toBe("{ab:}");
    const cluster = connectRedis(config);
    expect(await checkRedisSettings(cluster)).toEqual({ ok: true });
    // One master without AOF: the refusal names that master and the setting.
    const one = new Redis(CLUSTER_PORTS[1]);
    await one.config("SET", "appendonly", "no");
    const check = await checkRedisSettings(cluster);
    await one.config("SET", "appendonly", "yes");
    one.disconnect();
    cluster.disconnect();
    expect(check).toMatchObject({ ok: false, code: "redis_aof_off" });
    expect(check.ok || check.message).toMatch(new RegExp(`127\\.0\\.0\\.1:${CLUSTER_PORTS[1]}: .*appendonly yes`));
  });

  it("reads one server run id for the whole cluster, the same at every call (the store guard's restart check)", async () => {
    const cluster = connectRedis(loadConfig({ REDIS_CLUSTER_NODES: topo.nodes }));
    const epoch = new StoreEpoch(cluster, "{ab:}");
    const ids = new Set<string>();
    for (let i = 0; i < 12; i++) ids.add(await epoch.serverRunId());
    cluster.disconnect();
    expect(ids.size).toBe(1);
    expect([...ids][0]?.split(",")).toHaveLength(CLUSTER_PORTS.length);
  });

  threadSuite("one case thread on the cluster", () => ({ REDIS_CLUSTER_NODES: topo.nodes }));

  it("kept every key of the thread in the prefix's slot, with the queues", async () => {
    const perNode = await Promise.all(CLUSTER_PORTS.map(async (port) => {
      const node = new Redis(port);
      const keys = await node.keys("*");
      node.disconnect();
      return keys;
    }));
    const all = perNode.flat();
    expect(all.filter((k) => k.includes(":case:ACT-")).length).toBeGreaterThan(0);
    expect(all.filter((k) => k.includes("bull:outbox:")).length).toBeGreaterThan(0);
    // Every key of the bot starts with the tagged prefix, and they all live on one master.
    expect(all.filter((k) => !/^\{t:thread:[0-9a-f]+:\}/.test(k))).toEqual([]);
    expect(perNode.filter((keys) => keys.length > 0)).toHaveLength(1);

    // Redis bytes per case, read over the cluster's masters (the store's slot is on one of them).
    const prefix = /^\{t:thread:[0-9a-f]+:\}/.exec(all[0] ?? "")?.[0] ?? "";
    const cluster = connectRedis(loadConfig({ REDIS_CLUSTER_NODES: topo.nodes }));
    const { registry } = createMetrics();
    registerStoreMetrics(registry, { store: new CaseStore(cluster, prefix), overview: new OverviewStore(cluster, prefix), stages: [...STAGES], queues: {} });
    const metrics = await registry.getMetricsAsJSON().finally(() => cluster.disconnect());
    const perCase = metrics.find((m) => m.name === "activation_bot_store_bytes_per_case")?.values[0]?.value ?? 0;
    expect(perCase).toBeGreaterThan(1000);
  });
});
