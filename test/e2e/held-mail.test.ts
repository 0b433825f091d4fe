/** A stranger's mail is held until the team accepts it; accepting applies it and answers it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { teamCommand } from "../../src/app/case-commands.js";
import type { MailActor } from "../../src/demo/actor.js";
import { settleLooseFlag } from "../../src/app/process-mail.js";
import { caseCommandDeps, processMailDeps } from "../../src/main.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";

describe("a mail from an unknown sender", () => {
  let h: Harness;
  let nm: MailActor;
  let colleague: MailActor;

  beforeAll(async () => {
    h = await startHarness("held");
    nm = await h.actor("nm", "Nina");
    colleague = await h.actor("colleague", "Kollega Kollegasson");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is held and flagged, then applied and answered once the team accepts the sender", async () => {
    const opened = await h.openCase({ nmEmail: nm.address });
    const first = await nm.next();
    // The network manager's colleague answers the forwarded activation mail from their own address.
    await colleague.reply(first, "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.");
    const flag = await eventually(async () => (await h.ctx.store.getCase(opened.case.id))?.flags.find((f) => f.code === "unknown_sender"));
    expect(flag.reason).toContain(colleague.address);
    expect(flag.blob).toMatch(/^sha256-/);
    let c = await h.ctx.store.getCase(opened.case.id);
    expect(c?.evidence).toEqual([]);
    expect((await colleague.all()).length).toBe(0);

    const accepted = await teamCommand(caseCommandDeps(h.ctx), opened.case.id, { kind: "accept_sender", flag: flag.id }, "Maja");
    expect(accepted.kind).toBe("ok");
    if (accepted.kind !== "ok") return;
    await h.bot.dispatch(accepted.case, accepted.outbox.map((e) => e.key));
    const answer = await colleague.next();
    expect(answer.text).toContain("Utse operativa kontakter och behörigheter");
    c = await h.ctx.store.getCase(opened.case.id);
    expect(c?.participants.find((p) => p.email === colleague.address)?.role).toBe("team_added");
    expect(c?.flags.find((f) => f.id === flag.id)?.resolved?.by).toBe("Maja");
    expect(c?.evidence.length).toBe(1);
  });

  it("that matches no case can be assigned to its case by the team, and is then processed", async () => {
    const opened = await h.openCase({ nmEmail: nm.address });
    await nm.next(15_000, (m) => m.subject.includes(opened.case.id));
    // A new mail, not a reply: no tag, no references.
    await nm.send(h.desk.address, "Vårt konto", "Organisation och stationsinformation stämmer.");
    const flag = await eventually(async () =>
      (await h.ctx.store.looseFlags()).find((f) => f.code === "unmatched" && f.reason.includes(nm.address) && !f.resolved),
    );
    const r = await settleLooseFlag({ ...processMailDeps(h.ctx), blobs: h.ctx.blobs }, flag.id, { kind: "assign", caseId: opened.case.id }, "Maja");
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok" || r.outcome?.kind !== "case") throw new Error("not processed into the case");
    await h.bot.dispatch(r.outcome.decision.case, r.outcome.outbox.map((e) => e.key));
    const answer = await nm.next(15_000, (m) => m.subject.includes(opened.case.id));
    expect(answer.text).toContain("Konfigurera Flex-fakturering");
    expect((await h.ctx.store.looseFlags()).find((f) => f.id === flag.id)?.resolved?.how).toContain(opened.case.id);
  });
});
