/** The desk's attachment views (app/ports.ts AttachmentViews) put together from the image and MIME adapters over the blob store. */
import type { AttachmentViews, BlobStore } from "../app/ports.js";
import type { PhotoLimits } from "../core/evidence/schema.js";
import { photoExif, VIEW_CONVERSION, viewablePhoto } from "../adapters/image/viewable-photo.js";
import { readMailHtml } from "../adapters/mime/mail-html.js";

export function attachmentViews(blobs: Pick<BlobStore, "path" | "stream">, limits: PhotoLimits): AttachmentViews {
  return {
    viewablePhoto: (blob) => viewablePhoto(blobs.path(blob), limits),
    viewableConversion: VIEW_CONVERSION,
    photoExif: (blob) => photoExif(blobs.path(blob)),
    // A raw mail may be stored compacted (its attachments as references): only the stream gives its exact bytes.
    mailHtml: (blob) => readMailHtml(blobs.stream(blob)),
    // sanitize-html (and postcss under it) loads with the first mail shown, not at start-up (issue 20).
    sanitiseHtml: async (html, opts) => (await import("../adapters/mime/sanitise-mail-html.js")).sanitiseMailHtml(html, opts),
  };
}
