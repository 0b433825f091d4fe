/**
 * Photo check benchmark (SPEC §7 "fast"): measurePhoto on generated 12 MP JPEGs (4000×3000, quality 90,
 * real-looking detail — smooth large shapes, hard edges and sensor-like noise, about 3 MB like a phone
 * photo). Merged into `npm run bench` by the lead.
 *
 *   photo_check_ms_p50 / _p95  one photo at a time, wall time of measurePhoto (decode, measures, thumbnail)
 *   photo_floor_per_s          photos per second with PHOTO_BENCH_PARALLEL photos in flight (one per
 *                              core on the 2-core target) — the backlog drain rate when only photo
 *                              checking counts
 *
 * `benchViewer()` (`npx tsx bench/photo-bench.ts`): the desk viewer's full-size photo of a 12 MP JPEG
 * through the file blob store, the first request (the conversion: upright, resized, JPEG, then kept as
 * a derived blob) against the next ones (the kept blob read back).
 *
 *   viewer_first_ms_p50 / _p95   first request of each photo
 *   viewer_kept_ms_p50 / _p95    later requests of the same photos
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import sharp from "sharp";
import type { Sharp } from "sharp";
import { createFileBlobStore } from "../src/adapters/blob/file-blob-store.js";
import { measurePhoto } from "../src/adapters/image/measure-photo.js";
import { viewablePhotoOnce } from "../src/app/case-attachments.js";
import type { PhotoLimits } from "../src/core/evidence/schema.js";
import { attachmentViews } from "../src/runtime/attachment-views.js";

const PHOTO_BENCH_DISTINCT = 4;
const PHOTO_BENCH_ROUNDS = 40;
const PHOTO_BENCH_PARALLEL = 2;
const LIMITS: PhotoLimits = { max_bytes: 40 * 1024 * 1024, max_pixels: 120_000_000, max_heic_pixels: 50_000_000 };

/** xorshift32: the same scene for the same seed, so runs compare. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4_294_967_296;
  };
}

/**
 * A photo-like scene: smooth colour fields (a cubic upscale of random blocks), a few hundred hard-edged
 * rectangles (panel doors, cables, labels), tens of thousands of small specks (gravel, screws, print)
 * and mild per-pixel noise. Large-scale structure keeps the
 * perceptual hash stable under re-encoding, as in real photos; edges and noise give a real Laplacian.
 */
export async function renderTestScene(width: number, height: number, seed: number): Promise<Sharp> {
  const rnd = random(seed);
  const bw = 48;
  const bh = 36;
  const blocks = Buffer.alloc(bw * bh * 3);
  for (let i = 0; i < blocks.length; i++) blocks[i] = 40 + Math.floor(rnd() * 180);
  const rgb = await sharp(blocks, { raw: { width: bw, height: bh, channels: 3 } })
    .resize(width, height, { kernel: "cubic" })
    .raw()
    .toBuffer();
  const scale = width / 4000;
  for (let k = 0; k < 200; k++) {
    const x0 = Math.floor(rnd() * width);
    const y0 = Math.floor(rnd() * height);
    const x1 = Math.min(width, x0 + Math.floor((20 + rnd() * 400) * scale) + 1);
    const y1 = Math.min(height, y0 + Math.floor((20 + rnd() * 300) * scale) + 1);
    const d = Math.floor(rnd() * 120 - 60);
    for (let y = y0; y < y1; y++) {
      for (let o = (y * width + x0) * 3, end = (y * width + x1) * 3; o < end; o++) {
        rgb[o] = Math.max(0, Math.min(255, (rgb[o] ?? 0) + d));
      }
    }
  }
  // Fine detail that survives the shrink to analysis size: gravel, screws, print on labels.
  for (let k = 0; k < 40_000; k++) {
    const x0 = Math.floor(rnd() * width);
    const y0 = Math.floor(rnd() * height);
    const x1 = Math.min(width, x0 + Math.ceil((3 + rnd() * 12) * scale));
    const y1 = Math.min(height, y0 + Math.ceil((3 + rnd() * 12) * scale));
    const d = Math.floor(rnd() * 160 - 80);
    for (let y = y0; y < y1; y++) {
      for (let o = (y * width + x0) * 3, end = (y * width + x1) * 3; o < end; o++) {
        rgb[o] = Math.max(0, Math.min(255, (rgb[o] ?? 0) + d));
      }
    }
  }
  for (let i = 0; i < rgb.length; i++) {
    rgb[i] = Math.max(0, Math.min(255, (rgb[i] ?? 0) + Math.round((rnd() - 0.5) * 24)));
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } });
}

