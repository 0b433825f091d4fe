/**
 * One incoming mail → `MailFacts`, streaming: attachments go straight from mailparser's `MailParser`
 * into the blob store (never `simpleParser`, which buffers them), everything else is bounded by
 * `MimeLimits`. Malformed input never throws: each oddity becomes a `problems` entry
 * (`<code>: <detail>`, codes in core/mail/mail-problem.ts). Only I/O failures throw: the blob store's,
 * and the source stream's (a dropped IMAP fetch must be retried, not parsed as a short mail).
 *
 * Choices a reader needs to know:
 * - Every `message/rfc822` part is kept as an attachment (`ignoreEmbedded`), so its header block can
 *   become a report part (a bounce's returned headers); forwarded messages are then opened from the
 *   blob, up to `maxEmbeddedDepth`, and their attachments listed after it. Their text is not added.
 * - `message/delivery-status` is an attachment too (`keepDeliveryStatus`): it is a report part, not text.
 * - `returnPath` is `""` for the null reverse-path `<>` (bounces), absent when there is no Return-Path.
 * - The key is `opts.key`, else `mid:<Message-ID without brackets>`, else `sha256:<digest of the bytes>`.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { TextDecoder } from "node:util";
import type { HeaderLines } from "mailparser";
import type { BlobStore } from "../../app/ports.js";
import type { Address, HeaderLine, MailFacts } from "../../core/types.js";
import { readBodyText } from "./body-text.js";
import { charsetDecoder, decodeHeaderLine, readAddresses, readMessageIds, type DecodedHeader } from "./header-lines.js";
import { DEFAULT_MIME_LIMITS, type MimeLimits } from "./mime-limits.js";
import { ProblemList } from "./problem-list.js";
import { planBulkParts } from "./bulk-parts.js";
import { walkMessage, type BulkWalk, type MessageParts } from "./walk-message.js";

export { DEFAULT_MIME_LIMITS, type MimeLimits } from "./mime-limits.js";

export interface ParseMailOptions {
  /** The mail key to use (e.g. one derived from the mailbox UID); default see the file comment. */
  key?: string;
  /**
   * Base64 attachments of a Buffer source from this size on are decoded in bulk (bulk-parts.ts);
   * default `BULK_MIN_BYTES`, `Infinity` turns it off.
   */
  bulkMinBytes?: number;
}

/**
 * A mail up to this size is read into memory before parsing, so that its large base64 attachments are
 * decoded in bulk (bulk-parts.ts); a larger one is streamed through mailparser, which is slower but
 * holds little. At 30 MB the bot's peak RSS was 228 MB in memory against 190 MB streamed.
 */
export const IN_MEMORY_MAIL_BYTES = 24 * 1024 * 1024;

const ENVELOPE_RECIPIENT_HEADERS = ["delivered-to", "x-original-to", "envelope-to", "x-envelope-to"];

function firstValue(headers: DecodedHeader[], name: string): DecodedHeader | undefined {
  return headers.find((h) => h.name === name);
}

function rawValues(headers: DecodedHeader[], names: string[]): string[] {
  return headers.filter((h) => names.includes(h.name)).map((h) => h.raw);
}

/** The root and the newest `max - 1`: threading needs both ends of a long References chain. */
function boundReferences(ids: string[], max: number): string[] {
  const unique = [...new Set(ids)];
  if (unique.length <= max) return unique;
  return max <= 1 ? unique.slice(0, max) : [unique[0] ?? "", ...unique.slice(unique.length - (max - 1))];
}

function uniqueAddresses(list: Address[], max: number): Address[] {
  const seen = new Set<string>();
  return list.filter((a) => !seen.has(a.address) && seen.add(a.address)).slice(0, max);
}

/** The charset the root Content-Type declares, as a decoder for raw 8-bit header bytes. */
function declaredCharset(lines: HeaderLines): TextDecoder | undefined {
  const contentType = lines.find((l) => l.key === "content-type")?.line ?? "";
  const charset = /;\s*charset\s*=\s*"?([A-Za-z0-9._:-]{1,40})/i.exec(contentType)?.[1];
  const decoder = charset ? charsetDecoder(charset) : undefined;
  // UTF-8 is always tried first; without another declared charset, windows-1252 is the fallback.
  return decoder?.encoding === "utf-8" ? undefined : decoder;
}

function readHeaders(level: MessageParts, limits: MimeLimits, problems: ProblemList): DecodedHeader[] {
  const lines = level.headerLines;
  const fallback = declaredCharset(lines);
  // A line without a usable field name (garbage before the first header, an empty source) is no header.
  const named = lines.filter((l) => /^[\x21-\x39\x3b-\x7e]+$/.test(l.key));
  if (named.length > limits.maxHeaderLines) {
    problems.add("header_truncated", `${named.length - limits.maxHeaderLines} header lines over the limit were dropped`);
  }
  const decoded = named.slice(0, limits.maxHeaderLines).map((l) =>
    decodeHeaderLine(
      l.key,
      l.line,
      limits.maxHeaderValueChars,
      (charset) => problems.add("unknown_charset", `header charset "${charset}" decoded as UTF-8`),
      fallback,
    ),
  );
  const long = decoded.find((h) => h.truncated);
  if (long) problems.add("header_truncated", `${long.name} and maybe others cut at ${limits.maxHeaderValueChars} characters`);
  return decoded;
}

/**
 * Parses a mail. `source` is read once, to the end. Throws only when the blob store or the source
 * stream fails; see the file comment for everything else.
 */
