/**
 * An SMTP outage on the real servers: while the relay refuses the desk's mail (451), the bot's answer
 * waits in the outbox and is retried; once the relay takes mail again, exactly one answer arrives,
 * threaded as usual, and the case's timeline records it once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor } from "../../src/demo/actor.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";

describe("an SMTP outage", () => {
  let h: Harness;
  let nm: MailActor;

  beforeAll(async () => {
    h = await startHarness("smtp-outage");
    nm = await h.actor("nm", "Nina Nätansvarig");
  });
  afterAll(async () => {
    h?.relay.refuse(h.desk.address, null);
    await h?.close();
  });

  it("keeps the answer in the outbox until the relay takes mail again, then sends it once", async () => {
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina" });
    const caseId = opened.case.id;
    const first = await nm.next();

    h.relay.refuse(h.desk.address, "4.3.2 try again later");
    const fromDesk = () => h.relay.received.filter((m) => m.envelope.from === h.desk.address).length;
    const sent = fromDesk();
    const partial = await nm.reply(first, "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.");
    // The mail is handled (its effects committed) while the answer cannot leave.
    await eventually(async () => (await h.ctx.store.pendingOutbox()).some((k) => k.startsWith(`${caseId}.`)), 15_000, "answer pending");
    await new Promise((r) => setTimeout(r, 1500));
    expect(fromDesk()).toBe(sent);
    expect((await h.ctx.store.pendingOutbox()).some((k) => k.startsWith(`${caseId}.`))).toBe(true);

    h.relay.refuse(h.desk.address, null);
    const answer = await nm.next(30_000);
    expect(answer.parsed.inReplyTo).toBe(partial);
    expect(answer.text).toContain("Utse operativa kontakter och behörigheter");
    await eventually(async () => !(await h.ctx.store.pendingOutbox()).some((k) => k.startsWith(`${caseId}.`)), 15_000, "outbox drained");

    await h.relay.settled();
    await new Promise((r) => setTimeout(r, 500));
    expect((await nm.all()).filter((m) => m.subject.includes(caseId))).toHaveLength(2);
    const mailsOut = (await h.ctx.store.events(caseId)).filter((e) => e.kind === "mail_out");
    expect(mailsOut).toHaveLength(2);
  });
});
