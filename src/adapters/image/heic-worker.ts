/**
 * HEVC-coded HEIC/HEIF decoding off the event loop.
 *
 * sharp's prebuilt libvips reads HEIF headers but cannot decode HEVC (patent-encumbered, not built in);
 * it decodes AV1 HEIF (AVIF) itself. `heic-decode` (libheif compiled to wasm, with libde265) decodes
 * HEVC, synchronously and for a second or more per 12 MP photo — so it runs in a worker thread.
 *
 * One worker, one decode at a time (requests queue): HEIC is a minority of photos, and one wasm heap
 * holding one decoded photo bounds memory (the caller checks the pixel count against
 * `limits.max_heic_pixels` from the header before asking). A decode that takes longer than
 * HEIC_DECODE_TIMEOUT_MS, or a worker that dies, fails that request only; the worker is replaced. An
 * idle worker is stopped after HEIC_WORKER_IDLE_MS to give its wasm memory back.
 *
 * The worker body is plain CommonJS evaluated from a string, so it runs the same from `src/` under
 * vitest/tsx and from `dist/` after the build, without a loader for TypeScript in worker threads.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

/** Far above a normal decode (about 1–3 s for 12 MP): only a stuck or pathological file reaches it. */
export const HEIC_DECODE_TIMEOUT_MS = 30_000;
/** An idle worker is stopped after this long: a wasm heap never shrinks, so the memory of the largest
 * photo decoded would otherwise stay with the process. Restarting costs about 0.2 s. */
export const HEIC_WORKER_IDLE_MS = 30_000;

export type HeicDecoded =
  | { kind: "ok"; width: number; height: number; rgba: Uint8Array }
  | { kind: "failed"; detail: string };

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
// libheif logs failures to the console; the outcome is returned as a value, so keep logs structured.
console.log = console.error = console.warn = () => {};
const decode = require(workerData.decoderPath);
parentPort.on("message", async ({ id, buffer }) => {
  try {
    const image = await decode({ buffer: new Uint8Array(buffer) });
    const rgba = new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.byteLength);
    parentPort.postMessage({ id, ok: true, width: image.width, height: image.height, rgba }, [rgba.buffer]);
  } catch (error) {
    parentPort.postMessage({ id, ok: false, detail: String((error && error.message) || error) });
  }
});
`;

interface WorkerReply {
  id: number;
  ok: boolean;
  width?: number;
  height?: number;
  rgba?: Uint8Array;
  detail?: string;
}

interface Job {
  id: number;
  bytes: Uint8Array;
  timeoutMs: number;
  resolve: (result: HeicDecoded) => void;
}

let worker: Worker | null = null;
let idleTimer: NodeJS.Timeout | null = null;
let current: (Job & { timer: NodeJS.Timeout }) | null = null;
const queue: Job[] = [];
let nextId = 1;

function spawn(): Worker {
  const decoderPath = createRequire(import.meta.url).resolve("heic-decode");
  const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { decoderPath } });
  w.on("message", (reply: WorkerReply) => {
    if (!current || reply.id !== current.id) return;
    finish(
      reply.ok && reply.rgba && reply.width && reply.height
        ? { kind: "ok", width: reply.width, height: reply.height, rgba: reply.rgba }
        : { kind: "failed", detail: reply.detail ?? "HEIC decoder gave no image" },
    );
  });
  // A crash (wasm abort, out of memory) fails the job in flight; the next job gets a fresh worker.
  w.on("error", (error) => replace(`HEIC decoder crashed: ${error.message}`));
  w.on("exit", (code) => replace(`HEIC decoder exited (${code})`));
  return w;
}

function replace(detail: string): void {
  const dead = worker;
  worker = null;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  if (dead) {
    dead.removeAllListeners();
    void dead.terminate();
  }
  if (current) finish({ kind: "failed", detail });
}

function finish(result: HeicDecoded): void {
  if (!current) return;
  clearTimeout(current.timer);
  const { resolve } = current;
  current = null;
  resolve(result);
  pump();
}

function pump(): void {
  if (current) return;
  const job = queue.shift();
  if (!job) {
    if (worker) {
      worker.unref(); // idle: do not keep the process alive
      idleTimer ??= setTimeout(() => replace("idle"), HEIC_WORKER_IDLE_MS).unref();
    }
    return;
  }
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  try {
    worker ??= spawn();
  } catch (error) {
    // The decoder cannot even start (module missing, thread limit): this photo is unreadable, not the mail.
    job.resolve({ kind: "failed", detail: `HEIC decoder unavailable: ${error instanceof Error ? error.message : String(error)}` });
    pump();
    return;
  }
  worker.ref(); // busy: the caller awaits this decode
  const timer = setTimeout(() => replace(`HEIC decode took longer than ${job.timeoutMs} ms`), job.timeoutMs);
  current = { ...job, timer };
  // Copied once into an ArrayBuffer of its own, which is then transferred (not cloned again). Not
  // `bytes.slice()`: on a Node Buffer that is a view, and transferring it would detach the caller's
  // memory — or Node's shared pool behind small Buffers.
  const copy = new Uint8Array(job.bytes);
  worker.postMessage({ id: job.id, buffer: copy.buffer }, [copy.buffer]);
}

/** Decode the primary image of a HEIC/HEIF file to RGBA (transformations irot/imir applied by libheif). */
export function decodeHeic(bytes: Uint8Array, options: { timeoutMs?: number } = {}): Promise<HeicDecoded> {
  return new Promise((resolve) => {
    queue.push({ id: nextId++, bytes, timeoutMs: options.timeoutMs ?? HEIC_DECODE_TIMEOUT_MS, resolve });
    pump();
  });
}

/** Stop the worker (graceful shutdown, tests). Queued decodes fail. */
export async function closeHeicWorker(): Promise<void> {
  for (const job of queue.splice(0)) job.resolve({ kind: "failed", detail: "HEIC decoder shut down" });
  const w = worker;
  worker = null;
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = null;
  if (current) finish({ kind: "failed", detail: "HEIC decoder shut down" });
  if (w) {
    w.removeAllListeners();
    await w.terminate();
  }
}
