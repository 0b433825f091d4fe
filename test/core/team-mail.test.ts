import { beforeAll, describe, expect, it } from "vitest";
import { decideReminder, reminderPlanStart } from "../../src/core/case/reminders.js";
import { addParticipant, pauseReminders, photoRef, replaceAddress, teamMail } from "../../src/core/case/team-mail.js";
import type { TeamResult } from "../../src/core/case/team-actions.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case, EvidenceRecord, PhotoEvidence } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";
import { repoRules } from "../support/rules.js";

const NOW = "2026-12-04T10:00:00.000Z";
let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

function ok(r: TeamResult) {
  if (r.kind !== "ok") throw new Error(`refused: ${r.reason}`);
  return r.decision;
}

function refusal(r: TeamResult): string {
  if (r.kind !== "refused") throw new Error("expected a refusal");
  return r.reason;
}

const blurred: PhotoEvidence = { file: "elcentral.jpg", blob: "sha256-aa", category: "electrical_panel", stage: "commissioning", status: "failed", reasons: ["blurred"], measures: {} };
const sharp: PhotoEvidence = { file: "oversikt.jpg", blob: "sha256-bb", category: "site_overview", stage: "commissioning", status: "ok", reasons: [], measures: {} };

function record(from: string, over: Partial<EvidenceRecord> = {}): EvidenceRecord {
  return { mail: `mid:${from}`, at: "2026-12-01T09:00:00.000Z", from, answers: {}, forms: [], photos: [], macs: [], ...over };
}

