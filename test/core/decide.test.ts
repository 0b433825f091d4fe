import { beforeAll, describe, expect, it } from "vitest";
import { evaluateChecklist, openItems } from "../../src/core/case/checklist.js";
import type { MailEvidence, MailInput, SendCounts } from "../../src/core/case/decide.js";
import { decideOnMail } from "../../src/core/case/decide.js";
import { openCase } from "../../src/core/case/open-case.js";
import type { TeamResult } from "../../src/core/case/team-actions.js";
import { checkTeamStep, overrideItem, takeTeamAction } from "../../src/core/case/team-actions.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Answers, Case } from "../../src/core/types.js";
import { mailFacts } from "../support/mail-facts.js";
import { repoRules } from "../support/rules.js";

const NOW = "2026-11-26T10:00:00.000Z";
const NM = "nina@kund.se";
const noSends: SendCounts = { caseLastHour: 0, noProgressLastHour: 0, recipientLastDay: {} };
const ok = (text: string) => ({ status: "ok" as const, value: true, text });

let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

function newCase(over: { installService?: boolean; installer?: string } = {}): Case {
  return openCase(
    "ACT-100001",
    {
      site: "Storgatan 1",
      nmEmail: NM,
      stations: 2,
      macsShipped: [],
      installService: over.installService ?? false,
      locale: "sv",
      ...(over.installer ? { installerEmail: over.installer } : {}),
    },
    rules,
    NOW,
    "test",
  ).case;
}

function confirmed(r: TeamResult) {
  if (r.kind !== "ok") throw new Error(r.reason);
  return r.decision;
}

function input(c: Case, answers: Answers, over: Partial<MailInput> = {}): MailInput {
  const evidence: MailEvidence = { answers, forms: [], photos: [], macs: [], problems: [] };
  const participant = c.participants.find((p) => p.email === NM);
  if (!participant) throw new Error("no NM");
  return {
    case: c,
    mail: mailFacts({ from: { address: NM }, messageId: "<r1@kund.se>", subject: "SV: [ACT-100001]" }),
    mailClass: { kind: "reply", doubts: [] },
    trust: { kind: "trusted", participant },
    evidence,
    sent: noSends,
    rules,
    now: NOW,
    ...over,
  };
}

describe("opening a case", () => {
  it("starts in stage open with the three account items and the team's verification missing, and asks the network manager for the three", () => {
    const d = openCase("ACT-100001", { site: "Storgatan 1", nmEmail: NM, stations: 1, macsShipped: [], installService: false, locale: "sv" }, rules, NOW, "test");
    expect(d.case.stage).toBe("open");
    expect(openItems(d.checklist, "open", rules).map((i) => i.id)).toEqual([
      "account.organisation",
      "account.flex_billing",
      "account.contacts",
      "account.verified",
    ]);
    expect(d.outbox).toHaveLength(1);
    expect(d.outbox[0]).toMatchObject({ kind: "stage_request", to: [NM] });
    expect(d.outbox[0]?.content.open.map((o) => o.id)).toEqual(["account.organisation", "account.flex_billing", "account.contacts"]);
    expect(d.outbox[0]?.content.teamPending).toEqual([{ id: "account.verified" }]);
  });

  it("skips site preparation when no installation service was bought", () => {
    const stages = evaluateChecklist(newCase(), rules).items.map((i) => i.stage);
    expect(stages).not.toContain("site_readiness");
    expect(evaluateChecklist(newCase({ installService: true }), rules).items.map((i) => i.stage)).toContain("site_readiness");
  });
});

