/**
 * The raw side of parsing: reads the mail source once, hashes every byte (the digest is the mail key of
 * a mail without Message-ID), repairs what would make the MIME splitter misread the whole mail, and
 * writes at most `maxBytes` into the parser with backpressure.
 */
import { createHash } from "node:crypto";
import type { Readable, Writable } from "node:stream";

export interface FeedResult {
  /** sha256 hex of the source as received, before any repair. */
  digest: string;
  bytesRead: number;
  truncated: boolean;
  bomRemoved: boolean;
  crLineEndings: boolean;
  /** Whether anything but whitespace follows the header block (in the bytes fed to the parser). */
  bodyHasContent: boolean;
}

/** Buffer sources are written in slices so that backpressure and other work can interleave. */
const SLICE_BYTES = 64 * 1024;
/**
 * How much of the start decides whether the mail uses bare CR line endings: a header line is at most
 * 998 bytes, so a mail with LF endings has one well within this.
 */
const LINE_ENDING_SNIFF_BYTES = 4096;
const CR = 0x0d;
const LF = 0x0a;

async function* chunksOf(source: Readable | Buffer): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(source)) {
    for (let i = 0; i < source.length; i += SLICE_BYTES) yield source.subarray(i, i + SLICE_BYTES);
    return;
  }
  for await (const chunk of source as AsyncIterable<Buffer | string>) {
    yield typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk;
  }
}

/** Turns each CR not followed by LF into CRLF; a CR at the end of a chunk waits for the next one. */
class BareCrRepair {
  private pendingCr = false;

  push(chunk: Buffer, final: boolean): Buffer {
    const parts: Buffer[] = [];
    let data = chunk;
    if (this.pendingCr) {
      parts.push(Buffer.from(data[0] === LF ? [CR] : [CR, LF]));
      this.pendingCr = false;
    }
    if (!final && data.length && data[data.length - 1] === CR) {
      this.pendingCr = true;
      data = data.subarray(0, -1);
    }
    let start = 0;
    for (let i = data.indexOf(CR); i >= 0; i = data.indexOf(CR, i + 1)) {
      if (data[i + 1] === LF) continue;
      parts.push(data.subarray(start, i + 1), Buffer.from([LF]));
      start = i + 1;
    }
    parts.push(data.subarray(start));
    if (final && this.pendingCr) parts.push(Buffer.from([CR, LF]));
    return Buffer.concat(parts);
  }
}

/** Finds the end of the header block across chunks, then whether anything but whitespace follows. */
class BodyProbe {
  private inBody = false;
  private tail = "";
  found = false;

  push(chunk: Buffer): void {
    if (this.found) return;
    let text = chunk.toString("latin1");
    if (!this.inBody) {
      const joined = this.tail + text;
      const end = /\n\r?\n/.exec(joined);
      if (!end) {
        this.tail = joined.slice(-2);
        return;
      }
      this.inBody = true;
      text = joined.slice(end.index + end[0].length);
    }
    this.found = /\S/.test(text);
  }
}

async function writeWithBackpressure(sink: Writable, data: Buffer): Promise<void> {
  if (!data.length || sink.destroyed || sink.writableEnded) return;
  if (sink.write(data)) return;
  // 'close' and 'error' as well: a parser that fails while full never drains.
  await new Promise<void>((resolve) => {
    const done = () => {
      sink.off("drain", done).off("close", done).off("error", done);
      resolve();
    };
    sink.on("drain", done).on("close", done).on("error", done);
  });
}

/**
 * Feeds `source` into `sink` and ends it. `stopped()` is polled between chunks: once it is true
 * (the parser failed) nothing more is written, but the source is still read to the end for the digest.
 * Errors of the source are I/O failures and are thrown.
 */
export async function feedSource(
  source: Readable | Buffer,
  sink: Writable,
  maxBytes: number,
  stopped: () => boolean,
): Promise<FeedResult> {
  const hash = createHash("sha256");
  const result: FeedResult = {
    digest: "",
    bytesRead: 0,
    truncated: false,
    bomRemoved: false,
    crLineEndings: false,
    bodyHasContent: false,
  };
  const probe = new BodyProbe();
  let head: Buffer[] | undefined = [];
  let headLength = 0;
  let repair: BareCrRepair | undefined;
  let fed = 0;

  const feed = async (data: Buffer, final: boolean) => {
    const repaired = repair ? repair.push(data, final) : data;
    if (stopped()) return;
    const room = maxBytes - fed;
    if (repaired.length > room) result.truncated = true;
    const slice = repaired.length > room ? repaired.subarray(0, Math.max(0, room)) : repaired;
    fed += slice.length;
    probe.push(slice);
    await writeWithBackpressure(sink, slice);
  };

  const flushHead = async (final: boolean) => {
    if (!head) return;
    let start = Buffer.concat(head, headLength);
    head = undefined;
    if (start[0] === 0xef && start[1] === 0xbb && start[2] === 0xbf) {
      start = start.subarray(3);
      result.bomRemoved = true;
    }
    const sniff = start.subarray(0, LINE_ENDING_SNIFF_BYTES);
    if (sniff.includes(CR) && !sniff.includes(LF)) {
      repair = new BareCrRepair();
      result.crLineEndings = true;
    }
    await feed(start, final);
  };

  for await (const chunk of chunksOf(source)) {
    hash.update(chunk);
    result.bytesRead += chunk.length;
    if (head) {
      head.push(chunk);
      headLength += chunk.length;
      if (headLength >= LINE_ENDING_SNIFF_BYTES) await flushHead(false);
      continue;
    }
    await feed(chunk, false);
  }
  if (head) await flushHead(true);
  else if (repair) await feed(Buffer.alloc(0), true);

  if (!sink.destroyed && !sink.writableEnded) sink.end();
  result.digest = hash.digest("hex");
  result.bodyHasContent = probe.found;
  return result;
}
