/**
 * Issue 19, "Redis that outgrows one host": the whole case thread of thread-suite.ts with the bot on a
 * real three-master Redis Cluster on loopback (REDIS_CLUSTER_NODES): every Lua script, pipeline and
 * BullMQ queue of a thread works on a cluster; each case's keys sit in its own slot (`{ACT-…}`), each
 * queue's in its own, the index in the prefix's; and a change cut between two slots is finished, not lost.
 */
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { checkRedisSettings } from "../../src/adapters/redis/boot-check.js";
import { connectRedis, masters } from "../../src/adapters/redis/connect.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { OverviewStore } from "../../src/adapters/redis/overview-store.js";
import { StoreEpoch } from "../../src/adapters/redis/store-epoch.js";
import { loadConfig } from "../../src/config.js";
import { STAGES } from "../../src/core/types.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { registerStoreMetrics } from "../../src/runtime/store-metrics.js";
import type { OutboxEntry } from "../../src/core/case/outbox-entry.js";
import type { ClusterTopology } from "../support/cluster-redis.js";
import { CLUSTER_PORTS, startClusterTopology } from "../support/cluster-redis.js";
import { redisServerAvailable } from "../support/sentinel-redis.js";
import { sendOutboxEntry } from "../../src/app/send-outbox.js";
import { archiveClosedCases, restoreArchivedCase } from "../../src/app/archive-cases.js";
import { makeCase, makeOutboxEntry } from "../support/case.js";
import { glob, scanKeys } from "../faults/private-redis.js";
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

  it("kept every key of a case in that case's own slot, each queue's in its own, and the index in the prefix's", async () => {
    const perNode = await Promise.all(CLUSTER_PORTS.map(async (port) => {
      const node = new Redis(port);
      const keys = await node.keys("*");
      node.disconnect();
      return keys;
    }));
    const all = perNode.flat();
    const prefix = all.map((k) => /^\{t:thread:[0-9a-f]+:\}/.exec(k)?.[0]).find(Boolean) ?? "";
    expect(prefix).not.toBe("");
    const bare = prefix.slice(1, -1);
    const caseKeys = all.filter((k) => k.startsWith(`${bare}{ACT-`));
    const indexKeys = all.filter((k) => k.startsWith(prefix));
    const queueKeys = (queue: string) => all.filter((k) => k.startsWith(`{${bare}${queue}}bull:${queue}:`));
    // Nothing else: every key is the index slot's, a queue's or a case's own.
    const queues = ["ingest", "outbox", "remind"].flatMap(queueKeys);
    expect(all.filter((k) => !caseKeys.includes(k) && !indexKeys.includes(k) && !queues.includes(k) && !k.startsWith("{t:cut:"))).toEqual([]);
    expect(indexKeys.filter((k) => /^(case|outbox|sent:case):ACT-/.test(k.slice(prefix.length)))).toEqual([]);
    expect(queueKeys("ingest").length).toBeGreaterThan(0);
    expect(queueKeys("outbox").length).toBeGreaterThan(0);

    const cluster = connectRedis(loadConfig({ REDIS_CLUSTER_NODES: topo.nodes }));
    try {
      const slot = async (k: string) => Number(await cluster.call("CLUSTER", "KEYSLOT", k));
      const byCase = new Map<string, string[]>();
      for (const k of caseKeys) {
        const id = /\{(ACT-\d+)\}/.exec(k)?.[1] ?? "";
        byCase.set(id, [...(byCase.get(id) ?? []), k]);
      }
      expect(byCase.size).toBeGreaterThanOrEqual(2);
      for (const [id, keys] of byCase) {
        // The case's hash, timeline, answers and send logs, all in the slot of its own tag.
        expect(keys.some((k) => k.endsWith(`case:${id}`)) && keys.some((k) => k.includes(`:outbox:${id}.`))).toBe(true);
        const slots = new Set(await Promise.all(keys.map(slot)));
        expect([...slots]).toEqual([await slot(`{${id}}`)]);
      }
      expect(new Set(await Promise.all(indexKeys.map(slot))).size).toBe(1);
      // Each queue in a slot of its own, all its keys together (BullMQ's scripts touch them as one).
      const queueSlots = await Promise.all(["ingest", "outbox"].map(async (q) => [...new Set(await Promise.all(queueKeys(q).map(slot)))]));
      expect(queueSlots.map((slots) => slots.length)).toEqual([1, 1]);
      expect(new Set([...queueSlots.flat(), await slot(indexKeys[0] ?? "")]).size).toBe(3);
      expect(new Set(await Promise.all([...byCase.keys()].map((id) => slot(`{${id}}`)))).size).toBe(byCase.size);
      // Every change finished both its steps, a refused one (a version conflict) took its mark off, and
      // each index step kept beside its case (for a failover that loses the index slot's last writes)
      // is on the applied record.
      const kept = (await Promise.all(caseKeys.filter((k) => k.endsWith(":indexing")).map((k) => cluster.hkeys(k)))).flat();
      expect(await cluster.zrange(`${prefix}dirty`, 0, -1)).toEqual([]);
      expect(kept.length).toBeGreaterThan(0);
      const applied = await cluster.zmscore(`${prefix}steps:applied`, ...kept);
      expect(applied.filter((score) => score === null)).toEqual([]);

      // Redis bytes per case, read over the cluster's masters.
      const { registry } = createMetrics();
      registerStoreMetrics(registry, { store: new CaseStore(cluster, prefix), overview: new OverviewStore(cluster, prefix), stages: [...STAGES], queues: {} });
      const metrics = await registry.getMetricsAsJSON();
      const perCase = metrics.find((m) => m.name === "activation_bot_store_bytes_per_case")?.values[0]?.value ?? 0;
      expect(perCase).toBeGreaterThan(1000);
    } finally {
      cluster.disconnect();
    }
  });

  describe("a change cut between the case's slot and the index slot", () => {
    const NOW = Date.parse("2026-12-05T10:00:00.000Z");
    let cluster: Redis;
    let store: CaseStore;
    /** The next index step fails, as if the bot died after the case step (the connection throws). */
    let cutNext = false;
    beforeEach(() => {
      cluster = connectRedis(loadConfig({ REDIS_CLUSTER_NODES: topo.nodes }));
      store = new CaseStore(cluster, `{t:cut:${Math.random().toString(16).slice(2, 10)}:}`);
      const commands = cluster as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const index = commands.abStepIndex?.bind(cluster);
      commands.abStepIndex = async (...args: unknown[]) => {
        if (cutNext) {
          cutNext = false;
          throw new Error("cut: the process died here");
        }
        return index?.(...args);
      };
    });
    afterEach(() => cluster.disconnect());

    it("uncut, applies what the case step found: an answer onto the pending list, a held draft onto the drafts list, a released one moved", async () => {
      // The pending list is what the outbox sweep queues again when an answer's job is lost (its
      // queue's master killed): without it, that answer would never go.
      const P = store.prefix;
      const answer = makeOutboxEntry("ACT-100008", 1, NOW);
      const held = makeOutboxEntry("ACT-100008", 2, NOW);
      expect(await store.commit({ before: null, case: makeCase("ACT-100008"), events: [], outbox: [answer, held], drafts: { hold: [held.key] }, messageIds: [], looseFlags: [] })).toBe("committed");
      expect(await store.pendingOutbox()).toEqual([answer.key]);
      expect(await cluster.zrange(`${P}outbox:drafts`, 0, -1)).toEqual([held.key]);
      expect(await store.unfinishedSteps()).toBe(0);
      const read = await store.getCase("ACT-100008");
      expect(await store.commit({ before: read, case: read!, events: [], outbox: [], drafts: { release: [held.key] }, messageIds: [], looseFlags: [] })).toBe("committed");
      expect((await store.pendingOutbox()).sort()).toEqual([answer.key, held.key].sort());
      expect(await cluster.zrange(`${P}outbox:drafts`, 0, -1)).toEqual([]);
      // Sent, it leaves the pending list for the unfiled one.
      expect(await store.markSent(answer, "250 ok", new Date(NOW).toISOString())).toBe(true);
      expect(await store.pendingOutbox()).toEqual([held.key]);
      expect(await cluster.zrange(`${P}outbox:unfiled`, 0, -1)).toEqual([answer.key]);
      // A commit on a stale read is refused by its case step, and leaves no change marked unfinished.
      expect(await store.commit({ before: read, case: { ...read!, stage: "site_ready" }, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("conflict");
      expect(await store.unfinishedSteps()).toBe(0);
    });

    it("is finished when the same mail comes again: no second case, the answer pending once", async () => {
      const opened = makeCase("ACT-100001");
      const answer = makeOutboxEntry("ACT-100001", 1, NOW);
      const commit = { before: null, case: opened, events: [], outbox: [answer], mail: { key: "imap:7:1", outcome: "case:ACT-100001" }, messageIds: ["<first@nm.example>"], looseFlags: [] };
      cutNext = true;
      await expect(store.commit(commit)).rejects.toThrow(/cut/);
      // The case is written in its slot; the index slot knows nothing of it yet.
      expect(await store.getCase("ACT-100001")).not.toBeNull();
      expect(await store.countList({ kind: "all" })).toBe(0);
      expect(await store.pendingOutbox()).toEqual([]);
      expect(await store.unfinishedSteps()).toBe(1);
      // The ingest job runs the mail again: matching reads the ledger, which finishes the change.
      const again = await store.matchLookup({ mailKey: "imap:7:1", messageIds: ["<first@nm.example>"], caseIds: [] });
      expect(again.ledger).toBe("case:ACT-100001");
      expect((await store.matchLookup({ mailKey: null, messageIds: ["<first@nm.example>"], caseIds: [] })).knownMessageIds.get("<first@nm.example>")).toBe("ACT-100001");
      expect(await store.countList({ kind: "all" })).toBe(1);
      expect(await store.pendingOutbox()).toEqual([answer.key]);
      expect(await store.unfinishedSteps()).toBe(0);
      // A commit of the same mail decided again (a retry that got past matching) writes nothing twice.
      expect(await store.commit({ ...commit, before: { id: "ACT-100001", version: 1 } })).toBe("already_handled");
      expect(await store.events("ACT-100001")).toEqual([]);
    });

    it("is finished by the same mail's second commit when its matching came first", async () => {
      await store.commit({ before: null, case: makeCase("ACT-100001"), events: [], outbox: [], messageIds: [], looseFlags: [] });
      const read = await store.getCase("ACT-100001");
      const answer = makeOutboxEntry("ACT-100001", 2, NOW);
      const commit = { before: read, case: { ...read!, stage: "site_ready" as const }, events: [{ at: new Date(NOW).toISOString(), kind: "note" as const, by: "bot", summary: "one" }], outbox: [answer], mail: { key: "imap:7:2", outcome: "case:ACT-100001" }, messageIds: [], looseFlags: [] };
      cutNext = true;
      await expect(store.commit(commit)).rejects.toThrow(/cut/);
      expect(await store.commit(commit)).toBe("already_handled");
      expect(await store.events("ACT-100001")).toHaveLength(1);
      expect(await store.pendingOutbox()).toEqual([answer.key]);
      expect(await store.mailOutcome("imap:7:2")).toBe("case:ACT-100001");
      expect((await store.listPage({ kind: "stage", stage: "site_ready" }, null, 10)).items.map((s) => s.id)).toEqual(["ACT-100001"]);
    });

    it("moves a case of a store the version before wrote (one slot for all) into its own slot at reindex", async () => {
      const P = store.prefix;
      const c = makeCase("ACT-100004", { site: "Bryggan 4, Kalmar", version: 2 });
      const answer = makeOutboxEntry("ACT-100004", 1, NOW);
      const event = { at: new Date(NOW).toISOString(), kind: "note", by: "Maja", summary: "ring först" };
      await cluster.hset(`${P}case:ACT-100004`, { json: JSON.stringify(c), version: "2", summary: "{}", idx: "[]" });
      await cluster.rpush(`${P}case:ACT-100004:events`, JSON.stringify(event));
      await cluster.hset(`${P}outbox:${answer.key}`, { entry: JSON.stringify(answer), status: "sent", sentAt: event.at, response: "250 ok" });
      await cluster.zadd(`${P}sent:case:ACT-100004`, NOW, answer.key);
      await cluster.zadd(`${P}cases`, NOW, "ACT-100004");
      let from: number | null = 0;
      while (from !== null) from = await store.reindexBatch(from, 10);
      expect(await store.getCase("ACT-100004")).toMatchObject({ id: "ACT-100004", site: "Bryggan 4, Kalmar" });
      expect(await store.events("ACT-100004")).toEqual([event]);
      expect(await store.outboxEntry(answer.key)).toMatchObject({ status: "sent", messageId: answer.messageId });
      expect((await store.caseWithSendCounts("ACT-100004", [], NOW)).sent.caseLastHour).toBe(1);
      expect(await cluster.exists(`${P}case:ACT-100004`, `${P}case:ACT-100004:events`, `${P}outbox:${answer.key}`, `${P}sent:case:ACT-100004`)).toBe(0);
      expect((await store.searchPage(["w:kalmar"], null, 10)).items.map((x) => x.id)).toEqual(["ACT-100004"]);
    });

    it("is applied again when a failover loses the index slot's last writes, from the step kept beside the case", async () => {
      const answer = makeOutboxEntry("ACT-100005", 1, NOW);
      expect(await store.commit({ before: null, case: makeCase("ACT-100005"), events: [], outbox: [answer], mail: { key: "imap:7:5", outcome: "case:ACT-100005" }, messageIds: [], looseFlags: [] })).toBe("committed");
      const [token] = await cluster.hkeys(store.keys.indexing("ACT-100005"));
      expect(token).toBeDefined();
      // The index step's writes lost, its pre step's kept (a master killed before it replicated them).
      const P = store.prefix;
      await cluster.zrem(`${P}steps:applied`, token ?? "");
      await cluster.zrem(`${P}outbox:pending`, answer.key);
      await cluster.zrem(`${P}list:all`, "ACT-100005");
      await cluster.hdel(`${P}caseidx`, "ACT-100005");
      await cluster.hdel(`${P}summaries`, "ACT-100005");
      await cluster.set(`${P}mail:imap:7:5`, "pending:ACT-100005");
      await cluster.zadd(`${P}dirty`, NOW, token ?? "");
      // The journal's restore asks the ledger: the mail is finished, not handled again.
      expect(await store.mailOutcome("imap:7:5")).toBe("case:ACT-100005");
      expect(await store.pendingOutbox()).toEqual([answer.key]);
      expect(await store.countList({ kind: "all" })).toBe(1);
      // Without the pre step's mark either, the sweep has nothing to find, but the next change of the
      // mail still applies the kept step.
      await cluster.zrem(`${P}steps:applied`, token ?? "");
      await cluster.zrem(`${P}outbox:pending`, answer.key);
      await cluster.del(`${P}mail:imap:7:5`);
      expect(await store.commit({ before: null, case: makeCase("ACT-100005"), events: [], outbox: [answer], mail: { key: "imap:7:5", outcome: "case:ACT-100005" }, messageIds: [], looseFlags: [] })).toBe("already_handled");
      expect(await store.pendingOutbox()).toEqual([answer.key]);
      expect(await store.mailOutcome("imap:7:5")).toBe("case:ACT-100005");
      // Kept for an hour after it was applied, then dropped by the sweep.
      expect(await store.repairSteps(Date.now() + 2 * 3_600_000)).toBe(0);
      expect(await cluster.exists(store.keys.indexing("ACT-100005"))).toBe(0);
    });

    it("applies again every kind of step it kept, also those whose lists Lua wrote back as objects", async () => {
      const answer = makeOutboxEntry("ACT-100007", 1, NOW);
      await store.commit({ before: null, case: makeCase("ACT-100007"), events: [], outbox: [answer], mail: { key: "imap:7:7", outcome: "case:ACT-100007" }, messageIds: [], looseFlags: [] });
      // markSent's step declares no extra keys and has no case state: `declare: []` comes back as `{}`.
      expect(await store.markSent(answer, "250 ok", new Date(NOW).toISOString())).toBe(true);
      const kept = Object.entries(await cluster.hgetall(store.keys.indexing("ACT-100007")));
      expect(kept.some(([, json]) => json.includes('"declare":{}'))).toBe(true);
      // The commit's index step lost (ledger entry and applied record with it).
      const [commitToken] = kept.find(([, json]) => json.includes('"ledger"')) ?? [""];
      await cluster.zrem(`${store.prefix}steps:applied`, commitToken);
      await cluster.set(`${store.prefix}mail:imap:7:7`, "pending:ACT-100007");
      expect(await store.mailOutcome("imap:7:7")).toBe("case:ACT-100007");
      // The commit's step, applied after markSent's, put the sent answer back on the pending list: the
      // sender takes it off and sends nothing.
      expect(await store.pendingOutbox()).toEqual([answer.key]);
      const outcome = await sendOutboxEntry(
        { store, clock: { now: () => new Date(NOW) }, send: () => Promise.reject(new Error("sent twice")), fileSentCopy: () => Promise.resolve() },
        answer.key,
      );
      expect(outcome).toMatchObject({ kind: "skipped", reason: "already sent" });
      expect(await store.pendingOutbox()).toEqual([]);
    });

    it("is finished when its case step ran twice, the first reply lost (a command resent after a failover)", async () => {
      const commands = cluster as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const once = commands.abCaseCommit?.bind(cluster);
      commands.abCaseCommit = async (...args: unknown[]) => {
        await once?.(...args);
        return once?.(...args);
      };
      // A mail's commit: the second run finds the mail handled, and the commit finishes the first run's step.
      const answer = makeOutboxEntry("ACT-100006", 1, NOW);
      expect(await store.commit({ before: null, case: makeCase("ACT-100006"), events: [], outbox: [answer], mail: { key: "imap:7:6", outcome: "case:ACT-100006" }, messageIds: [], looseFlags: [] })).toBe("already_handled");
      expect(await store.pendingOutbox()).toEqual([answer.key]);
      expect(await store.mailOutcome("imap:7:6")).toBe("case:ACT-100006");
      // A team member's change: the second run conflicts with the first's version; the sweep applies the first.
      const read = await store.getCase("ACT-100006");
      const note = makeOutboxEntry("ACT-100006", 2, NOW);
      expect(await store.commit({ before: read, case: { ...read!, stage: "site_ready" }, events: [], outbox: [note], messageIds: [], looseFlags: [] })).toBe("conflict");
      // The refusal finds the first run's step stored, and applies it at once: the sweep finds nothing.
      expect(await store.unfinishedSteps()).toBe(0);
      expect(await store.repairSteps(Date.now() + 6_000)).toBe(0);
      expect((await store.pendingOutbox()).sort()).toEqual([answer.key, note.key].sort());
      expect((await store.listPage({ kind: "stage", stage: "site_ready" }, null, 10)).items.map((x) => x.id)).toEqual(["ACT-100006"]);
    });

    it("is finished by the sweep when nothing comes again (a team member's change)", async () => {
      await store.commit({ before: null, case: makeCase("ACT-100001"), events: [], outbox: [], messageIds: [], looseFlags: [] });
      const read = await store.getCase("ACT-100001");
      cutNext = true;
      await expect(store.commit({ before: read, case: { ...read!, stage: "site_ready" }, events: [], outbox: [], messageIds: [], looseFlags: [] })).rejects.toThrow(/cut/);
      expect((await store.listPage({ kind: "stage", stage: "site_ready" }, null, 10)).items).toEqual([]);
      // Not before REPAIR_AFTER_MS: a change may still be on its way.
      expect(await store.repairSteps(Date.now())).toBe(0);
      expect(await store.repairSteps(Date.now() + 6_000)).toBe(1);
      expect((await store.listPage({ kind: "stage", stage: "site_ready" }, null, 10)).items.map((s) => s.id)).toEqual(["ACT-100001"]);
      expect(await store.countList({ kind: "stage", stage: "open" })).toBe(0);
      expect(await store.unfinishedSteps()).toBe(0);
    });
  });

  /**
   * The index a Cluster keeps must be the one a single Redis keeps for the same changes: a case step's
   * ops that never reached the index step (the pending and drafts lists, fifteenth session) left the
   * two apart for months with every thread test green. The same changes run on both, every kind the
   * store makes, and every index key is compared: its kind, its members, fields and values (zset scores
   * are left out: a released draft is scored by the commit's clock).
   */
  it("keeps the same index as a single Redis for the same changes, every kind of change", async () => {
    const NOW = Date.parse("2026-12-05T10:00:00.000Z");
    const clock = { now: () => new Date(NOW) };
    const tag = Math.random().toString(16).slice(2, 10);
    const single = connectRedis(loadConfig({}));
    const cluster = connectRedis(loadConfig({ REDIS_CLUSTER_NODES: topo.nodes }));
    const stores = { single: new CaseStore(single, `t:par:${tag}:`), cluster: new CaseStore(cluster, `{t:par:${tag}:}`) };
    try {
      // Two rounds, the index compared after each: the first leaves answers pending and drafts held.
      const long = new Date(NOW - 200 * 86_400_000).toISOString();
      const a1 = makeOutboxEntry("ACT-100101", 1, NOW);
      const [b1, b2, b3, b4] = [1, 2, 3, 4].map((n) => makeOutboxEntry("ACT-100102", n, NOW, { to: [`nm${n}@customer.example`] })) as [OutboxEntry, OutboxEntry, OutboxEntry, OutboxEntry];
      const opening = async (store: CaseStore) => {
        expect(await store.commit({ before: null, case: makeCase("ACT-100101", { activityAt: long }), events: [], outbox: [a1], mail: { key: "imap:9:1", outcome: "case:ACT-100101" }, messageIds: ["<m1@nm.example>"], macs: ["00:11:22:33:44:aa"], looseFlags: [] })).toBe("committed");
        expect(await store.commit({ before: null, case: makeCase("ACT-100102"), events: [], outbox: [b1, b2, b3, b4], drafts: { hold: [b2.key, b3.key, b4.key] }, messageIds: [], looseFlags: [] })).toBe("committed");
        const b = await store.getCase("ACT-100102");
        expect(await store.commit({ before: b, case: { ...b!, stage: "site_ready" }, events: [], outbox: [], drafts: { release: [b2.key], discard: [b3.key] }, messageIds: [], looseFlags: [] })).toBe("committed");
        // A stale read refused; a loose mail's flag (no case step at all).
        expect(await store.commit({ before: b, case: { ...b!, stage: "closed" }, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("conflict");
        const flag = { id: "flag-1", code: "unmatched" as const, reason: "no case", at: new Date(NOW).toISOString(), mail: "imap:9:9" };
        expect(await store.commit({ before: null, events: [], outbox: [], mail: { key: "imap:9:9", outcome: "loose:flag-1" }, messageIds: [], looseFlags: [flag] })).toBe("committed");
      };
      const closing = async (store: CaseStore) => {
        await store.resolveLooseFlag("flag-1", { by: "maja", at: new Date(NOW).toISOString(), how: "dismissed" });
        // Sent and filed, closed, archived and restored.
        expect(await store.markSent(a1, "250 ok", new Date(NOW).toISOString())).toBe(true);
        expect(await store.markSent(b1, "250 ok", new Date(NOW).toISOString())).toBe(true);
        await store.markFiled([a1.key, b1.key]);
        const a = await store.getCase("ACT-100101");
        expect(await store.commit({ before: a, case: { ...a!, stage: "closed", activityAt: long }, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
        expect((await archiveClosedCases({ store, clock }, 90)).archived).toEqual(["ACT-100101"]);
        expect(await restoreArchivedCase({ store, clock }, "ACT-100101", "maja", "a second site")).toEqual({ kind: "ok", caseId: "ACT-100101" });
        // A person erased: b2 (released, unsent) is cancelled.
        await store.eraseRecipient("nm2@customer.example", (id) => `erased-${id}`);
      };
      /** Every index key under the store's prefix: kind and members, fields and values (no zset scores). */
      const indexOf = async (redis: Redis, store: CaseStore) => {
        const P = store.prefix;
        const found = new Set(await scanKeys(await masters(redis), `${glob(P)}*`));
        // A case's own keys (under P on one Redis) and the Cluster's step bookkeeping are not the index.
        const own = /^(case:ACT-|outbox:ACT-|sent:case:|sent:noprog:|dirty$|steps:applied$)/;
        const out: Record<string, unknown> = {};
        for (const k of [...found].sort()) {
          const name = k.slice(P.length);
          if (own.test(name)) continue;
          const type = await redis.type(k);
          out[name] =
            type === "string" ? await redis.get(k)
            : type === "hash" ? await redis.hgetall(k)
            : type === "set" ? (await redis.smembers(k)).sort()
            : type === "zset" ? (await redis.zrange(k, 0, -1)).sort()
            : type === "list" ? await redis.lrange(k, 0, -1)
            : type;
        }
        return out;
      };
      for (const round of [opening, closing]) {
        await round(stores.single);
        await round(stores.cluster);
        const one = await indexOf(single, stores.single);
        expect(Object.keys(one).length).toBeGreaterThan(20);
        expect(await indexOf(cluster, stores.cluster)).toEqual(one);
      }
      expect(await stores.cluster.unfinishedSteps()).toBe(0);
    } finally {
      const keys = await single.keys(`${stores.single.prefix}*`);
      if (keys.length) await single.del(...keys);
      single.disconnect();
      cluster.disconnect();
    }
  });
});
