/**
 * Attachments out of a TNEF stream (`winmail.dat`, `application/ms-tnef`, MS-OXTNEF). Linear in the
 * input, allocation-free past the input (attachment data are views into it), never throws: anything it
 * cannot read becomes a problem and the attachments read so far are kept.
 *
 * Why not node-tnef: importing it replaces `String.prototype.replaceAll` process-wide and its parser
 * logs to stdout; it copies the rest of the input for every attribute (quadratic: 7 s for its own
 * 67 KB `panic.dat`), and a 64-byte stream with a large length field makes it allocate until V8
 * aborts the process, which a worker thread's `resourceLimits` does not contain. It stays the test
 * oracle for well-formed streams (test/adapters/tnef.test.ts).
 */
import { TextDecoder } from "node:util";
import { displayFilename } from "./header-lines.js";

export interface TnefAttachment {
  filename: string;
  /** From the attachment's MIME tag, else from the file name's extension. */
  contentType: string;
  /** A view into the input buffer. */
  data: Buffer;
}

export interface TnefResult {
  attachments: TnefAttachment[];
  /** Short reasons, without the `tnef_error:` prefix (the caller adds it). */
  problems: string[];
}

const TNEF_SIGNATURE = 0x223e9f78;
const LEVEL_ATTACHMENT = 0x02;
/** Attribute ids (low word of the attribute tag). */
const ATT_ATTACH_REND_DATA = 0x9002;
const ATT_ATTACH_TITLE = 0x8010;
const ATT_ATTACH_DATA = 0x800f;
const ATT_ATTACHMENT = 0x9005;
/** MAPI property ids read from attAttachment. */
const PR_ATTACH_DATA = 0x3701;
const PR_ATTACH_METHOD = 0x3705;
const PR_ATTACH_LONG_FILENAME = 0x3707;
const PR_ATTACH_MIME_TAG = 0x370e;
const ATTACH_EMBEDDED_MSG = 5;
/** Bounds on one MAPI property list: Outlook writes a few dozen properties with one value each. */
const MAX_MAPI_PROPERTIES = 10_000;
const MAX_MAPI_VALUES = 10_000;
/** Messages attached inside messages inside winmail.dat: Outlook nests one or two levels. */
const MAX_EMBEDDED_DEPTH = 3;

/** Fixed-size MAPI types and their size on the wire (each padded to 4 bytes). */
const FIXED_SIZE: ReadonlyMap<number, number> = new Map([
  [0x0001, 4], // PT_NULL
  [0x0002, 4], // PT_SHORT
  [0x0003, 4], // PT_LONG
  [0x0004, 4], // PT_FLOAT
  [0x0005, 8], // PT_DOUBLE
  [0x0006, 8], // PT_CURRENCY
  [0x0007, 8], // PT_APPTIME
  [0x000a, 4], // PT_ERROR
  [0x000b, 4], // PT_BOOLEAN
  [0x0014, 8], // PT_I8
  [0x0040, 8], // PT_SYSTIME
  [0x0048, 16], // PT_CLSID
]);
const PT_STRING8 = 0x001e;
const PT_UNICODE = 0x001f;
const PT_BINARY = 0x0102;
const PT_OBJECT = 0x000d;
const VARIABLE_TYPES = new Set([PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT]);
const MV_FLAG = 0x1000;

const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  pdf: "application/pdf",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  heic: "image/heic",
  heif: "image/heif",
  tif: "image/tiff",
  tiff: "image/tiff",
  bmp: "image/bmp",
  txt: "text/plain",
  csv: "text/csv",
  htm: "text/html",
  html: "text/html",
  rtf: "application/rtf",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  zip: "application/zip",
  eml: "message/rfc822",
};

export function contentTypeForFilename(filename: string): string {
  const ext = /\.([a-z0-9]{1,8})$/i.exec(filename)?.[1]?.toLowerCase() ?? "";
  return EXTENSION_TYPES[ext] ?? "application/octet-stream";
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const WINDOWS_1252 = new TextDecoder("windows-1252");
const UTF16LE = new TextDecoder("utf-16le");

function string8(bytes: Buffer): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    return WINDOWS_1252.decode(bytes);
  }
}

interface Draft {
  title?: string;
  longName?: string;
  mimeTag?: string;
  method?: number;
  data?: Buffer;
  /** An embedded message's own TNEF stream (PT_OBJECT data after its 16-byte interface id). */
  object?: Buffer;
}