describe("the team speaks in the thread", () => {
  it("asks the installer who sent a blurred photo for a new one, with the rules' advice and the member's reason, recorded under her name", () => {
    const c = makeCase("ACT-100001", { stage: "commissioning", evidence: [record("el@installer.example", { photos: [blurred, sharp] })] });
    const d = ok(teamMail(c, { kind: "retake", photos: [photoRef(blurred)], reason: "Luckan ska vara öppen." }, "maja", rules, NOW, "d1"));
    expect(d.outbox).toHaveLength(1);
    const intent = d.outbox[0];
    expect(intent?.kind).toBe("retake_request");
    expect(intent?.to).toEqual(["el@installer.example"]);
    expect(intent?.content.problems[0]).toContain("elcentral.jpg");
    expect(intent?.content.teamNote).toBe("Luckan ska vara öppen.");
    expect(intent?.slot).toContain("d1");
    expect(d.events).toEqual([expect.objectContaining({ kind: "team_mail", by: "maja" })]);
    expect(d.events[0]?.summary).toContain("elcentral.jpg");
  });

  it("refuses to ask for a photo that passed its checks again without a reason, and a photo the case does not have", () => {
    const c = makeCase("ACT-100001", { stage: "commissioning", evidence: [record("el@installer.example", { photos: [sharp] })] });
    expect(refusal(teamMail(c, { kind: "retake", photos: [photoRef(sharp)], reason: " " }, "maja", rules, NOW, "d1"))).toContain("say why");
    expect(refusal(teamMail(c, { kind: "retake", photos: ["sha256-zz"], reason: "x" }, "maja", rules, NOW, "d1"))).toContain("no photo");
    expect(ok(teamMail(c, { kind: "retake", photos: [photoRef(sharp)], reason: "Stationen syns inte." }, "maja", rules, NOW, "d1")).outbox[0]?.content.problems).toEqual(["oversikt.jpg"]);
  });

  it("asks the network manager again about an unclear answer, quoting her words, and about a missing item", () => {
    const c = makeCase("ACT-100001", {
      evidence: [record("nm@customer.example", { answers: { "account.contacts": { status: "unclear", value: null, text: "vet inte riktigt" } } })],
    });
    const d = ok(teamMail(c, { kind: "ask_again", items: ["account.contacts", "account.flex_billing"], note: "Vem ska vi ringa vid fel?" }, "maja", rules, NOW, "d2"));
    expect(d.outbox).toHaveLength(1);
    expect(d.outbox[0]?.kind).toBe("ask_again");
    expect(d.outbox[0]?.to).toEqual(["nm@customer.example"]);
    expect(d.outbox[0]?.content.unclear).toEqual([{ id: "account.contacts", text: "vet inte riktigt" }]);
    expect(d.outbox[0]?.content.open).toEqual([{ id: "account.flex_billing" }]);
    expect(d.outbox[0]?.content.teamNote).toBe("Vem ska vi ringa vid fel?");
  });

  it("does not ask a participant about the team's own step, nor about an item the case lacks", () => {
    const c = makeCase("ACT-100001");
    expect(refusal(teamMail(c, { kind: "ask_again", items: ["account.verified"], note: "" }, "maja", rules, NOW, "d"))).toContain("team's own step");
    expect(refusal(teamMail(c, { kind: "ask_again", items: ["no.such"], note: "" }, "maja", rules, NOW, "d"))).toContain("not a checklist item");
  });

  it("sends the reminder now to the stage's audience and restarts the bot's own plan from now, so the planned step cancels itself", () => {
    const c = makeCase("ACT-100001");
    const d = ok(teamMail(c, { kind: "remind", note: "" }, "maja", rules, NOW, "d3"));
    expect(d.outbox[0]?.kind).toBe("reminder");
    expect(d.outbox[0]?.content.reminder).toBeUndefined();
    expect(d.outbox[0]?.to).toEqual(["nm@customer.example"]);
    expect(d.case.reminderRestart).toEqual({ from: NOW, by: "maja", at: NOW, cause: "reminded_now" });
    expect(d.events[0]).toMatchObject({ kind: "reminder", by: "maja" });
    expect(reminderPlanStart(d.case)).toBe(NOW);
    const planned = decideReminder(d.case, { stage: "open", n: 1, kind: "reminder", plannedFrom: c.activityAt }, rules, NOW);
    expect(planned).toEqual({ kind: "cancelled", reason: "the team restarted the reminders" });
  });

  it("refuses a reminder when nothing is missing from the participants", () => {
    const c = makeCase("ACT-100001", { stage: "ready_for_activation" });
    expect(refusal(teamMail(c, { kind: "remind", note: "" }, "maja", rules, NOW, "d"))).toMatch(/no reminders|nothing is missing/);
  });

  it("sends a line of the member's own to chosen participants only, and never to an address that bounces", () => {
    const c = makeCase("ACT-100001");
    const d = ok(teamMail(c, { kind: "message", to: ["NM@customer.example"], text: "Vi ringer dig i morgon." }, "maja", rules, NOW, "d4"));
    expect(d.outbox[0]).toMatchObject({ kind: "team_message", to: ["nm@customer.example"], content: { teamNote: "Vi ringer dig i morgon." } });
    expect(d.events[0]?.summary).toContain("Vi ringer dig i morgon.");
    expect(refusal(teamMail(c, { kind: "message", to: ["x@elsewhere.example"], text: "hej" }, "maja", rules, NOW, "d"))).toContain("not a participant");
    expect(refusal(teamMail(c, { kind: "message", to: ["nm@customer.example"], text: "  " }, "maja", rules, NOW, "d"))).toContain("needs some text");
    const bounced = makeCase("ACT-100001", {
      participants: [{ email: "nm@customer.example", role: "network_manager", undeliverable: { at: NOW, diagnostic: "5.1.1 user unknown" } }],
    });
    expect(refusal(teamMail(bounced, { kind: "message", to: ["nm@customer.example"], text: "hej" }, "maja", rules, NOW, "d"))).toContain("replace the address first");
    expect(refusal(teamMail(makeCase("ACT-100001", { stage: "closed" }), { kind: "message", to: ["nm@customer.example"], text: "hej" }, "maja", rules, NOW, "d"))).toContain("closed");
  });
});

describe("pausing reminders", () => {
  it("restarts the plan on the day given, at the desk's hour in its zone, so nothing fires before", () => {
    const c = makeCase("ACT-100001");
    const d = ok(pauseReminders(c, "2026-12-14", "kunden på semester", "maja", rules, NOW));
    expect(d.case.reminderRestart).toMatchObject({ by: "maja", cause: "paused", from: "2026-12-14T08:00:00.000Z" });
    expect(d.events[0]).toMatchObject({ kind: "reminder", by: "maja" });
    expect(d.events[0]?.summary).toContain("2026-12-14");
    expect(d.outbox).toEqual([]);
    expect(decideReminder(d.case, { stage: "open", n: 1, kind: "reminder", plannedFrom: c.activityAt }, rules, NOW).kind).toBe("cancelled");
    const resumed = decideReminder(d.case, { stage: "open", n: 1, kind: "reminder", plannedFrom: reminderPlanStart(d.case) }, rules, "2026-12-17T08:00:00.000Z");
    expect(resumed.kind).toBe("due");
  });

  it("refuses a day that is not after today, not a date, or more than a year ahead", () => {
    const c = makeCase("ACT-100001");
    expect(refusal(pauseReminders(c, "2026-12-04", "", "maja", rules, NOW))).toContain("after today");
    expect(refusal(pauseReminders(c, "2026-02-30", "", "maja", rules, NOW))).toContain("not a date");
    expect(refusal(pauseReminders(c, "2028-01-01", "", "maja", rules, NOW))).toContain("at most");
  });
});

