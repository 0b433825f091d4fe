/**
 * A received mail as sent: `GET /cases/:id/mails/:blob/html` (the page with the sandboxed frame) and
 * `GET /cases/:id/mails/:blob/html/content` (the sanitised HTML the frame shows). Only a mail the case
 * received is served. The content has its own CSP — nothing but its own styles and embedded images,
 * framed only by the desk — so even markup the sanitiser missed can neither run nor load anything.
 */
import type { FastifyInstance } from "fastify";
import { caseMailHtml, caseReceivedMail } from "../app/case-attachments.js";
import { parseCaseId } from "./case-views.js";
import { deskSessionOf, uiLanguageOf } from "./desk-session-of.js";
import type { HttpDeps } from "./http-deps.js";
import { errorPage } from "./pages/error-page.js";
import { IMAGE_PLACEHOLDER_TEXT, mailHtmlPage } from "./pages/mail-html-page.js";
import { uiText } from "./pages/ui-language.js";
import { BLOB_ID_PATTERN } from "./thumbnail-route.js";
import { UI_FRAMING_CSP } from "./security/csp.js";
import { sendHtml } from "./ui-routes.js";

export const MAIL_HTML_CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'";

const NO_HTML = { en: "This mail has no HTML part: its text is in the thread.", sv: "E-postmeddelandet har ingen HTML-del: texten finns i e-posttråden." };

export function registerMailHtmlRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const read = async (params: { id: string; blob: string }, placeholder: string) => {
    const id = parseCaseId(params.id);
    return id && BLOB_ID_PATTERN.test(params.blob) && deps.attachments
      ? caseMailHtml({ store: deps.store, blobs: deps.blobs, views: deps.attachments }, id, params.blob, placeholder)
      : null;
  };

  app.get<{ Params: { id: string; blob: string } }>("/cases/:id/mails/:blob/html", async (request, reply) => {
    const id = parseCaseId(request.params.id);
    // Only whether the mail is the case's is checked here; the frame's route reads and cleans it.
    const c =
      id && BLOB_ID_PATTERN.test(request.params.blob) && deps.attachments
        ? await caseReceivedMail({ store: deps.store, blobs: deps.blobs, views: deps.attachments }, id, request.params.blob)
        : null;
    if (!c) return sendHtml(reply, 404, errorPage("Mail not found", `Case ${request.params.id} has no such mail.`));
    reply.header("Content-Security-Policy", UI_FRAMING_CSP);
    return sendHtml(reply, 200, mailHtmlPage(c, request.params.blob, deskSessionOf(request, reply)));
  });

  app.get<{ Params: { id: string; blob: string } }>("/cases/:id/mails/:blob/html/content", async (request, reply) => {
    const lang = uiLanguageOf(request);
    const view = await read(request.params, uiText(IMAGE_PLACEHOLDER_TEXT, lang));
    if (!view) return reply.code(404).type("text/plain").send(`case ${request.params.id} has no such mail`);
    const body = view.kind === "ok" ? view.html : `<p>${uiText(NO_HTML, lang)}</p>`;
    return reply
      .code(200)
      .header("Content-Type", "text/html; charset=utf-8")
      .header("Content-Security-Policy", MAIL_HTML_CSP)
      .header("X-Content-Type-Options", "nosniff")
      .header("Cache-Control", "private, no-store")
      .send(`<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><style>.image-placeholder{display:inline-block;padding:2px 6px;border:1px dashed #999;color:#666;font:12px sans-serif}body{font-family:sans-serif;margin:12px}</style></head><body>${body}</body></html>`);
  });
}
