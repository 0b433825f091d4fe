/** A mail that keeps failing is moved to Quarantine and flagged, never lost; the worker goes on. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor } from "../../src/demo/actor.js";
import { withImap } from "../../src/demo/local-mail.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";

describe("poison mail", () => {
  let h: Harness;
  let nm: MailActor;

  beforeAll(async () => {
    h = await startHarness("quarantine", { env: { MAX_INGEST_ATTEMPTS: "2" } });
    nm = await h.actor("nm", "Nina");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is quarantined with a processing_error flag after its attempts, and other mail still flows", async () => {
    const broken = await h.openCase({ nmEmail: nm.address, site: "Trasiga gatan 1" });
    const first = await nm.next(15_000, (m) => m.subject.includes(broken.case.id));
    // The stored case is damaged (a bad restore, a hand edit): every attempt to process its mail fails.
    await h.ctx.redis.hset(`${h.ctx.config.REDIS_PREFIX}case:${broken.case.id}`, "json", "{not json");
    await nm.reply(first, "Organisation och stationsinformation stämmer.");

    const flag = await eventually(async () => (await h.ctx.store.looseFlags()).find((f) => f.code === "processing_error"), 30_000);
    expect(flag.reason).toMatch(/failed 2 times: .* It goes to Quarantine/);
    const quarantined = await eventually(async () => {
      const n = await withImap(h.desk, async (c) => {
        const s = await c.status("Quarantine", { messages: true });
        return s ? (s.messages ?? 0) : 0;
      });
      return n === 1 ? n : undefined;
    });
    expect(quarantined).toBe(1);

    const healthy = await h.openCase({ nmEmail: nm.address, site: "Hela gatan 2" });
    const mail = await nm.next(15_000, (m) => m.subject.includes(healthy.case.id));
    await nm.reply(mail, "Flex-fakturering är konfigurerad.");
    const answer = await nm.next(15_000, (m) => m.subject.includes(healthy.case.id));
    expect(answer.text).toContain("Utse operativa kontakter");
  });
});
