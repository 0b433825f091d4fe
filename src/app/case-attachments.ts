/**
 * A case's attachments as the desk opens them: a photo full size (with its neighbours in the case and
 * its EXIF), a returned PDF form, a received mail's HTML. Each lookup starts from the case and answers
 * null unless the blob is one the case names — a photo's or form's evidence, a mail_in event's raw
 * mail, an inline part of such a mail — so no blob id from elsewhere is ever served through a case.
 * An archived case answers from its record while the retention keeps its blobs.
 */
import type { Case, CaseEvent, CaseId, FormEvidence, PhotoEvidence } from "../core/types.js";
import type { AttachmentViews, BlobStore, CaseRepository, PhotoExif, ViewablePhoto } from "./ports.js";

export interface CaseAttachmentDeps {
  store: Pick<CaseRepository, "getCase" | "archivedCase" | "events">;
  blobs: Pick<BlobStore, "has" | "open" | "getDerived" | "putDerived">;
  views: AttachmentViews;
}

/** A photo as the viewer serves it: converted now, or read back as the conversion kept it. */
export type ServedPhoto = { kind: "ok"; bytes: Buffer; contentType: ViewableType } | Extract<ViewablePhoto, { kind: "unreadable" }>;
type ViewableType = Extract<ViewablePhoto, { kind: "ok" }>["contentType"];

/** A photo of the case with where it came from. */
export type CasePhotoEntry = PhotoEvidence & { blob: string; mail: string; at: string; from: string };

export interface CasePhotoView {
  case: Case;
  photo: CasePhotoEntry;
  /** 1-based place among the case's photos, and their count. */
  position: number;
  count: number;
  previous: CasePhotoEntry | null;
  next: CasePhotoEntry | null;
  exif: PhotoExif;
}

export type CaseFormEntry = FormEvidence & { blob: string; mail: string; at: string; from: string };

/** The first bytes of every PDF (ISO 32000 §7.5.2): what makes a stored form served as a PDF. */
const PDF_MAGIC = "%PDF-";
/** The first bytes of every PNG (ISO 15948 §5.2). */
const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function caseOf(store: CaseAttachmentDeps["store"], id: CaseId): Promise<Case | null> {
  return (await store.getCase(id)) ?? (await store.archivedCase(id))?.record.case ?? null;
}

/** Every photo of the case that kept its original, in the order the mails brought them. */
export function casePhotos(c: Case): CasePhotoEntry[] {
  return c.evidence.flatMap((r) => r.photos.flatMap((p) => (p.blob ? [{ ...p, blob: p.blob, mail: r.mail, at: r.at, from: r.from }] : [])));
}

export async function casePhoto(deps: CaseAttachmentDeps, id: CaseId, blob: string): Promise<CasePhotoView | null> {
  const c = await caseOf(deps.store, id);
  const photos = c ? casePhotos(c) : [];
  const i = photos.findIndex((p) => p.blob === blob);
  const photo = photos[i];
  if (!c || !photo || !(await deps.blobs.has(blob))) return null;
  return {
    case: c,
    photo,
    position: i + 1,
    count: photos.length,
    previous: photos[i - 1] ?? null,
    next: photos[i + 1] ?? null,
    exif: await deps.views.photoExif(blob),
  };
}

/** Whether the blob is a stored photo of this case. */
export async function caseHasPhoto(deps: Pick<CaseAttachmentDeps, "store" | "blobs">, id: CaseId, blob: string): Promise<boolean> {
  const c = await caseOf(deps.store, id);
  return c !== null && casePhotos(c).some((p) => p.blob === blob) && (await deps.blobs.has(blob));
}

/** The photo's full-size image; null when the blob is not a photo of this case (or is gone). */
export async function casePhotoImage(deps: CaseAttachmentDeps, id: CaseId, blob: string): Promise<ServedPhoto | null> {
  return (await caseHasPhoto(deps, id, blob)) ? viewablePhotoOnce(deps, blob) : null;
}

/**
 * The stored photo's viewable image, converted the first time only: the output is kept as a derived
 * blob under the conversion's name and read back after. A photo that cannot be shown is not kept (the
 * next request tries again). Ownership is the caller's to check.
 */
export async function viewablePhotoOnce(deps: Pick<CaseAttachmentDeps, "blobs" | "views">, blob: string): Promise<ServedPhoto> {
  const conversion = deps.views.viewableConversion;
  const kept = await deps.blobs.getDerived?.(blob, conversion);
  const keptType = kept ? viewableTypeOf(kept) : null;
  if (kept && keptType) return { kind: "ok", bytes: kept, contentType: keptType };
  const view = await deps.views.viewablePhoto(blob);
  if (view.kind !== "ok") return view;
  // Not kept (a full disk): the photo is still served, and converted again next time.
  await deps.blobs.putDerived?.(blob, conversion, view.bytes).catch(() => undefined);
  return { kind: "ok", bytes: view.bytes, contentType: view.contentType };
}