describe("deciding on a reply", () => {
  it("answers a partial reply with exactly the missing item and stays in the stage", () => {
    const d = decideOnMail(input(newCase(), { "account.organisation": ok("stämmer"), "account.flex_billing": ok("klar") }));
    expect(d.case.stage).toBe("open");
    expect(d.outbox).toHaveLength(1);
    expect(d.outbox[0]?.content.open).toEqual([{ id: "account.contacts" }]);
    expect(d.outbox[0]?.content.received.map((r) => r.id)).toEqual(["account.organisation", "account.flex_billing"]);
    expect(d.outbox[0]?.inReplyTo).toBe("<r1@kund.se>");
  });

  it("holds the case for the team's verification when the network manager's last item arrives, and tells them", () => {
    const c = newCase({ installer: "ivar@el.se" });
    const d = decideOnMail(input(c, { "account.organisation": ok("a"), "account.flex_billing": ok("b"), "account.contacts": ok("c") }));
    expect(d.case.stage).toBe("open");
    expect(d.events.filter((e) => e.kind === "stage_changed")).toEqual([]);
    expect(d.outbox.map((o) => [o.kind, o.to])).toEqual([["progress", [NM]]]);
    expect(d.outbox[0]?.content.open).toEqual([]);
    expect(d.outbox[0]?.content.teamPending).toEqual([{ id: "account.verified" }]);
  });

  it("records a negative answer as failed with the words read, and an unclear one to ask again", () => {
    const d = decideOnMail(
      input(newCase(), {
        "account.flex_billing": { status: "negative", value: false, text: "Flex-fakturering är inte klar än" },
        "account.contacts": { status: "unclear", value: null, text: "vet inte" },
      }),
    );
    expect(d.outbox[0]?.content.open).toContainEqual({ id: "account.flex_billing", failed: "Flex-fakturering är inte klar än" });
    expect(d.outbox[0]?.content.unclear).toEqual([{ id: "account.contacts", text: "vet inte" }]);
  });

  it("never answers an auto-reply, and records it on the timeline", () => {
    const d = decideOnMail(input(newCase(), {}, { mailClass: { kind: "auto_reply", reason: "Auto-Submitted: auto-replied" } }));
    expect(d.outbox).toEqual([]);
    expect(d.events.map((e) => e.kind)).toEqual(["mail_in", "mail_ignored"]);
  });

  it("holds a stranger's mail and flags the case without acting on it", () => {
    const d = decideOnMail(
      input(newCase(), { "account.organisation": ok("a") }, { trust: { kind: "untrusted", code: "unknown_sender", reason: "x is not a participant" } }),
    );
    expect(d.outbox).toEqual([]);
    expect(d.case.flags.map((f) => f.code)).toEqual(["unknown_sender"]);
    expect(d.case.evidence).toEqual([]);
  });

  it("stops at the loop guard: no mail, a loop flag", () => {
    const d = decideOnMail(input(newCase(), {}, { sent: { caseLastHour: 3, noProgressLastHour: 3, recipientLastDay: {} } }));
    expect(d.outbox).toEqual([]);
    expect(d.case.flags.map((f) => f.code)).toEqual(["loop"]);
  });
});

describe("team actions", () => {
  it("overrides an item with who and why, and advances when that completes the stage", () => {
    let c = newCase();
    c = decideOnMail(input(c, { "account.organisation": ok("a"), "account.flex_billing": ok("b") })).case;
    c = confirmed(checkTeamStep(c, "account.verified", { kind: "confirm" }, "Maja", rules, NOW)).case;
    expect(c.stage).toBe("open");
    const r = overrideItem(c, "account.contacts", "Maja", "confirmed by phone", rules, NOW);
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(r.decision.case.stage).toBe("commissioning");
    const item = r.decision.checklist.items.find((i) => i.id === "account.contacts");
    expect(item?.state).toEqual({ status: "overridden", by: "Maja", why: "confirmed by phone", at: NOW });
  });

  it("refuses to activate a case that is not ready unless forced", () => {
    const c = newCase();
    expect(takeTeamAction(c, "activate", "Maja", "", { force: false }, rules, NOW).kind).toBe("refused");
    const forced = takeTeamAction(c, "activate", "Maja", "", { force: true }, rules, NOW);
    expect(forced.kind === "ok" && forced.decision.case.stage).toBe("activated");
  });
});

