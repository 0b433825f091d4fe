/**
 * Reading machine-made reports about mail the bot sent: delivery failures and delays (RFC 3464 DSNs
 * and the free-text ones of Exchange, Gmail, qmail, Exim …), read receipts (RFC 8098) and abuse
 * complaints (RFC 5965 ARF). Pure: works on `MailFacts` and the noise vocabulary only.
 */
import type { HeaderLine, MailFacts, ReportPart } from "../types.js";
import type { NoiseMatchers } from "./noise-vocabulary.js";
import { readBounceFamily } from "./bounce-families.js";
import { statusFromText } from "./status-from-text.js";

export interface BounceInfo {
  /** The address that could not be reached, lower-cased. */
  recipient?: string;
  /** RFC 3463 enhanced status code, e.g. "5.1.1". */
  status?: string;
  /** The receiving server's words, one line, bounded. */
  diagnostic?: string;
  /** Message-ID of the bot's mail that bounced, `<…>` (or the VERP token, see `readDeliveryReport`). */
  originalMessageId?: string;
  /** A 5.x.x failure: the address is not going to work. A 4.x.x one that gave up may work later. */
  permanent: boolean;
}

export type DeliveryReport =
  | { kind: "failed"; bounce: BounceInfo }
  | { kind: "delayed"; recipient?: string; status?: string }
  | { kind: "delivered" }
  | { kind: "read_receipt" }
  | { kind: "complaint"; feedbackType?: string; originalMessageId?: string };

export interface BounceContext {
  ownAddresses: readonly string[];
  /** VERP: a pattern on the address the bounce was delivered to; its first group is the token. */
  verp?: RegExp;
}

const HEADER_BLOCK_TYPES = new Set(["text/rfc822-headers", "message/rfc822-headers", "message/global-headers", "message/rfc822", "message/global"]);
const DSN_TYPES = new Set(["message/delivery-status", "message/global-delivery-status"]);
const MDN_TYPES = new Set(["message/disposition-notification", "message/global-disposition-notification"]);
/** RFC 3463 code, not part of a dotted IP address or version number. */
const STATUS_CODE = /(?<![\w.])([245])\.(\d{1,3})\.(\d{1,3})(?!\w|\.\d)/;
const SMTP_REPLY = /(?<![\w.])([45])\d\d(?=[ -])/;
const LOCAL_CHAR = /[a-z0-9._%+\-=!#$&'*/?^`{|}~]/i;
const DOMAIN_CHAR = /[a-z0-9.-]/i;
const DOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,}$/i;
/** RFC 5321 limits: 64 for the local part, 255 for the domain. */
const MAX_LOCAL = 64;
const MAX_DOMAIN = 255;
const FORWARD_OR_REPLY_PREFIX = /^\s*(?:re|fw|fwd|vb|sv|wg|tr|aw|rv|enc)\s*:/i;
const MAX_DIAGNOSTIC_CHARS = 300;
/** RFC 5321 source route before an address: `@relay.example:user@host` names `user@host`. */
const SOURCE_ROUTE = /^(?:@[^:,\s]{1,255}[,:])+/;
/**
 * Header lines of the returned original and of the report itself, whose addresses are never the
 * failed recipient: Message-IDs look like addresses, From/Reply-To are the bot's or the reporter's.
 */
const NON_RECIPIENT_HEADER_LINE =
  /^[ \t>]*(?:message-id|references|in-reply-to|received|return-path|reply-to|from|sender|dkim-signature|arc-[\w-]+|x-[\w-]+|list-[\w-]+)[ \t]*:.*$/gim;
/** Role accounts of the reporting system ("contact postmaster@isp.example"), never the recipient. */
const REPORTER_LOCAL_PART = /^(?:postmaster|mailer-?daemon|hostmaster|webmaster|abuse|helpdesk|help-desk|noc|root|administrator|sysadmin)$/i;
/** A local part of digits, hex and dots, as in Message-IDs (`6668.3412…@df.example.jp`), not a person's. */
const ID_LIKE_LOCAL_PART = /^[0-9a-f.$_=-]{12,}$/i;

export function headerValue(headers: readonly HeaderLine[], name: string): string | undefined {
  return headers.find((h) => h.name === name)?.value;
}