export async function parseMail(
  source: Readable | Buffer,
  deps: { blobs: BlobStore },
  limits: Partial<MimeLimits> = {},
  opts: ParseMailOptions = {},
): Promise<MailFacts> {
  const bounds: MimeLimits = { ...DEFAULT_MIME_LIMITS, ...limits };
  let problems = new ProblemList(bounds.maxProblems);
  let level: MessageParts | undefined;
  const raw = Buffer.isBuffer(source) ? source : undefined;
  const plan = raw && raw.length <= bounds.maxMailBytes ? planBulkParts(raw, opts.bulkMinBytes) : undefined;
  if (raw && plan) {
    const bulk: BulkWalk = { plan, raw, claimed: new Set(), failed: false };
    const walked = await walkMessage(plan.fed, { blobs: deps.blobs, limits: bounds, problems, parts: 0 }, 0, "", bulk);
    // Every planned part reported by mailparser and decoded: the same result as the slow walk.
    if (!bulk.failed && bulk.claimed.size === plan.parts.length) {
      // The digest is of the bytes as received; it is only needed when there is no Message-ID.
      level = { ...walked, feed: { ...walked.feed, digest: "", bytesRead: raw.length } };
    } else {
      problems = new ProblemList(bounds.maxProblems);
    }
  }
  level ??= await walkMessage(source, { blobs: deps.blobs, limits: bounds, problems, parts: 0 }, 0, "");

  const decoded = readHeaders(level, bounds, problems);
  const headers: HeaderLine[] = decoded.map((h) => ({ name: h.name, value: h.value }));
  const one = (name: string) => firstValue(decoded, name);

  const messageId = readMessageIds(one("message-id")?.value ?? "")[0];
  if (!messageId) problems.add("no_message_id", "the mail has no usable Message-ID");
  const references = boundReferences(
    decoded.filter((h) => h.name === "references").flatMap((h) => readMessageIds(h.value)),
    bounds.maxReferences,
  );
  const dateValue = one("date")?.value;
  const dateMs = dateValue ? Date.parse(dateValue) : NaN;
  if (dateValue && !Number.isFinite(dateMs)) problems.add("bad_date", `unreadable Date "${dateValue}"`);
  const returnPathRaw = one("return-path")?.raw;
  const returnPath =
    returnPathRaw === undefined
      ? undefined
      : /^\s*<?\s*>?\s*$/.test(returnPathRaw)
        ? ""
        : readAddresses([returnPathRaw], 1)[0]?.address;
  const body = await readBodyText(level, bounds, problems);
  const rootType = (one("content-type")?.value ?? "").trim().toLowerCase();
  const nothingFound = !body.text.trim() && !level.text?.html && !level.attachments.length;
  let text = body.text;
  if (rootType.startsWith("multipart/") && nothingFound && level.feed.bodyHasContent) {
    problems.add("mime_error", "no part found in a multipart body that is not empty (boundary missing or wrong)");
    // Its words still count (a bounce whose boundary is wrong still names the failed address): the
    // body is read as plain text. Only when the mail is at hand as bytes; a stream has gone by.
    if (raw) text = bodyAsText(raw, bounds.maxTextChars);
  }

  const feed = level.feed;
  const digest = () => feed.digest || (raw ? createHash("sha256").update(raw).digest("hex") : "");
  const facts: MailFacts = {
    key: opts.key ?? (messageId ? `mid:${messageId.slice(1, -1)}` : `sha256:${digest()}`),
    references,
    replyTo: readAddresses(rawValues(decoded, ["reply-to"]), bounds.maxAddresses),
    to: readAddresses(rawValues(decoded, ["to"]), bounds.maxAddresses),
    cc: readAddresses(rawValues(decoded, ["cc"]), bounds.maxAddresses),
    deliveredTo: uniqueAddresses(readAddresses(rawValues(decoded, ENVELOPE_RECIPIENT_HEADERS), bounds.maxAddresses), bounds.maxAddresses).map(
      (a) => a.address,
    ),
    subject: one("subject")?.value ?? "",
    headers,
    text,
    textFromHtml: body.textFromHtml,
    attachments: level.attachments,
    reportParts: level.reportParts,
    ...(level.nestedReportParts.length ? { nestedReportParts: level.nestedReportParts } : {}),
    problems: problems.result(),
  };
  if (level.text?.html) facts.hasHtml = true;
  if (messageId) facts.messageId = messageId;
  const inReplyTo = readMessageIds(one("in-reply-to")?.value ?? "")[0];
  if (inReplyTo) facts.inReplyTo = inReplyTo;
  const from = readAddresses(rawValues(decoded, ["from"]).slice(0, 1), 1)[0];
  if (from) facts.from = from;
  const sender = readAddresses(rawValues(decoded, ["sender"]).slice(0, 1), 1)[0];
  if (sender) facts.sender = sender;
  if (returnPath !== undefined) facts.returnPath = returnPath;
  if (Number.isFinite(dateMs)) facts.date = new Date(dateMs).toISOString();
  return facts;
}

/** The bytes after the header block, as text: UTF-8 where valid, bounded to `maxChars`. */
function bodyAsText(raw: Buffer, maxChars: number): string {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  const start = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : raw.length;
  // Four bytes at most per character: never decode more than the bound can keep.
  return raw.subarray(start, start + maxChars * 4).toString("utf8").replace(/\r\n?/g, "\n").slice(0, maxChars);
}
