// The team steps in the work queue: a case whose participants have sent everything of the stage waits
// on the team's verification, and shows as "to verify" until a member confirms it.
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateChecklist } from "../../src/core/case/checklist.js";
import { decideOnMail } from "../../src/core/case/decide.js";
import { openCase } from "../../src/core/case/open-case.js";
import { checkTeamStep } from "../../src/core/case/team-actions.js";
import { withTeamSteps, workEntries, workIndex } from "../../src/core/case/work-items.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case } from "../../src/core/types.js";
import { mailFacts } from "../support/mail-facts.js";
import { repoRules } from "../support/rules.js";

const NOW = "2026-12-04T10:00:00.000Z";
const NM = "nina@kund.se";
const ok = (text: string) => ({ status: "ok" as const, value: true, text });
let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

function newCase(): Case {
  return openCase("ACT-100001", { site: "Storgatan 1", nmEmail: NM, installerEmail: "ivar@el.se", stations: 1, macsShipped: [], installService: false, locale: "sv" }, rules, "2026-12-01T10:00:00.000Z", "test").case;
}

describe("team steps in the work queue", () => {
  it("are not to do while the participants still owe items of the stage", () => {
    const c = newCase();
    expect(withTeamSteps(c, evaluateChecklist(c, rules), rules).awaitingTeam).toBeUndefined();
    expect(workEntries(withTeamSteps(c, evaluateChecklist(c, rules), rules))).toEqual([]);
  });

  it("wait on the team once the network manager's last item is in, and leave the queue when confirmed", () => {
    const c = newCase();
    const participant = c.participants.find((p) => p.email === NM);
    if (!participant) throw new Error("no NM");
    const d = decideOnMail({
      case: c,
      mail: mailFacts({ from: { address: NM }, messageId: "<r1@kund.se>", subject: "SV: [ACT-100001]" }),
      mailClass: { kind: "reply", doubts: [] },
      trust: { kind: "trusted", participant },
      evidence: { answers: { "account.organisation": ok("a"), "account.flex_billing": ok("b"), "account.contacts": ok("c") }, forms: [], photos: [], macs: [], problems: [] },
      sent: { caseLastHour: 0, noProgressLastHour: 0, recipientLastDay: {} },
      rules,
      now: NOW,
    });
    const waiting = withTeamSteps(d.case, d.checklist, rules);
    expect(waiting.awaitingTeam).toEqual(["account.verified"]);
    expect(workEntries(waiting)).toEqual([
      { cause: "team_step", subject: "account.verified", what: expect.stringContaining("the team's to confirm"), words: { code: "team_step_waiting", params: { item: "account.verified" } }, waitingOn: "team", since: NOW },
    ]);
    expect(Object.keys(workIndex(waiting))).toContain("work:f:cause:team_step");

    const confirmed = checkTeamStep(waiting, "account.verified", { kind: "confirm" }, "maja", rules, NOW);
    if (confirmed.kind !== "ok") throw new Error(confirmed.reason);
    const after = withTeamSteps(confirmed.decision.case, confirmed.decision.checklist, rules);
    expect(after.awaitingTeam).toBeUndefined();
    expect(workEntries(after).filter((e) => e.cause === "team_step")).toEqual([]);
  });
});