/** `type/subtype` and lower-cased parameters of a Content-Type value. */
function parseContentType(value: string | undefined): { type: string; params: Map<string, string> } {
  const [type = "", ...rest] = (value ?? "").split(";");
  const params = new Map<string, string>();
  for (const p of rest) {
    const eq = p.indexOf("=");
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, "").toLowerCase());
  }
  return { type: type.trim().toLowerCase(), params };
}

/** `Name: value` fields of a header-like block, unfolded, names lower-cased, in order; blank lines as `""`. */
function fields(text: string): { name: string; value: string }[] {
  const out: { name: string; value: string }[] = [];
  for (const line of text.split("\n")) {
    const last = out[out.length - 1];
    if (!line.trim()) {
      out.push({ name: "", value: "" });
    } else if (/^[ \t]/.test(line) && last?.name) {
      last.value += ` ${line.trim()}`;
    } else {
      const m = /^([A-Za-z0-9-]{1,76})[ \t]*:(.*)$/.exec(line);
      if (m?.[1]) out.push({ name: m[1].toLowerCase(), value: (m[2] ?? "").trim() });
    }
  }
  return out;
}

function firstMessageId(value: string): string | undefined {
  const bracketed = /<([^<>\s]{1,998})>/.exec(value)?.[1];
  if (bracketed) return `<${bracketed}>`;
  const bare = /^\s*([^<>\s@]+@[^<>\s@]+)\s*$/.exec(value)?.[1];
  return bare ? `<${bare}>` : undefined;
}

/** `rfc822; <a@b>` → `a@b`; a source route in front is dropped. */
function typedAddress(value: string): string | undefined {
  const address = (value.includes(";") ? value.slice(value.indexOf(";") + 1) : value)
    .trim()
    .replace(/^<|>$/g, "")
    .trim()
    .replace(SOURCE_ROUTE, "");
  return address ? address.toLowerCase() : undefined;
}

interface DsnRecipient {
  recipient?: string;
  action?: string;
  status?: string;
  /** Words after the status code ("Status: 5.0.0 (user not found)", GroupWise). */
  statusWords?: string;
  diagnostic?: string;
}

/**
 * Per-recipient fields of delivery-status parts. Blocks are split at blank lines, and also where a
 * second Final-Recipient starts, since some MTAs leave the blank line out.
 */
