/**
 * The review UI (SPEC §6): server-rendered pages and the small form endpoints behind their buttons.
 * A form endpoint runs the same team request as the JSON API and always redirects (303, Post/Redirect/
 * Get): on success back to the page with a fixed notice picked by a code, on refusal with the reason as
 * a one-time notice (flash-notice.ts). Who acts is the login (or the proxy's X-Team-Member), never a
 * name typed in a form.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { STAGES } from "../core/types.js";
import { archivedDetail, caseDetail, parseCaseId } from "./case-views.js";
import type { Html } from "./html.js";
import { redirectWithNotice, takeNotice } from "./flash-notice.js";
import { deskSessionOf, uiLanguageOf } from "./desk-session-of.js";
import type { UiLanguage } from "./pages/ui-language.js";
import { uiText } from "./pages/ui-language.js";
import { caseUrl, casePage } from "./pages/case-page.js";
import { errorPage } from "./pages/error-page.js";
import type { Notice } from "./pages/layout.js";
import { queuePage } from "./pages/queue-page.js";
import { pageTurn } from "./page-turns.js";
import { QUEUE_PAGE_ROWS, flaggedView, stageGroups } from "./queue-view.js";
import { workPage } from "./pages/work-page.js";
import { searchPage } from "./pages/search-page.js";
import { searchForDesk } from "../app/search-cases.js";
import { parseWorkQuery, workQueue } from "../app/work-queue.js";
import type { HttpDeps } from "./http-deps.js";
import type { TeamRequest, TeamRequestKind } from "./team-requests.js";
import { runTeamRequest, teamMember } from "./team-requests.js";
import { wordsText } from "./pages/core-words.js";
import { itemTitles, titledDetail, titledFlaggedView, titledWords, titledWorkPage } from "./titled-views.js";

/** Success notices are fixed texts picked by a code in the query: nothing from the URL is shown. */
/** The team requests of this file's forms (a case's facts are edited in actions/edit-case-routes.ts). */
type FormKind = Exclude<TeamRequestKind, "edit">;

type DoneCode = FormKind | "loose_resolve" | "loose_assign";

const TEXT = {
  en: {
    done: {
      override: "Checklist item overridden.",
      confirm: "Team step confirmed.",
      send_back: "Sent back; the reason was mailed.",
      activate: "Case activated.",
      close: "Case closed.",
      resolve: "Flag resolved.",
      accept: "Sender accepted; the held mail was processed.",
      note: "Note added to the timeline.",
      undo_override: "Override undone; the item counts as before.",
      assign: "Owner changed.",
      reopen: "Case reopened.",
      loose_resolve: "Flag resolved.",
      loose_assign: "The mail was assigned to this case and processed.",
    } satisfies Record<DoneCode, string>,
    badRequest: "Bad request",
    queueQuery: "The queue page takes stage and cursor only.",
    notOurs: "That page link is not one of ours; start again from the queue.",
    caseNotFound: "Case not found",
    noCase: (id: string) => `There is no case ${id}.`,
    notDone: (why: string) => `Not done: ${why}`,
    notFound: "Not found",
    noAction: "There is no such action.",
    notCaseId: (id: string) => `Not done: “${id}” is not a case id; give one like ACT-123456.`,
  },
  sv: {
    done: {
      override: "Punkten i checklistan är godkänd av teamet.",
      confirm: "Teamets steg är bekräftat.",
      send_back: "Skickat tillbaka; skälet mejlades.",
      activate: "Ärendet är aktiverat.",
      close: "Ärendet är avslutat.",
      resolve: "Flaggan är löst.",
      accept: "Avsändaren är godkänd; det kvarhållna mejlet behandlades.",
      note: "Anteckningen är tillagd i tidslinjen.",
      undo_override: "Godkännandet är ångrat; punkten räknas som förut.",
      assign: "Ägaren är ändrad.",
      reopen: "Ärendet är återöppnat.",
      loose_resolve: "Flaggan är löst.",
      loose_assign: "Mejlet kopplades till det här ärendet och behandlades.",
    } satisfies Record<DoneCode, string>,
    badRequest: "Felaktig begäran",
    queueQuery: "Kösidan tar bara stage och cursor.",
    notOurs: "Den länken kommer inte från desken; börja om från kön.",
    caseNotFound: "Ärendet hittades inte",
    noCase: (id: string) => `Det finns inget ärende ${id}.`,
    notDone: (why: string) => `Inte gjort: ${why}`,
    notFound: "Hittades inte",
    noAction: "Det finns ingen sådan åtgärd.",
    notCaseId: (id: string) => `Inte gjort: ”${id}” är inget ärendenummer; ange ett som ACT-123456.`,
  },
} satisfies Record<UiLanguage, unknown>;

