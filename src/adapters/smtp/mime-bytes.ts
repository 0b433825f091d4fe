/**
 * The bytes of a MailComposer tree, written in one synchronous pass.
 *
 * MailComposer's `build()` streams each node through its own PassThrough, encoder and pipeline, with
 * a turn of the event loop between the steps: for the outbox's small mails that was about 0.7 ms of
 * main thread per mail, the largest single cost of a text backlog. The outbox's trees only hold
 * strings and Buffers, whose encoding needs no stream: this writes what `MimeNode.stream` writes,
 * with nodemailer's own header builder and encoders (the tests hold the two byte for byte equal).
 * A tree with anything else in it (a stream, a file path, a URL, raw content, transforms) gets
 * `null`, and the caller builds it the usual way.
 */
import { wrap as base64Wrap } from "nodemailer/lib/base64/index.js";
import type MimeNode from "nodemailer/lib/mime-node/index.js";
import { encode as qpEncode, wrap as qpWrap } from "nodemailer/lib/qp/index.js";

/** MimeNode's encoders' default line length. */
const LINE_LENGTH = 76;

/** Fields MimeNode has but does not declare; a tree that uses them is left to `build()`. */
interface Undeclared {
  _raw?: unknown;
  _transforms?: unknown[];
  _processFuncs?: unknown[];
}

export function mimeBytes(root: MimeNode): Buffer | null {
  const parts: Buffer[] = [];
  if (!writeNode(root, parts)) return null;
  const out = Buffer.concat(parts);
  // LastNewline: the message ends with a line break.
  const last = out[out.length - 1];
  if (last === 0x0a) return out;
  return Buffer.concat([out, Buffer.from(last === 0x0d ? "\n" : "\r\n")]);
}

function writeNode(node: MimeNode, parts: Buffer[]): boolean {
  const own = node as MimeNode & Undeclared;
  if (own._raw || own._transforms?.length || own._processFuncs?.length || node.newline) return false;
  const { content } = node;
  if (content && typeof content !== "string" && !Buffer.isBuffer(content)) return false;
  const transferEncoding = node.getTransferEncoding();
  parts.push(Buffer.from(`${node.buildHeaders()}\r\n\r\n`));
  if (content) {
    const bytes = typeof content === "string" ? Buffer.from(content) : content;
    if (transferEncoding === "base64") {
      parts.push(Buffer.from(base64Wrap(bytes.toString("base64"), LINE_LENGTH)));
    } else if (transferEncoding === "quoted-printable") {
      // Outside text a lone CR or LF is data, which nodemailer's encoder keeps; this writer does not.
      if (!/^text\//i.test(node.contentType ?? "")) return false;
      parts.push(Buffer.from(qpWrap(qpEncode(bytes), LINE_LENGTH)));
    } else {
      parts.push(bytes);
    }
  }
  if (!node.multipart) return true;
  const boundary = String(node.boundary);
  for (const [i, child] of node.childNodes.entries()) {
    parts.push(Buffer.from(`${i > 0 ? "\r\n" : ""}--${boundary}\r\n`));
    if (!writeNode(child, parts)) return false;
  }
  parts.push(Buffer.from(`\r\n--${boundary}--\r\n`));
  return true;
}
