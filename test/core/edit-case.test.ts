// Editing a case's facts (issue 18, part 7): one pure function applies the edit, names the member and
// every fact from → to, judges the MAC evidence again and re-evaluates the checklist.
import { beforeAll, describe, expect, it } from "vitest";
import { editCase } from "../../src/core/case/edit-case.js";
import type { EditResult } from "../../src/core/case/edit-case.js";
import { checkOpenCase, openCase } from "../../src/core/case/open-case.js";
import { evaluateChecklist } from "../../src/core/case/checklist.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case, EvidenceRecord, Flag } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";
import { repoRules } from "../support/rules.js";

const NOW = "2026-12-04T10:00:00.000Z";
let rules: Rules;
beforeAll(async () => {
  rules = await repoRules();
});

function ok(r: EditResult) {
  if (r.kind !== "ok") throw new Error(r.kind === "refused" ? r.reason : JSON.stringify(r.problems));
  return r.decision;
}

const SHIPPED = "00:1A:2B:3C:4D:01";
const UNSHIPPED = "00:1A:2B:3C:4D:09";

/** A commissioning case whose installer gave one shipped MAC and one that was not shipped. */
function commissioningCase(): Case {
  const evidence: EvidenceRecord = {
    mail: "<m1@el>",
    at: "2026-12-01T10:00:00.000Z",
    from: "el@installer.example",
    answers: {},
    forms: [],
    photos: [],
    macs: [
      { raw: "001A2B3C4D01", mac: SHIPPED, status: "ok", reasons: [] },
      { raw: "00-1a-2b-3c-4d-09", mac: UNSHIPPED, status: "failed", reasons: ["not_shipped"] },
    ],
  };
  const mismatch: Flag = {
    id: "fact_mismatch:m1",
    code: "fact_mismatch",
    reason: `el@installer.example gives MAC ${UNSHIPPED}, not among those shipped for the case (${SHIPPED}, 00:1A:2B:3C:4D:02)`,
    at: "2026-12-01T10:00:00.000Z",
  };
  return makeCase("ACT-100007", { stage: "commissioning", macsShipped: [SHIPPED, "00:1A:2B:3C:4D:02"], evidence: [evidence], flags: [mismatch] });
}

