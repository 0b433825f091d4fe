/** One watcher per mailbox across instances, with failover when the holder stops (SPEC §7). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor } from "../../src/demo/actor.js";
import type { Context } from "../../src/main.js";
import { buildContext, createLogger } from "../../src/main.js";
import type { RunningBot } from "../../src/runtime/run.js";
import { runBot } from "../../src/runtime/run.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";

describe("two instances on one mailbox", () => {
  let h: Harness;
  let nm: MailActor;
  let ctx2: Context;
  let bot2: RunningBot;

  beforeAll(async () => {
    h = await startHarness("failover", { env: { WATCHER_LOCK_TTL_MS: "1500" } });
    ctx2 = await buildContext(h.ctx.config, { log: createLogger("silent") });
    bot2 = await runBot(ctx2);
    nm = await h.actor("nm", "Nina");
  });
  afterAll(async () => {
    await bot2?.stop();
    await ctx2?.close();
    await h?.close();
  });

  it("has exactly one watcher, answers each mail once, and fails over when the watcher stops", async () => {
    await eventually(async () => h.bot.isWatching() !== bot2.isWatching());
    const opened = await h.openCase({ nmEmail: nm.address });
    const first = await nm.next(15_000, (m) => m.subject.includes(opened.case.id));
    await nm.reply(first, "Organisation och stationsinformation stämmer.");
    await nm.next(15_000, (m) => m.subject.includes(opened.case.id));

    const [holder, other] = h.bot.isWatching() ? [h.bot, bot2] : [bot2, h.bot];
    await (holder === h.bot ? h.stopBot() : bot2.stop());
    await eventually(async () => other.isWatching(), 10_000, "the other instance to take the watcher lock");

    const second = (await nm.all()).filter((m) => m.subject.includes(opened.case.id)).at(-1);
    if (!second) throw new Error("no answer");
    await nm.reply(second, "Flex-fakturering är konfigurerad.");
    const third = await nm.next(15_000, (m) => m.subject.includes(opened.case.id));
    expect(third.text).toContain("Utse operativa kontakter");
    await new Promise((r) => setTimeout(r, 500));
    expect((await nm.all()).filter((m) => m.subject.includes(opened.case.id))).toHaveLength(3);
    if (holder === h.bot) await h.startBot();
  });
});