function doneNotice(code: string | undefined, lang: UiLanguage): Notice | undefined {
  const done = uiText(TEXT, lang).done;
  return code && Object.hasOwn(done, code) ? { kind: "good", text: done[code as DoneCode] } : undefined;
}


/** Fields of a submitted form (application/x-www-form-urlencoded), first value of each name. */
export type FormFields = Record<string, string>;

export function sendHtml(reply: FastifyReply, status: number, page: Html): FastifyReply {
  return reply.code(status).type("text/html; charset=utf-8").header("Cache-Control", "no-store").send(page.toString());
}

export function registerUiRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const timeZone = deps.rules.reminders.time_zone;
  const now = deps.now ?? Date.now;

  const QueueQuery = z.object({ stage: z.enum(STAGES).optional(), cursor: z.string().max(12).optional(), done: z.string().max(40).optional() }).strict();
  app.get("/", async (request, reply) => {
    const query = QueueQuery.safeParse(request.query);
    const lang = uiLanguageOf(request);
    const t = uiText(TEXT, lang);
    if (!query.success) return sendHtml(reply, 400, errorPage(t.badRequest, t.queueQuery, lang));
    const { stage, cursor, done } = query.data;
    const [flagged, stages] = await Promise.all([flaggedView(deps.store, QUEUE_PAGE_ROWS), stageGroups(deps.store, stage ? { stage, cursor } : undefined)]);
    if (!stages) return sendHtml(reply, 400, errorPage(t.badRequest, t.notOurs, lang));
    const notice = takeNotice(request, reply) ?? doneNotice(done, lang);
    await pageTurn();
    const view = titledFlaggedView(flagged, itemTitles(deps.renderer, lang));
    return sendHtml(reply, 200, queuePage({ ...view, stages, timeZone, session: deskSessionOf(request, reply), ...(notice ? { notice } : {}) }));
  });

  app.get<{ Querystring: { q?: string } }>("/search", async (request, reply) => {
    const result = await searchForDesk(deps, typeof request.query.q === "string" ? request.query.q : "");
    await pageTurn();
    return sendHtml(reply, 200, searchPage(result, deskSessionOf(request, reply)));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>("/work", async (request, reply) => {
    const query = parseWorkQuery(request.query);
    const member = teamMember(request);
    const page = await workQueue(deps, query, new Date(now()).toISOString(), member.kind === "ok" ? member.by : null);
    const titled = titledWorkPage(page, itemTitles(deps.renderer, uiLanguageOf(request)));
    await pageTurn();
    return sendHtml(reply, 200, workPage(titled, query, timeZone, deskSessionOf(request, reply), takeNotice(request, reply)));
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>("/cases/:id", async (request, reply) => {
    const rawId = request.params.id;
    const id = parseCaseId(rawId);
    const c = id ? await deps.store.getCase(id) : null;
    const archived = id && !c ? await deps.store.archivedCase(id) : null;
    const lang = uiLanguageOf(request);
    const t = uiText(TEXT, lang);
    if (!c && !archived) return sendHtml(reply, 404, errorPage(t.caseNotFound, t.noCase(rawId), lang));
    const notice = takeNotice(request, reply) ?? doneNotice(request.query.done, lang);
    const detail = c ? await caseDetail(deps, c, lang) : archived ? await archivedDetail(deps, archived, lang) : null;
    if (!detail) return sendHtml(reply, 404, errorPage(t.caseNotFound, t.noCase(rawId), lang));
    await pageTurn();
    return sendHtml(reply, 200, casePage(titledDetail(detail, itemTitles(deps.renderer, lang)), timeZone, notice, deskSessionOf(request, reply), deps.rules));
  });

  type FormRequest = FastifyRequest<{ Params: { id: string; flagId?: string }; Body: FormFields | undefined }>;
  const formAction = (kind: FormKind) => async (request: FormRequest, reply: FastifyReply) => {
    const fields = request.body ?? {};
    const back = caseUrl(request.params.id);
    const member = teamMember(request);
    if (member.kind === "invalid") return redirectWithNotice(reply, back, { kind: "bad", text: wordsText(member.words, member.message, uiLanguageOf(request)) });
    const lang = uiLanguageOf(request);
    const t = uiText(TEXT, lang);
    const outcome = await runTeamRequest(deps, request.params.id, toTeamRequest(kind, fields, request.params.flagId), member.by, lang);
    switch (outcome.status) {
      case 200:
        return reply.redirect(`${caseUrl(outcome.result.case.id)}?done=${kind}`, 303);
      case 400:
        return redirectWithNotice(reply, back, { kind: "bad", text: t.notDone(outcome.message) });
      case 404:
        return sendHtml(reply, 404, errorPage(t.caseNotFound, t.noCase(request.params.id), lang));
      case 409:
        return redirectWithNotice(reply, back, { kind: "bad", text: t.notDone(wordsText(titledWords(outcome.words, itemTitles(deps.renderer, lang)), outcome.reason, lang)) });
    }
  };

  app.post("/cases/:id/override", formAction("override"));
  app.post("/cases/:id/activate", formAction("activate"));
  app.post("/cases/:id/close", formAction("close"));
  app.post("/cases/:id/notes", formAction("note"));
  app.post("/cases/:id/overrides/undo", formAction("undo_override"));
  app.post("/cases/:id/confirm", formAction("confirm"));
  app.post("/cases/:id/send-back", formAction("send_back"));
  app.post("/cases/:id/assign", formAction("assign"));
  app.post("/cases/:id/reopen", formAction("reopen"));
  app.post("/cases/:id/flags/:flagId/resolve", formAction("resolve"));
  app.post("/cases/:id/flags/:flagId/accept", formAction("accept"));

  // Flags tied to no case, from the queue page: resolve with a note, or assign the mail to a case.
  app.post<{ Params: { flagId: string; action: string }; Body: FormFields | undefined }>("/flags/:flagId/:action", async (request, reply) => {
    const fields = request.body ?? {};
    const member = teamMember(request);
    if (member.kind === "invalid") return redirectWithNotice(reply, "/", { kind: "bad", text: wordsText(member.words, member.message, uiLanguageOf(request)) });
    const lang = uiLanguageOf(request);
    const t = uiText(TEXT, lang);
    const action =
      request.params.action === "assign"
        ? { kind: "assign" as const, caseId: (fields.case ?? "").trim().toUpperCase() }
        : request.params.action === "resolve"
          ? { kind: "resolve" as const, how: (fields.how ?? "").trim() }
          : null;
    if (!action) return sendHtml(reply, 404, errorPage(t.notFound, t.noAction, lang));
    if (action.kind === "assign" && !parseCaseId(action.caseId)) {
      return redirectWithNotice(reply, "/", { kind: "bad", text: t.notCaseId(action.caseId) });
    }
    const r = await deps.settleLooseFlag(request.params.flagId, action, member.by);
    if (r.kind === "refused") return redirectWithNotice(reply, "/", { kind: "bad", text: t.notDone(wordsText(r.words, r.reason, lang)) });
    return reply.redirect(action.kind === "assign" ? `${caseUrl(action.caseId)}?done=loose_assign` : "/?done=loose_resolve", 303);
  });
}

/** Form fields to the API's body shape: empty optional text is absent, a ticked checkbox is true. */
function toTeamRequest(kind: FormKind, fields: FormFields, flagId = ""): TeamRequest {
  switch (kind) {
    case "override":
    case "undo_override":
      return { kind, body: { item: fields.item ?? "", reason: fields.reason ?? "" } };
    case "confirm":
      return { kind, body: { item: fields.item ?? "" } };
    case "send_back":
      return { kind, body: { item: fields.item ?? "", reason: fields.reason ?? "" } };
    case "activate":
    case "close":
      return { kind, body: { reason: fields.reason || undefined, force: fields.force !== undefined } };
    case "resolve":
      return { kind, flagId, body: { how: fields.how ?? "" } };
    case "accept":
      return { kind, flagId, body: {} };
    case "note":
      return { kind, body: { text: fields.text ?? "" } };
    case "assign":
      // The "Assign to me" button sends to=me; the other form a name, or nothing to unassign.
      return { kind, body: fields.to === "me" ? { me: true } : { owner: fields.owner?.trim() || null } };
    case "reopen":
      return { kind, body: { reason: fields.reason ?? "" } };
  }
}