describe("team steps (issue 22)", () => {
  const allAccountAnswers = { "account.organisation": ok("a"), "account.flex_billing": ok("b"), "account.contacts": ok("c") };

  it("moves on to commissioning only when a team member verifies the account, and asks the installer then", () => {
    const c = decideOnMail(input(newCase({ installer: "ivar@el.se" }), allAccountAnswers)).case;
    const d = confirmed(checkTeamStep(c, "account.verified", { kind: "confirm" }, "Maja", rules, NOW));
    expect(d.case.stage).toBe("commissioning");
    expect(d.checklist.items.find((i) => i.id === "account.verified")?.state).toMatchObject({ status: "ok", value: "Maja" });
    expect(d.events.map((e) => e.summary)).toEqual(["account.verified: confirmed by Maja", "open → commissioning: account.verified confirmed"]);
    // The network manager is told the account is verified (rules: tell_when_confirmed), the installer asked.
    expect(d.outbox.map((o) => [o.kind, o.to, o.attachForms])).toEqual([
      ["step_confirmed", [NM], []],
      ["stage_request", ["ivar@el.se"], ["site_commissioning"]],
    ]);
    expect(d.outbox[0]?.content).toMatchObject({ confirmed: { id: "account.verified" }, advancedFrom: "open", stage: "commissioning", open: [] });
  });

  it("does not move on when the team verifies first and the network manager has not answered; the verified mail names what is missing", () => {
    const d = confirmed(checkTeamStep(newCase(), "account.verified", { kind: "confirm" }, "Maja", rules, NOW));
    expect(d.case.stage).toBe("open");
    expect(d.outbox.map((o) => [o.kind, o.to])).toEqual([["step_confirmed", [NM]]]);
    expect(d.outbox[0]?.content.advancedFrom).toBeUndefined();
    expect(d.outbox[0]?.content.open.map((o) => o.id)).toEqual(["account.organisation", "account.flex_billing", "account.contacts"]);
  });

  it("tells a network manager who also gets the next stage's request (no installer) in that request, not in a second mail", () => {
    const c = decideOnMail(input(newCase(), allAccountAnswers)).case;
    const d = confirmed(checkTeamStep(c, "account.verified", { kind: "confirm" }, "Maja", rules, NOW));
    expect(d.outbox.map((o) => [o.kind, o.to])).toEqual([["stage_request", [NM]]]);
    expect(d.outbox[0]?.content.confirmed).toEqual({ id: "account.verified" });
  });

  it("tells nobody of a confirmed step whose rules name no one to tell (site.confirmed)", () => {
    let c = decideOnMail(input(newCase({ installService: true, installer: "ivar@el.se" }), allAccountAnswers)).case;
    c = confirmed(checkTeamStep(c, "account.verified", { kind: "confirm" }, "Maja", rules, NOW)).case;
    c = confirmed(overrideItem(c, "site.construction_form", "Maja", "paper", rules, NOW)).case;
    c = confirmed(overrideItem(c, "site.photos", "Maja", "seen", rules, NOW)).case;
    const d = confirmed(checkTeamStep(c, "site.confirmed", { kind: "confirm" }, "Ola", rules, NOW));
    expect(d.outbox.map((o) => o.kind)).toEqual(["stage_request"]);
  });

  it("sends the account back with the member's reason in a mail to the network manager, and stays", () => {
    const c = decideOnMail(input(newCase(), allAccountAnswers)).case;
    const d = confirmed(checkTeamStep(c, "account.verified", { kind: "send_back", reason: "Organisationsnumret saknas i kontot." }, "Maja", rules, NOW));
    expect(d.case.stage).toBe("open");
    expect(d.outbox).toHaveLength(1);
    expect(d.outbox[0]).toMatchObject({ kind: "sent_back", to: [NM], content: { sentBack: { id: "account.verified", reason: "Organisationsnumret saknas i kontot." } } });
    expect(d.checklist.items.find((i) => i.id === "account.verified")?.state).toEqual({
      status: "failed",
      code: "sent_back",
      reason: "Organisationsnumret saknas i kontot.",
      words: { code: "state_sent_back", params: { by: "Maja", reason: "Organisationsnumret saknas i kontot." } },
    });
    // Confirmed later: the latest verdict counts.
    expect(confirmed(checkTeamStep(d.case, "account.verified", { kind: "confirm" }, "Maja", rules, NOW)).case.stage).toBe("commissioning");
  });

  it("refuses a send-back without a reason, and a step that is not the current stage's", () => {
    const c = newCase({ installService: true });
    expect(checkTeamStep(c, "account.verified", { kind: "send_back", reason: "  " }, "Maja", rules, NOW)).toMatchObject({ kind: "refused" });
    const ahead = checkTeamStep(c, "site.confirmed", { kind: "confirm" }, "Maja", rules, NOW);
    expect(ahead.kind === "refused" && ahead.reason).toContain("not a team step of stage open");
    expect(checkTeamStep(c, "account.contacts", { kind: "confirm" }, "Maja", rules, NOW).kind).toBe("refused");
  });

  it("holds a case with the installation service in site_ready until the team confirms the site; the installer is asked only then", () => {
    let c = decideOnMail(input(newCase({ installService: true, installer: "ivar@el.se" }), allAccountAnswers)).case;
    c = confirmed(checkTeamStep(c, "account.verified", { kind: "confirm" }, "Maja", rules, NOW)).case;
    expect(c.stage).toBe("site_readiness");
    c = confirmed(overrideItem(c, "site.construction_form", "Maja", "received on paper", rules, NOW)).case;
    const atSite = overrideItem(c, "site.photos", "Maja", "seen on site", rules, NOW);
    const held = confirmed(atSite);
    expect(held.case.stage).toBe("site_ready");
    expect(held.outbox.flatMap((o) => o.to)).not.toContain("ivar@el.se");
    const d = confirmed(checkTeamStep(held.case, "site.confirmed", { kind: "confirm" }, "Ola", rules, NOW));
    expect(d.case.stage).toBe("commissioning");
    expect(d.outbox.map((o) => [o.kind, o.to])).toEqual([["stage_request", ["ivar@el.se"]]]);
  });

  it("lets a desk whose rules make the step non-blocking go on without it", () => {
    const desk: Rules = {
      ...rules,
      stages: rules.stages.map((s) => ({ ...s, items: s.items.map((i) => (i.id === "account.verified" ? { ...i, blocking: false } : i)) })),
    };
    const d = decideOnMail({ ...input(newCase(), allAccountAnswers), rules: desk });
    expect(d.case.stage).toBe("commissioning");
  });
});

