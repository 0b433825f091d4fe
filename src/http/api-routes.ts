/**
 * The JSON API behind the review UI (SPEC §6): read cases and flags, and take team actions. Errors are
 * `{ error, message }` (400 bad input, 404 unknown case) or `{ error: "refused", reason }` (409: the
 * case cannot take that action now, e.g. activating a case that is not ready).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { listCases } from "../app/list-cases.js";
import { searchCases, searchForDesk } from "../app/search-cases.js";
import { parseWorkQuery, workQueue } from "../app/work-queue.js";
import type { CaseListKey } from "../core/case/case-summary.js";
import { FLAG_CODES, STAGES } from "../core/types.js";
import { archivedDetail, caseDetail, caseRow, englishDetail, parseCaseId, summaryRow } from "./case-views.js";
import { flagRows, flaggedView } from "./queue-view.js";
import type { HttpDeps } from "./http-deps.js";
import type { TeamRequest } from "./team-requests.js";
import { DEFAULT_MEMBER, runTeamRequest, teamMember } from "./team-requests.js";
import { withoutWords } from "../core/words/words.js";

/** Query parameters of GET /api/cases; any other is a 400, so a typo is not silently ignored. */
const ListQuery = z
  .object({
    flagged: z.enum(["0", "1", "true", "false"]).optional(),
    stage: z.enum(STAGES).optional(),
    flag: z.enum(FLAG_CODES).optional(),
    q: z.string().optional(),
    cursor: z.string().optional(),
    limit: z.coerce.number().optional(),
  })
  .strict();

function listOf(q: z.infer<typeof ListQuery>): CaseListKey {
  if (q.flag) return { kind: "flag", code: q.flag };
  if (q.flagged === "1" || q.flagged === "true") return { kind: "flagged" };
  if (q.stage) return { kind: "stage", stage: q.stage };
  return { kind: "all" };
}

