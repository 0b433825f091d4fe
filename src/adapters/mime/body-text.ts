/**
 * The text of a mail as the core reads it: mailparser's text (the text part, else the HTML converted by
 * html-to-text, which drops scripts and styles), never the raw HTML; script URLs removed, control
 * characters removed, line ends normalised, bounded.
 */
import { MailParser } from "mailparser";
import type { AttachmentStream, MessageText } from "mailparser";
import { stripControlChars } from "./header-lines.js";
import type { MimeLimits } from "./mime-limits.js";
import type { ProblemList } from "./problem-list.js";
import type { MessageParts } from "./walk-message.js";

/** html-to-text writes link targets as `[href]`; script URLs are dropped so no one follows them. */
const SCRIPT_LINK = /\[\s*(?:javascript|vbscript|data):[^\]\n]{0,2000}\]/gi;

/**
 * mailparser turns HTML into text only for a root HTML part or one beside a text part, so an HTML-only
 * body inside multipart/mixed (webmail with photos attached) comes without text. Such HTML is passed
 * through mailparser once more as the root part of a minimal mail, which converts it the same way.
 */
async function textOfHtml(html: string, limits: MimeLimits): Promise<MessageText | undefined> {
  const parser = new MailParser({
    maxHtmlLengthToParse: limits.maxHtmlChars,
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
    checksumAlgo: false,
  });
  return new Promise((resolve) => {
    let result: MessageText | undefined;
    parser.on("data", (data: AttachmentStream | MessageText) => {
      if (data.type === "text") result = data;
      else {
        data.content.resume();
        data.release?.();
      }
    });
    parser.on("end", () => resolve(result));
    parser.on("error", () => resolve(undefined));
    parser.end(Buffer.from(`Content-Type: text/html; charset=utf-8\r\n\r\n${html}`, "utf8"));
  });
}

export async function readBodyText(level: MessageParts, limits: MimeLimits, problems: ProblemList): Promise<{ text: string; textFromHtml: boolean }> {
  let message = level.text;
  let textFromHtml = Boolean(message?.html) && !level.sawPlainText;
  if (message?.html && !message.text?.trim() && !message.textConversionError) {
    if (message.html.length > limits.maxHtmlChars) {
      problems.add("html_not_converted", `HTML of ${message.html.length} characters is over the limit`);
    } else {
      message = (await textOfHtml(message.html, limits)) ?? message;
      textFromHtml = true;
    }
  }
  if (message?.textConversionError) problems.add("html_not_converted", message.textConversionError.message);
  let text = stripControlChars((message?.text ?? "").replace(/\r\n?/g, "\n").replace(SCRIPT_LINK, ""));
  if (text.length > limits.maxTextChars) {
    problems.add("text_truncated", `text cut at ${limits.maxTextChars} of ${text.length} characters`);
    text = text.slice(0, limits.maxTextChars);
  }
  return { text, textFromHtml };
}
