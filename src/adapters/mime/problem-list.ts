/**
 * The problems of one mail as parse-mail collects them: `<code>: <detail>` entries (codes in
 * core/mail/mail-problem.ts), one line each, de-duplicated and bounded, shared by all levels of a mail.
 */
import { mailProblem, type MailProblemCode } from "../../core/mail/mail-problem.js";
import { stripControlChars } from "./header-lines.js";

/** A detail is for people: one line, no control characters, bounded. */
const MAX_DETAIL_CHARS = 300;

export class ProblemList {
  private readonly list: string[] = [];
  private dropped = 0;

  constructor(private readonly max: number) {}

  /** `context` says where (e.g. "forwarded message 1: "); it goes in front of the detail. */
  add(code: MailProblemCode, detail: string, context = ""): void {
    const entry = mailProblem(code, context + stripControlChars(detail.replace(/\s+/g, " ")).slice(0, MAX_DETAIL_CHARS));
    if (this.list.includes(entry)) return;
    if (this.list.length < this.max) this.list.push(entry);
    else this.dropped++;
  }

  result(): string[] {
    return this.dropped ? [...this.list, `${this.dropped} more problems not listed`] : [...this.list];
  }
}
