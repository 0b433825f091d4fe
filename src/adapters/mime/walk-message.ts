/**
 * The MIME walk of one message: mailparser's streaming `MailParser` fed by `feedSource`, each attachment
 * streamed into the blob store (bounded) and released, report parts captured on the way, then the
 * contents of winmail.dat and of forwarded messages added. Used for the mail itself and, recursively,
 * for each forwarded `message/rfc822` part read back from its blob.
 */
import { Readable, Transform } from "node:stream";
import { MailParser } from "mailparser";
import type { AttachmentStream, HeaderLines, MessageText } from "mailparser";
import type { BlobStore } from "../../app/ports.js";
import type { AttachmentFacts, ReportPart } from "../../core/types.js";
import { BULK_PART_HEADER, bulkPartOf, decodeBulkPart, type BulkPart, type BulkPlan } from "./bulk-parts.js";
import { decodeRawBytes, displayFilename } from "./header-lines.js";
import type { MimeLimits } from "./mime-limits.js";
import type { ProblemList } from "./problem-list.js";
import { feedSource, type FeedResult } from "./source-bytes.js";
import { extractTnef } from "./tnef.js";

/** Parts whose text a bounce or complaint reader needs. */
const REPORT_TYPES = new Set([
  "message/delivery-status",
  "message/global-delivery-status",
  "message/disposition-notification",
  "message/global-disposition-notification",
  "message/feedback-report",
  "text/rfc822-headers",
  "message/rfc822-headers",
  "message/global-headers",
  "message/rfc822",
  "message/global",
]);
/** Of those, the ones that hold a returned message or its headers: only the header block is kept. */
const HEADER_BLOCK_TYPES = new Set([
  "text/rfc822-headers",
  "message/rfc822-headers",
  "message/global-headers",
  "message/rfc822",
  "message/global",
]);
const TNEF_TYPES = new Set(["application/ms-tnef", "application/vnd.ms-tnef"]);
const EMBEDDED_TYPES = new Set(["message/rfc822", "message/global"]);

/** Passes bytes through and keeps the first `max` of them. */
class PrefixCapture extends Transform {
  private readonly chunks: Buffer[] = [];
  private kept = 0;

  constructor(private readonly max: number) {
    super();
  }

  keep(chunk: Buffer): void {
    if (this.kept >= this.max) return;
    const part = chunk.subarray(0, this.max - this.kept);
    this.chunks.push(Buffer.from(part));
    this.kept += part.length;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.keep(chunk);
    cb(null, chunk);
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks, this.kept);
  }
}

/** The text of a report part: a returned message is cut to its header block. */
function reportText(contentType: string, bytes: Buffer): string {
  let text = decodeRawBytes(bytes).replace(/\r\n?/g, "\n");
  if (HEADER_BLOCK_TYPES.has(contentType)) {
    const end = text.indexOf("\n\n");
    if (end >= 0) text = text.slice(0, end + 1);
  }
  return text.replace(/\0/g, "");
}

/** Delivery-status fields, per message then per recipient (RFC 3464 §2.2, §2.3). */
const DSN_MESSAGE_FIELDS = ["reporting-mta", "received-from-mta", "arrival-date"];
const DSN_RECIPIENT_FIELDS = ["original-recipient", "final-recipient", "x-actual-recipient", "action", "status", "remote-mta", "diagnostic-code", "last-attempt-date", "will-retry-until"];
const DSN_TYPES = new Set(["message/delivery-status", "message/global-delivery-status"]);

/**
 * The fields of a delivery-status part written with no blank line after its own Content-Type: the
 * parser took them for the part's headers and its body is empty. Rebuilt from the headers, the n-th
 * value of each recipient field to the n-th recipient (the order within one field is kept; which
 * recipient a field missing for some belongs to is a guess).
 */
