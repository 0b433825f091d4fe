/**
 * Site photos for the benchmark: 12-megapixel (4000×3000) JPEGs from photo-bench.ts' renderTestScene,
 * with the EXIF a phone writes (make, model, capture time), about 4 MB each. Variants get a unique JPEG
 * comment, so every mail carries bytes of its own (its own blob, no file-cache shortcut) while the
 * pixels, and so the decoding work, stay those of a real photo.
 */
import { randomBytes } from "node:crypto";
import { renderTestScene } from "./photo-bench.js";

function exifDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}:${p(d.getMonth() + 1)}:${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** A phone-like 12 MP JPEG, distinct per seed (quality 90, EXIF taken a day ago). */
export async function phonePhoto(seed: number, quality = 90): Promise<Buffer> {
  const taken = exifDate(new Date(Date.now() - 24 * 3600_000));
  const scene = await renderTestScene(4000, 3000, seed);
  return scene
    .jpeg({ quality })
    .withExif({ IFD0: { Make: "BenchPhone", Model: "BP-12" }, IFD2: { DateTimeOriginal: taken, DateTimeDigitized: taken } } as never)
    .toBuffer();
}

/** The same photo with a unique COM segment after the APPn segments (EXIF stays first). */
export function photoVariant(jpeg: Buffer, tag = randomBytes(8).toString("hex")): Buffer {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error("not a JPEG");
  let at = 2;
  // Skip APP0..APP15: a marker FFEn followed by a big-endian length that includes itself.
  while (jpeg[at] === 0xff && (jpeg[at + 1] ?? 0) >= 0xe0 && (jpeg[at + 1] ?? 0) <= 0xef) {
    at += 2 + jpeg.readUInt16BE(at + 2);
  }
  const text = Buffer.from(`bench ${tag}`, "latin1");
  const segment = Buffer.alloc(4 + text.length);
  segment[0] = 0xff;
  segment[1] = 0xfe;
  segment.writeUInt16BE(2 + text.length, 2);
  text.copy(segment, 4);
  return Buffer.concat([jpeg.subarray(0, at), segment, jpeg.subarray(at)]);
}
