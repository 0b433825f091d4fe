/**
 * `activation-bot archive`, `case show` of an archived case, `case reopen` and what `erase` says it
 * cannot erase, as a person runs them (through tsx, on the real Redis). The test plays the outbox
 * sender itself (marks the answers sent and filed), since no bot runs here.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { runCli } from "../support/cli.js";
import { beginStore, randomPrefix, redisUrl } from "../support/services.js";


describe("activation-bot archive", () => {
  let storage: string;
  let env: Record<string, string>;
  let redis: Redis;
  let store: CaseStore;

  const cli = (args: string[]) => runCli(args, env);

  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), "ab-archive-cli-"));
    env = { REDIS_PREFIX: randomPrefix("cli-archive"), TAG_SECRET: "cli-test-secret-0123456789", STORAGE_DIR: storage, MAIL_FROM: "Aktiveringar <activations@desk.test>", ARCHIVE_AFTER_DAYS: "0" };
    await beginStore(env.REDIS_PREFIX ?? "");
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, env.REDIS_PREFIX ?? "");
  });

  afterAll(async () => {
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await rm(storage, { recursive: true, force: true });
  });

  it("archives a closed case once its answers are sent and filed, shows it read-only, reopens it, and erase names what it cannot reach", { timeout: 300_000 }, async () => {
    const opened = await cli(["case", "open", "--site", "Kajen 2, Lund", "--nm-email", "nina@kund.test", "--nm-name", "Nina", "--stations", "1"]);
    expect(opened.code).toBe(0);
    const id = opened.stdout.trim();
    expect((await cli(["case", "close", id, "--force"])).code).toBe(0);

    // Its first mail is not sent yet: the case waits.
    const waiting = await cli(["archive", "--json"]);
    expect(waiting.code).toBe(0);
    expect(JSON.parse(waiting.stdout)).toMatchObject({ archived: 0, waiting: [id], archivedTotal: 0, due: 1 });

    for (const key of await store.pendingOutbox()) {
      const entry = await store.outboxEntry(key);
      if (entry) await store.markSent(entry, "250 ok", new Date().toISOString());
    }
    await store.markFiled(await store.unfiledSentCopies(Date.now() + 1000, 100));
    const done = await cli(["archive"]);
    expect(done.stdout).toContain("archived 1 case(s) closed 0+ days; 1 in the archive, 0 closed case(s) not yet due");

    const shown = await cli(["case", "show", id, "--json"]);
    expect(JSON.parse(shown.stdout)).toMatchObject({ case: { id, stage: "closed" }, archivedAt: expect.any(String) });
    expect((await cli(["case", "show", id])).stdout).toMatch(new RegExp(`^ARCHIVED .*case reopen ${id}`));
    expect((await cli(["cases", "list", "--search", "kajen"])).stdout).toContain(`${id}  closed                Kajen 2, Lund  [archived]`);
    const refused = await cli(["case", "override", id, "account.contacts", "--reason", "x"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`${id} is archived (read-only): reopen it first`);

    expect((await cli(["case", "reopen", id, "--reason", "billing question", "--by", "maja"])).code).toBe(0);
    const hot = JSON.parse((await cli(["case", "show", id, "--json"])).stdout) as { archivedAt?: string; stage: string; events: { kind: string; by: string }[] };
    expect(hot.archivedAt).toBeUndefined();
    // Restored from the archive, then reopened like any closed case.
    expect(hot.events.slice(-2)).toMatchObject([
      { kind: "restored", by: "maja" },
      { kind: "stage_changed", by: "maja" },
    ]);

    const erased = await cli(["erase", "--email", "nina@kund.test"]);
    expect(erased.code).toBe(0);
    expect(erased.stdout).toContain(`erased from 1 case(s) (${id})`);
    expect(erased.stdout).toContain("not erased by this command (do it by hand):");
    expect(erased.stdout).toContain("INBOX, Processed and Quarantine");
  });
});
