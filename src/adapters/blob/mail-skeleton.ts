/**
 * A raw mail stored once with its attachments. The walk stores every large base64 attachment as its
 * own blob (decoded), so the raw mail's blob held each photo a second time, base64-encoded. Compacted,
 * the raw mail's file becomes a skeleton: its own bytes with each such body replaced by a reference to
 * the attachment's blob, re-encoded on every read exactly as it was written (same line length, same
 * line breaks; a body is replaced only when the re-encoding was compared equal byte for byte, and the
 * whole skeleton is read back and its SHA-256 compared with the blob id before it replaces the file).
 *
 * The referenced attachment is hard-linked beside the skeleton (`links/<mail>/<attachment>`), so
 * deleting the attachment's blob (erasure, retention) never breaks the mail; deleting the mail removes
 * its links. Layout of a skeleton file: SKELETON_MAGIC, a 4-byte big-endian header length, the header
 * JSON (`SkeletonHeader`), then the literal bytes of the mail's own segments, in order.
 */
import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { link, mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { planBulkParts } from "../mime/bulk-parts.js";

export const SKELETON_MAGIC = Buffer.from("activation-bot mail skeleton v1\n");
/** Bodies below this stay in the mail: a reference costs a link and a header entry. */
export const MIN_REFERENCED_BYTES = 16 * 1024;
/** Work between yields to the event loop while compacting (hashing, encoding, comparing). */
const SLICE_BYTES = 1024 * 1024;

type Segment = { kind: "raw"; length: number } | { kind: "base64"; blob: string; lineChars: number; eol: "\r\n" | "\n"; trailingEol: boolean; length: number };

interface SkeletonHeader {
  /** Bytes of the whole mail. */
  size: number;
  segments: Segment[];
}

export interface SkeletonPaths {
  /** The file of a blob id. */
  pathOf(id: string): string;
  /** Where the links of a mail's skeleton live. */
  linksOf(id: string): string;
  tmpDir: string;
}

export function isSkeleton(head: Buffer): boolean {
  return head.length >= SKELETON_MAGIC.length && head.subarray(0, SKELETON_MAGIC.length).equals(SKELETON_MAGIC);
}

function readHeader(file: Buffer): { header: SkeletonHeader; body: number } {
  const at = SKELETON_MAGIC.length;
  const length = file.readUInt32BE(at);
  const header = JSON.parse(file.toString("utf8", at + 4, at + 4 + length)) as SkeletonHeader;
  return { header, body: at + 4 + length };
}

/** The base64 text of `bytes` in lines of `lineChars` characters, as the mail had it. */
function* encodeLines(bytes: Buffer, lineChars: number, eol: string, trailingEol: boolean): Generator<Buffer> {
  // Whole lines per slice: a line is lineChars characters, 3/4 of that in bytes (lineChars is a multiple of 4).
  const bytesPerLine = (lineChars / 4) * 3;
  const linesPerSlice = Math.max(1, Math.floor(SLICE_BYTES / bytesPerLine));
  const text = bytes.toString("base64");
  for (let i = 0; i < text.length; i += lineChars * linesPerSlice) {
    const chunk = text.slice(i, i + lineChars * linesPerSlice);
    const lines: string[] = [];
    for (let j = 0; j < chunk.length; j += lineChars) lines.push(chunk.slice(j, j + lineChars));
    const last = i + lineChars * linesPerSlice >= text.length;
    yield Buffer.from(lines.join(eol) + (last ? (trailingEol ? eol : "") : eol), "latin1");
  }
}

/** The mail's bytes from its skeleton file, in order. */
export async function* skeletonBytes(paths: SkeletonPaths, id: string, file: Buffer): AsyncGenerator<Buffer> {
  const { header, body } = readHeader(file);
  let at = body;
  for (const s of header.segments) {
    if (s.kind === "raw") {
      yield file.subarray(at, at + s.length);
      at += s.length;
      continue;
    }
    const bytes = await readFile(join(paths.linksOf(id), s.blob));
    yield* encodeLines(bytes, s.lineChars, s.eol, s.trailingEol);
  }
}

export async function skeletonBuffer(paths: SkeletonPaths, id: string, file: Buffer): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const b of skeletonBytes(paths, id, file)) parts.push(b);
  return Buffer.concat(parts);
}

