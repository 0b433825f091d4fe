/**
 * The problems a parsed mail can carry (`MailFacts.problems`). Each entry is `<code>: <detail>`: the
 * code is stable and machine-readable, the detail is for people. The MIME adapter writes them, the core
 * reads the codes, so the vocabulary lives here (core imports no adapter).
 */

export const MAIL_PROBLEM_CODES = [
  /** The MIME parser gave up part-way; whatever came after that point is missing. */
  "mime_error",
  /** The mail was longer than the parser is allowed to read; the tail is missing. */
  "mail_truncated",
  /** The text was cut at the text limit. */
  "text_truncated",
  /** An HTML part could not be turned into text (too long or nested too deep). */
  "html_not_converted",
  /** More parts than the attachment limit: the rest were listed but not stored. */
  "too_many_parts",
  /** A part over the size limit was not stored. */
  "part_too_large",
  /** A winmail.dat could not be read completely. */
  "tnef_error",
  /** A forwarded message nested deeper than the limit was stored but not opened. */
  "embedded_too_deep",
  "header_truncated",
  "unknown_charset",
  "no_message_id",
  "bad_date",
  "bom_removed",
  "cr_line_endings",
] as const;

export type MailProblemCode = (typeof MAIL_PROBLEM_CODES)[number];

/**
 * Codes that mean the bot may not have seen everything the sender said: a mail with one of these is
 * not acted on silently.
 */
export const DOUBTFUL_PROBLEM_CODES: ReadonlySet<MailProblemCode> = new Set<MailProblemCode>([
  "mime_error",
  "mail_truncated",
  "text_truncated",
  "html_not_converted",
  "too_many_parts",
  "tnef_error",
]);

export function mailProblem(code: MailProblemCode, detail: string): string {
  return `${code}: ${detail}`;
}

const KNOWN = new Set<string>(MAIL_PROBLEM_CODES);

/** The code of a problem entry, or undefined for a free-text entry. */
export function mailProblemCode(problem: string): MailProblemCode | undefined {
  const colon = problem.indexOf(":");
  const code = colon < 0 ? problem : problem.slice(0, colon);
  return KNOWN.has(code) ? (code as MailProblemCode) : undefined;
}
