// The full-size photo of the desk's viewer from real files: sharp for JPEG/PNG, the HEVC HEIC decoder
// worker for HEIC (the fixture encoder of measure-photo's tests), EXIF read back.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeHeicWorker } from "../../src/adapters/image/heic-worker.js";
import { photoExif, VIEW_LONG_SIDE, viewablePhoto } from "../../src/adapters/image/viewable-photo.js";
import type { PhotoLimits } from "../../src/core/evidence/schema.js";
import { SIDEWAYS_CAMERA, sidewaysPhoto } from "../support/photo-fixtures.js";
import { encodeHeic } from "./heic-fixture.js";

const limits: PhotoLimits = { max_bytes: 40 * 1024 * 1024, max_pixels: 120_000_000, max_heic_pixels: 50_000_000 };
let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "viewable-photo-"));
  const rgb = await sharp({ create: { width: 320, height: 192, channels: 3, background: "#3a6" } }).raw().toBuffer();
  await Promise.all([
    sidewaysPhoto(600, 400).then((b) => writeFile(file("sideways.jpg"), b)),
    sharp({ create: { width: 6000, height: 3000, channels: 3, background: "#888" } }).jpeg().toFile(file("huge.jpg")),
    writeFile(file("photo.heic"), encodeHeic(rgb, 320, 192)),
    writeFile(file("drawing.svg"), '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="150"><script>alert(1)</script></svg>'),
  ]);
}, 60_000);

afterAll(async () => {
  await closeHeicWorker();
  await rm(dir, { recursive: true, force: true });
});

describe("the viewer's full-size photo", () => {
  it("turns a photo upright by its EXIF orientation and says no orientation any more", async () => {
    const view = await viewablePhoto(file("sideways.jpg"), limits);
    expect(view).toMatchObject({ kind: "ok", contentType: "image/jpeg", width: 400, height: 600 });
    if (view.kind !== "ok") return;
    const meta = await sharp(view.bytes).metadata();
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([400, 600, 1]);
  });

  it("converts an HEVC HEIC to a JPEG of the same size", async () => {
    const view = await viewablePhoto(file("photo.heic"), limits);
    expect(view).toMatchObject({ kind: "ok", contentType: "image/jpeg", width: 320, height: 192 });
    if (view.kind === "ok") expect((await sharp(view.bytes).metadata()).format).toBe("jpeg");
  });

  it("bounds the long side to VIEW_LONG_SIDE and refuses what is no photo or over the limits", async () => {
    expect(await viewablePhoto(file("huge.jpg"), limits)).toMatchObject({ kind: "ok", width: VIEW_LONG_SIDE, height: VIEW_LONG_SIDE / 2 });
    expect(await viewablePhoto(file("drawing.svg"), limits)).toMatchObject({ kind: "unreadable", detail: "unsupported image format: svg" });
    expect(await viewablePhoto(file("huge.jpg"), { ...limits, max_pixels: 1_000_000 })).toMatchObject({ kind: "unreadable" });
  });

  it("reads the camera and the time from EXIF, and nothing from a photo without", async () => {
    expect(await photoExif(file("sideways.jpg"))).toEqual({ takenAt: "2026-11-20T10:15:00", make: SIDEWAYS_CAMERA.make, model: SIDEWAYS_CAMERA.model });
    expect(await photoExif(file("huge.jpg"))).toEqual({ takenAt: null, make: null, model: null });
  });
});