/** The magic numbers of what the conversion makes: JPEG (SOI), PNG, WebP (a RIFF file of form WEBP). */
function viewableTypeOf(bytes: Buffer): ViewableType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_MAGIC)) return "image/png";
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") return "image/webp";
  return null;
}

/** A returned form of the case and whether its bytes are a PDF (else it is only offered as a download). */
export async function caseForm(deps: CaseAttachmentDeps, id: CaseId, blob: string): Promise<{ case: Case; form: CaseFormEntry; pdf: boolean } | null> {
  const c = await caseOf(deps.store, id);
  const found = c?.evidence.flatMap((r) => r.forms.flatMap((f) => (f.blob === blob ? [{ ...f, blob, mail: r.mail, at: r.at, from: r.from }] : [])))[0];
  if (!c || !found || !(await deps.blobs.has(blob))) return null;
  return { case: c, form: found, pdf: await startsWithPdfMagic(deps.blobs, blob) };
}

async function startsWithPdfMagic(blobs: CaseAttachmentDeps["blobs"], blob: string): Promise<boolean> {
  const head = await blobs.open(blob, PDF_MAGIC.length);
  if (Buffer.isBuffer(head)) return head.toString("latin1") === PDF_MAGIC;
  // Longer than the magic: the stream's first chunk holds it.
  for await (const chunk of head as AsyncIterable<Buffer>) {
    head.destroy();
    return chunk.subarray(0, PDF_MAGIC.length).toString("latin1") === PDF_MAGIC;
  }
  return false;
}

/** The raw mail blobs the case received (mail_in events, hot timeline or archived record). */
async function mailBlobs(store: CaseAttachmentDeps["store"], id: CaseId): Promise<Set<string>> {
  const hot = await store.events(id);
  const events = hot.length ? hot : ((await store.archivedCase(id))?.record.events ?? []);
  return new Set(events.flatMap((e) => (mailBlobOf(e) ? [mailBlobOf(e) as string] : [])));
}

export function mailBlobOf(e: CaseEvent): string | undefined {
  if (e.kind !== "mail_in" || typeof e.data !== "object" || e.data === null || Array.isArray(e.data)) return undefined;
  const b = e.data.blob;
  return typeof b === "string" ? b : undefined;
}

/** The case, when it received this raw mail (and the blob is still stored); else null. */
export async function caseReceivedMail(deps: CaseAttachmentDeps, id: CaseId, mail: string): Promise<Case | null> {
  const c = await caseOf(deps.store, id);
  return c && (await mailBlobs(deps.store, id)).has(mail) && (await deps.blobs.has(mail)) ? c : null;
}

export type MailHtmlView = { kind: "ok"; html: string } | { kind: "no_html" };

/** An inline image (`cid:`) is embedded as a data: URL up to this size (a logo, a signature photo)… */
export const MAX_INLINE_IMAGE_BYTES = 2 * 1024 * 1024;
/** …and up to this much in all; the rest show the placeholder. */
export const MAX_INLINE_IMAGES_BYTES = 8 * 1024 * 1024;

/**
 * A received mail's HTML, sanitised. `cid:` images of the mail's own stored parts are embedded as
 * data: URLs, so the sandboxed frame (an opaque origin, sent no cookie) needs no request to show them.
 * Null when the mail is not one the case received.
 */
export async function caseMailHtml(deps: CaseAttachmentDeps, id: CaseId, mail: string, placeholder: string): Promise<MailHtmlView | null> {
  if (!(await mailBlobs(deps.store, id)).has(mail) || !(await deps.blobs.has(mail))) return null;
  const read = await deps.views.mailHtml(mail);
  if (read.html === null) return { kind: "no_html" };
  const embedded = new Map<string, string>();
  let total = 0;
  for (const [cid, part] of read.inline) {
    if (!isImage(part.contentType) || !read.html.includes(cid) || !(await deps.blobs.has(part.blob))) continue;
    const bytes = await deps.blobs.open(part.blob, MAX_INLINE_IMAGE_BYTES);
    if (!Buffer.isBuffer(bytes)) {
      bytes.destroy();
      continue;
    }
    if (total + bytes.length > MAX_INLINE_IMAGES_BYTES) continue;
    total += bytes.length;
    embedded.set(cid, `data:${part.contentType.toLowerCase()};base64,${bytes.toString("base64")}`);
  }
  const html = await deps.views.sanitiseHtml(read.html, { partUrl: (cid) => embedded.get(cid) ?? null, placeholder });
  return { kind: "ok", html };
}

/** Image types a browser shows without risk; SVG (which may carry script) is not one. */
const SAFE_IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

function isImage(contentType: string): boolean {
  return SAFE_IMAGE_TYPES.has(contentType.toLowerCase());
}
