/**
 * The photo viewer: `GET /cases/:id/photos/:blob` (the page) and `GET /cases/:id/photos/:blob/image`
 * (the photo upright, HEIC as JPEG). `:blob` is the original's blob id; only a photo of that case is
 * served (any other blob id gets 404), as the type it was made into, with nosniff and a closed CSP.
 */
import type { FastifyInstance } from "fastify";
import { caseHasPhoto, casePhoto, casePhotoImage } from "../app/case-attachments.js";
import { parseCaseId } from "./case-views.js";
import { deskSessionOf } from "./desk-session-of.js";
import type { HttpDeps } from "./http-deps.js";
import { errorPage } from "./pages/error-page.js";
import type { PhotoZoom } from "./pages/photo-page.js";
import { photoPage } from "./pages/photo-page.js";
import { BLOB_CSP, BLOB_ID_PATTERN } from "./thumbnail-route.js";
import { sendHtml } from "./ui-routes.js";

export function registerPhotoRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const timeZone = deps.rules.reminders.time_zone;
  const target = (params: { id: string; blob: string }) => {
    const id = parseCaseId(params.id);
    return id && BLOB_ID_PATTERN.test(params.blob) && deps.attachments ? { id, blob: params.blob, views: deps.attachments } : null;
  };

  app.get<{ Params: { id: string; blob: string }; Querystring: { zoom?: string } }>("/cases/:id/photos/:blob", async (request, reply) => {
    const t = target(request.params);
    const view = t && (await casePhoto({ store: deps.store, blobs: deps.blobs, views: t.views }, t.id, t.blob));
    if (!view) return sendHtml(reply, 404, errorPage("Photo not found", `Case ${request.params.id} has no such photo.`));
    const zoom: PhotoZoom = request.query.zoom === "full" ? "full" : "fit";
    return sendHtml(reply, 200, photoPage(view, zoom, deps.rules.photos, timeZone, deskSessionOf(request, reply)));
  });

  app.get<{ Params: { id: string; blob: string } }>("/cases/:id/photos/:blob/image", async (request, reply) => {
    const t = target(request.params);
    // The original's content address and the conversion's name: a new conversion version is a new tag.
    const etag = `"${request.params.blob}.${deps.attachments?.viewableConversion ?? ""}"`;
    // The browser has it already (same original, same conversion): nothing to read, once ownership is checked.
    if (t && request.headers["if-none-match"] === etag && (await caseHasPhoto(deps, t.id, t.blob))) {
      return reply.code(304).header("ETag", etag).header("Cache-Control", "private, max-age=31536000, immutable").send();
    }
    const image = t && (await casePhotoImage({ store: deps.store, blobs: deps.blobs, views: t.views }, t.id, t.blob));
    if (!image) return reply.code(404).type("text/plain").send(`case ${request.params.id} has no such photo`);
    if (image.kind === "unreadable") {
      return reply.code(422).type("text/plain").send(`the photo cannot be shown (${image.detail}); download the original mail (.eml) from the thread to look at it`);
    }
    return reply
      .header("Content-Type", image.contentType)
      .header("Content-Security-Policy", BLOB_CSP)
      // Made from a content-addressed original the same way every time: the bytes under this URL never change.
      .header("Cache-Control", "private, max-age=31536000, immutable")
      .header("ETag", etag)
      .send(image.bytes);
  });
}
