/**
 * Splits the text part of a reply into what the sender wrote now, the quoted history and the
 * signature. Pure and total: any string in, three strings out, never throws.
 *
 * Invariants
 * - `reply` never contains a line of the quoted history (a `>` line, a client's quote header or
 *   anything below an Outlook-style header block), so answers are only read from new text.
 * - Inline answers (text written between `>`-quoted blocks, as Gmail/Thunderbird users do) are
 *   kept in `reply`; Outlook-style history (no `>` marks) ends the reply at its header.
 * - Every regular expression here is linear (no nested quantifiers) and header checks run on
 *   lines of bounded length, so hostile input costs O(length).
 */

/** Human reply text sits at the top; past this we would only be reading pasted or hostile bulk. */
export const MAX_REPLY_TEXT = 100_000;
/** A client attribution ("On … wrote:") is one or two short lines; longer lines are prose. */
const MAX_ATTRIBUTION_CHARS = 400;
/** Name, e-mail and colon after the verb of an attribution ("skrev Anna <a@b.se>:"). */
const MAX_AFTER_VERB_CHARS = 160;
/** Lines an Outlook header block may span before its Sent/Date/Subject line (wrapped From:). */
const HEADER_BLOCK_WINDOW = 6;
/** A sign-off is followed by at most this many non-empty lines (name, title, company, phone…). */
const MAX_SIGNATURE_LINES = 12;
/** Lines of a signature block are short; a longer line means the "sign-off" was prose. */
const MAX_SIGNATURE_LINE_CHARS = 100;
/** Mobile footers are one short line ("Skickat från min iPhone"). */
const MAX_FOOTER_CHARS = 80;

export interface ReplyParts {
  /** The new text, trimmed of blank lines at both ends. */
  reply: string;
  /** The quoted history (and forwarded content), as it appeared. */
  quoted: string;
  /** Sign-off, name block and mobile footer of the new text. */
  signature: string;
}

export function extractReply(text: string): ReplyParts {
  const lines = normalise(text).split("\n");
  const start = findQuoteStart(lines);
  let own = lines.slice(0, start);
  let quoted = lines.slice(start);

  if (start < lines.length && opensAngleQuote(lines, start)) {
    const split = splitInline(lines, start);
    own = [...own, "", ...split.inline];
    quoted = split.quoted;
  }

  const sig = signatureStart(own);
  return {
    reply: joinTrimmed(stripTrailingRules(own.slice(0, sig)), true),
    quoted: joinTrimmed(quoted),
    signature: joinTrimmed(own.slice(sig), true),
  };
}

function normalise(text: string): string {
  return text
    .slice(0, MAX_REPLY_TEXT)
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[\u00A0\u202F]/g, " ")
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, "");
}

/** Trims blank lines at both ends; with `squeeze`, runs of blank lines become one (inline answers
 *  leave gaps where the quotes were). */
function joinTrimmed(lines: string[], squeeze = false): string {
  let a = 0;
  let b = lines.length;
  while (a < b && (lines[a] ?? "").trim() === "") a++;
  while (b > a && (lines[b - 1] ?? "").trim() === "") b--;
  const out: string[] = [];
  for (const line of lines.slice(a, b)) {
    const l = line.trimEnd();
    if (squeeze && l.trim() === "" && out[out.length - 1] === "") continue;
    out.push(squeeze && l.trim() === "" ? "" : l);
  }
  return out.join("\n");
}

/** A rule line left above the quote by Outlook ("____", "-----") is not part of the reply. */
function stripTrailingRules(lines: string[]): string[] {
  let b = lines.length;
  while (b > 0 && (/^\s*$/.test(lines[b - 1] ?? "") || RULE_LINE.test(lines[b - 1] ?? ""))) b--;
  return lines.slice(0, b);
}

// ---------------------------------------------------------------------------------------------
// Where the history starts