function dsnFieldsInHeaders(headers: ReadonlyMap<string, unknown> | undefined): string {
  if (!headers?.has("final-recipient")) return "";
  const values = (name: string) => [headers.get(name) ?? []].flat().filter((v): v is string => typeof v === "string");
  const lines = DSN_MESSAGE_FIELDS.flatMap((name) => values(name).map((v) => `${name}: ${v}`));
  const recipients = values("final-recipient").length;
  for (let i = 0; i < recipients; i++) {
    lines.push("");
    for (const name of DSN_RECIPIENT_FIELDS) {
      const v = values(name)[i];
      if (v !== undefined) lines.push(`${name}: ${v}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export interface WalkShared {
  blobs: BlobStore;
  limits: MimeLimits;
  problems: ProblemList;
  /** Attachments seen so far across all levels: the first `maxParts` are stored. */
  parts: number;
}

/** A walk fed a `BulkPlan`: which planned parts mailparser reported, and whether one went wrong. */
export interface BulkWalk {
  plan: BulkPlan;
  /** The original mail, whose planned bodies are decoded here. */
  raw: Buffer;
  claimed: Set<number>;
  /** A planned part was reported twice, with a body, or did not decode: the walk must be redone. */
  failed: boolean;
}

export interface MessageParts {
  headerLines: HeaderLines;
  text?: MessageText;
  sawPlainText: boolean;
  attachments: AttachmentFacts[];
  reportParts: ReportPart[];
  /** Report parts of forwarded messages inside this one (a bounce of a bounce, a report wrapped in multipart/mixed). */
  nestedReportParts: ReportPart[];
  feed: FeedResult;
}

/** Reads mailparser's internal "a text/plain part was seen" flag; there is no public one. */
function sawPlainTextPart(parser: MailParser, text: MessageText | undefined): boolean {
  const flag: unknown = Reflect.get(parser, "hasText");
  return typeof flag === "boolean" ? flag : !text?.html;
}

async function drain(stream: Readable, capture?: PrefixCapture): Promise<number> {
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    capture?.keep(chunk);
  }
  return size;
}

/**
 * The planned part (bulk-parts.ts) an attachment stands for, once mailparser has reported it with its
 * marker header and an empty body; undefined when the attachment is no planned part.
 */
async function plannedPart(bulk: BulkWalk | undefined, att: AttachmentStream): Promise<BulkPart | { failed: true } | undefined> {
  const index = bulk ? bulkPartOf(bulk.plan, att.headers.get(BULK_PART_HEADER)) : undefined;
  const part = index === undefined ? undefined : bulk?.plan.parts[index];
  if (!bulk || index === undefined || !part) return undefined;
  const leftOver = await drain(att.content);
  const twice = bulk.claimed.has(index);
  bulk.claimed.add(index);
  if (leftOver || twice) {
    bulk.failed = true;
    return { failed: true };
  }
  return part;
}

/**
 * Walks one message (the mail itself, or a forwarded one at `depth` > 0). With `bulk`, `source` is the
 * plan's `fed` bytes, and the planned parts' bodies come from `bulk.raw`.
 */
export async function walkMessage(source: Readable | Buffer, shared: WalkShared, depth: number, context: string, bulk?: BulkWalk): Promise<MessageParts> {
  const { blobs, limits, problems } = shared;
  const parser = new MailParser({
    keepDeliveryStatus: true,
    ignoreEmbedded: true,
    maxHtmlLengthToParse: limits.maxHtmlChars,
    maxChildNodes: limits.maxMimeNodes,
    maxHeadSize: limits.maxHeadBytes,
    checksumAlgo: false,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  const level: Omit<MessageParts, "feed"> = { headerLines: [], sawPlainText: false, attachments: [], reportParts: [], nestedReportParts: [] };
  let failed = false;
  let ioError: unknown;
  let activeContent: Readable | undefined;
  let abortedContent = false;
  let attachmentsDone: Promise<void> = Promise.resolve();

  const handleAttachment = async (att: AttachmentStream): Promise<void> => {
    const contentType = (att.contentType || "application/octet-stream").toLowerCase();
    const facts: AttachmentFacts = {
      filename: displayFilename(att.filename ?? ""),
      contentType,
      size: 0,
      inline: att.contentDisposition === "inline" || att.related === true,
    };
    const capture =
      REPORT_TYPES.has(contentType) && level.reportParts.length < limits.maxReportParts
        ? new PrefixCapture(limits.maxReportPartBytes)
        : undefined;
    shared.parts++;
    // Set before the blob store sees the failure: a part that fails to decode is bad input, not I/O.
    let contentError: Error | undefined;
    att.content.on("error", (err: Error) => {
      contentError ??= err;
    });
    try {
      const planned = await plannedPart(bulk, att);
      if (planned && "failed" in planned) {
        facts.refused = "not_read";
      } else if (ioError !== undefined || failed) {
        facts.size = planned ? planned.decodedLength : await drain(att.content);
        facts.refused = "not_read";
      } else if (shared.parts > limits.maxParts) {
        facts.size = planned ? planned.decodedLength : await drain(att.content, capture);
        facts.refused = "too_many_parts";
        problems.add("too_many_parts", `attachments past the first ${limits.maxParts} were not stored`, context);
      } else {
        activeContent = att.content;
        let stream: Readable = planned && bulk ? Readable.from(decodeBulkPart(bulk.raw, planned)) : att.content;
        if (capture) {
          stream.on("error", (err: Error) => capture.destroy(err));
          stream = stream.pipe(capture);
        }
        const stored = await blobs.putBounded(stream, limits.maxAttachmentBytes);
        // Fewer bytes than its characters promise: the body was not clean base64, the walk is redone.
        if (planned && bulk && stored.size !== planned.decodedLength) bulk.failed = true;
        facts.size = stored.size;
        if (stored.kind === "too_large") {
          facts.refused = "too_large";
          problems.add("part_too_large", `${facts.filename || contentType} is over ${limits.maxAttachmentBytes} bytes`, context);
        } else if (stored.size === 0) {
          facts.refused = "empty";
        } else {
          facts.blob = stored.id;
        }
      }
      if (capture) {
        const text = reportText(contentType, capture.bytes());
        const inHeaders = DSN_TYPES.has(contentType) && !text.trim() ? dsnFieldsInHeaders(att.headers).slice(0, limits.maxReportPartBytes) : "";
        level.reportParts.push({ contentType, text: inHeaders || text });
      }
    } catch (err) {
      if (contentError) {
        problems.add("mime_error", `${facts.filename || contentType} could not be decoded: ${contentError.message}`, context);
      } else if (!abortedContent) {
        ioError ??= err;
        parser.destroy();
      }
      facts.refused ??= "not_read";
    } finally {
      activeContent = undefined;
      att.release?.();
    }
    level.attachments.push(facts);
  };

  const finished = new Promise<void>((resolve) => {
    parser.on("headerLines", (lines: HeaderLines) => {
      if (!level.headerLines.length) level.headerLines = lines;
    });
    parser.on("data", (data: AttachmentStream | MessageText) => {
      if (data.type === "attachment") attachmentsDone = attachmentsDone.then(() => handleAttachment(data));
      else level.text = data;
    });
    parser.on("end", resolve);
    parser.on("close", resolve);
    // A permanent listener: mailparser may report more than one error, and an unheard one would throw.
    parser.on("error", (err: Error) => {
      if (!failed && ioError === undefined) problems.add("mime_error", `${err.message}; the rest was not read`, context);
      failed = true;
      if (activeContent) {
        abortedContent = true;
        activeContent.destroy(new Error("MIME parse aborted"));
      }
      resolve();
    });
  });

  let feed: FeedResult;
  try {
    feed = await feedSource(source, parser, limits.maxMailBytes, () => failed || ioError !== undefined);
  } catch (err) {
    parser.destroy();
    throw err;
  }
  await finished;
  await attachmentsDone;
  if (ioError !== undefined) throw ioError;
  level.sawPlainText = sawPlainTextPart(parser, level.text);
  if (depth === 0) {
    if (feed.truncated) problems.add("mail_truncated", `only the first ${limits.maxMailBytes} bytes were parsed`);
    if (feed.bomRemoved) problems.add("bom_removed", "a UTF-8 byte order mark before the headers was removed");
    if (feed.crLineEndings) problems.add("cr_line_endings", "bare CR line endings were read as CRLF");
  }

  await expandTnef(level, shared, context);
  await expandEmbedded(level, shared, depth, context);
  return { ...level, feed };
}

async function expandTnef(level: Omit<MessageParts, "feed">, shared: WalkShared, context: string): Promise<void> {
  const { blobs, limits, problems } = shared;
  for (const part of [...level.attachments]) {
    const isTnef = TNEF_TYPES.has(part.contentType) || /^winmail\.dat$/i.test(part.filename);
    if (!isTnef || !part.blob) continue;
    if (part.size > limits.maxTnefBytes) {
      problems.add("tnef_error", `${part.filename || "winmail.dat"} is over ${limits.maxTnefBytes} bytes, not decoded`, context);
      continue;
    }
    const result = extractTnef(await blobs.get(part.blob), { maxAttachments: limits.maxTnefAttachments });
    for (const p of result.problems) problems.add("tnef_error", `${part.filename || "winmail.dat"}: ${p}`, context);
    for (const inner of result.attachments) {
      shared.parts++;
      const facts: AttachmentFacts = { filename: inner.filename, contentType: inner.contentType, size: inner.data.length, inline: false };
      if (shared.parts > limits.maxParts) {
        facts.refused = "too_many_parts";
        problems.add("too_many_parts", `attachments past the first ${limits.maxParts} were not stored`, context);
      } else if (inner.data.length > limits.maxAttachmentBytes) {
        facts.refused = "too_large";
        problems.add("part_too_large", `${inner.filename} is over ${limits.maxAttachmentBytes} bytes`, context);
      } else if (inner.data.length === 0) {
        facts.refused = "empty";
      } else {
        facts.blob = (await blobs.put(inner.data)).id;
      }
      level.attachments.push(facts);
    }
  }
}

async function expandEmbedded(level: Omit<MessageParts, "feed">, shared: WalkShared, depth: number, context: string): Promise<void> {
  const forwarded = level.attachments.filter((a) => EMBEDDED_TYPES.has(a.contentType) && a.blob);
  for (const [i, part] of forwarded.entries()) {
    if (!part.blob) continue;
    if (depth + 1 > shared.limits.maxEmbeddedDepth) {
      shared.problems.add("embedded_too_deep", `a forwarded message nested ${depth + 1} deep was stored, not opened`, context);
      continue;
    }
    const inner = await walkMessage(shared.blobs.stream(part.blob), shared, depth + 1, `${context}forwarded message ${i + 1}: `);
    level.attachments.push(...inner.attachments);
    const room = shared.limits.maxReportParts - level.nestedReportParts.length;
    if (room > 0) level.nestedReportParts.push(...[...inner.reportParts, ...inner.nestedReportParts].slice(0, room));
  }
}
