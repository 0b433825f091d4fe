/**
 * The HTML part of a stored mail, for the desk's "show as sent" view: read again from the raw mail
 * with mailparser's streaming `MailParser` (attachments are hashed as they stream by, never held),
 * with the inline parts a `cid:` reference may name, each by the content-addressed blob id the ingest
 * step stored it under (the same bytes give the same id: see adapters/blob/file-blob-store.ts).
 * Only reads: sanitising is sanitise-mail-html.ts.
 */
import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { MailParser } from "mailparser";
import type { AttachmentStream, MessageText } from "mailparser";
import type { MailHtml } from "../../app/ports.js";
import { DEFAULT_MIME_LIMITS } from "./mime-limits.js";

/** Inline parts a mail's HTML may name by `cid:`; a newsletter has a few dozen. */
export const MAX_INLINE_PARTS = 100;

export async function readMailHtml(source: Readable, maxHtmlChars = DEFAULT_MIME_LIMITS.maxHtmlChars): Promise<MailHtml> {
  const parser = new MailParser({
    maxHtmlLengthToParse: maxHtmlChars,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    skipHtmlToText: true,
    checksumAlgo: false,
  });
  const inline: MailHtml["inline"] = new Map();
  let html: string | null = null;
  const pending: Promise<void>[] = [];
  await new Promise<void>((resolve, reject) => {
    parser.on("data", (data: AttachmentStream | MessageText) => {
      if (data.type === "text") {
        if (typeof data.html === "string" && data.html.length <= maxHtmlChars) html = data.html;
        return;
      }
      const cid = data.contentId?.replace(/^<|>$/g, "").trim();
      pending.push(
        digest(data.content).then((id) => {
          if (cid && inline.size < MAX_INLINE_PARTS) inline.set(cid, { blob: id, contentType: data.contentType.toLowerCase() });
          data.release?.();
        }),
      );
    });
    parser.on("end", () => resolve());
    parser.on("error", reject);
    source.on("error", reject);
    source.pipe(parser);
  });
  await Promise.all(pending);
  return { html, inline };
}

async function digest(stream: Readable): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream as AsyncIterable<Buffer>) hash.update(chunk);
  return `sha256-${hash.digest("hex")}`;
}
