/**
 * What kind of mail came in (SPEC §4), before matching it to a case: a person's reply, or noise that
 * must never get an answer — an auto-reply, a delivery report, a complaint, or the bot's own mail.
 * Pure; the vocabulary is data (rules/noise.yaml) passed in.
 *
 * Order matters: delivery reports first (bounces carry `Auto-Submitted` and may come from an MTA on
 * the bot's own domain), then the bot's own mail, then auto-replies; the rest is a reply.
 *
 * Kinds beyond the four of the first design, and why:
 * - `delivery_delay`: a DSN with `Action: delayed` or a "still being retried" warning. Not a bounce (the
 *   address may well work), not worth a flag; treat it like an auto-reply (log, no answer).
 * - `complaint`: an ARF abuse report — someone marked the bot's mail as spam. Never answered; a person
 *   should look, so the caller flags it.
 * - `reply.doubts`: parse problems that mean the bot may have missed part of what the sender said
 *   (`DOUBTFUL_PROBLEM_CODES`); a reply with doubts is flagged rather than acted on silently.
 */
import type { MailFacts } from "../types.js";
import { DOUBTFUL_PROBLEM_CODES, mailProblemCode } from "./mail-problem.js";
import { DEFAULT_NOISE_VOCABULARY, noiseMatchers, type NoiseMatchers, type NoiseVocabulary } from "./noise-vocabulary.js";
import { headerValue, readDeliveryReport, senderMatches, type BounceInfo } from "./read-bounce.js";

export type { BounceInfo } from "./read-bounce.js";

export type MailClass =
  | { kind: "reply"; doubts: string[] }
  | { kind: "auto_reply"; reason: string }
  | { kind: "delivery_delay"; recipient?: string; status?: string }
  | { kind: "bounce"; bounce: BounceInfo }
  | { kind: "complaint"; feedbackType?: string; originalMessageId?: string }
  | { kind: "own"; reason: string };

export interface ClassifyContext {
  /** The bot's addresses (plus-address variants match too). */
  ownAddresses: string[];
  /** Domain of the Message-IDs the bot mints. */
  ownMessageIdDomain: string;
  /**
   * Exact test for the bot's own Message-IDs (their keyed signature); when given it replaces the
   * domain test, which would also catch clients that mint ids in the desk's own domain.
   */
  isOwnMessageId?: (messageId: string) => boolean;
  /** Default: `DEFAULT_NOISE_VOCABULARY` (the same data as rules/noise.yaml). */
  vocabulary?: NoiseVocabulary;
  /**
   * VERP return path, e.g. `/^activations\+bounce-([^@]+)@/i`: matched against the addresses a bounce
   * was delivered to; the first group becomes `bounce.originalMessageId` when the returned headers
   * do not give one.
   */
  verp?: RegExp;
}

/** `local+tag@domain` → `local@domain`, lower-cased. */
function withoutTag(address: string): string {
  const lower = address.trim().toLowerCase();
  const at = lower.lastIndexOf("@");
  if (at < 0) return lower;
  const plus = lower.indexOf("+");
  return plus >= 0 && plus < at ? lower.slice(0, plus) + lower.slice(at) : lower;
}

function ownReason(mail: MailFacts, ctx: ClassifyContext): string | undefined {
  const own = new Set(ctx.ownAddresses.map(withoutTag));
  for (const who of [mail.from, mail.sender]) {
    if (who && own.has(withoutTag(who.address))) return `from the bot's address ${who.address}`;
  }
  if (ctx.isOwnMessageId) {
    if (mail.messageId && ctx.isOwnMessageId(mail.messageId)) return `Message-ID minted by the bot (${mail.messageId})`;
    return undefined;
  }
  const domain = /@([^@>]+)>$/.exec(mail.messageId ?? "")?.[1]?.toLowerCase();
  if (domain && domain === ctx.ownMessageIdDomain.trim().toLowerCase()) return `Message-ID minted by the bot (${domain})`;
  return undefined;
}

function autoReplyReason(mail: MailFacts, m: NoiseMatchers): string | undefined {
  const autoSubmitted = headerValue(mail.headers, "auto-submitted");
  if (autoSubmitted !== undefined) {
    const value = autoSubmitted.trim().toLowerCase().split(/[\s;(]/)[0] ?? "";
    if (value !== "no") return `Auto-Submitted: ${value || "(empty)"}`;
  }
  for (const h of mail.headers) {
    if (!m.autoReplyHeaders.has(h.name)) continue;
    if (/^(?:no|false|0)$/i.test(h.value.trim())) continue;
    return `header ${h.name}`;
  }
  const precedence = headerValue(mail.headers, "precedence")?.trim().toLowerCase();
  if (precedence && m.precedence.has(precedence)) return `Precedence: ${precedence}`;
  for (const who of [mail.from, mail.sender]) {
    if (who && senderMatches(who.address, m.autoReplySenders)) return `automatic sender ${who.address}`;
  }
  const subject = m.autoReplySubject?.exec(mail.subject);
  if (subject) return `subject "${subject[0].trim()}"`;
  // The text alone is a weak signal: only for mails that bring nothing but words.
  if (mail.attachments.every((a) => a.inline)) {
    const body = m.autoReplyBody?.exec(mail.text.trimStart().slice(0, m.autoReplyWindow));
    if (body) return `text "${body[0]}"`;
  }
  return undefined;
}

export function classifyMail(mail: MailFacts, ctx: ClassifyContext): MailClass {
  const m = noiseMatchers(ctx.vocabulary ?? DEFAULT_NOISE_VOCABULARY);
  const report = readDeliveryReport(mail, ctx, m);
  switch (report?.kind) {
    case "failed":
      return { kind: "bounce", bounce: report.bounce };
    case "delayed": {
      const { kind: _kind, ...rest } = report;
      return { kind: "delivery_delay", ...rest };
    }
    case "delivered":
      return { kind: "auto_reply", reason: "delivery report (delivered)" };
    case "read_receipt":
      return { kind: "auto_reply", reason: "read receipt" };
    case "complaint": {
      const { kind: _kind, ...rest } = report;
      return { kind: "complaint", ...rest };
    }
    case undefined:
      break;
  }
  const own = ownReason(mail, ctx);
  if (own) return { kind: "own", reason: own };
  const auto = autoReplyReason(mail, m);
  if (auto) return { kind: "auto_reply", reason: auto };
  const doubts = mail.problems.filter((p) => {
    const code = mailProblemCode(p);
    return code !== undefined && DOUBTFUL_PROBLEM_CODES.has(code);
  });
  return { kind: "reply", doubts };
}
