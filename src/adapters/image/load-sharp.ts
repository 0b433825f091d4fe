/**
 * sharp (libvips), loaded on the first photo rather than at start-up: its native module costs start-up
 * about half a second of CPU (issue 20), and a bot that has no photo to look at does not need it.
 * The process's settings are applied once, when it loads.
 */
import type Sharp from "sharp";

let threads = 0;
let loaded: Promise<typeof Sharp> | null = null;

/**
 * libvips threads per image (SHARP_THREADS): with several photo checks running at once, more threads
 * than cores only contend (measured: same per-photo time, lower throughput). 0: libvips' default.
 */
export function setSharpThreads(n: number): void {
  threads = n;
  if (loaded) void loaded.then((sharp) => sharp.concurrency(threads), () => undefined);
}

/** sharp, configured; the same module on every call. A failure to load rejects (an infrastructure failure, not a verdict). */
export function loadSharp(): Promise<typeof Sharp> {
  loaded ??= import("sharp").then(({ default: sharp }) => {
    sharp.concurrency(threads);
    // Each photo is decoded once; libvips' operation cache only holds memory (~20 MB on a 30 MB mail).
    sharp.cache(false);
    return sharp;
  });
  return loaded;
}