function percentile(sorted: number[], p: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? 0;
}

export async function benchPhotos(): Promise<{ photo_check_ms_p50: number; photo_check_ms_p95: number; photo_floor_per_s: number }> {
  const dir = await mkdtemp(join(tmpdir(), "photo-bench-"));
  try {
    const files: string[] = [];
    for (let i = 0; i < PHOTO_BENCH_DISTINCT; i++) {
      const file = join(dir, `photo-${i}.jpg`);
      await (await renderTestScene(4000, 3000, i + 1)).jpeg({ quality: 90 }).toFile(file);
      files.push(file);
    }
    const run = async (file: string): Promise<void> => {
      const result = await measurePhoto(file, LIMITS);
      if (result.kind !== "ok") throw new Error(`bench photo not measured: ${result.detail}`);
    };
    for (const file of files) await run(file); // warm-up: libvips, caches, JIT

    const times: number[] = [];
    for (let i = 0; i < PHOTO_BENCH_ROUNDS; i++) {
      const start = performance.now();
      await run(files[i % files.length] ?? "");
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);

    const start = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: PHOTO_BENCH_PARALLEL }, async () => {
        while (next < PHOTO_BENCH_ROUNDS) await run(files[next++ % files.length] ?? "");
      }),
    );
    const perSecond = PHOTO_BENCH_ROUNDS / ((performance.now() - start) / 1000);

    return {
      photo_check_ms_p50: Math.round(percentile(times, 50) * 10) / 10,
      photo_check_ms_p95: Math.round(percentile(times, 95) * 10) / 10,
      photo_floor_per_s: Math.round(perSecond * 10) / 10,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Photos of the viewer bench, and requests of each once kept. */
const VIEWER_PHOTOS = 6;
const VIEWER_KEPT_ROUNDS = 5;

export async function benchViewer(): Promise<{ viewer_first_ms_p50: number; viewer_first_ms_p95: number; viewer_kept_ms_p50: number; viewer_kept_ms_p95: number; viewer_first_vs_kept_p50: number }> {
  const dir = await mkdtemp(join(tmpdir(), "viewer-bench-"));
  try {
    const blobs = createFileBlobStore(dir);
    const deps = { blobs, views: attachmentViews(blobs, LIMITS) };
    const ids: string[] = [];
    // One more than timed: the first conversion warms libvips up.
    for (let i = 0; i <= VIEWER_PHOTOS; i++) ids.push((await blobs.put(await (await renderTestScene(4000, 3000, 100 + i)).jpeg({ quality: 90 }).toBuffer())).id);
    const request = async (id: string): Promise<number> => {
      const start = performance.now();
      const view = await viewablePhotoOnce(deps, id);
      if (view.kind !== "ok") throw new Error(`bench photo not viewable: ${view.detail}`);
      return performance.now() - start;
    };
    await request(ids[0] ?? "");
    const first: number[] = [];
    for (const id of ids.slice(1)) first.push(await request(id));
    const kept: number[] = [];
    for (let r = 0; r < VIEWER_KEPT_ROUNDS; r++) for (const id of ids.slice(1)) kept.push(await request(id));
    first.sort((a, b) => a - b);
    kept.sort((a, b) => a - b);
    const r1 = (v: number) => Math.round(v * 10) / 10;
    return {
      viewer_first_ms_p50: r1(percentile(first, 50)),
      viewer_first_ms_p95: r1(percentile(first, 95)),
      viewer_kept_ms_p50: r1(percentile(kept, 50)),
      viewer_kept_ms_p95: r1(percentile(kept, 95)),
      viewer_first_vs_kept_p50: r1(percentile(first, 50) / Math.max(0.001, percentile(kept, 50))),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Run on its own (`npx tsx bench/photo-bench.ts`): the viewer's figures, one JSON line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) process.stdout.write(`${JSON.stringify(await benchViewer())}\n`);
