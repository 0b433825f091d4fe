/**
 * `GET /blobs/:id/thumbnail`: the photo thumbnails the case page shows. Only content-addressed blob ids
 * are accepted (no path can be smuggled in), and whatever the bytes, they are served as an image the
 * browser may neither sniff into HTML nor let run anything.
 */
import type { FastifyInstance } from "fastify";
import type { BlobStore } from "../app/ports.js";

export const BLOB_ID_PATTERN = /^sha256-[0-9a-f]{64}$/;
export const BLOB_CSP = "default-src 'none'";

export function thumbnailUrl(id: string): string | null {
  return BLOB_ID_PATTERN.test(id) ? `/blobs/${id}/thumbnail` : null;
}

export function registerThumbnailRoute(app: FastifyInstance, blobs: BlobStore): void {
  app.get<{ Params: { id: string } }>("/blobs/:id/thumbnail", async (request, reply) => {
    const { id } = request.params;
    if (!BLOB_ID_PATTERN.test(id)) return reply.code(400).send({ error: "bad_request", message: "not a blob id" });
    if (!(await blobs.has(id))) return reply.code(404).send({ error: "not_found", message: `no blob ${id}` });
    return reply
      .header("Content-Type", "image/jpeg")
      .header("Content-Security-Policy", BLOB_CSP)
      // Content-addressed: the bytes under an id never change.
      .header("Cache-Control", "private, max-age=31536000, immutable")
      .send(blobs.stream(id));
  });
}