const RULE_LINE = /^\s*(?:_{5,}|-{5,}|={5,})\s*$/;
const ANGLE_LINE = /^\s*>/;

/** "-----Original Message-----", forwarded-message markers; sv/en/da/no/de/nl/fi/fr/es/it. */
const SEPARATOR_LINE = new RegExp(
  "^[\\s>*_-]*(?:" +
    [
      "original message",
      "ursprungligt meddelande",
      "oprindelig (?:besked|meddelelse)",
      "opprinnelig melding",
      "urspr(?:ü|ue)ngliche nachricht",
      "oorspronkelijk bericht",
      "alkuper(?:ä|a)inen viesti",
      "message d'origine",
      "mensaje original",
      "messaggio originale",
      "forwarded message",
      "begin forwarded message",
      "vidarebefordrat meddelande",
      "b(?:ö|o)rjan (?:av|p(?:å|a)) vidarebefordrat meddelande",
      "videresendt (?:besked|meddelelse|melding)",
      "start p(?:å|a) videresendt (?:besked|meddelelse|melding)",
      "weitergeleitete nachricht",
      "anfang der weitergeleiteten nachricht",
      "doorgestuurd bericht",
      "begin doorgestuurd bericht",
      "v(?:ä|a)litetty viesti",
      "message transf(?:é|e)r(?:é|e)",
      "mensaje reenviado",
      "messaggio inoltrato",
      "mensagem original",
      "mensagem encaminhada",
      "oryginalna wiadomo(?:ś|s)(?:ć|c)",
      "wiadomo(?:ś|s)(?:ć|c) przekazana dalej",
      "p(?:ů|u)vodn(?:í|i) zpr(?:á|a)va",
      "p(?:ř|r)eposlan(?:á|a) zpr(?:á|a)va",
      "исходное сообщение",
      "пересылаемое сообщение",
      "пересланное сообщение",
      "元のメッセージ",
      "転送されたメッセージ",
      "原始邮件",
      "原始郵件",
      "转发邮件",
      "轉寄郵件",
    ].join("|") +
    ")[\\s:*_-]*$",
  "i",
);

/** Header names of localised clients (sv, en, da, no, de, nl, fi, fr, es, it, pt, pl, cs, ru, ja, zh). */
const FROM_NAMES = [
  "from", "fr(?:å|a)n", "fra", "von", "van", "de", "da", "od", "l(?:ä|a)hett(?:ä|a)j(?:ä|a)", "fr(?:á|a)", "от",
  "差出人", "送信者", "发件人", "寄件者", "寄件人",
];
const DATE_NAMES = [
  "sent", "date", "skickat", "datum", "dato", "sendt", "gesendet", "verzonden", "l(?:ä|a)hetetty",
  "p(?:ä|a)iv(?:ä|a)m(?:ä|a)(?:ä|a)r(?:ä|a)", "envoy(?:é|e)", "enviad[oa](?:\\s+(?:el|em))?", "fecha", "data", "inviato",
  "wys(?:ł|l)ano", "odesl(?:á|a)no", "отправлено", "дата", "送信日時", "日付", "发送时间", "發送時間", "寄件日期", "日期", "时间",
];
const SUBJECT_NAMES = [
  "subject", "(?:ä|a)mne", "emne", "betreff", "onderwerp", "aihe", "objet", "asunto", "oggetto", "assunto", "temat",
  "p(?:ř|r)edm(?:ě|e)t", "тема", "件名", "主题", "主旨",
];
const headerLine = (names: string[]) => new RegExp(`^\\s*\\*?(?:${names.join("|")})\\*?\\s*[:：]`, "i");
const HEADER_FROM = headerLine(FROM_NAMES);
/** A From: line starts a header block only when a date or subject line follows it. */
const HEADER_DATE_OR_SUBJECT = headerLine([...DATE_NAMES, ...SUBJECT_NAMES]);

