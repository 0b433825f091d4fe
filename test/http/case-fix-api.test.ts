// Opening, editing and bulk actions through the JSON API, against real Redis and the real use cases
// (no fake): the same rules as the desk's forms and the CLI, the member acting, the effect in the store.
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCaseChecked } from "../../src/app/case-commands.js";
import type { Context } from "../../src/main.js";
import { caseCommandDeps } from "../../src/main.js";
import { startDeskApp, type DeskApp } from "../support/desk-app.js";

describe("opening, editing and bulk actions in the API", () => {
  let desk: DeskApp;
  let ctx: Context;
  let app: FastifyInstance;

  beforeAll(async () => {
    desk = await startDeskApp("fixapi", {
      mailFrom: "Aktiveringar <desk@desk.test>",
      http: (c) => ({ openCase: (req, by) => openCaseChecked(caseCommandDeps(c), req, by) }),
    });
    ({ ctx, app } = desk);
  });
  afterAll(() => desk.close());

  const post = (url: string, payload: unknown, member = "anna", role = "agent") =>
    app.inject({ method: "POST", url, headers: { "x-team-member": member, "x-team-role": role, "content-type": "application/json" }, payload: JSON.stringify(payload) });

  it("opens a case with its first mail in the outbox, and names each bad field of another", async () => {
    const r = await post("/api/cases", { site: "API-vägen 2", nmEmail: "Nina@Kund.test", nmName: "Nina", stations: 2, macsShipped: ["001a2b3c4d01"], installService: true });
    expect(r.statusCode).toBe(201);
    const id = r.json().case as string;
    expect(r.json().outbox).toHaveLength(1);
    expect(await ctx.store.getCase(id)).toMatchObject({ site: "API-vägen 2", stations: 2, macsShipped: ["00:1A:2B:3C:4D:01"], installService: true, participants: [{ email: "nina@kund.test", name: "Nina", role: "network_manager" }] });
    expect((await ctx.store.events(id))[0]).toMatchObject({ kind: "case_opened", by: "anna" });
    const bad = await post("/api/cases", { site: "", nmEmail: "nina", stations: 0, macsShipped: ["xyz"] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems.map((p: { field: string; code: string }) => `${p.field}:${p.code}`)).toEqual(["site:required", "nmEmail:not_email", "stations:not_count", "macsShipped:not_mac"]);
    expect((await post("/api/cases", { site: "X", nmEmail: "x@y.test" }, "olle", "viewer")).statusCode).toBe(403);
  });

  it("edits a case's facts as the desk does, refuses a bad value by name, and bulk-assigns and resolves, naming a refused case", async () => {
    const opened = await post("/api/cases", { site: "API-vägen 3", nmEmail: "nm@kund.test", stations: 1 });
    const id = opened.json().case as string;
    const edit = await post(`/api/cases/${id}/edit`, { stations: 2, addMacs: ["00:1A:2B:3C:4D:07"], add: [{ email: "ny@kund.test", name: "Ny" }] });
    expect(edit.statusCode).toBe(200);
    const c = await ctx.store.getCase(id);
    expect(c).toMatchObject({ stations: 2, macsShipped: ["00:1A:2B:3C:4D:07"] });
    expect(c?.participants.at(-1)).toEqual({ email: "ny@kund.test", name: "Ny", role: "team_added" });
    expect((await ctx.store.events(id)).find((e) => e.kind === "facts_changed")?.by).toBe("anna");
    const bad = await post(`/api/cases/${id}/edit`, { addMacs: ["00:1A:2B:3C:4D:07"] });
    expect(bad.statusCode).toBe(409);
    expect(bad.json().reason).toBe("macsShipped: 00:1A:2B:3C:4D:07 is given twice");
    expect((await post(`/api/cases/${id}/edit`, { stations: 3, colour: "red" })).statusCode).toBe(400);

    const other = (await post("/api/cases", { site: "API-vägen 4", nmEmail: "nm@kund.test", stations: 1 })).json().case as string;
    const assigned = await post("/api/work/bulk", { action: "assign_me", rows: [{ case: id }, { case: other }] }, "maja");
    expect(assigned.json()).toEqual({ done: [id, other], refused: [] });
    expect((await ctx.store.getCase(other))?.owner).toMatchObject({ name: "maja", by: "maja" });
    const again = await post("/api/work/bulk", { action: "assign", owner: "maja", rows: [{ case: id }] }, "olle");
    expect(again.json()).toEqual({ done: [], refused: [{ caseId: id, reason: `${id} is already assigned to maja` }] });
    const resolved = await post("/api/work/bulk", { action: "resolve_flags", how: "by phone", rows: [{ case: id, flag: "unclear_answer" }] });
    expect(resolved.json().refused[0].reason).toContain("no open unclear_answer flag any more");
    expect((await post("/api/work/bulk", { action: "resolve_flags", how: "x", rows: [] })).statusCode).toBe(400);
  });
});