export function registerApiRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.get("/api/cases", async (request, reply) => {
    const query = ListQuery.safeParse(request.query);
    if (!query.success) return badRequest(reply, queryProblem(query.error));
    const q = query.data;
    const filters = [q.flag, q.flagged === "1" || q.flagged === "true" ? "flagged" : undefined, q.stage, q.q].filter(Boolean);
    if (filters.length > 1) return badRequest(reply, "give one of q, stage, flag or flagged=1");
    const page = { cursor: q.cursor, limit: q.limit };
    const r = q.q !== undefined ? await searchCases(deps.store, q.q, page) : await listCases(deps.store, listOf(q), page);
    if (r.kind === "invalid") return badRequest(reply, r.message);
    return { cases: r.page.items.map(summaryRow), cursor: r.page.cursor };
  });

  app.get<{ Params: { id: string } }>("/api/cases/:id", async (request, reply) => {
    const id = parseCaseId(request.params.id);
    const c = id ? await deps.store.getCase(id) : null;
    if (c) return englishDetail(await caseDetail(deps, c));
    // Archived: the same detail with `archived` set; read-only until POST …/reopen.
    const archived = id ? await deps.store.archivedCase(id) : null;
    if (!archived) return notFound(reply, `no case ${request.params.id}`);
    return englishDetail(await archivedDetail(deps, archived));
  });

  // The API speaks English: its rows keep their `reason` and `what`, without the desk's words.
  app.get("/api/flags", async () => ({ flags: flagRows(await flaggedView(deps.store)).map(withoutWords) }));

  app.get<{ Querystring: Record<string, string | undefined> }>("/api/work", async (request) => {
    const page = await workQueue(deps, parseWorkQuery(request.query), new Date((deps.now ?? Date.now)()).toISOString(), memberOf(request));
    return { ...page, rows: page.rows.map(withoutWords) };
  });

  app.get<{ Querystring: { q?: string } }>("/api/search", async (request) => searchForDesk(deps, typeof request.query.q === "string" ? request.query.q : ""));

  const action =
    (toRequest: (request: FastifyRequest<{ Params: { id: string; flagId?: string } }>) => TeamRequest) =>
    async (request: FastifyRequest<{ Params: { id: string; flagId?: string } }>, reply: FastifyReply) => {
      const member = teamMember(request);
      if (member.kind === "invalid") return badRequest(reply, member.message);
      const outcome = await runTeamRequest(deps, request.params.id, toRequest(request), member.by);
      switch (outcome.status) {
        case 200:
          return { ok: true, case: caseRow(outcome.result.case), outbox: outcome.result.outbox.map((o) => o.key) };
        case 400:
          return badRequest(reply, outcome.message);
        case 404:
          return notFound(reply, outcome.message);
        case 409:
          return reply.code(409).send({ error: "refused", reason: outcome.reason });
      }
    };

  app.post("/api/cases/:id/override", action((r) => ({ kind: "override", body: r.body })));
  // Team steps (rules/stages.yaml, evidence: team): { item } to confirm, { item, reason } to send back.
  app.post("/api/cases/:id/confirm", action((r) => ({ kind: "confirm", body: r.body })));
  app.post("/api/cases/:id/send-back", action((r) => ({ kind: "send_back", body: r.body })));
  app.post("/api/cases/:id/activate", action((r) => ({ kind: "activate", body: r.body })));
  app.post("/api/cases/:id/close", action((r) => ({ kind: "close", body: r.body })));
  app.post("/api/cases/:id/notes", action((r) => ({ kind: "note", body: r.body })));
  app.post("/api/cases/:id/overrides/undo", action((r) => ({ kind: "undo_override", body: r.body })));
  // { owner: "maja" }, { owner: null } to unassign, or { me: true }; { reason } to reopen a closed case.
  app.post("/api/cases/:id/assign", action((r) => ({ kind: "assign", body: r.body })));
  app.post("/api/cases/:id/reopen", action((r) => ({ kind: "reopen", body: r.body })));
  // The case's facts: { site?, stations?, macsShipped?, addMacs?, installService?, locale?, participants?, add?, resend? }.
  app.post("/api/cases/:id/edit", action((r) => ({ kind: "edit", body: r.body })));
  app.post(
    "/api/cases/:id/flags/:flagId/resolve",
    action((r) => ({ kind: "resolve", flagId: r.params.flagId ?? "", body: r.body })),
  );
  app.post<{ Params: { flagId: string }; Body: unknown }>("/api/flags/:flagId/resolve", async (request, reply) => {
    const body = z.object({ how: z.string().trim().min(1).max(2000) }).safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, "how: say how the flag was resolved");
    return settled(reply, await deps.settleLooseFlag(request.params.flagId, { kind: "resolve", how: body.data.how }, memberOf(request)));
  });
  app.post<{ Params: { flagId: string }; Body: unknown }>("/api/flags/:flagId/assign", async (request, reply) => {
    const body = z.object({ case: z.string().trim().regex(/^ACT-\d{6}$/i) }).safeParse(request.body ?? {});
    if (!body.success) return badRequest(reply, "case: a case id like ACT-123456");
    return settled(reply, await deps.settleLooseFlag(request.params.flagId, { kind: "assign", caseId: body.data.case.toUpperCase() }, memberOf(request)));
  });
  app.post(
    "/api/cases/:id/flags/:flagId/accept",
    action((r) => ({ kind: "accept", flagId: r.params.flagId ?? "", body: r.body })),
  );
}

/** The first problem of a query, naming the parameter (unknown ones by name). */
function queryProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue?.code === "unrecognized_keys") return `unknown query parameter ${issue.keys.join(", ")}: use q, stage, flag, flagged, cursor or limit`;
  const name = issue?.path.join(".") ?? "query";
  return name === "flagged" ? "flagged must be 1 or 0" : `${name}: ${issue?.message ?? "invalid"}`;
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ error: "bad_request", message });
}

function notFound(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(404).send({ error: "not_found", message });
}

function memberOf(request: FastifyRequest): string {
  const m = teamMember(request);
  return m.kind === "ok" ? m.by : DEFAULT_MEMBER;
}

function settled(reply: FastifyReply, r: { kind: "ok" } | { kind: "refused"; reason: string }): FastifyReply {
  return r.kind === "ok" ? reply.send({ ok: true }) : reply.code(409).send({ error: "refused", reason: r.reason });
}
