/**
 * Supervised mode's drafts from the desk and the JSON API (core/case/drafts.ts, app/drafts.ts): send,
 * edit and discard a draft of the bot's, and the edit page. Pages follow Post/Redirect/Get with a
 * notice; who acts is the login (or the proxy's member), as for every team action. A viewer's POST is
 * refused before it reaches here (server.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CommandResult } from "../../app/case-commands.js";
import type { DeskDrafts } from "../../app/drafts.js";
import { DRAFT_KEY_PATTERN, draftViews } from "../../app/drafts.js";
import { MAX_DISCARD_REASON_CHARS, MAX_DRAFT_TEXT_CHARS } from "../../core/case/drafts.js";
import { parseCaseId } from "../case-views.js";
import { deskSessionOf } from "../desk-session-of.js";
import { redirectWithNotice } from "../flash-notice.js";
import type { HttpDeps } from "../http-deps.js";
import { draftEditPage } from "../pages/draft-edit-page.js";
import { errorPage } from "../pages/error-page.js";
import type { UiLanguage } from "../pages/ui-language.js";
import { uiText } from "../pages/ui-language.js";
import { caseUrl } from "../pages/urls.js";
import { refusalForRole } from "../security/roles.js";
import { teamMember } from "../team-requests.js";
import type { FormFields } from "../ui-routes.js";
import { sendHtml } from "../ui-routes.js";
import { wordsText } from "../pages/core-words.js";

const TEXT = {
  en: {
    sent: "Draft sent: it goes out in the case's thread now.",
    edited: "Draft changed; it waits for Send.",
    discarded: "Draft discarded; nothing was sent.",
    notDone: (reason: string) => `Not done: ${reason}`,
    noDraft: (id: string) => `Case ${id} has no such draft: it was sent or discarded already.`,
    notFound: "Not found",
    refused: "Not allowed",
  },
  sv: {
    sent: "Utkastet skickat: det går ut i ärendets tråd nu.",
    edited: "Utkastet ändrat; det väntar på Skicka.",
    discarded: "Utkastet kastat; inget skickades.",
    notDone: (reason: string) => `Inte gjort: ${reason}`,
    noDraft: (id: string) => `Ärende ${id} har inget sådant utkast: det har redan skickats eller kastats.`,
    notFound: "Hittades inte",
    refused: "Inte tillåtet",
  },
} satisfies Record<UiLanguage, unknown>;

type Action = "send" | "edit" | "discard";
type Req = FastifyRequest<{ Params: { id: string; key: string; action?: string }; Body: FormFields | undefined }>;

const EditBody = z.object({ text: z.string().max(MAX_DRAFT_TEXT_CHARS) });
const DiscardBody = z.object({ reason: z.string().max(MAX_DISCARD_REASON_CHARS).default("") });

function run(drafts: DeskDrafts, action: Action, id: string, key: string, fields: { text?: string; reason?: string }, by: string): Promise<CommandResult> {
  switch (action) {
    case "send":
      return drafts.send(id, key, by);
    case "edit":
      return drafts.edit(id, key, fields.text ?? "", by);
    case "discard":
      return drafts.discard(id, key, fields.reason ?? "", by);
  }
}

function actionOf(raw: string | undefined): Action | null {
  return raw === "send" || raw === "edit" || raw === "discard" ? raw : null;
}

export function registerDraftRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const drafts = deps.drafts;
  if (!drafts) return;

  app.get<{ Params: { id: string; key: string } }>("/cases/:id/drafts/:key/edit", async (request, reply) => {
    const session = deskSessionOf(request, reply);
    const t = uiText(TEXT, session.lang);
    // The page is a form: a viewer, who may not post it, is told so here rather than after typing.
    if (!session.mayAct) return sendHtml(reply, 403, errorPage(t.refused, refusalForRole(request.role)));
    const id = parseCaseId(request.params.id);
    const c = id ? await deps.store.getCase(id) : null;
    const view = c ? (await draftViews(deps.store, c)).find((d) => d.key === request.params.key && !d.missing) : undefined;
    if (!c || !view) return sendHtml(reply, 404, errorPage(t.notFound, t.noDraft(request.params.id)));
    return sendHtml(reply, 200, draftEditPage(c.id, view, session));
  });

  app.post("/cases/:id/drafts/:key/:action", async (request: Req, reply: FastifyReply) => {
    const lang = deskSessionOf(request, reply).lang;
    const t = uiText(TEXT, lang);
    const back = caseUrl(request.params.id);
    const action = actionOf(request.params.action);
    const id = parseCaseId(request.params.id);
    if (!action || !id || !DRAFT_KEY_PATTERN.test(request.params.key)) return sendHtml(reply, 404, errorPage(t.notFound, t.noDraft(request.params.id)));
    const member = teamMember(request);
    if (member.kind === "invalid") return redirectWithNotice(reply, back, { kind: "bad", text: wordsText(member.words, member.message, lang) });
    const r = await run(drafts, action, id, request.params.key, request.body ?? {}, member.by);
    if (r.kind === "refused") return redirectWithNotice(reply, action === "edit" ? caseUrl(id, `/drafts/${encodeURIComponent(request.params.key)}/edit`) : back, { kind: "bad", text: t.notDone(wordsText(r.words, r.reason, lang)) });
    return redirectWithNotice(reply, `${back}#drafts`, { kind: "good", text: action === "send" ? t.sent : action === "edit" ? t.edited : t.discarded });
  });

  // ---- JSON API: the same rules, 404 / 400 / 409 in words ----
  app.post<{ Params: { id: string; key: string; action: string }; Body: unknown }>("/api/cases/:id/drafts/:key/:action", async (request, reply) => {
    const member = teamMember(request);
    if (member.kind === "invalid") return reply.code(400).send({ error: "bad_request", message: member.message });
    const action = actionOf(request.params.action);
    const id = parseCaseId(request.params.id);
    if (!action || !id || !DRAFT_KEY_PATTERN.test(request.params.key)) return reply.code(404).send({ error: "not_found", message: `no draft ${request.params.key} on ${request.params.id}` });
    const body = (action === "edit" ? EditBody : DiscardBody).safeParse(request.body ?? {});
    if (action !== "send" && !body.success) return reply.code(400).send({ error: "bad_request", message: body.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
    const r = await run(drafts, action, id, request.params.key, body.success ? body.data : {}, member.by);
    if (r.kind === "refused") return reply.code(409).send({ error: "refused", reason: r.reason });
    return { ok: true, case: r.case.id, outbox: r.outbox.map((e) => e.key) };
  });
}
