/**
 * The review UI (SPEC §6): server-rendered pages and the small form endpoints behind their buttons.
 * A form endpoint runs the same team request as the JSON API; on success it redirects back to the
 * case page (303, so a reload does not post again), on refusal it shows the case page with the reason.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { STAGES } from "../core/types.js";
import { caseDetail, parseCaseId } from "./case-views.js";
import type { Html } from "./html.js";
import { caseUrl, casePage } from "./pages/case-page.js";
import { errorPage } from "./pages/error-page.js";
import type { Notice } from "./pages/layout.js";
import { queuePage } from "./pages/queue-page.js";
import { flaggedView, stageGroups } from "./queue-view.js";
import type { HttpDeps } from "./http-deps.js";
import type { TeamRequest, TeamRequestKind } from "./team-requests.js";
import { runTeamRequest, teamMember } from "./team-requests.js";

/** Success notices are fixed texts picked by a code in the query: nothing from the URL is shown. */
const DONE: Record<TeamRequestKind, string> = {
  override: "Checklist item overridden.",
  activate: "Case activated.",
  close: "Case closed.",
  resolve: "Flag resolved.",
  accept: "Sender accepted; the held mail was processed.",
};

/** Fields of a submitted form (application/x-www-form-urlencoded), first value of each name. */
export type FormFields = Record<string, string>;

export function sendHtml(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").header("Cache-Control", "no-store").send(page.toString());
}

export function registerUiRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const timeZone = deps.rules.reminders.time_zone;

  const QueueQuery = z.object({ stage: z.enum(STAGES).optional(), cursor: z.string().max(12).optional() }).strict();
  app.get("/", async (request, reply) => {
    const query = QueueQuery.safeParse(request.query);
    if (!query.success) return sendHtml(reply, 400, errorPage("Bad request", "The queue page takes stage and cursor only."));
    const { stage, cursor } = query.data;
    const [flagged, stages] = await Promise.all([flaggedView(deps.store), stageGroups(deps.store, stage ? { stage, cursor } : undefined)]);
    if (!stages) return sendHtml(reply, 400, errorPage("Bad request", "That page link is not one of ours; start again from the queue."));
    return sendHtml(reply, 200, queuePage({ ...flagged, stages, timeZone, login: request.login }));
  });

  const showCase = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, status: number, notice?: Notice): Promise<FastifyReply> => {
    const rawId = request.params.id;
    const id = parseCaseId(rawId);
    const c = id ? await deps.store.getCase(id) : null;
    if (!c) return sendHtml(reply, 404, errorPage("Case not found", `There is no case ${rawId}.`));
    return sendHtml(reply, status, casePage(await caseDetail(deps, c), timeZone, notice, request.login));
  };

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>("/cases/:id", async (request, reply) => {
    const done = request.query.done;
    const notice = done && Object.hasOwn(DONE, done) ? { kind: "good" as const, text: DONE[done as TeamRequestKind] } : undefined;
    return showCase(request, reply, 200, notice);
  });

  type FormRequest = FastifyRequest<{ Params: { id: string; flagId?: string }; Body: FormFields | undefined }>;
  const formAction = (kind: TeamRequestKind) => async (request: FormRequest, reply: FastifyReply) => {
    const fields = request.body ?? {};
    const member = teamMember(request, fields.by);
    if (member.kind === "invalid") return showCase(request, reply, 400, { kind: "bad", text: member.message });
    const outcome = await runTeamRequest(deps, request.params.id, toTeamRequest(kind, fields, request.params.flagId), member.by);
    switch (outcome.status) {
      case 200:
        return reply.redirect(`${caseUrl(outcome.result.case.id)}?done=${kind}`, 303);
      case 400:
        return showCase(request, reply, 400, { kind: "bad", text: `Not done: ${outcome.message}` });
      case 404:
        return sendHtml(reply, 404, errorPage("Case not found", `There is no case ${request.params.id}.`));
      case 409:
        return showCase(request, reply, 409, { kind: "bad", text: `Refused: ${outcome.reason}` });
    }
  };

  app.post("/cases/:id/override", formAction("override"));
  app.post("/cases/:id/activate", formAction("activate"));
  app.post("/cases/:id/close", formAction("close"));
  app.post("/cases/:id/flags/:flagId/resolve", formAction("resolve"));
  app.post("/cases/:id/flags/:flagId/accept", formAction("accept"));

  // Flags tied to no case, from the queue page: resolve with a note, or assign the mail to a case.
  app.post<{ Params: { flagId: string; action: string }; Body: FormFields | undefined }>("/flags/:flagId/:action", async (request, reply) => {
    const fields = request.body ?? {};
    const member = teamMember(request, fields.by);
    if (member.kind === "invalid") return sendHtml(reply, 400, errorPage("Bad request", member.message));
    const action =
      request.params.action === "assign"
        ? { kind: "assign" as const, caseId: (fields.case ?? "").trim().toUpperCase() }
        : request.params.action === "resolve"
          ? { kind: "resolve" as const, how: (fields.how ?? "").trim() }
          : null;
    if (!action) return sendHtml(reply, 404, errorPage("Not found", "There is no such action."));
    if (action.kind === "assign" && !parseCaseId(action.caseId)) return sendHtml(reply, 400, errorPage("Bad request", "Give a case id like ACT-123456."));
    const r = await deps.settleLooseFlag(request.params.flagId, action, member.by);
    if (r.kind === "refused") return sendHtml(reply, 409, errorPage("Refused", r.reason));
    return reply.redirect(action.kind === "assign" ? caseUrl(action.caseId) : "/", 303);
  });
}

/** Form fields to the API's body shape: empty optional text is absent, a ticked checkbox is true. */
function toTeamRequest(kind: TeamRequestKind, fields: FormFields, flagId = ""): TeamRequest {
  switch (kind) {
    case "override":
      return { kind, body: { item: fields.item ?? "", reason: fields.reason ?? "" } };
    case "activate":
    case "close":
      return { kind, body: { reason: fields.reason || undefined, force: fields.force !== undefined } };
    case "resolve":
      return { kind, flagId, body: { how: fields.how ?? "" } };
    case "accept":
      return { kind, flagId, body: {} };
  }
}