describe("a reply that contradicts a case fact (issue 21)", () => {
  it("asks the sender back and flags the case when the stated station count differs from the order", () => {
    const c = newCase();
    const stated = { count: 3, text: "Vi planerar 3 stationer." };
    const d = decideOnMail({ ...input(c, {}), evidence: { answers: {}, forms: [], photos: [], macs: [], problems: [], stated: { stations: stated } } });
    expect(d.case.stations).toBe(2);
    expect(d.case.flags.map((f) => f.code)).toEqual(["fact_mismatch"]);
    expect(d.case.flags[0]?.reason).toContain("writes 3 stations, the case has 2");
    expect(d.outbox[0]?.to).toEqual([NM]);
    expect(d.outbox[0]?.content.contradictions).toEqual([{ fact: "stations", stated: 3, expected: 2, text: "Vi planerar 3 stationer." }]);
  });

  it("takes a count that agrees with the case without a word", () => {
    const d = decideOnMail({
      ...input(newCase(), {}),
      evidence: { answers: {}, forms: [], photos: [], macs: [], problems: [], stated: { stations: { count: 2, text: "2 stationer" } } },
    });
    expect(d.case.flags).toEqual([]);
    expect(d.outbox[0]?.content.contradictions).toBeUndefined();
  });
});

describe("items tied together by the rules (issue 22: pricing needs Flex billing)", () => {
  const flexNo = { "account.flex_billing": { status: "negative" as const, value: false, text: "Flex-fakturering är inte uppsatt." } };

  it("explains that a paid price cannot take effect while Flex billing was answered no, and flags it", () => {
    const c = decideOnMail(input(newCase(), flexNo)).case;
    const paid = { status: "ok" as const, value: { energy: { amount: 3.5, currency: "SEK", per: "kWh" } }, text: "Pris: 3,50 kr/kWh" };
    const d = decideOnMail(input(c, { "config.pricing": paid }));
    expect(d.outbox[0]?.content.conflicts).toEqual([{ id: "config.pricing", requires: "account.flex_billing" }]);
    expect(d.case.flags.map((f) => f.code)).toEqual(["item_conflict"]);
  });

  it("lets a free price pass without Flex billing", () => {
    const c = decideOnMail(input(newCase(), flexNo)).case;
    const d = decideOnMail(input(c, { "config.pricing": { status: "ok", value: { free: true }, text: "Gratis" } }));
    expect(d.outbox[0]?.content.conflicts).toBeUndefined();
    expect(d.case.flags).toEqual([]);
  });
});
