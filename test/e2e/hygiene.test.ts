/**
 * Issue 6, end to end on a real Dovecot, Redis and SMTP relay: mail the bot must not answer, or must
 * not trust. An out-of-office reply, a bounce of the bot's own first mail, a stranger writing in a
 * case's thread, a forged case tag, an auto-responder that ignores the auto-reply headers, and a mail
 * that keeps failing. None of them gets an answer; each leaves a trace for the team.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor, ReceivedMail } from "../../src/demo/actor.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";
import { caseWhen, deliverRaw, eventWhen, folderCounts, mailsOut, ofCase, outboxDrained } from "./helpers.js";

describe("mail the bot does not answer", () => {
  let h: Harness;
  let stranger: MailActor;

  beforeAll(async () => {
    // A mail that fails is retried once, then quarantined (the last test), instead of five times.
    h = await startHarness("hygiene", { env: { MAX_INGEST_ATTEMPTS: "2" } });
    stranger = await h.actor("stranger", "Okänd Avsändare");
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A case and the network manager's copy of its first mail. */
  async function caseWithFirstMail(role: string): Promise<{ id: string; nm: MailActor; first: ReceivedMail }> {
    const nm = await h.actor(role, "Nina Nätansvarig");
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina" });
    const id = opened.case.id;
    const first = await nm.next(15_000, (m) => m.subject.includes(`[${id}]`));
    return { id, nm, first };
  }

  /** Nothing but the first mail ever left for this case, and nothing is on its way. */
  async function expectOnlyFirstMail(id: string, nm: MailActor): Promise<void> {
    await outboxDrained(h, id);
    expect(await mailsOut(h, id)).toHaveLength(1);
    expect(ofCase(await nm.all(), id)).toHaveLength(1);
  }

  /** Handled mail leaves INBOX, answered or not (each test waits for its own mail to be handled). */
  async function expectInboxEmpty(): Promise<void> {
    let last: Record<string, number> = {};
    await eventually(async () => {
      last = await folderCounts(h.desk, ["INBOX"]);
      return last.INBOX === 0;
    }, 15_000, "INBOX to be empty").catch((err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(last)}`);
    });
  }

  it("records an out-of-office reply on the timeline and does not answer it", async () => {
    const { id, nm, first } = await caseWithFirstMail("nm-ooo");
    await nm.send(
      first.replyTo,
      `Automatiskt svar: ${first.subject}`,
      "Hej,\n\nJag är på semester till och med måndag 11 augusti och har begränsad tillgång till e-post.\n" +
        "Vid brådskande ärenden, kontakta driftjouren på 08-123 456 78.\n\nMed vänlig hälsning\nNina",
      {
        "Auto-Submitted": "auto-replied",
        "X-Auto-Response-Suppress": "All",
        "X-MS-Exchange-Inbox-Rules-Loop": nm.address,
        "In-Reply-To": first.messageId,
        References: first.messageId,
      },
    );
    const ignored = await eventWhen(h, id, (e) => e.kind === "mail_ignored", "the out-of-office on the timeline");
    expect(ignored.summary).toMatch(/^auto_reply: /);
    expect(await h.ctx.store.mailOutcome(ignored.mail ?? "")).toBe(`case:${id}`);
    const c = await h.ctx.store.getCase(id);
    expect(c?.flags).toEqual([]);
    expect(c?.evidence).toEqual([]);
    await expectOnlyFirstMail(id, nm);
    await expectInboxEmpty();
  });

  it("flags the case and marks the network manager undeliverable when the first mail bounces", async () => {
    const { id, nm, first } = await caseWithFirstMail("nm-bounce");
    // The relay's delivery, as the MTA that refused it returned it: the first mail's own headers.
    const returnedHeaders = first.raw.toString("utf8").split(/\r?\n\r?\n/)[0] ?? "";
    const boundary = "4C1B81A0.1752915602/mx.relay.test";
    const dsn = [
      "From: MAILER-DAEMON@mx.relay.test (Mail Delivery System)",
      `To: ${h.desk.address}`,
      "Subject: Undelivered Mail Returned to Sender",
      `Date: ${new Date().toUTCString()}`,
      "Message-Id: <20260719090002.4C1B81A0@mx.relay.test>",
      "Auto-Submitted: auto-replied",
      "MIME-Version: 1.0",
      `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
      "",
      "This is a MIME-encapsulated message.",
      "",
      `--${boundary}`,
      "Content-Description: Notification",
      "Content-Type: text/plain; charset=utf-8",
      "",
      "This is the mail system at host mx.relay.test.",
      "",
      "I'm sorry to have to inform you that your message could not",
      "be delivered to one or more recipients.",
      "",
      `<${nm.address}>: host mx.kund.test[192.0.2.25] said: 550 5.1.1 User unknown`,
      "",
      `--${boundary}`,
      "Content-Description: Delivery report",
      "Content-Type: message/delivery-status",
      "",
      "Reporting-MTA: dns; mx.relay.test",
      `Arrival-Date: ${new Date().toUTCString()}`,
      "",
      `Final-Recipient: rfc822; ${nm.address}`,
      `Original-Recipient: rfc822;${nm.address}`,
      "Action: failed",
      "Status: 5.1.1",
      "Remote-MTA: dns; mx.kund.test",
      `Diagnostic-Code: smtp; 550 5.1.1 <${nm.address}>: Recipient address rejected: User unknown`,
      "",
      `--${boundary}`,
      "Content-Description: Undelivered Message Headers",
      "Content-Type: text/rfc822-headers",
      "",
      returnedHeaders,
      "",
      `--${boundary}--`,
      "",
    ].join("\r\n");
    expect(returnedHeaders).toContain(`Message-ID: ${first.messageId}`);
    await deliverRaw(h.desk, dsn);

    const c = await caseWhen(h, id, (x) => x.flags.some((f) => f.code === "bounce"), "the bounce flag");
    const flag = c.flags.find((f) => f.code === "bounce");
    expect(flag?.reason).toContain(`mail to ${nm.address} bounced`);
    expect(flag?.reason).toContain("5.1.1");
    const participant = c.participants.find((p) => p.email === nm.address);
    expect(participant?.undeliverable?.diagnostic).toContain("5.1.1");
    await expectOnlyFirstMail(id, nm);
    await expectInboxEmpty();
    expect(h.relay.received.filter((m) => m.envelope.to.some((t) => t.toLowerCase().startsWith("mailer-daemon")))).toHaveLength(0);
  });

  it("holds a stranger's mail with a valid case tag for the team, without an answer", async () => {
    const { id, nm, first } = await caseWithFirstMail("nm-stranger");
    const before = h.relay.received.length;
    await stranger.send(h.desk.address, first.subject, "Hej, organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.");
    const c = await caseWhen(h, id, (x) => x.flags.some((f) => f.code === "unknown_sender"), "the unknown_sender flag");
    expect(c.flags.find((f) => f.code === "unknown_sender")?.reason).toContain(`${stranger.address} is not a participant of ${id}`);
    // Its content is held: nothing of it is on the checklist.
    expect(c.evidence).toEqual([]);
    expect(c.participants.map((p) => p.email)).toEqual([nm.address]);
    await expectOnlyFirstMail(id, nm);
    await expectInboxEmpty();
    expect(h.relay.received.slice(before).filter((m) => m.envelope.to.includes(stranger.address))).toHaveLength(0);
  });

  it("flags a hand-typed case tag without its signature as unmatched", async () => {
    const { id, nm } = await caseWithFirstMail("nm-forged");
    const before = h.relay.received.length;
    const messageId = await stranger.send(h.desk.address, `Re: [${id}] Aktivering av laddstationer`, "Flex-fakturering är klar.");
    const flag = await eventually(async () => (await h.ctx.store.looseFlags()).find((f) => f.mail === `mid:${messageId.slice(1, -1)}`), 15_000, "the unmatched flag");
    expect(flag.code).toBe("unmatched");
    expect(flag.reason).toContain(`subject tag ${id} without a valid signature`);
    expect(await h.ctx.store.mailOutcome(flag.mail ?? "")).toBe("flagged:unmatched");
    const c = await h.ctx.store.getCase(id);
    expect(c?.flags).toEqual([]);
    expect((await h.ctx.store.events(id)).filter((e) => e.kind === "mail_in")).toHaveLength(0);
    await expectOnlyFirstMail(id, nm);
    await expectInboxEmpty();
    expect(h.relay.received.slice(before).filter((m) => m.envelope.to.includes(stranger.address))).toHaveLength(0);
  });

  it("stops a ping-pong with an auto-responder that ignores the headers at the rate limit", async () => {
    const { id, nm: responder, first } = await caseWithFirstMail("nm-pingpong");
    const limit = h.ctx.rules.limits.rate_limits.no_progress_replies_per_case_per_hour;
    const looped = caseWhen(h, id, (c) => c.flags.some((f) => f.code === "loop"), "the loop flag");
    // Answers every bot mail at once, as a helpdesk's acknowledgement does, with no auto-reply headers.
    let last = first;
    for (let round = 0; round < 3 * limit; round++) {
      await responder.reply(last, "Tack för ditt mejl! Ditt ärende är registrerat hos vår kundtjänst och vi återkommer så snart vi kan.");
      const answer = responder.next(15_000, (m) => m.subject.includes(`[${id}]`)).catch(() => null);
      const next = await Promise.race([answer, looped.then(() => null)]);
      if (next === null) break;
      last = next;
    }
    const c = await looped;
    expect(c.flags.find((f) => f.code === "loop")?.reason).toContain("rate limit reached, nothing sent");
    await outboxDrained(h, id);
    // The first mail and one answer per allowed no-progress reply; then silence.
    expect(ofCase(await responder.all(), id)).toHaveLength(1 + limit);
    expect(await mailsOut(h, id)).toHaveLength(1 + limit);
    expect((await h.ctx.store.events(id)).filter((e) => e.kind === "mail_in")).toHaveLength(limit + 1);
    await expectInboxEmpty();
  });

  it("quarantines a mail that keeps failing and flags it, without an answer", async () => {
    const { id, nm, first } = await caseWithFirstMail("nm-quarantine");
    // A case record nobody can read: every attempt at the mail fails the same way.
    const key = `${h.ctx.config.REDIS_PREFIX}case:${id}`;
    await h.ctx.redis.hset(key, "json", "{ this is not a case");
    await nm.reply(first, "Organisation och stationsinformation stämmer.");
    const flag = await eventually(
      async () => (await h.ctx.store.looseFlags()).find((f) => f.code === "processing_error"),
      15_000,
      "the processing_error flag",
    );
    expect(flag.reason).toMatch(/failed 2 times: .* It goes to Quarantine/);
    expect(await h.ctx.store.mailOutcome(flag.mail ?? "")).toBe("quarantined");
    await eventually(async () => (await folderCounts(h.desk, ["Quarantine"])).Quarantine === 1, 15_000, "the mail in Quarantine");
    await expectInboxEmpty();
    await h.relay.settled();
    expect(ofCase(await nm.all(), id)).toHaveLength(1);
  });
});
