/**
 * `GET /cases/:id/photos/:blob/thumbnail`: the photo thumbnails the case page shows. Only a thumbnail
 * that one of the case's photos names is served (any other blob id, even a stored one, gets 404), and
 * it is served as what it is — the bot makes every thumbnail as a JPEG (adapters/image) — with nosniff
 * and a closed CSP, so the browser may neither sniff it into HTML nor let it run anything.
 */
import type { FastifyInstance } from "fastify";
import type { BlobStore, CaseRepository } from "../app/ports.js";
import { parseCaseId } from "./case-views.js";

export const BLOB_ID_PATTERN = /^sha256-[0-9a-f]{64}$/;
export const BLOB_CSP = "default-src 'none'";

export function thumbnailUrl(caseId: string, id: string): string | null {
  return BLOB_ID_PATTERN.test(id) ? `/cases/${encodeURIComponent(caseId)}/photos/${id}/thumbnail` : null;
}

export function registerThumbnailRoute(app: FastifyInstance, deps: { blobs: BlobStore; store: Pick<CaseRepository, "getCase" | "archivedCase"> }): void {
  app.get<{ Params: { id: string; blob: string } }>("/cases/:id/photos/:blob/thumbnail", async (request, reply) => {
    const { blob } = request.params;
    const id = parseCaseId(request.params.id);
    if (!id || !BLOB_ID_PATTERN.test(blob)) return reply.code(400).type("text/plain").send("not a case id and blob id");
    // An archived case's photos are served from its record while the retention keeps their blobs.
    const c = (await deps.store.getCase(id)) ?? (await deps.store.archivedCase(id))?.record.case;
    const owned = c?.evidence.some((r) => r.photos.some((p) => p.thumbnail === blob)) ?? false;
    if (!owned || !(await deps.blobs.has(blob))) return reply.code(404).type("text/plain").send(`case ${id} has no such photo`);
    return reply
      .header("Content-Type", "image/jpeg")
      .header("Content-Security-Policy", BLOB_CSP)
      // Content-addressed: the bytes under an id never change.
      .header("Cache-Control", "private, max-age=31536000, immutable")
      .send(deps.blobs.stream(blob));
  });
}
