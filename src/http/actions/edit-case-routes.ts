/**
 * The case page's "Fix the case's facts" forms (pages/case-edit-section.ts): `POST /cases/:id/edit`
 * changes the facts, `POST /cases/:id/participants/add` adds a participant and, when ticked, sends them
 * the case's last mail again. Both are the JSON API's `POST /api/cases/:id/edit` (one team request,
 * team-requests.ts), and redirect to the case with a notice (Post/Redirect/Get).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { splitMacs } from "../../core/case/case-fields.js";
import { uiLanguageOf } from "../desk-session-of.js";
import { redirectWithNotice } from "../flash-notice.js";
import type { HttpDeps } from "../http-deps.js";
import { errorPage } from "../pages/error-page.js";
import { uiText } from "../pages/ui-language.js";
import { caseUrl } from "../pages/urls.js";
import { runTeamRequest, teamMember } from "../team-requests.js";
import type { FormFields } from "../ui-routes.js";
import { sendHtml } from "../ui-routes.js";
import { wordsText } from "../pages/core-words.js";

/** Participants one form lists at most (a case has a handful). */
const MAX_FORM_PARTICIPANTS = 20;

const TEXT = {
  en: {
    edited: "Case facts changed; the checklist was evaluated again.",
    added: (email: string) => `${email} added as a participant.`,
    resent: (email: string) => `${email} added as a participant; the case's last mail was sent again to them.`,
    notDone: (why: string) => `Not done: ${why}`,
    noCase: (id: string) => `There is no case ${id}.`,
  },
  sv: {
    edited: "Ärendets uppgifter ändrade; checklistan bedömdes på nytt.",
    added: (email: string) => `${email} tillagd som deltagare.`,
    resent: (email: string) => `${email} tillagd som deltagare; ärendets senaste mejl skickades igen till hen.`,
    notDone: (why: string) => `Inte gjort: ${why}`,
    noCase: (id: string) => `Det finns inget ärende ${id}.`,
  },
};

/** The edit form's fields as the API's body (EditBody). */
export function editBodyOfForm(f: FormFields): Record<string, unknown> {
  const participants = [];
  for (let i = 0; i < MAX_FORM_PARTICIPANTS && f[`p_${i}_email`] !== undefined; i++) {
    participants.push({ email: f[`p_${i}_email`] ?? "", newEmail: f[`p_${i}_new`] ?? "", name: f[`p_${i}_name`] ?? "" });
  }
  return {
    ...(f.site !== undefined ? { site: f.site } : {}),
    ...(f.stations !== undefined ? { stations: Number(f.stations) } : {}),
    ...(f.macs !== undefined ? { macsShipped: splitMacs(f.macs) } : {}),
    installService: f.install_service !== undefined,
    ...(f.locale ? { locale: f.locale } : {}),
    ...(participants.length ? { participants } : {}),
  };
}

type Req = FastifyRequest<{ Params: { id: string }; Body: FormFields | undefined }>;

export function registerEditCaseRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const handle = (bodyOf: (f: FormFields) => Record<string, unknown>, done: (f: FormFields, t: (typeof TEXT)["en"], mailed: boolean) => string) => async (request: Req, reply: FastifyReply) => {
    const lang = uiLanguageOf(request);
    const t = uiText(TEXT, lang);
    const back = caseUrl(request.params.id);
    const fields = request.body ?? {};
    const member = teamMember(request);
    if (member.kind === "invalid") return redirectWithNotice(reply, back, { kind: "bad", text: wordsText(member.words, member.message, uiLanguageOf(request)) });
    const outcome = await runTeamRequest(deps, request.params.id, { kind: "edit", body: bodyOf(fields) }, member.by);
    switch (outcome.status) {
      case 200:
        return redirectWithNotice(reply, caseUrl(outcome.result.case.id), { kind: "good", text: done(fields, t, outcome.result.outbox.length > 0) });
      case 400:
        return redirectWithNotice(reply, back, { kind: "bad", text: t.notDone(outcome.message) });
      case 404:
        return sendHtml(reply, 404, errorPage("Case not found", t.noCase(request.params.id)));
      case 409:
        return redirectWithNotice(reply, back, { kind: "bad", text: t.notDone(wordsText(outcome.words, outcome.reason, lang)) });
    }
  };

  app.post("/cases/:id/edit", handle(editBodyOfForm, (_f, t) => t.edited));
  app.post(
    "/cases/:id/participants/add",
    handle(
      (f) => ({ add: [{ email: f.email ?? "", ...(f.name?.trim() ? { name: f.name } : {}), role: f.role || "team_added" }], resend: f.resend !== undefined }),
      (f, t, mailed) => (mailed ? t.resent : t.added)((f.email ?? "").trim().toLowerCase()),
    ),
  );
}
