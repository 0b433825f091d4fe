// Supervised mode end to end on the real servers (Redis, Dovecot, the SMTP relay): with every stage
// supervised, the bot's answer waits as a draft — nothing reaches the relay — and the draft sent from
// the desk's use case goes out with the Message-ID it was composed with, in the thread, filed in Sent
// once; an edited draft goes out as edited, in both parts; a discarded one never goes, and leaves the
// loop guard's send logs as if it was never composed. An admin's setting turns the mode off at run time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deskSettings } from "../../src/app/desk-settings.js";
import { fireReminder } from "../../src/app/remind.js";
import { reminderPlanStart } from "../../src/core/case/reminders.js";
import { caseCommandDeps } from "../../src/main.js";
import type { MailActor, ReceivedMail } from "../../src/demo/actor.js";
import type { Case } from "../../src/core/types.js";
import { listMailbox, waitForMail } from "../support/services.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";
import { caseWhen } from "./helpers.js";

/** Long enough for the outbox worker to have sent anything it was given. */
const QUIET_MS = 1500;

describe("supervised mode on the real servers", () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness("supervised", { env: { SUPERVISED_STAGES: "all" } });
  }, 60_000);
  afterAll(async () => {
    await h?.close();
  });

  /** The desk's JSON API, as the proxy in front of it names the member (and, for settings, the role). */
  const api = async (path: string, body: object, who: { member: string; role?: string }) => {
    const res = await fetch(`http://127.0.0.1:${h.bot.httpPort}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-team-member": who.member, ...(who.role ? { "x-team-role": who.role } : {}) },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const draftApi = (action: "send" | "edit" | "discard") => async (id: string, key: string, ...rest: string[]) => {
    const by = rest.at(-1) ?? "";
    const body = action === "edit" ? { text: rest[0] } : action === "discard" ? { reason: rest[0] } : {};
    const r = await api(`/api/cases/${id}/drafts/${encodeURIComponent(key)}/${action}`, body, { member: by });
    return r.status === 200 ? { kind: "ok", ...r.json } : { kind: "refused", status: r.status, ...r.json };
  };
  const drafts = () => ({ send: draftApi("send"), edit: draftApi("edit"), discard: draftApi("discard") });
  const relayed = (messageId: string) => h.relay.received.filter((m) => m.raw.toString("latin1").includes(`Message-ID: ${messageId}`)).length;

  /** A case whose first mail went (opened by the team: not the bot's own), and the network manager's answer to it held as a draft. */
  async function heldAnswer(nm: MailActor, site: string): Promise<{ id: string; first: ReceivedMail; c: Case }> {
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site });
    const id = opened.case.id;
    const first = await nm.next(60_000, (m) => m.subject.includes(`[${id}]`));
    await nm.reply(first, "Organisation och stationsinformation stämmer.");
    const c = await caseWhen(h, id, (x) => (x.drafts ?? []).length > 0, "the answer held as a draft");
    return { id, first, c };
  }

  it("holds the bot's answer as a draft and sends it, when a team member says so, with its own Message-ID in the thread, once, filed in Sent", async () => {
    const nm = await h.actor("nm-sup-send", "Nina");
    const { id, first, c } = await heldAnswer(nm, "Utkastgatan 1, Lund");
    const draft = c.drafts?.[0];
    if (!draft) throw new Error("no draft");
    expect(draft).toMatchObject({ kind: "progress", to: [nm.address], stage: "open" });
    const entry = await h.ctx.store.outboxEntry(draft.key);
    expect(entry?.status).toBe("draft");
    expect(await h.ctx.store.pendingOutbox()).not.toContain(draft.key);
    // A job for it (a sweep, a retry) sends nothing: the draft waits.
    await h.bot.dispatch(c, [draft.key]);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(relayed(draft.messageId)).toBe(0);
    expect((await h.ctx.store.events(id)).some((e) => e.kind === "draft" && e.by === "bot")).toBe(true);

    const sent = await drafts().send(id, draft.key, "maja");
    expect(sent).toMatchObject({ kind: "ok" });
    const arrived = await nm.next(60_000, (m) => m.subject.includes(`[${id}]`));
    expect(arrived.messageId).toBe(draft.messageId);
    expect(arrived.parsed.references).toContain(first.messageId);
    expect(arrived.parsed.inReplyTo).toBeTruthy();
    await waitForMail(h.desk.user, h.desk.pass, (m) => m.parsed.messageId === draft.messageId, { mailbox: "Sent", timeoutMs: 30_000 });
    expect((await listMailbox(h.desk.user, h.desk.pass, "Sent")).filter((m) => m.parsed.messageId === draft.messageId)).toHaveLength(1);
    const after = await h.ctx.store.getCase(id);
    expect(after?.drafts).toBeUndefined();
    expect(after?.reminderRestart).toMatchObject({ by: "maja", cause: "draft_sent" });
    // Pressed again: refused in words, nothing more sent.
    expect(await drafts().send(id, draft.key, "maja")).toMatchObject({ kind: "refused", reason: expect.stringContaining("sent or discarded already") });
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(relayed(draft.messageId)).toBe(1);
  }, 180_000);

  it("sends an edited draft as edited, text and HTML, and records the edit under the member's name", async () => {
    const nm = await h.actor("nm-sup-edit", "Nina");
    const { id, c } = await heldAnswer(nm, "Redigeringsvägen 2, Umeå");
    const key = c.drafts?.[0]?.key ?? "";
    const edited = await drafts().edit(id, key, "Hej Nina!\n\nTack, vi har fått **allt** om kontot & stationerna <b>nu</b>.\n\nMvh Maja", "maja");
    expect(edited.kind).toBe("ok");
    const stored = await h.ctx.store.outboxEntry(key);
    expect(stored?.status).toBe("draft");
    expect(stored?.html).toContain("<strong>allt</strong>");
    expect(stored?.html).toContain("&amp; stationerna &lt;b&gt;nu&lt;/b&gt;");
    expect(await drafts().edit(id, key, "   ", "maja")).toMatchObject({ kind: "refused", status: 409, reason: expect.stringContaining("empty") });

    expect((await drafts().send(id, key, "olle")).kind).toBe("ok");
    const arrived = await nm.next(60_000, (m) => m.subject.includes(`[${id}]`));
    expect(arrived.text).toContain("Tack, vi har fått **allt** om kontot & stationerna <b>nu</b>.");
    expect(arrived.parsed.html).toContain("<strong>allt</strong>");
    const events = await h.ctx.store.events(id);
    expect(events.find((e) => e.kind === "draft" && e.by === "maja")?.summary).toContain("edited by maja");
    expect(events.find((e) => e.kind === "draft" && e.by === "olle")?.summary).toContain("sent by olle (edited by maja)");
  }, 180_000);

  it("holds the bot's reminder as a draft too, in the commit that fires it, and sends nothing", async () => {
    const nm = await h.actor("nm-sup-remind", "Nina");
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site: "Påminnelsegränd 4, Borås" });
    const id = opened.case.id;
    await nm.next(60_000, (m) => m.subject.includes(`[${id}]`));
    const c = await h.ctx.store.getCase(id);
    if (!c) throw new Error("no case");
    const fired = await fireReminder(caseCommandDeps(h.ctx), { caseId: id, stage: c.stage, n: 1, kind: "reminder", plannedFrom: reminderPlanStart(c) });
    expect(fired).toEqual({ kind: "done", outbox: [] });
    const held = await h.ctx.store.getCase(id);
    expect(held?.drafts).toEqual([expect.objectContaining({ kind: "reminder", to: [nm.address] })]);
    const key = held?.drafts?.[0]?.key ?? "";
    expect((await h.ctx.store.outboxEntry(key))?.status).toBe("draft");
    const events = await h.ctx.store.events(id);
    expect(events.filter((e) => e.kind === "reminder" || e.kind === "draft").map((e) => e.kind)).toEqual(["reminder", "draft"]);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect((await nm.all()).filter((m) => m.subject.includes(`[${id}]`))).toHaveLength(1);
  }, 120_000);

  it("discards a draft: nothing is sent, the entry is kept as discarded, the loop guard does not count it, and an admin turning the mode off lets the next answer go at once", async () => {
    const nm = await h.actor("nm-sup-discard", "Nina");
    const { id, c } = await heldAnswer(nm, "Kastvägen 3, Luleå");
    const draft = c.drafts?.[0];
    if (!draft) throw new Error("no draft");
    const guard = async () => (await h.ctx.store.caseWithSendCounts(id, [nm.address], Date.now())).sent;
    expect((await guard()).recipientLastDay[nm.address]).toBe(2);
    expect((await drafts().discard(id, draft.key, "fel ton", "maja")).kind).toBe("ok");
    expect((await h.ctx.store.outboxEntry(draft.key))?.status).toBe("discarded");
    expect((await guard()).recipientLastDay[nm.address]).toBe(1);
    const after = await h.ctx.store.getCase(id);
    expect(after?.drafts).toBeUndefined();
    expect(after?.messageIds).not.toContain(draft.messageId);
    expect(after?.activityAt).toBe(c.activityAt);
    expect((await h.ctx.store.events(id)).find((e) => e.kind === "draft" && e.by === "maja")?.summary).toContain("discarded by maja: fel ton");

    // The admin's choice over SUPERVISED_STAGES=all: an agent may not; a bad stage is refused in words; off, logged with who.
    const refused = await api("/api/settings/supervision", { stages: "" }, { member: "maja", role: "agent" });
    expect(refused.status).toBe(403);
    expect(refused.json.message).toContain("the page needs the admin role");
    const bad = await api("/api/settings/supervision", { stages: "comissioning" }, { member: "ada", role: "admin" });
    expect(bad).toMatchObject({ status: 400, json: { message: expect.stringContaining("unknown stage comissioning") } });
    const off = await api("/api/settings/supervision", { stages: "" }, { member: "ada", role: "admin" });
    expect(off).toMatchObject({ status: 200, json: { stages: [], source: "desk", change: { by: "ada", value: "" } } });
    const settings = deskSettings({ ...h.ctx.supervision, clock: h.ctx.clock });
    expect((await settings.log())[0]).toMatchObject({ setting: "supervised_stages", value: "", by: "ada" });
    await nm.reply((await nm.all()).filter((m) => m.subject.includes(`[${id}]`)).at(-1) as ReceivedMail, "Flex-fakturering är konfigurerad.");
    const answer = await nm.next(60_000, (m) => m.subject.includes(`[${id}]`));
    expect(answer.text.length).toBeGreaterThan(0);
    expect(relayed(draft.messageId)).toBe(0);
    expect((await h.ctx.store.getCase(id))?.drafts).toBeUndefined();
  }, 180_000);
});
