/**
 * What the people in the demo (and the tests) send: a form filled in the way a PDF reader fills it,
 * and site photos from a phone — here made with sharp: a textured scene unique per seed, so each photo
 * is sharp, well exposed and not a duplicate of another; `blurred` makes one that fails the check.
 */
import { PDFDocument } from "pdf-lib";
import sharp from "sharp";

export async function fillForm(blank: Uint8Array, values: Record<string, string>): Promise<Buffer> {
  const pdf = await PDFDocument.load(blank);
  const form = pdf.getForm();
  for (const [name, value] of Object.entries(values)) form.getTextField(name).setText(value);
  return Buffer.from(await pdf.save());
}

/** A deterministic pseudo-random texture: strong edges, mid-grey average, different per seed. */
export async function demoPhoto(seed: number, opts: { width?: number; height?: number; blurred?: boolean } = {}): Promise<Buffer> {
  const width = opts.width ?? 1600;
  const height = opts.height ?? 1200;
  const cells = 48;
  const small = Buffer.alloc(cells * cells * 3);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < small.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    small[i] = 40 + ((x >>> 0) % 176);
  }
  let image = sharp(small, { raw: { width: cells, height: cells, channels: 3 } }).resize(width, height, { kernel: "nearest" });
  if (opts.blurred) image = sharp(await image.png().toBuffer()).blur(25);
  return image.jpeg({ quality: 88 }).toBuffer();
}