function dsnRecipients(parts: readonly ReportPart[]): DsnRecipient[] {
  const out: DsnRecipient[] = [];
  for (const part of parts.filter((p) => DSN_TYPES.has(p.contentType))) {
    let current: DsnRecipient & { final?: boolean } = {};
    const close = () => {
      if (current.recipient || current.action || current.status) out.push(current);
      current = {};
    };
    for (const { name, value } of fields(part.text)) {
      if (!name) {
        close();
        continue;
      }
      if (name === "final-recipient" || name === "original-recipient" || name === "x-actual-recipient") {
        if (current.final && name === "final-recipient") close();
        if (name === "final-recipient" || !current.recipient) current.recipient = typedAddress(value);
        if (name === "final-recipient") current.final = true;
      } else if (name === "action") current.action = value.toLowerCase().split(/[\s(]/)[0];
      else if (name === "status") {
        const code = STATUS_CODE.exec(value);
        current.status = code?.[0];
        const words = oneLine(code ? value.slice(code.index + code[0].length) : value).replace(/^[\s(;:-]+|[\s)]+$/g, "");
        if (words) current.statusWords = words;
      }
      else if (name === "diagnostic-code") current.diagnostic = oneLine(value.replace(/^[a-z0-9-]+\s*;\s*/i, ""));
    }
    close();
  }
  return out;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim().slice(0, MAX_DIAGNOSTIC_CHARS);
}

/** Message-ID of the returned message: its header block first, then a copy quoted in the text. */
function returnedMessageId(mail: MailFacts, window: string): string | undefined {
  for (const part of mail.reportParts) {
    if (!HEADER_BLOCK_TYPES.has(part.contentType)) continue;
    const id = fields(part.text).find((f) => f.name === "message-id");
    const parsed = id && firstMessageId(id.value);
    if (parsed) return parsed;
  }
  const quoted = /^[ \t>]*Message-ID:[ \t]*(<[^<>\s]{1,998}>)/im.exec(window)?.[1];
  return quoted;
}

function verpToken(mail: MailFacts, verp: RegExp | undefined): string | undefined {
  if (!verp) return undefined;
  const pattern = new RegExp(verp.source, verp.flags.replace(/[gy]/g, ""));
  for (const address of [...mail.deliveredTo, ...mail.to.map((a) => a.address)]) {
    const token = pattern.exec(address)?.[1];
    if (token) return token;
  }
  return undefined;
}

function originalMessageId(mail: MailFacts, window: string, ctx: BounceContext): string | undefined {
  return returnedMessageId(mail, window) ?? verpToken(mail, ctx.verp) ?? mail.inReplyTo;
}

function localPart(address: string | undefined): string {
  const at = (address ?? "").lastIndexOf("@");
  return (at < 0 ? (address ?? "") : (address ?? "").slice(0, at)).toLowerCase();
}

export function senderMatches(address: string | undefined, localParts: readonly string[]): boolean {
  const local = localPart(address);
  return local !== "" && localParts.some((p) => local.startsWith(p));
}

/** The first address in the text that is not one of the mail's own parties: the failed recipient. */
function recipientInText(mail: MailFacts, text: string, ctx: BounceContext, m: NoiseMatchers): string | undefined {
  const known = new Set(
    [
      ...ctx.ownAddresses,
      ...mail.to.map((a) => a.address),
      ...mail.cc.map((a) => a.address),
      ...mail.deliveredTo,
      mail.from?.address ?? "",
      mail.sender?.address ?? "",
      mail.returnPath ?? "",
    ].map((a) => a.toLowerCase()),
  );
  for (const address of addressesIn(text.replace(NON_RECIPIENT_HEADER_LINE, ""))) {
    if (known.has(address) || senderMatches(address, m.bounceSenders)) continue;
    const local = localPart(address);
    if (REPORTER_LOCAL_PART.test(local) || (ID_LIKE_LOCAL_PART.test(local) && /\d/.test(local))) continue;
    return address;
  }
  return undefined;
}

/**
 * Addresses in free text, in order, lower-cased. Grown outwards from each `@` within the RFC 5321
 * lengths, so the work stays linear in the text (a regex scan is quadratic on long runs of letters).
 */
function* addressesIn(text: string): Generator<string> {
  for (let at = text.indexOf("@"); at >= 0; at = text.indexOf("@", at + 1)) {
    let start = at;
    while (start > 0 && at - start < MAX_LOCAL && LOCAL_CHAR.test(text[start - 1] ?? "")) start--;
    let end = at + 1;
    while (end < text.length && end - at <= MAX_DOMAIN && DOMAIN_CHAR.test(text[end] ?? "")) end++;
    const local = text.slice(start, at).replace(/^mailto:/i, "").replace(/^\.+|\.+$/g, "");
    const domain = text.slice(at + 1, end).replace(/[.-]+$/, "");
    if (local && DOMAIN.test(domain)) yield `${local}@${domain}`.toLowerCase();
  }
}

function failureFromText(mail: MailFacts, window: string, ctx: BounceContext, m: NoiseMatchers): BounceInfo {
  const failed = headerValue(mail.headers, "x-failed-recipients");
  // A known family's form says where its recipient and reason stand (bounce-families.ts).
  const form = readBounceFamily(window);
  // Otherwise addresses and codes follow the sentence that says delivery failed; start reading there.
  const phraseAt = m.bounceBody ? window.search(m.bounceBody) : -1;
  const after = phraseAt >= 0 ? window.slice(phraseAt) : window;
  const recipient =
    (failed ? recipientInText(mail, failed, ctx, m) : undefined) ??
    (form?.recipient ? recipientInText(mail, form.recipient, ctx, m) : undefined) ??
    recipientInText(mail, after, ctx, m) ??
    recipientInText(mail, window, ctx, m);
  let diagnostic: string | undefined;
  let status: string | undefined;
  let permanent = true;
  // The form's reason first; a code elsewhere in the text still counts (a report's Status line).
  const why = form?.why;
  const found = [why ?? "", after, window]
    .map((text) => ({ text, match: STATUS_CODE.exec(text) }))
    .find((f) => f.match);
  const smtp = SMTP_REPLY.exec(why ?? "") ?? SMTP_REPLY.exec(after);
  if (found?.match) {
    status = found.match[0];
    permanent = found.match[1] === "5";
    diagnostic = why ? oneLine(why) : lineAt(found.text, found.match.index);
  } else if (smtp) {
    permanent = smtp[1] === "5";
    diagnostic = why ? oneLine(why) : lineAt(after, smtp.index);
  } else if (why) {
    diagnostic = oneLine(why);
  }
  status = refineStatus(status, [diagnostic, after], permanent);
  if (status) permanent = status.startsWith("5");
  const info: BounceInfo = { permanent };
  if (status) info.status = status;
  if (recipient) info.recipient = recipient;
  if (diagnostic) info.diagnostic = diagnostic;
  return info;
}

/**
 * A missing or catch-all (`X.0.0`) status made specific from the report's words (status-from-text.ts).
 * A given class stays, except for the meanings that have one class whatever the server wrote
 * ("message expired" is 4.4.7 even in a 5.0.0 report that gave up).
 */
function refineStatus(status: string | undefined, texts: readonly (string | undefined)[], permanent: boolean): string | undefined {
  if (status && !/^[45]\.0\.0$/.test(status)) return status;
  for (const text of texts) {
    if (!text) continue;
    const found = statusFromText(text, status ? status.startsWith("5") : permanent);
    if (!found || found.endsWith(".0.0")) continue;
    if (!status || found.startsWith("4.4.") || found === "5.7.1") return found;
    return `${status[0]}${found.slice(1)}`;
  }
  return status ?? texts.map((t) => t && statusFromText(t, permanent)).find(Boolean);
}

/** The line of the text that names the address, without the address itself, if any. */
function lineNaming(text: string, address: string | undefined): string | undefined {
  if (!address) return undefined;
  const lower = text.toLowerCase();
  const at = lower.indexOf(address);
  return at < 0 ? undefined : lineAt(lower, at).replace(address, " ").trim() || undefined;
}

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf("\n", index) + 1;
  const end = text.indexOf("\n", index);
  return oneLine(text.slice(start, end < 0 ? undefined : end));
}

