/**
 * A mail whose commit went through while its outbox job did not (a crash or a Redis outage between
 * the two, a commit whose reply was lost and sent again): when the mail comes round again it is found
 * handled, and its pending answer goes out then, not at the outbox sweep (every 30 s) — issue 20's
 * recovery ≤ 15 s. Real Dovecot, Redis and SMTP sink; the bot as `run` in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processMail } from "../../src/app/process-mail.js";
import type { MailActor } from "../../src/demo/actor.js";
import { withImap } from "../../src/demo/local-mail.js";
import { processMailDeps } from "../../src/main.js";
import { plainReply } from "../support/reply-mail.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";

/** The outbox sweep's period (runtime/run.ts OUTBOX_SWEEP_MS): an answer before it was not the sweep's. */
const SWEEP_MS = 30_000;

describe("a mail handled before whose answer was never queued", () => {
  let h: Harness;
  let nm: MailActor;

  beforeAll(async () => {
    h = await startHarness("handled-before");
    nm = await h.actor("nm", "Nina");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("has its pending answer queued as soon as the mail is found handled", async () => {
    const opened = await h.openCase({ nmEmail: nm.address, site: "Omvägen 3, Lund" });
    const first = await nm.next(15_000, (m) => m.subject.includes(opened.case.id));
    // The bot's start-up sweep has run (it queued the first mail); the next is SWEEP_MS away.
    await h.restart();
    const started = Date.now();

    const messageId = `<handled-before-${Date.now()}@kund.test>`;
    const raw = plainReply({
      from: `Nina <${nm.address}>`,
      to: first.replyTo,
      subject: `SV: ${first.subject}`,
      messageId,
      inReplyTo: first.messageId,
      date: new Date().toUTCString(),
      text: "Organisation och stationsinformation stämmer.",
    });
    // Committed with its answer, as a worker would, but no outbox job queued: the crash came between.
    const handled = await processMail(processMailDeps(h.ctx), Buffer.from(raw));
    expect(handled.kind).toBe("case");
    const pending = await h.ctx.store.pendingOutbox();
    expect(pending.length).toBeGreaterThan(0);

    // The same mail arrives (the watcher hands it over again): found handled, moved, answer queued.
    await withImap(h.desk, (c) => c.append("INBOX", raw));
    const answer = await nm.next(SWEEP_MS - 5_000, (m) => m.parsed.inReplyTo === messageId);
    expect(Date.now() - started).toBeLessThan(SWEEP_MS);
    expect(answer.subject).toContain(opened.case.id);
    expect(await h.ctx.store.pendingOutbox()).toEqual([]);
  });
});