/** The verbs of client attributions: "wrote", "skrev", "schrieb", "kirjoitti", "a écrit"… */
const ATTRIBUTION_VERBS = [
  "wrote", "skrev", "schrieb", "schreef", "geschreven", "kirjoitti", "(?:é|e)crit", "scritto", "escribi(?:ó|o)",
  "escreveu", "napisa(?:ł|l)(?:\\(a\\)|a)?", "napsal(?:\\(a\\)|a)?", "написал(?:\\(а\\)|а)?", "пишет",
];
/** Japanese and Chinese clients write the verb with no space before it ("10:12写道："). */
const CJK_ATTRIBUTION_VERBS = ["のメッセージ", "さんは書きました", "写道", "寫道"];
const ATTRIBUTION_VERB = new RegExp(
  `(?:(?:^|[\\s,"'>»])(?:${ATTRIBUTION_VERBS.join("|")})|${CJK_ATTRIBUTION_VERBS.join("|")})(?=[\\s:：]|$)`,
  "i",
);
/** An attribution carries a date, a time or an address; "som jag skrev:" does not. */
const ATTRIBUTION_EVIDENCE = /@|<|\b\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d{2}\b/;
/** Clients that write no verb end the attribution with the address: Gmail's ISO form
 *  ("2014-03-20 8:48 GMT+01:00 Anna <a@b.se>:"), Russian and Japanese clients. */
const ADDRESS_TAIL = /<[^<>\s]{1,200}@[^<>\s]{1,200}>\s*:$/;
const DATE_OR_TIME = /\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}[-/.年]\d{1,2}/;
/** Words an attribution opens with when a client leaves off the colon ("On … wrote"). */
const ATTRIBUTION_OPENER = /^(?:on|am|le|el|il|em|op|den|dne|dnia|w dniu|\d)/i;
/** Lines a client may wrap one attribution over. */
const MAX_ATTRIBUTION_LINES = 3;

function findQuoteStart(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    if (ANGLE_LINE.test(line)) return i;
    if (line.length <= MAX_ATTRIBUTION_CHARS && SEPARATOR_LINE.test(line)) return i;
    if (isHeaderBlock(lines, i)) return includeRuleAbove(lines, i);
    if (attributionAt(lines, i) > 0) return i;
  }
  return lines.length;
}

function isHeaderBlock(lines: string[], i: number): boolean {
  if (!HEADER_FROM.test(lines[i] ?? "")) return false;
  const end = Math.min(lines.length, i + HEADER_BLOCK_WINDOW);
  for (let j = i + 1; j < end; j++) {
    if (HEADER_DATE_OR_SUBJECT.test(lines[j] ?? "")) return true;
  }
  return false;
}

/** Outlook puts a rule line (and blank lines) above its header block: it belongs to the quote. */
function includeRuleAbove(lines: string[], i: number): number {
  let j = i - 1;
  while (j >= 0 && (lines[j] ?? "").trim() === "") j--;
  return j >= 0 && RULE_LINE.test(lines[j] ?? "") ? j : i;
}

/** Zoho's "---- On … wrote ----", "------On … wrote:" and full-width colons, made plain. */
function plainAttribution(text: string): string {
  return text
    .trim()
    .replace(/^-{2,}\s*/, "")
    .replace(/\s*-{2,}$/, "")
    .replace(/：$/, ":");
}

function looksLikeAttribution(text: string): boolean {
  const t = plainAttribution(text);
  if (t.length > MAX_ATTRIBUTION_CHARS) return false;
  if (ADDRESS_TAIL.test(t) && DATE_OR_TIME.test(t)) return true;
  const verb = ATTRIBUTION_VERB.exec(t);
  if (!verb) return false;
  const afterVerb = t.length - (verb.index + verb[0].length);
  if (!t.endsWith(":")) {
    // "On … wrote" without its colon: only when the verb ends the line and an opener starts it.
    return afterVerb === 0 && ATTRIBUTION_OPENER.test(t) && ATTRIBUTION_EVIDENCE.test(t);
  }
  if (afterVerb > MAX_AFTER_VERB_CHARS) return false;
  return ATTRIBUTION_EVIDENCE.test(t);
}

