/**
 * Content-addressed blob store on the local file system: `<dir>/<aa>/<sha256-hex>`.
 * Writes go to a temp file first and are renamed into place, so a crash never leaves a half blob
 * under a valid id, and two writers of the same bytes race harmlessly. A derived blob (a conversion of
 * a blob, BlobStore.putDerived) is addressed by its source and the conversion's name:
 * `<dir>/derived/<aa>/<sha256-hex>/<conversion>`, one folder per source, removed with the source.
 */
import { createHash, randomUUID } from "node:crypto";
import { createWriteStream, mkdirSync, readFileSync, renameSync, statSync } from "node:fs";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Transform } from "node:stream";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { BlobStore } from "../../app/ports.js";
import type { SkeletonPaths } from "./mail-skeleton.js";
import { blobStream, compactMail, isSkeleton, skeletonBuffer, skeletonSize } from "./mail-skeleton.js";

const ID_PATTERN = /^sha256-([0-9a-f]{64})$/;
/** A conversion's name is a file name: lower-case letters, digits, dots and dashes (`view-v1-4096-q88`). */
const CONVERSION_PATTERN = /^[a-z0-9][a-z0-9.-]{0,63}$/;
/**
 * A MIME parser hands over an attachment a line at a time (57 bytes of a base64 line): hashed and
 * written one by one, that is a system call per line. Chunks are gathered to this size first.
 */
const WRITE_BATCH_BYTES = 256 * 1024;
/** Blobs up to this size are read without the thread pool by `open` (see there). */
const SYNC_READ_MAX_BYTES = 64 * 1024;

