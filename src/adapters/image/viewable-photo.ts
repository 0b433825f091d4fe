/**
 * A stored photo as the desk's viewer shows it full size: turned upright by its EXIF orientation,
 * HEVC HEIC converted to JPEG (browsers other than Safari cannot show HEIC), PNG and WebP kept in
 * their own format, every other format refused. Also the EXIF facts a coordinator asks about: when the
 * photo was taken and with which camera.
 *
 * Bounds: the same byte and pixel limits as measuring (rules/photos.yaml `limits`), checked from the
 * header before any decode; the served image is at most VIEW_LONG_SIDE px on its long side, which is
 * more than a screen shows at 100 % and keeps a 108 MP photo from becoming a 300 MB response.
 */
import { readFile, stat } from "node:fs/promises";
import exifReader from "exif-reader";
import type { PhotoExif, ViewablePhoto } from "../../app/ports.js";
import type { PhotoLimits } from "../../core/evidence/schema.js";
import { stripControlChars } from "../mime/header-lines.js";
import { decodeHeic } from "./heic-worker.js";
import { loadSharp } from "./load-sharp.js";

/** Long side of the full-size view: a 4K screen at 100 %; a label's small print stays readable. */
export const VIEW_LONG_SIDE = 4096;
const VIEW_JPEG_QUALITY = 88;
/**
 * The conversion's name, under which the blob store keeps its output (a derived blob): change the
 * version whenever the output would change (the steps below, a sharp or decoder upgrade that matters),
 * and the photos are converted anew; the old outputs go with their originals.
 */
export const VIEW_CONVERSION = `view-v1-${VIEW_LONG_SIDE}-q${VIEW_JPEG_QUALITY}`;
/** The EXIF block of a JPEG is at most one 64 KB APP1 segment. */
const MAX_EXIF_BYTES = 65_536;
/** EXIF text fields (make, model) are short; anything longer is cut. */
const MAX_EXIF_TEXT = 80;

const OWN_FORMATS = { png: "image/png", webp: "image/webp" } as const;

export async function viewablePhoto(path: string, limits: PhotoLimits): Promise<ViewablePhoto> {
  // Outside the try: sharp that cannot load is a failure of the bot, not an unreadable photo.
  const sharp = await loadSharp();
  try {
    const size = (await stat(path)).size;
    if (size > limits.max_bytes) return { kind: "unreadable", detail: `${size} bytes, over the limit of ${limits.max_bytes}` };
    const meta = await sharp(path, { limitInputPixels: false }).metadata();
    const format = meta.format ?? "unknown";
    const pixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0);
    if (pixels <= 0) return { kind: "unreadable", detail: "the image has no size" };
    const hevc = format === "heif" && meta.compression !== "av1";
    const maxPixels = hevc ? limits.max_heic_pixels : limits.max_pixels;
    if (pixels > maxPixels) return { kind: "unreadable", detail: `${pixels} pixels, over the limit of ${maxPixels}` };
    const fit = { width: VIEW_LONG_SIDE, height: VIEW_LONG_SIDE, fit: "inside", withoutEnlargement: true } as const;

    if (hevc) {
      const heic = await decodeHeic(await readFile(path));
      if (heic.kind === "failed") return { kind: "unreadable", detail: `cannot decode HEIC: ${heic.detail}` };
      const { data, info } = await sharp(heic.rgba, { raw: { width: heic.width, height: heic.height, channels: 4 } })
        .flatten({ background: "#ffffff" })
        .resize(fit)
        .jpeg({ quality: VIEW_JPEG_QUALITY })
        .toBuffer({ resolveWithObject: true });
      return { kind: "ok", bytes: data, contentType: "image/jpeg", width: info.width, height: info.height };
    }
    if (format !== "jpeg" && format !== "heif" && format !== "png" && format !== "webp") {
      return { kind: "unreadable", detail: `unsupported image format: ${format}` };
    }
    // autoOrient turns the pixels upright and drops the orientation tag, so no browser turns it twice.
    const pipeline = sharp(path, { limitInputPixels: maxPixels, failOn: "error" }).autoOrient().resize(fit);
    const own = format === "png" || format === "webp" ? OWN_FORMATS[format] : null;
    const out = own === "image/png" ? pipeline.png() : own === "image/webp" ? pipeline.webp() : pipeline.jpeg({ quality: VIEW_JPEG_QUALITY });
    const { data, info } = await out.toBuffer({ resolveWithObject: true });
    return { kind: "ok", bytes: data, contentType: own ?? "image/jpeg", width: info.width, height: info.height };
  } catch (error) {
    return { kind: "unreadable", detail: message(error) };
  }
}

/** The photo's EXIF time and camera; all null when the photo has no (readable) EXIF. */
export async function photoExif(path: string): Promise<PhotoExif> {
  const none: PhotoExif = { takenAt: null, make: null, model: null };
  const sharp = await loadSharp();
  try {
    const { exif } = await sharp(path, { limitInputPixels: false }).metadata();
    if (!exif || exif.length > MAX_EXIF_BYTES) return none;
    const tags = exifReader(exif);
    const taken = tags.Photo?.DateTimeOriginal ?? tags.Photo?.DateTimeDigitized ?? tags.Image?.DateTime;
    return {
      // exif-reader reads the zoneless local time as UTC: printed back as it was written.
      takenAt: taken instanceof Date && !Number.isNaN(taken.getTime()) ? taken.toISOString().slice(0, 19) : null,
      make: text(tags.Image?.Make),
      model: text(tags.Image?.Model),
    };
  } catch {
    return none; // malformed EXIF: nothing is known, which the viewer says
  }
}

function text(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const t = stripControlChars(value).trim().slice(0, MAX_EXIF_TEXT);
  return t || null;
}

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]?.slice(0, 200) ?? "unknown error";
}