export function skeletonSize(file: Buffer): number {
  return readHeader(file).header.size;
}

/** A stream of the blob's bytes, a skeleton re-assembled on the way. */
export function blobStream(paths: SkeletonPaths, id: string): Readable {
  const path = paths.pathOf(id);
  return Readable.from(
    (async function* () {
      // A plain blob is streamed as it is, never read whole; a skeleton (its magic first) is re-assembled.
      const fd = await open(path, "r");
      const head = Buffer.alloc(SKELETON_MAGIC.length);
      try {
        await fd.read(head, 0, head.length, 0);
      } finally {
        await fd.close();
      }
      if (isSkeleton(head)) yield* skeletonBytes(paths, id, await readFile(path));
      else yield* createReadStream(path) as AsyncIterable<Buffer>;
    })(),
  );
}

async function sha256Of(chunks: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash("sha256");
  for await (const c of chunks) {
    hash.update(c);
    await yieldToLoop();
  }
  return `sha256-${hash.digest("hex")}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Rewrites a stored raw mail as a skeleton whose large base64 bodies point at the attachment blobs
 * the walk stored from them. Returns the bytes saved (0: nothing to point at, or compacted before).
 * Idempotent; a crash leaves either the old file or the new one (rename), and links at worst unused.
 */
export async function compactMail(paths: SkeletonPaths, id: string): Promise<number> {
  const path = paths.pathOf(id);
  const raw = await readFile(path);
  if (isSkeleton(raw)) return 0;
  const plan = planBulkParts(raw, MIN_REFERENCED_BYTES);
  if (!plan) return 0;
  const segments: Segment[] = [];
  const literal: Buffer[] = [];
  let at = 0;
  for (const part of plan.parts) {
    if (!part.lineBytes) continue;
    const body = raw.subarray(part.start, part.end);
    const eol: "\r\n" | "\n" = body[part.lineBytes - 2] === 0x0d ? "\r\n" : "\n";
    const lineChars = part.lineBytes - eol.length;
    if (lineChars <= 0 || lineChars % 4 !== 0) continue;
    const decoded = Buffer.from(body.toString("latin1"), "base64");
    const blob = await sha256Of((async function* () {
      for (let i = 0; i < decoded.length; i += SLICE_BYTES) yield decoded.subarray(i, i + SLICE_BYTES);
    })());
    if (!(await exists(paths.pathOf(blob)))) continue;
    const trailingEol = body.subarray(body.length - eol.length).toString("latin1") === eol;
    const again = Buffer.concat([...encodeLines(decoded, lineChars, eol, trailingEol)]);
    await yieldToLoop();
    if (!again.equals(body)) continue;
    if (part.start > at) {
      segments.push({ kind: "raw", length: part.start - at });
      literal.push(raw.subarray(at, part.start));
    }
    segments.push({ kind: "base64", blob, lineChars, eol, trailingEol, length: body.length });
    at = part.end;
  }
  if (!segments.some((s) => s.kind === "base64")) return 0;
  if (at < raw.length) {
    segments.push({ kind: "raw", length: raw.length - at });
    literal.push(raw.subarray(at));
  }
  const header = Buffer.from(JSON.stringify({ size: raw.length, segments } satisfies SkeletonHeader));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(header.length);
  const file = Buffer.concat([SKELETON_MAGIC, length, header, ...literal]);
  // Links first: the skeleton must never name an attachment it cannot reach.
  const links = paths.linksOf(id);
  await mkdir(links, { recursive: true });
  for (const s of segments) {
    if (s.kind !== "base64") continue;
    const target = join(links, s.blob);
    if (!(await exists(target))) await link(paths.pathOf(s.blob), target);
  }
  if ((await sha256Of(skeletonBytes(paths, id, file))) !== id) {
    await rm(links, { recursive: true, force: true });
    return 0;
  }
  const tmp = join(paths.tmpDir, randomUUID());
  await writeFile(tmp, file);
  await rename(tmp, path);
  return raw.length - file.length;
}