/** Reads the MAPI properties of one attAttachment attribute into `draft`; returns a problem or undefined. */
function readAttachmentProps(buf: Buffer, draft: Draft): string | undefined {
  let pos = 0;
  const need = (n: number) => pos + n <= buf.length;
  const u32 = () => {
    const v = buf.readUInt32LE(pos);
    pos += 4;
    return v;
  };
  if (!need(4)) return "attachment properties truncated";
  const count = u32();
  if (count > MAX_MAPI_PROPERTIES) return `attachment lists ${count} properties`;
  for (let i = 0; i < count; i++) {
    if (!need(4)) return "attachment properties truncated";
    const type = buf.readUInt16LE(pos);
    const id = buf.readUInt16LE(pos + 2);
    pos += 4;
    if (id >= 0x8000) {
      // Named property: GUID, kind, then a numeric id or a length-prefixed UTF-16 name.
      if (!need(20)) return "attachment properties truncated";
      pos += 16;
      const kind = u32();
      if (kind === 0) {
        if (!need(4)) return "attachment properties truncated";
        pos += 4;
      } else {
        if (!need(4)) return "attachment properties truncated";
        const len = u32();
        if (!need(len)) return "attachment properties truncated";
        pos += len + ((4 - (len % 4)) % 4);
      }
    }
    const base = type & ~MV_FLAG;
    const variable = VARIABLE_TYPES.has(base);
    const fixed = FIXED_SIZE.get(base);
    if (!variable && fixed === undefined) return `unknown MAPI type 0x${base.toString(16)}`;
    let values = 1;
    if (type & MV_FLAG || variable) {
      if (!need(4)) return "attachment properties truncated";
      values = u32();
      if (values > MAX_MAPI_VALUES) return `property with ${values} values`;
    }
    for (let v = 0; v < values; v++) {
      if (fixed !== undefined) {
        if (!need(fixed)) return "attachment properties truncated";
        if (v === 0 && id === PR_ATTACH_METHOD && base === 0x0003) draft.method = buf.readUInt32LE(pos);
        pos += fixed;
        continue;
      }
      if (!need(4)) return "attachment properties truncated";
      const len = u32();
      if (!need(len)) return "attachment properties truncated";
      const value = buf.subarray(pos, pos + len);
      pos += len + ((4 - (len % 4)) % 4);
      if (v !== 0) continue;
      if (id === PR_ATTACH_LONG_FILENAME) {
        draft.longName = base === PT_UNICODE ? UTF16LE.decode(value) : string8(value);
      } else if (id === PR_ATTACH_MIME_TAG && base !== PT_BINARY) {
        draft.mimeTag = base === PT_UNICODE ? UTF16LE.decode(value) : string8(value);
      } else if (id === PR_ATTACH_DATA && base === PT_BINARY) {
        draft.data ??= value;
      } else if (id === PR_ATTACH_DATA && base === PT_OBJECT && value.length > 16) {
        draft.object = value.subarray(16);
      }
    }
  }
  return undefined;
}

/** Bounded by `maxAttachments` (embedded messages included); see the file comment for the rest. */
export function extractTnef(bytes: Buffer, limits: { maxAttachments: number }): TnefResult {
  const out: TnefResult = { attachments: [], problems: [] };
  extractInto(bytes, limits.maxAttachments, 0, "", out);
  return out;
}

function addProblem(out: TnefResult, problem: string): void {
  if (!out.problems.includes(problem)) out.problems.push(problem);
}

/** Reads the attribute stream; returns the attachment drafts in order. */
function readDrafts(bytes: Buffer, room: number, where: string, out: TnefResult): Draft[] {
  const drafts: Draft[] = [];
  try {
    if (bytes.length < 6 || bytes.readUInt32LE(0) !== TNEF_SIGNATURE) {
      addProblem(out, `${where}not a TNEF stream (bad signature)`);
      return drafts;
    }
    let current: Draft | undefined;
    let pos = 6;
    while (pos < bytes.length) {
      if (pos + 9 > bytes.length) {
        addProblem(out, `${where}truncated attribute header`);
        break;
      }
      const level = bytes[pos];
      const id = bytes.readUInt16LE(pos + 1);
      const length = bytes.readUInt32LE(pos + 5);
      const start = pos + 9;
      if (length > bytes.length - start - 2) {
        addProblem(out, `${where}attribute 0x${id.toString(16)} runs past the end`);
        break;
      }
      const data = bytes.subarray(start, start + length);
      let sum = 0;
      for (const b of data) sum = (sum + b) & 0xffff;
      if (sum !== bytes.readUInt16LE(start + length)) addProblem(out, `${where}checksum mismatch`);
      pos = start + length + 2;
      if (level !== LEVEL_ATTACHMENT) continue;
      if (id === ATT_ATTACH_REND_DATA || !current) {
        if (drafts.length >= room) {
          addProblem(out, "too many attachments, the rest were not extracted");
          break;
        }
        current = {};
        drafts.push(current);
        if (id === ATT_ATTACH_REND_DATA) continue;
      }
      if (id === ATT_ATTACH_TITLE) current.title = string8(data);
      else if (id === ATT_ATTACH_DATA) current.data = data;
      else if (id === ATT_ATTACHMENT) {
        const problem = readAttachmentProps(data, current);
        if (problem) addProblem(out, where + problem);
      }
    }
  } catch (err) {
    // Every read above is bounds-checked; this keeps the never-throw promise, it is not a normal path.
    addProblem(out, `${where}decoder failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return drafts;
}

function extractInto(bytes: Buffer, max: number, depth: number, where: string, out: TnefResult): void {
  const drafts = readDrafts(bytes, max - out.attachments.length, where, out);
  drafts.forEach((d, i) => {
    const name = displayFilename(d.longName ?? "") || displayFilename(d.title ?? "") || `attachment-${i + 1}`;
    if (d.method === ATTACH_EMBEDDED_MSG) {
      if (!d.object) addProblem(out, `${where}embedded message "${name}" has no content`);
      else if (depth + 1 >= MAX_EMBEDDED_DEPTH) addProblem(out, `${where}embedded message "${name}" nested too deep`);
      else extractInto(d.object, max, depth + 1, `${where}embedded message "${name}": `, out);
      return;
    }
    if (!d.data) {
      addProblem(out, `${where}attachment "${name}" has no data`);
      return;
    }
    if (out.attachments.length >= max) return;
    const tag = d.mimeTag?.replace(/\0+$/, "").trim().toLowerCase() ?? "";
    const contentType = /^[a-z]+\/[a-z0-9.+-]+$/.test(tag) ? tag : contentTypeForFilename(name);
    out.attachments.push({ filename: name, contentType, data: d.data });
  });
}
