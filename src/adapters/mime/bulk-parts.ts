/**
 * Bulk decoding of large base64 attachments. mailparser reads a body a line at a time: a 4 MB photo
 * is 50 000 lines through its splitter, its base64 decoder and the blob store, about 80 ms of the main
 * thread. Node decodes the same bytes natively in a few milliseconds.
 *
 * `planBulkParts` finds, in a well-formed mail, the leaf parts that are base64, not text and not
 * messages, and at least `BULK_MIN_BYTES` long. It returns the mail as mailparser will be fed it: each
 * such part's body is left out, and a header line carrying a per-parse nonce is put at the top of the part's
 * header block. mailparser then reports that part as an (empty) attachment that carries the header,
 * and the walk stores the body decoded here instead (`decodeBulkPart`).
 *
 * Nothing here has to agree with mailparser for the result to be right; it only has to be
 * conservative:
 * - The only bytes changed are bodies made of base64 characters and line breaks alone (no "-", so no
 *   delimiter line can hide in them), and one header line per part after a delimiter line.
 * - A part counts only once mailparser has reported it as an attachment carrying its header line: that
 *   proves mailparser saw the same part boundaries. If a planned part is not reported that way, or its body does not decode to
 *   exactly the length its characters promise, the walk is done again the slow way on the original
 *   bytes (parse-mail.ts).
 * - Anything unusual (a bare-CR mail, a BOM, duplicate Content-Type headers, an unclosed multipart, a
 *   line that starts like a delimiter but is none, deep nesting) means no plan at all.
 */
import { randomBytes } from "node:crypto";

/** Parts with less base64 than this go through mailparser: the gain would be small. */
export const BULK_MIN_BYTES = 16 * 1024;
/** The header line that marks a part whose body was left out; its value is `<nonce>:<index>`. */
export const BULK_PART_HEADER = "x-activation-bot-bulk-part";
const MAX_DEPTH = 8;
const MAX_PARTS = 1000;

const LF = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;

export interface BulkPart {
  /** The body's byte range in the original mail (base64 text with its line breaks). */
  start: number;
  end: number;
  /** The decoded length the base64 characters promise (4 characters → 3 bytes, less padding). */
  decodedLength: number;
  /**
   * Bytes per line, line break included, when every line but the last has this length and holds whole
   * groups of four characters (every encoder writes 76 or 64): the body then decodes a few lines at a time.
   */
  lineBytes?: number;
}

export interface BulkPlan {
  /** What mailparser is fed: the mail with the planned bodies left out and the marker headers added. */
  fed: Buffer;
  nonce: string;
  parts: BulkPart[];
}

interface PartHeaders {
  contentType: string;
  boundary?: string;
  transferEncoding: string;
  /** The line ending the header block uses, for the marker line. */
  eol: string;
}

/** Where the header block that starts at `start` ends: the index after its empty line. */
function headerBlockEnd(raw: Buffer, start: number, end: number): number | undefined {
  if (raw[start] === LF || (raw[start] === CR && raw[start + 1] === LF)) return start + (raw[start] === LF ? 1 : 2);
  for (let i = raw.indexOf(LF, start); i >= 0 && i < end; i = raw.indexOf(LF, i + 1)) {
    if (raw[i + 1] === LF) return i + 2;
    if (raw[i + 1] === CR && raw[i + 2] === LF) return i + 3;
  }
  return undefined;
}

/** The fields the plan needs, or undefined when a header is repeated (readers may differ on which counts). */
function readPartHeaders(raw: Buffer, start: number, end: number): PartHeaders | undefined {
  const block = raw.toString("latin1", start, end);
  const eol = /\r\n/.test(block) ? "\r\n" : "\n";
  const fields = new Map<string, string>();
  for (const line of block.replace(/\r?\n[ \t]/g, " ").split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name !== "content-type" && name !== "content-transfer-encoding") continue;
    if (fields.has(name)) return undefined;
    fields.set(name, line.slice(colon + 1).trim());
  }
  const type = fields.get("content-type") ?? "text/plain";
  const headers: PartHeaders = {
    contentType: (type.split(";")[0] ?? "").trim().toLowerCase(),
    transferEncoding: (fields.get("content-transfer-encoding") ?? "7bit").toLowerCase(),
    eol,
  };
  const boundary = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(type);
  const value = boundary?.[1] ?? boundary?.[2];
  if (value) headers.boundary = value;
  return headers;
}