describe("editing a case's facts", () => {
  it("changes the station count and the MACs shipped, in one event naming the member and each fact from → to", () => {
    const c = makeCase("ACT-100001");
    const d = ok(editCase(c, { stations: 3, macsShipped: ["00-1a-2b-3c-4d-01", "001a2b3c4d02"] }, "maja", rules, NOW));
    expect(d.case.stations).toBe(3);
    expect(d.case.macsShipped).toEqual(["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"]);
    expect(d.events).toHaveLength(1);
    expect(d.events[0]).toMatchObject({ kind: "facts_changed", by: "maja", at: NOW });
    expect(d.events[0]?.summary).toBe("facts changed by maja: stations 2 → 3; macs shipped none → 00:1A:2B:3C:4D:01, 00:1A:2B:3C:4D:02");
    expect(d.events[0]?.data).toEqual({
      changes: [
        { fact: "stations", from: 2, to: 3 },
        { fact: "macs_shipped", from: [], to: ["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"] },
      ],
    });
    expect(d.outbox).toEqual([]);
    expect(d.case.version).toBe(c.version);
  });

  it("judges the MACs again: one now shipped is accepted, its fact_mismatch flag resolved, and the MAC item complete", () => {
    const c = commissioningCase();
    const before = evaluateChecklist(c, rules).items.find((i) => i.id === "commissioning.macs");
    expect(before?.state.status).toBe("failed");
    const d = ok(editCase(c, { macsShipped: [SHIPPED, UNSHIPPED] }, "maja", rules, NOW));
    expect(d.case.evidence[0]?.macs.map((m) => m.status)).toEqual(["ok", "ok"]);
    expect(d.checklist.items.find((i) => i.id === "commissioning.macs")?.state.status).toBe("ok");
    expect(d.case.flags[0]?.resolved).toEqual({ by: "maja", at: NOW, how: "the case's facts were changed to agree", words: { code: "resolved_facts_agree", params: {} } });
    expect(d.events.map((e) => e.kind)).toEqual(["facts_changed", "flag_resolved"]);
  });

  it("keeps a fact_mismatch flag the edit does not settle, and rejects a MAC no longer shipped", () => {
    const c = commissioningCase();
    const d = ok(editCase(c, { macsShipped: ["00:1A:2B:3C:4D:02"] }, "maja", rules, NOW));
    expect(d.case.evidence[0]?.macs.map((m) => [m.status, m.reasons])).toEqual([
      ["failed", ["not_shipped"]],
      ["failed", ["not_shipped"]],
    ]);
    expect(d.case.flags[0]?.resolved).toBeUndefined();
    // A station count that the mail stated settles a stations contradiction, and only that.
    const stations: Flag = { id: "fm2", code: "fact_mismatch", reason: "nm@customer.example writes 3 stations, the case has 2: “vi har tre stationer”", at: NOW };
    const both: Flag = { ...stations, id: "fm3", reason: `${stations.reason}; gives MAC ${UNSHIPPED} for station 1, the case has ${SHIPPED} for it` };
    const e = ok(editCase(makeCase("ACT-100002", { flags: [stations, both] }), { stations: 3 }, "maja", rules, NOW));
    expect(e.case.flags.map((f) => f.resolved !== undefined)).toEqual([true, false]);
  });

  it("moves the case on when the edit completes its stage, and sends that stage's request", () => {
    const opened = openCase("ACT-100003", { site: "Storgatan 1", nmEmail: "nina@kund.se", stations: 2, macsShipped: [], installService: false, locale: "sv" }, rules, NOW, "test").case;
    const c: Case = { ...commissioningCase(), participants: opened.participants.concat({ email: "el@installer.example", role: "installer" }), stations: 2 };
    const overrides = evaluateChecklist(c, rules)
      .items.filter((i) => i.stage === "commissioning" && i.id !== "commissioning.macs" && i.state.status !== "ok")
      .map((i) => ({ item: i.id, by: "olle", why: "by phone", at: NOW }));
    const d = ok(editCase({ ...c, overrides }, { macsShipped: [SHIPPED, UNSHIPPED] }, "maja", rules, NOW));
    expect(d.case.stage).not.toBe("commissioning");
    expect(d.events.some((e) => e.kind === "stage_changed" && e.by === "maja")).toBe(true);
    expect(d.outbox.length).toBeGreaterThan(0);
  });

  it("changes a participant's name and address (the bounce mark goes with the old address), and adds one", () => {
    const c = makeCase("ACT-100004", {
      participants: [
        { email: "nm@customer.example", name: "Nina", role: "network_manager", undeliverable: { at: NOW, diagnostic: "550 no such user" } },
        { email: "el@installer.example", role: "installer" },
      ],
    });
    const d = ok(
      editCase(
        c,
        { participants: [{ email: "NM@customer.example", newEmail: "nina@kund.se", name: "Nina Berg" }], add: [{ email: "Olle@Bygg.se", name: "Olle", role: "contractor" }] },
        "maja",
        rules,
        NOW,
      ),
    );
    expect(d.case.participants).toEqual([
      { email: "nina@kund.se", name: "Nina Berg", role: "network_manager" },
      { email: "el@installer.example", role: "installer" },
      { email: "olle@bygg.se", name: "Olle", role: "contractor" },
    ]);
    expect(d.events[0]?.summary).toBe(
      "facts changed by maja: participant nm@customer.example address nm@customer.example → nina@kund.se; participant nm@customer.example name Nina → Nina Berg; participant added: Olle <olle@bygg.se> (contractor)",
    );
    expect(d.outbox).toEqual([]);
  });

  it("sends the last mail again to an added participant when asked, once per address, in the case's thread", () => {
    const c = makeCase("ACT-100005");
    const source = { kind: "progress" as const, content: { stage: "open" as const, received: [], open: [{ id: "account.contacts" }], unclear: [], problems: [] }, attachments: [] };
    const d = ok(editCase(c, { add: [{ email: "ny@kund.se", role: "team_added" }] }, "maja", rules, NOW, { source, slot: "edit:v0" }));
    expect(d.outbox).toEqual([expect.objectContaining({ kind: "progress", to: ["ny@kund.se"], slot: "edit:v0:ny@kund.se", content: source.content })]);
    expect(d.events.map((e) => [e.kind, e.by])).toEqual([
      ["facts_changed", "maja"],
      ["team_mail", "maja"],
    ]);
    expect(editCase({ ...c, stage: "closed" }, { add: [{ email: "ny@kund.se", role: "team_added" }] }, "maja", rules, NOW, { source, slot: "x" })).toMatchObject({ kind: "refused" });
  });

  it("names every bad field, and refuses an edit that changes nothing", () => {
    const c = makeCase("ACT-100006");
    const r = editCase(c, { site: " ", stations: 0, macsShipped: ["00:1A:2B:3C:4D:01", "not a mac", "ff:ff:ff:ff:ff:ff"], add: [{ email: "nm@customer.example", role: "team_added" }, { email: "nope", role: "team_added" }] }, "maja", rules, NOW);
    expect(r.kind).toBe("invalid");
    if (r.kind !== "invalid") return;
    expect(r.problems.map((p) => [p.field, p.code])).toEqual([
      ["site", "required"],
      ["stations", "not_count"],
      ["macsShipped", "not_mac"],
      ["macsShipped", "reserved_mac"],
      ["add.1.email", "not_email"],
    ]);
    expect(editCase(c, { add: [{ email: "nm@customer.example", role: "team_added" }] }, "maja", rules, NOW)).toMatchObject({ kind: "invalid", problems: [{ field: "add.0.email", code: "taken" }] });
    expect(editCase(c, { stations: 2, site: c.site }, "maja", rules, NOW)).toMatchObject({ kind: "refused", reason: "nothing to change: the case already has these facts", words: { code: "nothing_to_change" } });
  });
});

