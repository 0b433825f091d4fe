/**
 * Opening a case from the desk (issue 18 §7): `GET /cases/new` shows the form, `POST /cases/new` opens
 * the case through the same use case as the CLI's `case open` and redirects to it with a notice
 * (Post/Redirect/Get); a form with problems comes back at once with what was typed and each problem by
 * its field. `POST /api/cases` takes the same facts as JSON. For agents: a viewer's POST is refused
 * before it gets here (server.ts), and her page shows no form.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { problemsText, splitMacs } from "../../core/case/case-fields.js";
import type { OpenCaseRequest } from "../../core/case/open-case.js";
import type { Locale } from "../../core/types.js";
import { LOCALES } from "../../core/types.js";
import { deskSessionOf, uiLanguageOf } from "../desk-session-of.js";
import { redirectWithNotice, takeNotice } from "../flash-notice.js";
import type { HttpDeps } from "../http-deps.js";
import { wordsText } from "../pages/core-words.js";
import { errorPage } from "../pages/error-page.js";
import type { NewCaseForm } from "../pages/new-case-page.js";
import { NEW_CASE_FIELDS, newCasePage } from "../pages/new-case-page.js";
import { uiText } from "../pages/ui-language.js";
import { caseUrl } from "../pages/urls.js";
import { teamMember } from "../team-requests.js";
import type { FormFields } from "../ui-routes.js";
import { sendHtml } from "../ui-routes.js";

const TEXT = {
  en: { opened: (id: string, to: string) => `Case ${id} opened; the first activation mail is on its way to ${to}.`, unavailable: "Opening cases is not available in this desk." },
  sv: { opened: (id: string, to: string) => `Ärende ${id} öppnat; det första aktiveringsmejlet är på väg till ${to}.`, unavailable: "Den här desken kan inte öppna ärenden." },
};

/** The JSON API's body: the CLI's `case open` options by name. */
const OpenBody = z
  .object({
    site: z.string().max(400),
    nmEmail: z.string().max(400),
    nmName: z.string().max(200).optional(),
    installerEmail: z.string().max(400).optional(),
    installerName: z.string().max(200).optional(),
    contractorEmail: z.string().max(400).optional(),
    contractorName: z.string().max(200).optional(),
    stations: z.number().default(1),
    macsShipped: z.array(z.string().max(64)).max(1000).default([]),
    installService: z.boolean().default(false),
    locale: z.enum(LOCALES as [Locale, ...Locale[]]).default("sv"),
    make: z.string().max(80).optional(),
  })
  .strict();

/** The form as the request the use case takes; a count that is not a number stays NaN, for the core to name. */
export function openRequestOfForm(f: NewCaseForm): OpenCaseRequest {
  const opt = <K extends string>(key: K, v: string | undefined) => (v?.trim() ? ({ [key]: v } as Record<K, string>) : {});
  return {
    site: f.site ?? "",
    nmEmail: f.nm_email ?? "",
    ...opt("nmName", f.nm_name),
    ...opt("installerEmail", f.installer_email),
    ...opt("installerName", f.installer_name),
    ...opt("contractorEmail", f.contractor_email),
    ...opt("contractorName", f.contractor_name),
    stations: f.stations?.trim() ? Number(f.stations) : Number.NaN,
    macsShipped: splitMacs(f.macs ?? ""),
    installService: f.install_service !== undefined && f.install_service !== "",
    locale: (f.locale ?? "sv") as Locale,
    ...opt("make", f.make),
  };
}

export function registerOpenCaseRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const open = deps.openCase;

  app.get("/cases/new", async (request, reply) => sendHtml(reply, 200, newCasePage({}, [], deskSessionOf(request, reply), takeNotice(request, reply))));

  app.post("/cases/new", async (request: FastifyRequest<{ Body: FormFields | undefined }>, reply: FastifyReply) => {
    const t = uiText(TEXT, uiLanguageOf(request));
    if (!open) return sendHtml(reply, 404, errorPage("Not found", t.unavailable));
    const fields = request.body ?? {};
    const form: NewCaseForm = Object.fromEntries(NEW_CASE_FIELDS.filter((k) => Object.hasOwn(fields, k)).map((k) => [k, fields[k] ?? ""]));
    const member = teamMember(request);
    if (member.kind === "invalid") return redirectWithNotice(reply, "/cases/new", { kind: "bad", text: wordsText(member.words, member.message, uiLanguageOf(request)) });
    const r = await open(openRequestOfForm(form), member.by);
    if (r.kind === "invalid") return sendHtml(reply, 422, newCasePage(form, r.problems, deskSessionOf(request, reply)));
    if (r.kind === "refused") return sendHtml(reply, 409, newCasePage(form, [], deskSessionOf(request, reply), { kind: "bad", text: r.reason }));
    const to = r.outbox.flatMap((e) => e.to).join(", ");
    return redirectWithNotice(reply, caseUrl(r.case.id), { kind: "good", text: t.opened(r.case.id, to) });
  });

  app.post<{ Body: unknown }>("/api/cases", async (request, reply) => {
    if (!open) return reply.code(404).send({ error: "not_found", message: "opening cases is not available in this desk" });
    const member = teamMember(request);
    if (member.kind === "invalid") return reply.code(400).send({ error: "bad_request", message: member.message });
    const body = OpenBody.safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: "bad_request", message: body.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
    const { nmName, installerEmail, installerName, contractorEmail, contractorName, make, ...rest } = body.data;
    const req: OpenCaseRequest = {
      ...rest,
      ...(nmName !== undefined ? { nmName } : {}),
      ...(installerEmail !== undefined ? { installerEmail } : {}),
      ...(installerName !== undefined ? { installerName } : {}),
      ...(contractorEmail !== undefined ? { contractorEmail } : {}),
      ...(contractorName !== undefined ? { contractorName } : {}),
      ...(make !== undefined ? { make } : {}),
    };
    const r = await open(req, member.by);
    if (r.kind === "invalid") return reply.code(400).send({ error: "bad_request", message: problemsText(r.problems), problems: r.problems });
    if (r.kind === "refused") return reply.code(409).send({ error: "refused", reason: r.reason });
    return reply.code(201).send({ ok: true, case: r.case.id, outbox: r.outbox.map((e) => e.key) });
  });
}