/** CR and LF bytes in [start, end), one search per byte found. */
function countBreaks(raw: Buffer, start: number, end: number): number {
  let breaks = 0;
  for (let i = raw.indexOf(LF, start); i >= 0 && i < end; i = raw.indexOf(LF, i + 1)) breaks++;
  for (let i = raw.indexOf(CR, start); i >= 0 && i < end; i = raw.indexOf(CR, i + 1)) breaks++;
  return breaks;
}

/**
 * The line breaks of a body written in lines of one width, as every encoder writes base64: each line
 * end is checked where the width puts it, and the last (shorter) line for having none. Undefined when
 * the lines are not of one width. A break inside a line is not seen, which can only make the count
 * too low and the promised length too high: the decoded body then comes out shorter than promised,
 * and the mail is parsed the slow way (parse-mail.ts). About 20 times faster than `countBreaks`,
 * which makes a native call per line (70 000 for a 5 MB photo).
 */
function fixedWidthBreaks(raw: Buffer, start: number, end: number): { breaks: number; lineBytes?: number } | undefined {
  const first = raw.indexOf(LF, start);
  if (first < 0 || first >= end) return { breaks: countBreaks(raw, start, end) };
  const eolBytes = first > start && raw[first - 1] === CR ? 2 : 1;
  const width = first + 1 - start;
  let lines = 0;
  let i = first;
  for (; i < end; i += width, lines++) {
    if (raw[i] !== LF || (eolBytes === 2 && raw[i - 1] !== CR)) return undefined;
  }
  const tail = i - width + 1;
  if (countBreaks(raw, tail, end) !== 0) return undefined;
  const breaks = lines * eolBytes;
  return (width - eolBytes) % 4 === 0 ? { breaks, lineBytes: width } : { breaks };
}

/** The decoded length of a base64 body, or undefined unless it is base64 characters and line breaks alone. */
function base64Length(raw: Buffer, start: number, end: number): Pick<BulkPart, "decodedLength" | "lineBytes"> | undefined {
  const lines = fixedWidthBreaks(raw, start, end) ?? { breaks: countBreaks(raw, start, end) };
  const chars = end - start - lines.breaks;
  if (chars <= 0 || chars % 4 !== 0) return undefined;
  let last = end - 1;
  while (last >= start && (raw[last] === LF || raw[last] === CR)) last--;
  const padding = raw[last] === 0x3d ? (raw[last - 1] === 0x3d ? 2 : 1) : 0;
  // Whether every other character is in the alphabet is checked after decoding: Node skips what is
  // not, so anything else shows as a shorter result (decodeBulkPart).
  const decodedLength = (chars / 4) * 3 - padding;
  return lines.lineBytes ? { decodedLength, lineBytes: lines.lineBytes } : { decodedLength };
}

type Delimiter = { at: number; next: number; close: boolean };

/**
 * The delimiter lines of `boundary` in [start, end): "--boundary" or "--boundary--" at the start of a
 * line, then spaces or tabs, then the line ending. Undefined when a line starts with "--boundary" and
 * is not a delimiter: readers differ on such lines.
 */
function delimiters(raw: Buffer, start: number, end: number, boundary: string): Delimiter[] | undefined {
  const marker = Buffer.from(`--${boundary}`, "latin1");
  const found: Delimiter[] = [];
  for (let at = raw.indexOf(marker, start); at >= 0 && at < end; at = raw.indexOf(marker, at + 1)) {
    if (at !== start && raw[at - 1] !== LF) continue;
    let i = at + marker.length;
    const close = raw[i] === DASH && raw[i + 1] === DASH;
    if (close) i += 2;
    while (i < end && (raw[i] === 0x20 || raw[i] === 0x09)) i++;
    if (raw[i] === CR && raw[i + 1] === LF) i += 2;
    else if (raw[i] === LF) i += 1;
    else if (!(close && i >= end)) return undefined;
    found.push({ at, next: i, close });
    if (close) break;
  }
  return found;
}