describe("checking what a new case is opened with", () => {
  it("keeps the request trimmed, its addresses lower-case and its MACs canonical", () => {
    const r = checkOpenCase({ site: " Storgatan 1 ", nmEmail: "Nina@Kund.se", installerEmail: "", stations: 2, macsShipped: ["0024.b100.0275"], installService: true, locale: "sv", installerName: " " });
    expect(r).toEqual({ kind: "ok", req: { site: "Storgatan 1", nmEmail: "nina@kund.se", stations: 2, macsShipped: ["00:24:B1:00:02:75"], installService: true, locale: "sv" } });
  });

  it("names each field that is wrong", () => {
    const r = checkOpenCase({ site: "", nmEmail: "nina", installerEmail: "ivar at el.se", stations: 1.5, macsShipped: ["00:24:B1:00:02"], installService: false, locale: "sv" });
    expect(r.kind === "invalid" && r.problems.map((p) => [p.field, p.code])).toEqual([
      ["site", "required"],
      ["nmEmail", "not_email"],
      ["installerEmail", "not_email"],
      ["stations", "not_count"],
      ["macsShipped", "not_mac"],
    ]);
  });
});

describe("adding a MAC to those shipped", () => {
  it("adds to the list as the case has it, and names one already there", () => {
    const c = makeCase("ACT-100008", { macsShipped: [SHIPPED] });
    expect(ok(editCase(c, { addMacs: ["00 1a 2b 3c 4d 09"] }, "maja", rules, NOW)).case.macsShipped).toEqual([SHIPPED, UNSHIPPED]);
    expect(editCase(c, { addMacs: ["001A2B3C4D01"] }, "maja", rules, NOW)).toMatchObject({ kind: "invalid", problems: [{ field: "macsShipped", code: "duplicate_mac" }] });
  });
});

describe("one address per participant of a new case", () => {
  it("names the field that repeats an address given above it", () => {
    const r = checkOpenCase({ site: "S", nmEmail: "nina@kund.se", contractorEmail: "Nina@kund.se", stations: 1, macsShipped: [], installService: false, locale: "sv" });
    expect(r.kind === "invalid" && r.problems.map((p) => [p.field, p.code])).toEqual([["contractorEmail", "taken"]]);
  });
});