describe("replacing a bounced address", () => {
  const bouncedCase = (): Case =>
    makeCase("ACT-100001", {
      participants: [
        { email: "nm@customer.example", name: "Nina Manager", role: "network_manager", undeliverable: { at: NOW, diagnostic: "5.1.1 user unknown" } },
        { email: "el@installer.example", role: "installer" },
      ],
      flags: [{ id: "bounce:mid:1", code: "bounce", reason: "mail to nm@customer.example bounced: 5.1.1 user unknown", at: NOW, mail: "mid:1" }],
    });

  it("keeps role and name, clears the bounce, resolves its flag and sends the last mail again to the new address, as it said it", () => {
    const content = { stage: "open" as const, received: [], open: [{ id: "account.contacts" }], unclear: [], problems: [], teamNote: "x" };
    const attachments = [{ filename: "form.pdf", blob: "sha256-cc", contentType: "application/pdf" }];
    const d = ok(replaceAddress(bouncedCase(), "nm@customer.example", { email: "Nina@Customer.example" }, { kind: "progress", content, attachments }, "maja", rules, NOW, "d5"));
    expect(d.case.participants[0]).toEqual({ email: "nina@customer.example", name: "Nina Manager", role: "network_manager" });
    expect(d.case.flags[0]?.resolved).toEqual({ by: "maja", at: NOW, how: "address replaced by nina@customer.example", words: { code: "resolved_address_replaced", params: { email: "nina@customer.example" } } });
    expect(d.outbox).toEqual([
      { kind: "progress", slot: "resend:d5", to: ["nina@customer.example"], cc: [], content, attachForms: [], attachEvidence: attachments },
    ]);
    expect(d.events.map((e) => [e.kind, e.by])).toEqual([
      ["participant_changed", "maja"],
      ["flag_resolved", "maja"],
      ["team_mail", "maja"],
    ]);
  });

  it("sends the stage's request when the last mail's words were not kept, and nothing when asked not to", () => {
    const d = ok(replaceAddress(bouncedCase(), "nm@customer.example", { email: "nina@customer.example", name: "Nina M." }, { kind: "progress", attachments: [] }, "maja", rules, NOW, "d6"));
    expect(d.outbox[0]?.kind).toBe("stage_request");
    expect(d.outbox[0]?.content.open.map((o) => o.id)).toContain("account.contacts");
    expect(d.case.participants[0]?.name).toBe("Nina M.");
    expect(ok(replaceAddress(bouncedCase(), "nm@customer.example", { email: "nina@customer.example" }, null, "maja", rules, NOW, "d7")).outbox).toEqual([]);
  });

  it("refuses an address that is not one, one that is a participant already, and an old address the case does not have", () => {
    const c = bouncedCase();
    expect(refusal(replaceAddress(c, "nm@customer.example", { email: "nina" }, null, "maja", rules, NOW, "d"))).toContain("not an e-mail address");
    expect(refusal(replaceAddress(c, "nm@customer.example", { email: "el@installer.example" }, null, "maja", rules, NOW, "d"))).toContain("already");
    expect(refusal(replaceAddress(c, "who@else.example", { email: "nina@customer.example" }, null, "maja", rules, NOW, "d"))).toContain("not a participant");
  });
});

describe("adding a participant", () => {
  it("adds the address as team_added with its name, recorded under the member's name, once", () => {
    const d = ok(addParticipant(makeCase("ACT-100001"), { email: "Kerstin@Kund.example", name: "Kerstin" }, "maja", rules, NOW));
    expect(d.case.participants.at(-1)).toEqual({ email: "kerstin@kund.example", name: "Kerstin", role: "team_added" });
    expect(d.events).toEqual([expect.objectContaining({ kind: "participant_changed", by: "maja" })]);
    expect(refusal(addParticipant(d.case, { email: "kerstin@kund.example" }, "maja", rules, NOW))).toContain("already");
  });
});
