/**
 * An archived case through the product's own use cases and HTTP server, on real Redis and the file
 * blob store: the case page and API show it read-only with its archived mark (timeline, answers, the
 * original mail still downloadable), search marks it, team actions are refused in words until it is
 * reopened, reopening restores it, and a reply arriving for an archived case brings it back and is
 * handled like any reply.
 */
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { archiveClosedCases } from "../../src/app/archive-cases.js";
import { openCaseCommand, teamCommand } from "../../src/app/case-commands.js";
import { processMail } from "../../src/app/process-mail.js";
import { DAY_MS } from "../../src/core/case/archive.js";
import type { Case } from "../../src/core/types.js";
import { caseCommandDeps, processMailDeps, type Context } from "../../src/main.js";
import { startDeskApp, type DeskApp } from "../support/desk-app.js";
import { plainReply } from "../support/reply-mail.js";

describe("an archived case", () => {
  let desk: DeskApp;
  let ctx: Context;
  let app: FastifyInstance;

  beforeEach(async () => {
    desk = await startDeskApp("archived", { http: (c) => ({ uiDefaultLanguage: "en", readMail: (blob) => processMailDeps(c).parse({ blob }) }) });
    ({ ctx, app } = desk);
  });

  afterEach(() => desk.close());

  /** A case opened, answered by its network manager, closed, its answers sent and filed, then archived. */
  async function archivedCase(): Promise<{ c: Case; firstMessageId: string; replyBlob: string }> {
    const deps = caseCommandDeps(ctx);
    const opened = await openCaseCommand(deps, { site: "Hamngatan 4, Ystad", nmEmail: "nina@kund.example", nmName: "Nina Berg", stations: 1, macsShipped: [], installService: false, locale: "sv" }, "maja");
    if (opened.kind !== "ok") throw new Error(opened.reason);
    const first = opened.outbox[0];
    if (!first) throw new Error("no first mail");
    const reply = Buffer.from(
      plainReply({
        from: "Nina Berg <nina@kund.example>",
        to: "activations@desk.example",
        subject: `Re: ${first.subject}`,
        messageId: "<reply-1@kund.example>",
        inReplyTo: first.messageId,
        date: "Tue, 01 Dec 2026 09:00:00 +0000",
        text: "Hej, vi har tagit emot laddarna.",
      }),
    );
    const replyBlob = (await ctx.blobs.put(reply)).id;
    const handled = await processMail(processMailDeps(ctx), { blob: replyBlob });
    expect(handled.kind).toBe("case");
    const closed = await teamCommand(deps, opened.case.id, { kind: "action", action: "close", why: "done", force: true }, "maja");
    if (closed.kind !== "ok") throw new Error(closed.reason);
    const outbox = [...opened.outbox, ...(handled.kind === "case" ? handled.outbox : []), ...closed.outbox];
    const at = new Date().toISOString();
    for (const e of outbox) await ctx.store.markSent(e, "250 ok", at);
    await ctx.store.markFiled(outbox.map((e) => e.key));
    const round = await archiveClosedCases({ store: ctx.store, clock: { now: () => new Date(Date.now() + 91 * DAY_MS) } }, 90);
    expect(round.archived).toEqual([opened.case.id]);
    return { c: opened.case, firstMessageId: first.messageId, replyBlob };
  }

  it("opens read-only in the desk and the API, is marked in search, refuses team actions in words, and reopens", async () => {
    const { c, replyBlob } = await archivedCase();

    const page = await app.inject({ method: "GET", url: `/cases/${c.id}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("badge missing\">archived</span>");
    expect(page.body).toContain(`action="/cases/${c.id}/reopen"`);
    expect(page.body).not.toContain(`action="/cases/${c.id}/close"`);
    expect(page.body).not.toContain(`action="/cases/${c.id}/notes"`);
    expect(page.body).toContain("vi har tagit emot laddarna");

    const api = (await app.inject({ method: "GET", url: `/api/cases/${c.id}` })).json<{ archived?: { at: string }; events: { kind: string }[]; thread: { direction: string }[] }>();
    expect(api.archived?.at).toBeDefined();
    expect(api.events.at(-1)?.kind).toBe("archived");
    expect(api.thread.map((m) => m.direction)).toContain("out");
    const eml = await app.inject({ method: "GET", url: `/cases/${c.id}/mails/${replyBlob}.eml` });
    expect(eml.statusCode).toBe(200);

    const list = (await app.inject({ method: "GET", url: `/api/cases?q=${c.id}` })).json<{ cases: { id: string; archivedAt?: string }[] }>();
    expect(list.cases).toEqual([expect.objectContaining({ id: c.id, archivedAt: api.archived?.at })]);
    expect((await app.inject({ method: "GET", url: "/search?q=hamngatan" })).body).toContain("archived</span>");

    const refused = await app.inject({ method: "POST", url: `/api/cases/${c.id}/notes`, payload: { text: "hello" } });
    expect(refused.statusCode).toBe(409);
    expect(refused.json<{ reason: string }>().reason).toBe(`${c.id} is archived (read-only): reopen it first`);

    const reopened = await app.inject({ method: "POST", url: `/api/cases/${c.id}/reopen`, headers: { "x-team-member": "maja" }, payload: { reason: "the customer asks about billing" } });
    expect(reopened.statusCode).toBe(200);
    const hot = (await app.inject({ method: "GET", url: `/api/cases/${c.id}` })).json<{ archived?: unknown; case: { stage: string }; events: { kind: string; by: string }[] }>();
    expect(hot.archived).toBeUndefined();
    // Restored to the hot store, then reopened like any closed case.
    expect(hot.case.stage).not.toBe("closed");
    expect(hot.events.slice(-2)).toMatchObject([
      { kind: "restored", by: "maja" },
      { kind: "stage_changed", by: "maja" },
    ]);
    expect((await app.inject({ method: "POST", url: `/api/cases/${c.id}/notes`, payload: { text: "hello" } })).statusCode).toBe(200);
    const again = await app.inject({ method: "POST", url: `/api/cases/${c.id}/reopen`, payload: { reason: "again" } });
    expect(again.json<{ reason: string }>().reason).toMatch(new RegExp(`^${c.id} is not closed`));
  });

  it("comes back to the hot store when a reply arrives for it, and the reply is handled as for any case", async () => {
    const { c, firstMessageId } = await archivedCase();
    const late = Buffer.from(
      plainReply({
        from: "Nina Berg <nina@kund.example>",
        to: "activations@desk.example",
        subject: "Re: en fråga till",
        messageId: "<reply-2@kund.example>",
        inReplyTo: firstMessageId,
        date: "Wed, 02 Dec 2026 09:00:00 +0000",
        text: "Hej igen, en fråga om fakturan.",
      }),
    );
    const outcome = await processMail(processMailDeps(ctx), late);
    expect(outcome).toMatchObject({ kind: "case", caseId: c.id });
    expect(await ctx.store.isArchived(c.id)).toBe(false);
    const kinds = (await ctx.store.events(c.id)).map((e) => e.kind);
    expect(kinds.slice(-3, -1)).toEqual(["archived", "restored"]);
    expect(kinds.at(-1)).not.toBe("restored");
    expect(kinds).toContain("mail_in");
  });
});