/** Where the body before a delimiter ends: the line break in front of it belongs to the delimiter. */
function bodyEnd(raw: Buffer, delimiterAt: number): number {
  if (raw[delimiterAt - 1] === LF) return raw[delimiterAt - 2] === CR ? delimiterAt - 2 : delimiterAt - 1;
  return delimiterAt;
}

interface Planned extends BulkPart {
  /** Where the part's header block starts (after its delimiter line): the marker line goes there. */
  headerStart: number;
  eol: string;
}

/** Walks one multipart body; false when the plan must be dropped. */
function walkMultipart(raw: Buffer, start: number, end: number, boundary: string, depth: number, minBytes: number, out: Planned[]): boolean {
  if (depth > MAX_DEPTH) return false;
  const lines = delimiters(raw, start, end, boundary);
  if (!lines || !lines.at(-1)?.close) return false;
  for (let n = 0; n + 1 < lines.length; n++) {
    const open = lines[n];
    const close = lines[n + 1];
    if (!open || !close) return false;
    const partStart = open.next;
    const partEnd = bodyEnd(raw, close.at);
    if (partEnd < partStart) return false;
    const bodyStart = headerBlockEnd(raw, partStart, partEnd + 2);
    if (bodyStart === undefined || bodyStart > partEnd + 2) continue;
    const headers = readPartHeaders(raw, partStart, bodyStart);
    if (!headers) return false;
    if (headers.contentType.startsWith("multipart/")) {
      if (!headers.boundary || !walkMultipart(raw, Math.min(bodyStart, partEnd), partEnd, headers.boundary, depth + 1, minBytes, out)) return false;
      continue;
    }
    if (out.length >= MAX_PARTS) return false;
    const bodyBytes = partEnd - bodyStart;
    const type = headers.contentType;
    if (headers.transferEncoding !== "base64" || bodyBytes < minBytes) continue;
    if (type.startsWith("text/") || type.startsWith("message/") || !type.includes("/")) continue;
    const length = base64Length(raw, bodyStart, partEnd);
    if (length === undefined) continue;
    out.push({ start: bodyStart, end: partEnd, ...length, headerStart: partStart, eol: headers.eol });
  }
  return true;
}

/** The plan for `raw`, or undefined when there is nothing to gain or the mail is not plain enough. */
export function planBulkParts(raw: Buffer, minBytes = BULK_MIN_BYTES): BulkPlan | undefined {
  if (raw.length < minBytes) return undefined;
  // A BOM or bare-CR line endings are repaired before parsing (source-bytes.ts): not here.
  if (raw[0] === 0xef || raw[0] === CR || raw[0] === LF) return undefined;
  const sniff = raw.subarray(0, 4096);
  if (!sniff.includes(LF)) return undefined;
  const bodyStart = headerBlockEnd(raw, 0, raw.length);
  if (bodyStart === undefined) return undefined;
  const root = readPartHeaders(raw, 0, bodyStart);
  if (!root?.boundary || !root.contentType.startsWith("multipart/")) return undefined;
  const planned: Planned[] = [];
  if (!walkMultipart(raw, bodyStart, raw.length, root.boundary, 1, minBytes, planned) || !planned.length) return undefined;

  const nonce = randomBytes(12).toString("hex");
  const pieces: Buffer[] = [];
  let at = 0;
  planned.forEach((p, i) => {
    pieces.push(raw.subarray(at, p.headerStart), Buffer.from(`X-Activation-Bot-Bulk-Part: ${nonce}:${i}${p.eol}`, "latin1"));
    pieces.push(raw.subarray(p.headerStart, p.start));
    at = p.end;
  });
  pieces.push(raw.subarray(at));
  return { fed: Buffer.concat(pieces), nonce, parts: planned.map(({ headerStart: _h, eol: _e, ...part }) => part) };
}

