import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "../../src/app/ports.js";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";

const sha = (data: Buffer) => `sha256-${createHash("sha256").update(data).digest("hex")}`;

/** A 600 KB payload in 57-byte pieces, the way a MIME parser hands over a decoded base64 attachment. */
function lines(): { whole: Buffer; pieces: Buffer[] } {
  const whole = Buffer.alloc(600 * 1024);
  for (let i = 0; i < whole.length; i++) whole[i] = (i * 31 + (i >> 9)) & 0xff;
  const pieces: Buffer[] = [];
  for (let i = 0; i < whole.length; i += 57) pieces.push(whole.subarray(i, i + 57));
  return { whole, pieces };
}

describe("file blob store", () => {
  let dir: string;
  let blobs: BlobStore;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "blobs-"));
    blobs = createFileBlobStore(dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("stores a stream of small pieces under the digest of all its bytes", async () => {
    const { whole, pieces } = lines();
    const stored = await blobs.putBounded(Readable.from(pieces), Infinity);
    expect(stored).toEqual({ kind: "ok", id: sha(whole), size: whole.length });
    if (stored.kind !== "ok") return;
    expect((await blobs.get(stored.id)).equals(whole)).toBe(true);
    expect(await blobs.has(stored.id)).toBe(true);
  });

  it("a buffer and the same bytes as a stream get one id", async () => {
    const { whole, pieces } = lines();
    const a = await blobs.put(whole);
    const b = await blobs.put(Readable.from(pieces));
    expect(a).toEqual(b);
    expect(a).toEqual({ id: sha(whole), size: whole.length });
    expect((await blobs.get(a.id)).equals(whole)).toBe(true);
    // A buffer is written without a stream, through a temp file renamed into place.
    const c = await blobs.put(Buffer.from("in memory"));
    expect((await blobs.get(c.id)).toString()).toBe("in memory");
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });

  it("opens a blob as its bytes up to a size, as a stream past it, and rejects an unknown one", async () => {
    const small = await blobs.put(Buffer.from("a short mail"));
    const { whole } = lines();
    const large = await blobs.put(whole);
    expect((await blobs.open(small.id, 1024)).toString()).toBe("a short mail");
    const largeBytes = await blobs.open(large.id, whole.length);
    expect(Buffer.isBuffer(largeBytes) && largeBytes.equals(whole)).toBe(true);
    for (const [id, max] of [[small.id, 5], [large.id, whole.length - 1]] as const) {
      const opened = await blobs.open(id, max);
      expect(Buffer.isBuffer(opened)).toBe(false);
      const chunks: Buffer[] = [];
      for await (const chunk of opened as Readable) chunks.push(chunk as Buffer);
      expect(Buffer.concat(chunks).equals(await blobs.get(id))).toBe(true);
    }
    await expect(blobs.open(sha(Buffer.from("never stored")), 1024)).rejects.toThrow(/ENOENT/);
  });

  it("past the limit, reads the source to its end, keeps nothing and reports the size", async () => {
    const { whole, pieces } = lines();
    const stored = await blobs.putBounded(Readable.from(pieces), 300 * 1024);
    expect(stored).toEqual({ kind: "too_large", size: whole.length });
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });

  it("makes a blob's folder again when it vanished after the store first used it", async () => {
    const small = Buffer.from("a short mail, written at once");
    const { whole, pieces } = lines();
    for (const put of [() => blobs.put(small), () => blobs.put(Buffer.concat([whole, whole.subarray(0, 64 * 1024)])), () => blobs.put(Readable.from(pieces))]) {
      const first = await put();
      await rm(join(blobs.path(first.id), ".."), { recursive: true, force: true });
      const again = await put();
      expect(again).toEqual(first);
      expect(await blobs.has(again.id)).toBe(true);
    }
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });

  it("an empty source is an empty blob", async () => {
    const stored = await blobs.putBounded(Readable.from([]), 10);
    expect(stored).toEqual({ kind: "ok", id: sha(Buffer.alloc(0)), size: 0 });
  });

  it("a failing source throws and leaves no temp file", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("connection dropped"));
      },
    });
    await expect(blobs.putBounded(failing, Infinity)).rejects.toThrow("connection dropped");
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });

  it("keeps a derived blob under its source and the conversion's name, deletes it with the source, and keeps none for a source gone", async () => {
    const source = (await blobs.put(Buffer.from("a photo as it was sent"))).id;
    const folder = join(dir, "derived", source.slice(7, 9), source.slice(7));
    expect(await blobs.getDerived?.(source, "view-v1")).toBeNull();
    await blobs.putDerived?.(source, "view-v1", Buffer.from("the photo upright"));
    await blobs.putDerived?.(source, "view-v2", Buffer.from("the photo upright, made anew"));
    expect((await blobs.getDerived?.(source, "view-v1"))?.toString()).toBe("the photo upright");
    expect((await readdir(folder)).sort()).toEqual(["view-v1", "view-v2"]);
    await expect(blobs.putDerived?.(source, "../escape", Buffer.from("x"))).rejects.toThrow("invalid conversion name");

    await blobs.remove?.(source);
    expect(await blobs.getDerived?.(source, "view-v1")).toBeNull();
    await expect(readdir(folder)).rejects.toThrow("ENOENT");

    // Converted while the source was being deleted: the conversion finds it gone and keeps nothing.
    await blobs.putDerived?.(source, "view-v1", Buffer.from("the photo upright"));
    expect(await blobs.getDerived?.(source, "view-v1")).toBeNull();
    await expect(readdir(folder)).rejects.toThrow("ENOENT");
    expect(await readdir(join(dir, "tmp"))).toEqual([]);
  });
});
