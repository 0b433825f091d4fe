/**
 * A returned form: `GET /cases/:id/forms/:blob` (the page, the PDF inline) and
 * `GET /cases/:id/forms/:blob/file` (the PDF itself, `inline`, or `attachment` with `?download=1`).
 * Only a form of that case is served; its bytes go out as application/pdf only when they are one
 * (else application/octet-stream, as a download), with nosniff and a closed CSP.
 */
import type { FastifyInstance } from "fastify";
import { caseForm } from "../app/case-attachments.js";
import { parseCaseId } from "./case-views.js";
import { deskSessionOf } from "./desk-session-of.js";
import type { HttpDeps } from "./http-deps.js";
import { errorPage } from "./pages/error-page.js";
import { formPage } from "./pages/form-page.js";
import { BLOB_CSP, BLOB_ID_PATTERN } from "./thumbnail-route.js";
import { UI_FRAMING_CSP } from "./security/csp.js";
import { sendHtml } from "./ui-routes.js";

export function registerFormRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const timeZone = deps.rules.reminders.time_zone;
  const find = async (params: { id: string; blob: string }) => {
    const id = parseCaseId(params.id);
    return id && BLOB_ID_PATTERN.test(params.blob) && deps.attachments
      ? caseForm({ store: deps.store, blobs: deps.blobs, views: deps.attachments }, id, params.blob)
      : null;
  };

  app.get<{ Params: { id: string; blob: string } }>("/cases/:id/forms/:blob", async (request, reply) => {
    const found = await find(request.params);
    if (!found) return sendHtml(reply, 404, errorPage("Form not found", `Case ${request.params.id} has no such form.`));
    reply.header("Content-Security-Policy", UI_FRAMING_CSP);
    return sendHtml(reply, 200, formPage(found.case, found.form, found.pdf, deps.rules.forms, timeZone, deskSessionOf(request, reply)));
  });

  app.get<{ Params: { id: string; blob: string }; Querystring: { download?: string } }>("/cases/:id/forms/:blob/file", async (request, reply) => {
    const found = await find(request.params);
    if (!found) return reply.code(404).type("text/plain").send(`case ${request.params.id} has no such form`);
    const download = request.query.download !== undefined || !found.pdf;
    const name = `${found.case.id}-${found.form.file}`.replace(/[^\w.-]+/g, "_").slice(0, 120);
    return reply
      .header("Content-Type", found.pdf ? "application/pdf" : "application/octet-stream")
      .header("Content-Disposition", `${download ? "attachment" : "inline"}; filename="${name.endsWith(".pdf") || !found.pdf ? name : `${name}.pdf`}"`)
      // The desk's own pages may frame it (the form page's iframe); nothing else may.
      .header("Content-Security-Policy", `${BLOB_CSP}; frame-ancestors 'self'`)
      .header("Cache-Control", "private, max-age=31536000, immutable")
      .send(deps.blobs.stream(request.params.blob));
  });
}
