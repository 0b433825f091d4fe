// Owners, reopening and the work queue through the JSON API and the CLI's use case, against real
// Redis and the real team commands (no fake): the API's bodies, the member acting, and the effect in
// the store.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCaseCommand } from "../../src/app/case-commands.js";
import type { Context } from "../../src/main.js";
import { caseCommandDeps } from "../../src/main.js";
import { startDeskApp, type DeskApp } from "../support/desk-app.js";

describe("owners, reopening and the work queue in the API", () => {
  let desk: DeskApp;
  let ctx: Context;
  let app: FastifyInstance;

  beforeAll(async () => {
    desk = await startDeskApp("workapi", { mailFrom: "Aktiveringar <desk@desk.test>", http: () => ({ uiDefaultLanguage: "en" }) });
    ({ ctx, app } = desk);
  });
  afterAll(() => desk.close());

  async function openedCase(): Promise<string> {
    const opened = await openCaseCommand(caseCommandDeps(ctx), { site: "API-gatan 1", nmEmail: "nm@kund.test", stations: 1, macsShipped: [], installService: false, locale: "sv" }, "test");
    if (opened.kind !== "ok") throw new Error(opened.reason);
    return opened.case.id;
  }

  const post = (url: string, payload: unknown, member = "anna") =>
    app.inject({ method: "POST", url, headers: { "x-team-member": member, "content-type": "application/json" }, payload: JSON.stringify(payload) });

  it("assigns to a name, to the member acting, and unassigns; each recorded with who acted", async () => {
    const id = await openedCase();
    expect((await post(`/api/cases/${id}/assign`, { owner: "maja" })).json()).toMatchObject({ ok: true });
    expect((await ctx.store.getCase(id))?.owner).toMatchObject({ name: "maja", by: "anna" });
    expect((await post(`/api/cases/${id}/assign`, { me: true }, "olle")).statusCode).toBe(200);
    expect((await ctx.store.getCase(id))?.owner).toMatchObject({ name: "olle", by: "olle" });
    const again = await post(`/api/cases/${id}/assign`, { me: true }, "olle");
    expect(again.statusCode).toBe(409);
    expect(again.json()).toEqual({ error: "refused", reason: `${id} is already assigned to olle` });
    expect((await post(`/api/cases/${id}/assign`, { owner: null })).statusCode).toBe(200);
    expect((await ctx.store.getCase(id))?.owner).toBeUndefined();
    const bad = await post(`/api/cases/${id}/assign`, {});
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain("give owner");
    const summaries = (await ctx.store.events(id)).filter((e) => e.kind === "owner_changed").map((e) => `${e.by}: ${e.summary}`);
    expect(summaries).toEqual(["anna: assigned to maja by anna", "olle: assigned to olle (was maja)", "anna: unassigned by anna (was olle)"]);
  });

  it("reopens a closed case with a reason, refuses an open one, and the work queue's owner filter follows the owner", async () => {
    const id = await openedCase();
    expect((await post(`/api/cases/${id}/reopen`, { reason: "why" })).json()).toMatchObject({ error: "refused" });
    expect((await post(`/api/cases/${id}/close`, { force: true })).statusCode).toBe(200);
    expect((await post(`/api/cases/${id}/reopen`, {})).statusCode).toBe(400);
    const reopened = await post(`/api/cases/${id}/reopen`, { reason: "kunden återkom" }, "maja");
    expect(reopened.json()).toMatchObject({ ok: true, case: { id, stage: "open" } });
    expect((await ctx.store.events(id)).at(-1)).toMatchObject({ kind: "stage_changed", by: "maja", stage: "open", summary: "closed → open: reopened by maja: kunden återkom" });

    // A flag of its own puts it in the queue; assigned to maja, it is hers and nobody else's.
    const c = await ctx.store.getCase(id);
    if (!c) throw new Error("gone");
    const flagged = { ...c, flags: [{ id: "loop:x", code: "loop" as const, reason: "rate limit reached", at: ctx.clock.now().toISOString() }] };
    expect(await ctx.store.commit({ before: c, case: flagged, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");
    await post(`/api/cases/${id}/assign`, { me: true }, "maja");
    const work = async (query: string, member: string) =>
      ((await app.inject({ method: "GET", url: `/api/work?${query}`, headers: { "x-team-member": member } })).json() as { rows: { caseId: string | null; owner: string | null }[] }).rows.filter((r) => r.caseId === id);
    expect(await work("owner=mine", "maja")).toMatchObject([{ caseId: id, owner: "maja" }]);
    expect(await work("owner=mine", "olle")).toEqual([]);
    expect(await work("owner=unassigned", "olle")).toEqual([]);
    expect(await work("sort=stage", "olle")).toHaveLength(1);
  });
});
