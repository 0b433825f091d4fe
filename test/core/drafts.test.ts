// Supervised mode in the core (core/case/drafts.ts): which mails are held as drafts, what sending,
// editing and discarding one does to the case, and the work queue's "draft to review" row.
import { describe, expect, it } from "vitest";
import { discardDraft, editDraft, holdDrafts, isSupervised, parseSupervisedStages, sendDraft } from "../../src/core/case/drafts.js";
import { workEntries, workIndex } from "../../src/core/case/work-items.js";
import type { Case } from "../../src/core/types.js";
import { makeCase, makeOutboxEntry } from "../support/case.js";

const MADE = "2026-12-01T10:00:00.000Z";
const LATER = "2026-12-03T09:00:00.000Z";
const T0 = Date.parse(MADE);

/** A case in `open` whose answer was composed (its Message-ID already on the thread), and that answer. */
function answered(over: Partial<Case> = {}) {
  const entry = makeOutboxEntry("ACT-100001", 1, T0, { content: { stage: "open", received: [], open: [], unclear: [], problems: [] } });
  const c = makeCase("ACT-100001", { messageIds: ["<in@kund.se>", entry.messageId], rootMessageId: "<root@vendor.example>", ...over });
  return { c, entry };
}

describe("the supervised stages setting", () => {
  it("reads all, off, empty and a comma list of stages, in the stages' order", () => {
    expect(parseSupervisedStages("all")).toEqual({ kind: "ok", stages: "all" });
    expect(parseSupervisedStages("")).toEqual({ kind: "ok", stages: [] });
    expect(parseSupervisedStages(" off ")).toEqual({ kind: "ok", stages: [] });
    expect(parseSupervisedStages("commissioning, open")).toEqual({ kind: "ok", stages: ["open", "commissioning"] });
  });

  it("refuses an unknown stage, naming it and the stages there are", () => {
    const r = parseSupervisedStages("open,comissioning");
    expect(r.kind).toBe("invalid");
    expect(r.kind === "invalid" && r.reason).toContain("unknown stage comissioning");
    expect(r.kind === "invalid" && r.reason).toContain("site_readiness");
  });

  it("supervises a stage on the list or every stage with all, none when off", () => {
    expect(isSupervised("all", "configuration")).toBe(true);
    expect(isSupervised(["open"], "open")).toBe(true);
    expect(isSupervised(["open"], "commissioning")).toBe(false);
    expect(isSupervised([], "open")).toBe(false);
  });
});

describe("holding the bot's mails as drafts", () => {
  it("holds the entries of a supervised stage, lists them on the case and says so in the timeline", () => {
    const { c, entry } = answered();
    const r = holdDrafts(c, [entry], ["open"], MADE);
    expect(r.held).toEqual([entry.key]);
    expect(r.case.drafts).toEqual([{ key: entry.key, kind: "progress", to: ["nm@customer.example"], stage: "open", messageId: entry.messageId, at: MADE }]);
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ kind: "draft", by: "bot", data: { outbox: entry.key, action: "held" } });
  });

  it("lets the mails of a stage that is not supervised go, and changes nothing when off", () => {
    const { c, entry } = answered();
    expect(holdDrafts(c, [entry], ["commissioning"], MADE)).toEqual({ case: c, held: [], events: [] });
    expect(holdDrafts(c, [entry], [], MADE)).toEqual({ case: c, held: [], events: [] });
  });

  it("does not list the same entry twice when a decision is committed again", () => {
    const { c, entry } = answered();
    const once = holdDrafts(c, [entry], "all", MADE);
    const twice = holdDrafts(once.case, [entry], "all", LATER);
    expect(twice.case.drafts).toHaveLength(1);
    expect(twice.events).toEqual([]);
  });

  it("puts a waiting draft in the work queue as the team's, counted from when it was made", () => {
    const { c, entry } = answered();
    const held = holdDrafts(c, [entry], "all", MADE).case;
    const entries = workEntries(held);
    expect(entries).toEqual([expect.objectContaining({ cause: "draft", subject: entry.key, waitingOn: "team", since: MADE })]);
    const index = workIndex(held);
    expect(index["work:f:cause:draft"]).toBe(T0);
    expect(index["work:since"]).toBe(T0);
  });
});

