// Erasure (GDPR art. 17) reaches a flag's words as it reaches its reason: the desk's Swedish must not
// name an erased person either.
import { beforeAll, describe, expect, it } from "vitest";
import { raiseFlag } from "../../src/core/case/decide.js";
import { erasePerson } from "../../src/core/case/erase-person.js";
import { openCase } from "../../src/core/case/open-case.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { CaseEvent } from "../../src/core/types.js";
import { said } from "../../src/core/words/english.js";
import { words } from "../../src/core/words/words.js";
import { reasonText } from "../../src/http/pages/core-words.js";
import { repoRules } from "../support/rules.js";

const NOW = "2026-12-04T10:00:00.000Z";
let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

describe("erasing a person", () => {
  it("takes their address out of a flag's words as out of its reason", () => {
    const opened = openCase("ACT-100001", { site: "Storgatan 1", nmEmail: "nina@kund.se", stations: 1, macsShipped: [], installService: false, locale: "sv" }, rules, NOW, "test").case;
    const events: CaseEvent[] = [];
    const c = raiseFlag(opened, events, { code: "bounce", ...said(words("bounce", { recipient: "nina@kund.se", diagnostic: "5.1.1 nina@kund.se unknown" })), at: NOW, mail: "m1" });
    const erased = erasePerson(c, events, "nina@kund.se", NOW, "maja");
    const flag = erased?.case.flags[0];
    expect(flag).toBeDefined();
    if (!flag) return;
    expect(JSON.stringify(flag)).not.toContain("nina@kund.se");
    expect(reasonText(flag, "sv")).toBe(`mejlet till ${erased?.pseudonym} studsade. Mottagarens server svarade: ”5.1.1 ${erased?.pseudonym} unknown”`);
    // The timeline's words (the `flagged` event quotes the flag's words) are scrubbed as its summary is.
    expect(events[0]?.words).toBeDefined();
    expect(JSON.stringify(erased?.events)).not.toContain("nina@kund.se");
  });
});