/**
 * Number of lines (1 to MAX_ATTRIBUTION_LINES) of the attribution starting at line i, or 0. Gmail
 * and Outlook wrap long attributions ("… skrev Anna <\nanna@x.se>:"); the first line of a wrapped
 * one carries the date, and a line that alone is an attribution wins over the prose line above it.
 */
function attributionAt(lines: string[], i: number): number {
  const line = lines[i] ?? "";
  if (line.length > MAX_ATTRIBUTION_CHARS) return 0;
  if (looksLikeAttribution(line)) return 1;
  if (!/\d/.test(line)) return 0;
  let joined = line;
  for (let n = 2; n <= MAX_ATTRIBUTION_LINES; n++) {
    const next = lines[i + n - 1];
    if (next === undefined || next.trim() === "" || joined.length > MAX_ATTRIBUTION_CHARS) return 0;
    // A later line that is an attribution by itself starts its own; this one was prose.
    if (looksLikeAttribution(next) && !/^\s*[<(>]/.test(next)) return 0;
    joined = `${joined} ${next.trim()}`;
    if (looksLikeAttribution(joined)) return n;
  }
  return 0;
}

// ---------------------------------------------------------------------------------------------
// Inline answers between `>` blocks

function opensAngleQuote(lines: string[], start: number): boolean {
  if (ANGLE_LINE.test(lines[start] ?? "")) return true;
  const n = attributionAt(lines, start);
  if (n === 0) return false;
  for (let j = start + n; j < lines.length; j++) {
    const l = lines[j] ?? "";
    if (l.trim() !== "") return ANGLE_LINE.test(l);
  }
  return false;
}

function splitInline(lines: string[], start: number): { inline: string[]; quoted: string[] } {
  const inline: string[] = [];
  const quoted: string[] = [];
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") {
      inline.push("");
      continue;
    }
    if (ANGLE_LINE.test(line)) {
      quoted.push(line);
      continue;
    }
    const n = attributionAt(lines, i);
    if (n > 0) {
      quoted.push(...lines.slice(i, i + n));
      i += n - 1;
      continue;
    }
    if (SEPARATOR_LINE.test(line) || isHeaderBlock(lines, i)) {
      quoted.push(...lines.slice(i));
      break;
    }
    inline.push(line);
  }
  return { inline, quoted };
}

// ---------------------------------------------------------------------------------------------
// Signature

const SIGNATURE_DELIMITER = /^\s*--\s*$/;

/** "Skickat från min iPhone", "Get Outlook for iOS"… only with a client word, so that
 *  "Skickat från lagret igår" stays a sentence of the reply. */
const MOBILE_FOOTER = new RegExp(
  "^\\s*(?:" +
    [
      "(?:skickat|sent|sendt|gesendet|verzonden|envoy(?:é|e)|enviado|inviato|l(?:ä|a)hetetty)\\s+" +
        "(?:fr(?:å|a)n|from|fra|von|vanaf|met|de|desde|da|mit|(?:my|min|mitt|mijn|mon|mi|meinem)\\b)",
      "(?:get|h(?:ä|a)mta|skaffa|hent)\\s+outlook\\s+(?:for|f(?:ö|o)r)",
      "diese nachricht wurde von",
    ].join("|") +
    ")",
  "i",
);
const FOOTER_CLIENTS = [
  "iphone", "ipad", "android", "outlook", "mail", "samsung", "galaxy", "mobil", "mobile", "blackberry", "windows",
  "gmail", "huawei", "yahoo", "k-9", "ios", "telefon", "phone", "smartphone",
];
const FOOTER_CLIENT = new RegExp(`\\b(?:${FOOTER_CLIENTS.join("|")})\\b|^\\s*diese nachricht`, "i");