/** Microsoft's junk-mail reporting (JMRP) and similar: a complaint in words, no message/feedback-report part. */
const COMPLAINT_HEADER = "x-hmxmroriginalrecipient";
const COMPLAINT_WORDS = /\b(?:this is an? (?:e-?mail )?abuse report|marked (?:the|this) (?:e-?mail |message )(?:as )?(?:spam|junk))\b/i;
const JMRP_SUBJECT = /^\s*complaint about message from\b/i;
const COMPLAINT_SUBJECT = /\b(?:complaint|abuse report)\b/i;

function isComplaintWithoutArf(mail: MailFacts, window: string): boolean {
  if (headerValue(mail.headers, COMPLAINT_HEADER) !== undefined) return true;
  // JMRP's own subject with the reported mail enclosed as message/rfc822, whatever the words say.
  if (JMRP_SUBJECT.test(mail.subject) && mail.reportParts.some((p) => HEADER_BLOCK_TYPES.has(p.contentType))) return true;
  return COMPLAINT_SUBJECT.test(mail.subject) && COMPLAINT_WORDS.test(window) && !FORWARD_OR_REPLY_PREFIX.test(mail.subject);
}

/**
 * What kind of machine report the mail is, or undefined for anything else. Standard reports are read
 * from their parts; free-text bounces need a report-like sender (or a null Return-Path) and bounce
 * words, or a bounce subject and bounce words on a mail that is not a person's forward or reply.
 */