export function createFileBlobStore(dir: string): BlobStore {
  const tmpDir = join(dir, "tmp");
  const ready = mkdir(tmpDir, { recursive: true });
  /** The 256 shard folders, once made (or found): a blob's folder is made again only if it vanished. */
  const shards = new Set<string>();

  function pathOf(id: string): string {
    const m = ID_PATTERN.exec(id);
    if (!m?.[1]) throw new Error(`invalid blob id: ${id}`);
    return join(dir, m[1].slice(0, 2), m[1]);
  }

  /** A compacted mail's hard links to the attachments it points at (mail-skeleton.ts). */
  function linksOf(id: string): string {
    const m = ID_PATTERN.exec(id);
    if (!m?.[1]) throw new Error(`invalid blob id: ${id}`);
    return join(dir, "links", m[1].slice(0, 2), m[1]);
  }

  /** The folder of a blob's derived blobs, or with `conversion` one of them. */
  function derivedOf(id: string, conversion?: string): string {
    const m = ID_PATTERN.exec(id);
    if (!m?.[1]) throw new Error(`invalid blob id: ${id}`);
    if (conversion !== undefined && !CONVERSION_PATTERN.test(conversion)) throw new Error(`invalid conversion name: ${conversion}`);
    return join(dir, "derived", m[1].slice(0, 2), m[1], conversion ?? "");
  }

  const skeletons: SkeletonPaths = { pathOf, linksOf, tmpDir };

  /** The blob's bytes: a compacted mail is re-assembled. */
  async function bytesOf(id: string, file: Buffer): Promise<Buffer> {
    return isSkeleton(file) ? skeletonBuffer(skeletons, id, file) : file;
  }

  /**
   * Streams to a temp file while hashing. Past `maxBytes` it stops writing but keeps reading to the
   * end: the producer (a MIME parser) must be drained to go on with the next part.
   */
  async function write(
    source: Readable,
    maxBytes: number,
  ): Promise<{ kind: "ok"; id: string; size: number } | { kind: "too_large"; size: number }> {
    await ready;
    const tmp = join(tmpDir, randomUUID());
    const hash = createHash("sha256");
    let size = 0;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const flush = (push: (chunk: Buffer) => void) => {
      if (!batchBytes) return;
      const data = batch.length === 1 && batch[0] ? batch[0] : Buffer.concat(batch, batchBytes);
      batch = [];
      batchBytes = 0;
      hash.update(data);
      push(data);
    };
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) {
          batch = [];
          batchBytes = 0;
          return cb();
        }
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= WRITE_BATCH_BYTES) flush((data) => this.push(data));
        cb();
      },
      flush(cb) {
        if (size <= maxBytes) flush((data) => this.push(data));
        cb();
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(tmp));
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    if (size > maxBytes) {
      await rm(tmp, { force: true });
      return { kind: "too_large", size };
    }
    const id = `sha256-${hash.digest("hex")}`;
    settle(tmp, id);
    return { kind: "ok", id, size };
  }

  /**
   * Bytes already in memory: one hash and one write, without a stream (a backlog puts every mail).
   * Always through the thread pool, small mails too: making a file can take a millisecond of kernel
   * time on a busy file system (ext4 without a journal skips the inodes freed in the last minutes one
   * by one), and done at once that stalls every mail in flight. Measured on a backlog of 1000 text
   * mails: the first answer 196–277 ms after start against 230–515 ms with small mails written at once.
   */
  async function writeBytes(bytes: Buffer): Promise<{ id: string; size: number }> {
    await ready;
    const tmp = join(tmpDir, randomUUID());
    const id = `sha256-${createHash("sha256").update(bytes).digest("hex")}`;
    try {
      await writeFile(tmp, bytes);
      settle(tmp, id);
      return { id, size: bytes.length };
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Renames a finished temp file to the address its digest gives, making the shard folder first when
   * this store has not seen it (or it vanished). Done at once for every blob, large ones too: a
   * rename makes no inode and takes microseconds, not worth a thread-pool trip; a mkdir does make
   * one, but only the first time each of the 256 shard folders is seen.
   */
  function settle(tmp: string, id: string): void {
    const final = pathOf(id);
    const shard = join(final, "..");
    if (shards.has(shard)) {
      try {
        return renameSync(tmp, final);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
    }
    mkdirSync(shard, { recursive: true });
    shards.add(shard);
    renameSync(tmp, final);
  }

  async function has(id: string): Promise<boolean> {
    try {
      await stat(pathOf(id));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Renamed into the source's folder, then the source looked for: `remove` deletes the source before
   * its derived folder, so either it sees this file or this sees the source gone and deletes it.
   */
  async function putDerived(source: string, conversion: string, bytes: Buffer): Promise<void> {
    await ready;
    const final = derivedOf(source, conversion);
    const tmp = join(tmpDir, randomUUID());
    try {
      await writeFile(tmp, bytes);
      await mkdir(join(final, ".."), { recursive: true });
      await rename(tmp, final);
    } catch (err) {
      await rm(tmp, { force: true });
      // The folder went between mkdir and rename: the source is being removed, nothing to keep.
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
      throw err;
    }
    if (!(await has(source))) await rm(derivedOf(source), { recursive: true, force: true });
  }

  return {
    async put(source) {
      if (Buffer.isBuffer(source)) return writeBytes(source);
      const result = await write(source, Infinity);
      if (result.kind !== "ok") throw new Error("unbounded blob write reported too_large");
      return { id: result.id, size: result.size };
    },
    putBounded: write,
    get: async (id) => bytesOf(id, await readFile(pathOf(id))),
    stream: (id) => blobStream(skeletons, id),
    async open(id, maxBytes) {
      const path = pathOf(id);
      // A small blob (a text mail, a few KB, just written and so in the page cache) is read at once:
      // the five thread-pool round trips of stat and readFile took 1.8 ms at the median before a
      // reply could be parsed, reading it takes some 20 µs of the event loop.
      const { size } = statSync(path);
      if (size <= SYNC_READ_MAX_BYTES && size <= maxBytes) {
        const file = readFileSync(path);
        if (!isSkeleton(file)) return file;
        return skeletonSize(file) <= maxBytes ? skeletonBuffer(skeletons, id, file) : blobStream(skeletons, id);
      }
      if (size > maxBytes) return blobStream(skeletons, id);
      const file = await readFile(path);
      if (!isSkeleton(file)) return file;
      return skeletonSize(file) <= maxBytes ? skeletonBuffer(skeletons, id, file) : blobStream(skeletons, id);
    },
    path: pathOf,
    async remove(id) {
      // The source first, its derived blobs after it: see putDerived.
      await rm(pathOf(id), { force: true });
      await rm(linksOf(id), { recursive: true, force: true });
      await rm(derivedOf(id), { recursive: true, force: true });
    },
    compactMail: (id) => compactMail(skeletons, id),
    has,
    async getDerived(source, conversion) {
      try {
        return await readFile(derivedOf(source, conversion));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
    },
    putDerived,
  };
}