describe("a team member and a draft", () => {
  it("sending takes the draft off the case and restarts the reminder plan from the send", () => {
    const { c, entry } = answered();
    const held = holdDrafts(c, [entry], "all", MADE).case;
    const r = sendDraft(held, entry.key, "maja", LATER);
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(r.case.drafts).toBeUndefined();
    expect(r.case.reminderRestart).toEqual({ from: LATER, by: "maja", at: LATER, cause: "draft_sent" });
    expect(r.case.messageIds).toContain(entry.messageId);
    expect(r.events[0]).toMatchObject({ kind: "draft", by: "maja", data: { outbox: entry.key, action: "sent" } });
    expect(workEntries(r.case)).toEqual([]);
  });

  it("editing keeps the draft waiting and records who edited it; the sent event names the editor", () => {
    const { c, entry } = answered();
    const held = holdDrafts(c, [entry], "all", MADE).case;
    const edited = editDraft(held, entry.key, "olle", LATER);
    expect(edited.kind === "ok" && edited.case.drafts?.[0]?.edited).toEqual({ by: "olle", at: LATER });
    expect(edited.kind === "ok" && edited.events[0]).toMatchObject({ by: "olle", data: { action: "edited" } });
    if (edited.kind !== "ok") return;
    const sent = sendDraft(edited.case, entry.key, "maja", LATER);
    expect(sent.kind === "ok" && sent.events[0]?.summary).toContain("edited by olle");
  });

  it("discarding leaves the checklist and the reminder plan as if the mail was never composed, and drops its Message-ID from the thread", () => {
    const { c, entry } = answered();
    const held = holdDrafts(c, [entry], "all", MADE).case;
    const r = discardDraft(held, entry.key, "maja", "fel ton", LATER);
    expect(r.kind).toBe("ok");
    if (r.kind !== "ok") return;
    expect(r.case.drafts).toBeUndefined();
    expect(r.case.messageIds).toEqual(["<in@kund.se>"]);
    expect(r.case.rootMessageId).toBe("<root@vendor.example>");
    expect(r.case.reminderRestart).toBeUndefined();
    expect(r.case.activityAt).toBe(c.activityAt);
    expect(r.case.evidence).toEqual(c.evidence);
    expect(r.events[0]?.summary).toContain("discarded by maja: fel ton");
  });

  it("discarding the thread's first mail leaves no root pointing at a mail never sent", () => {
    const { c, entry } = answered();
    const held = holdDrafts({ ...c, rootMessageId: entry.messageId }, [entry], "all", MADE).case;
    const r = discardDraft(held, entry.key, "maja", "", LATER);
    expect(r.kind === "ok" && "rootMessageId" in r.case).toBe(false);
  });

  it("refuses a second press in words: the draft was sent or discarded already", () => {
    const { c, entry } = answered();
    const held = holdDrafts(c, [entry], "all", MADE).case;
    const sent = sendDraft(held, entry.key, "maja", LATER);
    if (sent.kind !== "ok") throw new Error("not sent");
    for (const again of [sendDraft(sent.case, entry.key, "maja", LATER), discardDraft(sent.case, entry.key, "maja", "", LATER), editDraft(sent.case, entry.key, "maja", LATER)]) {
      expect(again).toMatchObject({ kind: "refused", reason: `ACT-100001 has no draft ${entry.key}: it was sent or discarded already`, words: { code: "no_draft" } });
    }
  });

  it("refuses a discard reason past its bound", () => {
    const { c, entry } = answered();
    const held = holdDrafts(c, [entry], "all", MADE).case;
    expect(discardDraft(held, entry.key, "maja", "x".repeat(501), LATER).kind).toBe("refused");
  });
});