export function readDeliveryReport(mail: MailFacts, ctx: BounceContext, m: NoiseMatchers): DeliveryReport | undefined {
  const contentType = parseContentType(headerValue(mail.headers, "content-type"));
  const reportType = contentType.type === "multipart/report" ? contentType.params.get("report-type") : undefined;
  const window = mail.text.slice(0, m.bounceWindow);

  if (reportType === "feedback-report" || mail.reportParts.some((p) => p.contentType === "message/feedback-report")) {
    const report = mail.reportParts.find((p) => p.contentType === "message/feedback-report");
    const feedbackType = report && fields(report.text).find((f) => f.name === "feedback-type")?.value.toLowerCase();
    const original = returnedMessageId(mail, window);
    return { kind: "complaint", ...(feedbackType ? { feedbackType } : {}), ...(original ? { originalMessageId: original } : {}) };
  }
  if (isComplaintWithoutArf(mail, window)) {
    const original = returnedMessageId(mail, window);
    return { kind: "complaint", feedbackType: "abuse", ...(original ? { originalMessageId: original } : {}) };
  }
  if (reportType === "disposition-notification" || mail.reportParts.some((p) => MDN_TYPES.has(p.contentType))) {
    return { kind: "read_receipt" };
  }

  const failedRecipients = headerValue(mail.headers, "x-failed-recipients") !== undefined;
  const reportSender =
    mail.returnPath === "" ||
    senderMatches(mail.from?.address, m.bounceSenders) ||
    senderMatches(mail.returnPath, m.bounceSenders) ||
    failedRecipients;
  const subjectSaysBounce = Boolean(m.bounceSubject?.test(mail.subject));
  // A report wrapped in another (a bounce of a bounce, a DSN forwarded as message/rfc822) counts only when
  // the wrapper is itself from a reporter: a person forwarding a bounce to the desk wrote a reply.
  const ownDsn = mail.reportParts.some((p) => DSN_TYPES.has(p.contentType));
  const fromReporter = reportSender || (subjectSaysBounce && !FORWARD_OR_REPLY_PREFIX.test(mail.subject));
  const nested = !ownDsn && fromReporter ? (mail.nestedReportParts ?? []) : [];
  // Some reporters write the delivery-status fields into the text instead of a part of their own
  // (Amazon WorkMail's "Technical report:"); read them there when a reporter sent the mail.
  const parts = [...mail.reportParts, ...nested];
  const reportedInText = !parts.some((p) => DSN_TYPES.has(p.contentType)) && fromReporter && /^final-recipient[ \t]*:/im.test(window);
  const recipients = dsnRecipients(reportedInText ? [...parts, { contentType: "message/delivery-status", text: window }] : parts);
  const failedRcpt = recipients.find((r) => r.action === "failed") ?? recipients.find((r) => !r.action && r.status?.startsWith("5"));
  if (failedRcpt) {
    const fromText = failureFromText(mail, window, ctx, m);
    const diagnostic = failedRcpt.diagnostic ?? fromText.diagnostic;
    // The words that say why: the report's own, then the text's line that names the recipient
    // ("tekniker@kommun.example (user not found)", GroupWise).
    const why = [failedRcpt.diagnostic, failedRcpt.statusWords, fromText.diagnostic, lineNaming(window, failedRcpt.recipient ?? fromText.recipient)];
    const status = refineStatus(failedRcpt.status ?? fromText.status, why, fromText.permanent);
    const bounce: BounceInfo = { permanent: status ? status.startsWith("5") : fromText.permanent };
    const recipient = failedRcpt.recipient ?? fromText.recipient;
    if (recipient) bounce.recipient = recipient;
    if (status) bounce.status = status;
    if (diagnostic) bounce.diagnostic = diagnostic;
    const original = originalMessageId(mail, window, ctx);
    if (original) bounce.originalMessageId = original;
    return { kind: "failed", bounce };
  }
  const delayed = recipients.find((r) => r.action === "delayed") ?? recipients.find((r) => !r.action && r.status?.startsWith("4"));
  if (delayed) return { kind: "delayed", ...(delayed.recipient ? { recipient: delayed.recipient } : {}), ...(delayed.status ? { status: delayed.status } : {}) };
  if (recipients.some((r) => r.action && ["delivered", "relayed", "expanded"].includes(r.action))) return { kind: "delivered" };

  const headerSaysReport = reportType === "delivery-status" || failedRecipients;
  // The body's phrases only count beside a report sender or a bounce subject: most mails stop here,
  // before the body regexes run over their text.
  if (!headerSaysReport && !reportSender && !subjectSaysBounce) return undefined;
  const bodySaysBounce = Boolean(m.bounceBody?.test(window));
  const saysDelay = Boolean(m.delaySubject?.test(mail.subject)) || Boolean(m.delayBody?.test(window));
  const isReport =
    headerSaysReport ||
    (reportSender && (subjectSaysBounce || bodySaysBounce || saysDelay)) ||
    (subjectSaysBounce && bodySaysBounce && !FORWARD_OR_REPLY_PREFIX.test(mail.subject));
  if (!isReport) return undefined;

  const info = failureFromText(mail, window, ctx, m);
  if (saysDelay && !info.status?.startsWith("5")) {
    return { kind: "delayed", ...(info.recipient ? { recipient: info.recipient } : {}), ...(info.status ? { status: info.status } : {}) };
  }
  const original = originalMessageId(mail, window, ctx);
  if (original) info.originalMessageId = original;
  return { kind: "failed", bounce: info };
}