/** The planned part a marker header value names, if it is this plan's. */
export function bulkPartOf(plan: BulkPlan, marker: unknown): number | undefined {
  if (typeof marker !== "string") return undefined;
  const [nonce, index] = marker.trim().split(":");
  const n = Number(index);
  return nonce === plan.nonce && Number.isInteger(n) && n >= 0 && n < plan.parts.length ? n : undefined;
}

/**
 * Decoded bytes per Buffer handed on, so that a large video is not held whole; a photo is one. A body
 * of lines of one width is decoded `LINES_TEXT_BYTES` of text at a time into these; any other body is
 * decoded from one string per slice of this many bytes of text.
 */
const DECODE_SLICE_BYTES = 8 * 1024 * 1024;
/**
 * Base64 text per call of Node's decoder when the lines are of one width: a string this small is
 * young-generation garbage. Decoding a 5 MB body from one string made a string of 5 MB in the old
 * generation for every photo (a backlog of 200 photo mails: 95 full garbage collections instead of
 * 115); measured alone, 0.6 ms per 3.8 MB photo against 1.6 ms from one string.
 */
const LINES_TEXT_BYTES = 64 * 1024;

function countOf(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * The decoded body, slice by slice. Only whole groups of four characters are decoded at a time, so
 * the slices join up whatever the line length. Node skips what is not base64, so a body that is not
 * clean base64 shows as fewer bytes than `part.decodedLength`: the caller compares.
 */
export function* decodeBulkPart(raw: Buffer, part: BulkPart, sliceBytes = DECODE_SLICE_BYTES): Generator<Buffer> {
  if (part.lineBytes) {
    yield* decodeByLines(raw, part, part.lineBytes, sliceBytes);
    return;
  }
  let carry = "";
  for (let p = part.start; p < part.end; ) {
    let q = Math.min(part.end, p + sliceBytes);
    if (q < part.end) {
      const lf = raw.indexOf(LF, q);
      q = lf < 0 || lf >= part.end ? part.end : lf + 1;
    }
    let text = carry + raw.toString("latin1", p, q);
    p = q;
    // The last slice is decoded whole: there is nothing to join up with (and a photo is one slice).
    if (p === part.end) {
      if (text) yield Buffer.from(text, "base64");
      return;
    }
    let rest = (text.length - countOf(text, "\n") - countOf(text, "\r")) % 4;
    let cut = text.length;
    while (rest > 0 && cut > 0) {
      cut--;
      const c = text.charCodeAt(cut);
      if (c !== LF && c !== CR) rest--;
    }
    carry = text.slice(cut);
    text = text.slice(0, cut);
    if (text) yield Buffer.from(text, "base64");
  }
}

/**
 * A body of lines of one width, each of whole groups of four characters: decoded whole lines at a
 * time, each batch straight into the Buffer being filled, which is handed on when the next batch might
 * not fit. `part.decodedLength` is an upper bound (Node skips what is not base64), so no Buffer is
 * larger than what is left to decode.
 */
function* decodeByLines(raw: Buffer, part: BulkPart, lineBytes: number, chunkBytes: number): Generator<Buffer> {
  const step = Math.max(1, Math.floor(LINES_TEXT_BYTES / lineBytes)) * lineBytes;
  const stepDecoded = Math.ceil(step / 4) * 3;
  let left = part.decodedLength;
  let out = Buffer.alloc(0);
  let at = 0;
  for (let p = part.start; p < part.end; p += step) {
    const need = Math.min(stepDecoded, left);
    if (out.length - at < need) {
      if (at) yield out.subarray(0, at);
      out = Buffer.allocUnsafe(Math.min(Math.max(chunkBytes, stepDecoded), left));
      at = 0;
    }
    const wrote = out.write(raw.toString("latin1", p, Math.min(part.end, p + step)), at, "base64");
    at += wrote;
    left -= wrote;
  }
  if (at) yield out.subarray(0, at);
}
