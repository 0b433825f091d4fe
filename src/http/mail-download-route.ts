/**
 * `GET /cases/:id/mails/:blob.eml`: the original of a mail the case received, as a download. Only a
 * blob that one of the case's mail_in events names is served, so a blob id from elsewhere (another
 * case's mail, a photo) gets 404 here; served as message/rfc822 with a closed CSP and nosniff.
 */
import type { FastifyInstance } from "fastify";
import type { CaseEvent } from "../core/types.js";
import { parseCaseId } from "./case-views.js";
import type { HttpDeps } from "./http-deps.js";
import { BLOB_CSP, BLOB_ID_PATTERN } from "./thumbnail-route.js";

export function registerMailDownloadRoute(app: FastifyInstance, deps: Pick<HttpDeps, "store" | "blobs">): void {
  app.get<{ Params: { id: string; file: string } }>("/cases/:id/mails/:file", async (request, reply) => {
    const id = parseCaseId(request.params.id);
    const blob = request.params.file.replace(/\.eml$/, "");
    if (!id || !BLOB_ID_PATTERN.test(blob)) return reply.code(404).type("text/plain").send("no such mail");
    const hot = await deps.store.events(id);
    const events = hot.length ? hot : ((await deps.store.archivedCase(id))?.record.events ?? []);
    if (!events.some((e) => mailBlob(e) === blob) || !(await deps.blobs.has(blob))) {
      return reply.code(404).type("text/plain").send(`case ${id} has no such mail`);
    }
    return reply
      .header("Content-Type", "message/rfc822")
      .header("Content-Disposition", `attachment; filename="${id}-${blob.slice(7, 19)}.eml"`)
      .header("Content-Security-Policy", BLOB_CSP)
      .header("Cache-Control", "private, no-store")
      .send(deps.blobs.stream(blob));
  });
}

function mailBlob(e: CaseEvent): string | undefined {
  if (e.kind !== "mail_in" || typeof e.data !== "object" || e.data === null || Array.isArray(e.data)) return undefined;
  const b = e.data.blob;
  return typeof b === "string" ? b : undefined;
}
