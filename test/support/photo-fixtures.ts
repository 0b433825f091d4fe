/** Photos with known EXIF, made with sharp: what a phone held on its side writes. */
import sharp from "sharp";
import { textureCells } from "../../src/demo/documents.js";

export const SIDEWAYS_CAMERA = { make: "Fairphone", model: "FP5", takenAt: "2026:11:20 10:15:00" };

/**
 * A `width`×`height` JPEG (as the sensor stored it) whose EXIF says "rotate 90° clockwise to view"
 * (orientation 6), from SIDEWAYS_CAMERA: shown upright, it is `height` wide and `width` high. Random
 * blocks, so it is sharp and well lit for the photo checks.
 */
export async function sidewaysPhoto(width = 600, height = 400, seed = 1): Promise<Buffer> {
  const cells = 32;
  return sharp(textureCells(seed, cells), { raw: { width: cells, height: cells, channels: 3 } })
    .resize(width, height, { kernel: "nearest" })
    .jpeg({ quality: 88 })
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: SIDEWAYS_CAMERA.make, Model: SIDEWAYS_CAMERA.model }, IFD2: { DateTimeOriginal: SIDEWAYS_CAMERA.takenAt } })
    .toBuffer();
}
