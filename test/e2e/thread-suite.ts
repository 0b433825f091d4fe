/**
 * One case thread on the real servers (issue 3), as a suite that runs against any Redis topology: from the
 * first activation mail to the next stage (after the team verifies the account), an unmatched mail, and
 * a restart in the middle. thread.test.ts runs it on the single Redis, thread-cluster.test.ts on a
 * Redis Cluster.
 */
import { describe, expect, it, afterAll, beforeAll } from "vitest";
import type { MailActor } from "../../src/demo/actor.js";
import { withImap } from "../../src/demo/local-mail.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";
import { confirmTeamStep } from "./helpers.js";

export function threadSuite(title: string, env: () => Record<string, string> = () => ({})): void {
  describe(title, () => {
    let h: Harness;
    let nm: MailActor;
    let stranger: MailActor;

    beforeAll(async () => {
      h = await startHarness("thread", { env: env() });
      nm = await h.actor("nm", "Nina Nätansvarig");
      stranger = await h.actor("stranger", "Okänd Avsändare");
    });
    afterAll(async () => {
      await h?.close();
    });

    it("takes a case from the first mail through a partial and a complete answer to the next stage", async () => {
      const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina" });
      const caseId = opened.case.id;
      expect(caseId).toMatch(/^ACT-\d{6}$/);

      const first = await nm.next();
      expect(first.subject).toContain(`[${caseId}]`);
      expect(first.parsed.headers.get("auto-submitted")).toBe("auto-generated");
      expect(first.replyTo).toMatch(new RegExp(`\\+${caseId.toLowerCase()}\\.[a-z2-7]{8}@`));
      expect(first.text).toContain("Konfigurera Flex-fakturering");
      expect(first.parsed.html).toContain("<strong>");

      const partial = await nm.reply(first, "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.");
      const second = await nm.next();
      expect(second.parsed.inReplyTo).toBe(partial);
      expect(second.parsed.references).toContain(first.messageId);
      expect(second.parsed.headers.get("auto-submitted")).toBe("auto-replied");
      expect(second.subject).toBe(`Re: ${first.subject}`);
      const missing = second.text.split("Det här saknas fortfarande:")[1]?.split("---")[0] ?? "";
      expect(missing).toContain("Utse operativa kontakter och behörigheter");
      expect(missing).not.toContain("Konfigurera Flex-fakturering");

      let c = await h.ctx.store.getCase(caseId);
      expect(c?.stage).toBe("open");

      await nm.reply(second, "Operativa kontakter och behörigheter är utsedda: Kalle Drift, kalle@example.se.");
      const third = await nm.next();
      expect(third.text).toContain("Driftsättningsteamet gör nu:");
      expect((await h.ctx.store.getCase(caseId))?.stage).toBe("open");

      // The account is the team's to verify (issue 22); then the next stage's request goes out.
      await confirmTeamStep(h, caseId, "account.verified");
      const fourth = await nm.next();
      expect(fourth.text).toContain("Installation, driftsättning och markering");
      // The installer-less case's network manager reads that the account is verified in that same mail.
      expect(fourth.text).toContain("Driftsättningsteamet har verifierat ditt konto för nätverksansvarig.");
      c = await eventually(async () => (await h.ctx.store.getCase(caseId))?.stage === "commissioning" && h.ctx.store.getCase(caseId));
      expect(c?.stage).toBe("commissioning");

      // Exactly one answer per mail: three answers to the network manager, and the commissioning
      // request (the installer-less case sends it to the network manager) after the team's verification.
      await h.relay.settled();
      await new Promise((r) => setTimeout(r, 300));
      const all = await nm.all();
      expect(all.filter((m) => m.subject.includes(caseId))).toHaveLength(4);

      const events = await h.ctx.store.events(caseId);
      expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(["case_opened", "mail_in", "mail_out", "stage_changed"]));

      // The sent copies are in the desk's Sent folder, the answered mails left INBOX for Processed.
      let last: unknown;
      await eventually(async () => {
        const counts = await withImap(h.desk, async (client) => {
          const sent = await client.status("Sent", { messages: true });
          const processed = await client.status("Processed", { messages: true });
          return { sent: sent ? sent.messages : 0, processed: processed ? processed.messages : 0 };
        });
        last = counts;
        return counts.sent === 4 && counts.processed === 2;
      }, 10_000, "Sent and Processed folders").catch((err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(last)}`);
      });
      // Each copy, once stored, leaves the store's list of copies to file again after a crash.
      await eventually(async () => (await h.ctx.store.unfiledSentCopies(Date.now() + 60_000, 100)).length === 0, 5_000, "no unfiled Sent copies");
    });

    it("flags a mail that matches no case and sends nothing back", async () => {
      const before = h.relay.received.length;
      await stranger.send(h.desk.address, "Fråga om laddboxar", "Hej, när kommer ni och installerar?");
      const flag = await eventually(async () => (await h.ctx.store.looseFlags()).find((f) => f.code === "unmatched"));
      expect(flag.reason).toContain(stranger.address);
      await new Promise((r) => setTimeout(r, 500));
      expect(h.relay.received.slice(before).filter((m) => m.envelope.to.includes(stranger.address))).toHaveLength(0);
    });

    it("loses nothing and sends nothing twice across a restart of run", async () => {
      const opened = await h.openCase({ nmEmail: nm.address });
      const first = await nm.next(15_000, (m) => m.subject.includes(opened.case.id));
      await h.stopBot();
      await nm.reply(first, "Organisation och stationsinformation stämmer.");
      await h.relay.settled();
      await h.startBot();
      const answer = await nm.next(15_000, (m) => m.subject.includes(opened.case.id));
      expect(answer.text).toContain("Konfigurera Flex-fakturering");
      await h.restart();
      await new Promise((r) => setTimeout(r, 1000));
      const mine = (await nm.all()).filter((m) => m.subject.includes(opened.case.id));
      expect(mine).toHaveLength(2);
      expect(new Set(mine.map((m) => m.messageId)).size).toBe(2);
    });
  });
}