/** Sign-offs (sv, en, da, no, de, fi, nl); what may follow on the same line is checked apart. */
const CLOSINGS = [
  "med\\s+v(?:ä|a)nlig(?:a)?\\s+h(?:ä|a)lsning(?:ar)?",
  "v(?:ä|a)nlig(?:a)?\\s+h(?:ä|a)lsning(?:ar)?",
  "b(?:ä|a)sta\\s+h(?:ä|a)lsningar",
  "h(?:ä|a)lsningar",
  "h(?:ä|a)lsning",
  "m\\.?v\\.?h\\.?",
  "vh",
  "best\\s+regards",
  "kind\\s+regards",
  "warm\\s+regards",
  "regards",
  "best",
  "br",
  "cheers",
  "many\\s+thanks",
  "thanks(?:\\s+in\\s+advance)?",
  "thank\\s+you",
  "tack\\s+s(?:å|a)\\s+mycket",
  "tack\\s+p(?:å|a)\\s+f(?:ö|o)rhand",
  "tack",
  "mit\\s+freundlichen\\s+gr(?:ü|u)(?:ß|ss)en",
  "viele\\s+gr(?:ü|u)(?:ß|ss)e",
  "med\\s+venn?lig\\s+hilsen",
  "venn?lig\\s+hilsen",
  "yst(?:ä|a)v(?:ä|a)llisin\\s+terveisin",
  "terveisin",
  "met\\s+vriendelijke\\s+groet(?:en)?",
  "sincerely",
  "yours\\s+sincerely",
  "yours",
];
const CLOSING = new RegExp(`^\\s*(?:${CLOSINGS.join("|")})(?![\\p{L}])([\\s\\S]*)$`, "iu");

/** A name on the sign-off line or right under it: "Anna", "/Anna A.", "Anna Andersson". */
const NAME_WORD = /^(?:\/{1,2})?[\p{Lu}][\p{L}'’.-]*$/u;

function isNameLike(text: string): boolean {
  const words = text.trim().split(/\s+/).filter((w) => w !== "");
  return words.length >= 1 && words.length <= 4 && words.every((w) => NAME_WORD.test(w));
}

/** First line of a name block: short, not a sentence or a question. */
function isNameBlockLine(text: string): boolean {
  const t = text.trim();
  if (t.length > 60 || /[?:]$/.test(t)) return false;
  const words = t.split(/\s+/).length;
  if (words > 6) return false;
  return !/[.!]$/.test(t) || words <= 3;
}

function isClosing(lines: string[], i: number): boolean {
  const m = CLOSING.exec(lines[i] ?? "");
  if (!m) return false;
  const rest = (m[1] ?? "").replace(/^[\s,.!:;-]+/, "").trim();
  if (rest !== "" && !isNameLike(rest)) return false;

  let count = 0;
  let first: string | undefined;
  for (let j = i + 1; j < lines.length; j++) {
    const l = (lines[j] ?? "").trim();
    if (l === "") continue;
    if (l.length > MAX_SIGNATURE_LINE_CHARS) return false;
    first ??= l;
    count++;
    if (count > MAX_SIGNATURE_LINES) return false;
  }
  return first === undefined || isNameBlockLine(first);
}

function isFooter(line: string): boolean {
  return line.trim().length <= MAX_FOOTER_CHARS && MOBILE_FOOTER.test(line) && FOOTER_CLIENT.test(line);
}

/**
 * Index of the first line of the signature, or lines.length. A sign-off only counts below some
 * content, so a reply that opens with "Tack!" keeps its body.
 */
function signatureStart(lines: string[]): number {
  let seenContent = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    if (SIGNATURE_DELIMITER.test(line) || isFooter(line)) return i;
    if (seenContent && isClosing(lines, i)) return i;
    seenContent = true;
  }
  return lines.length;
}
