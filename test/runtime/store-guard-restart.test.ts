/**
 * The store guard after a Redis restart (issue 20, power loss under `appendfsync everysec`): once the
 * connection to Redis dropped, no mail is committed before the guard has seen the new run_id and
 * restored what the restart lost; a wiped store turns work away. A real Redis of the test's own,
 * killed and started again.
 */
import { Redis } from "ioredis";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreEpoch } from "../../src/adapters/redis/store-epoch.js";
import type { Commit, CommitResult } from "../../src/app/ports.js";
import { guardedCommits, watchStore } from "../../src/runtime/store-guard.js";
import type { PrivateRedis } from "../faults/private-redis.js";
import { startPrivateRedis } from "../faults/private-redis.js";

/** A commit as the gate sees it: it looks at none of it. */
const commitOf = (id: string): Commit => ({ before: { id, version: 1 }, events: [], outbox: [], messageIds: [], looseFlags: [] });

describe("store guard after a Redis restart", () => {
  let server: PrivateRedis;
  let redis: Redis;

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
  });

  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it("holds a commit of mail until the restore after a restart has run, then lets it through", async () => {
    const epoch = new StoreEpoch(redis, "guard:");
    const marker = await epoch.begin();
    const order: string[] = [];
    const lost: string[] = [];
    const watch = watchStore(
      { epoch, history: async () => ({ processed: 0, sent: 0, highestCaseNumber: 100_007 }), log: pino({ level: "silent" }), where: "test", connection: redis },
      marker,
      (reason) => lost.push(reason),
      async () => {
        order.push("restore begins");
        await new Promise((r) => setTimeout(r, 300));
        order.push("restore done");
      },
    );
    const store = {
      commit: async (c: Commit): Promise<CommitResult> => {
        order.push(`commit ${c.before?.id}`);
        return "committed";
      },
      other: () => "the store's own",
    };
    const journaled: (string | undefined)[] = [];
    const gated = guardedCommits(store, { before: () => watch.beforeWork(), committed: (c) => journaled.push(c.before?.id) });
    try {
      await gated.commit(commitOf("ACT-100001"));
      expect(order).toEqual(["commit ACT-100001"]);
      expect(gated.other()).toBe("the store's own");

      await server.kill();
      await server.start();
      // The commit comes right after the restart, long before the guard's timer would look.
      await gated.commit(commitOf("ACT-100002"));
      expect(order).toEqual(["commit ACT-100001", "restore begins", "restore done", "commit ACT-100002"]);
      // The floor is learned from the mailbox after the restore.
      await expect.poll(async () => Number(await redis.get("guard:seq"))).toBe(7);

      // No drop since: the next commit does not wait on a check.
      await gated.commit(commitOf("ACT-100003"));
      expect(order.at(-1)).toBe("commit ACT-100003");
      expect(order.filter((o) => o === "restore begins")).toHaveLength(1);

      // The store wiped: work is turned away with the reason, and the bot hears it once.
      await redis.flushall();
      await server.kill();
      await server.start();
      await expect(gated.commit(commitOf("ACT-100004"))).rejects.toThrow(/store_lost: the store at test lost its epoch marker/);
      expect(order).not.toContain("commit ACT-100004");
      expect(lost).toHaveLength(1);
      // The journal heard each commit that went through, in order; not the one turned away.
      expect(journaled).toEqual(["ACT-100001", "ACT-100002", "ACT-100003"]);
    } finally {
      watch.stop();
    }
  });
});
