/**
 * Header values as the core sees them: unfolded, raw 8-bit bytes and RFC 2047 encoded words decoded,
 * control characters removed, bounded. mailsplit hands over each header line as a latin1 ("binary")
 * string of the original bytes; everything here starts from that.
 */
import { TextDecoder } from "node:util";
import { parseAddressHeader } from "mailparser";
import type { Address } from "../../core/types.js";

/** C0 controls and DEL except TAB, CR and LF (those are handled on their own). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const HAS_CONTROL_CHAR = /[\u0000-\u001F\u007F]/;
/** Invisible direction overrides let a name or filename display as something else. */
const BIDI_OVERRIDES = /[\u202A-\u202E\u2066-\u2069]/g;

/** Removes control characters (TAB, CR and LF stay) and direction overrides. */
export function stripControlChars(s: string): string {
  return s.replace(CONTROL_CHARS, "").replace(BIDI_OVERRIDES, "");
}

/** Collapses line breaks and tabs to spaces and removes other control characters: a one-line value. */
export function oneLine(s: string): string {
  return stripControlChars(s.replace(/[\r\n\t]+/g, " ")).trim();
}

/** A file name for display: the last path segment, no control characters, bounded. Never a path. */
export function displayFilename(name: string): string {
  const base = name.replace(/\0+$/, "").split(/[\\/]/).pop() ?? "";
  return stripControlChars(base).trim().slice(0, 255);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const WINDOWS_1252 = new TextDecoder("windows-1252");

/**
 * Decodes raw header bytes: UTF-8 when they are valid UTF-8 (RFC 6532), else in the charset the mail
 * declares for its body (what the sender's client most likely used, e.g. raw KOI8-R), else
 * windows-1252, which maps every byte to some character rather than to U+FFFD.
 */
export function decodeRawBytes(bytes: Buffer, fallback?: TextDecoder): string {
  if (!bytes.some((b) => b >= 0x80)) return bytes.toString("latin1");
  try {
    return UTF8.decode(bytes);
  } catch {
    return (fallback ?? WINDOWS_1252).decode(bytes);
  }
}

/** Charsets decoded as UTF-8 on purpose: UTF-7 can smuggle markup (`+ADw-script+AD4-`). */
const REFUSED_CHARSET = /^(?:(?:cs)?unicode11)?utf7(?:imap)?$/;

/** A decoder for a MIME charset label, or undefined when the platform has none for it. */
export function charsetDecoder(label: string): TextDecoder | undefined {
  const clean = label.trim().toLowerCase();
  if (REFUSED_CHARSET.test(clean.replace(/[^a-z0-9]/g, ""))) return undefined;
  try {
    return new TextDecoder(clean);
  } catch {
    return undefined;
  }
}

/** RFC 2047 encoded word; encoded text has no spaces or `?`, charset may carry an RFC 2231 `*lang`. */
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([bBqQ])\?([^?\s]*)\?=/g;

function wordBytes(encoding: string, text: string): Buffer {
  if (encoding === "b" || encoding === "B") return Buffer.from(text, "base64");
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const hex = c === "=" ? text.slice(i + 1, i + 3) : "";
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(c === "_" ? 0x20 : text.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/**
 * Decodes RFC 2047 encoded words. Adjacent words of one charset are joined as bytes before decoding,
 * because senders split multi-byte characters across words. An unknown charset is decoded as UTF-8
 * (invalid bytes replaced) and reported through `onUnknownCharset`.
 */
export function decodeEncodedWords(value: string, onUnknownCharset: (charset: string) => void): string {
  if (!value.includes("=?")) return value;
  let out = "";
  let last = 0;
  let run: { charset: string; bytes: Buffer[] } | undefined;
  const flush = () => {
    if (!run) return;
    const decoder = charsetDecoder(run.charset);
    if (!decoder) onUnknownCharset(run.charset);
    out += (decoder ?? new TextDecoder("utf-8")).decode(Buffer.concat(run.bytes));
    run = undefined;
  };
  for (const m of value.matchAll(ENCODED_WORD)) {
    const [word, charset = "", encoding = "", text = ""] = m;
    const between = value.slice(last, m.index);
    // Whitespace between two encoded words is folding, not content (RFC 2047 §6.2).
    if (!(run && /^[ \t\r\n]*$/.test(between))) {
      flush();
      out += between;
    }
    const key = charset.toLowerCase();
    if (run && run.charset !== key) flush();
    run ??= { charset: key, bytes: [] };
    run.bytes.push(wordBytes(encoding, text));
    last = m.index + word.length;
  }
  flush();
  return out + value.slice(last);
}

export interface DecodedHeader {
  name: string;
  /** Unfolded, 8-bit decoded, encoded words still encoded: what address parsing wants. */
  raw: string;
  /** Fully decoded, one line, bounded: `HeaderLine.value`. */
  value: string;
  truncated: boolean;
}

/** Decodes one header line as mailsplit gives it (`Name: value`, folding included, latin1 string). */
export function decodeHeaderLine(
  key: string,
  line: string,
  maxChars: number,
  onUnknownCharset: (charset: string) => void,
  rawFallback?: TextDecoder,
): DecodedHeader {
  const colon = line.indexOf(":");
  const fullValue = colon < 0 ? "" : line.slice(colon + 1);
  // Bounded before decoding so that the work per line stays proportional to what is kept.
  const rawValue = fullValue.slice(0, maxChars * 4);
  const unfolded = rawValue.replace(/\r\n|\r|\n/g, "");
  const raw = decodeRawBytes(Buffer.from(unfolded, "latin1"), rawFallback);
  const decoded = oneLine(decodeEncodedWords(raw, onUnknownCharset));
  return {
    name: oneLine(key).toLowerCase().slice(0, 200),
    raw,
    value: decoded.slice(0, maxChars),
    truncated: decoded.length > maxChars || rawValue.length < fullValue.length,
  };
}

const MESSAGE_ID = /<([^<>]{1,998})>/g;

function cleanId(inner: string): string | undefined {
  const id = inner.replace(/\s+/g, "");
  return id && !HAS_CONTROL_CHAR.test(id) ? `<${id}>` : undefined;
}

/** Every `<…>` Message-ID in a value; bare `local@domain` tokens when there is no bracketed one. */
export function readMessageIds(value: string): string[] {
  const ids: string[] = [];
  for (const m of value.matchAll(MESSAGE_ID)) {
    const id = cleanId(m[1] ?? "");
    if (id) ids.push(id);
  }
  if (ids.length) return ids;
  for (const token of value.split(/[\s,]+/)) {
    if (/^[^<>@\s]+@[^<>@\s]+$/.test(token)) ids.push(`<${token}>`);
  }
  return ids;
}

/**
 * Addresses of one address field, lower-cased. A bare word without `@` (`From: MAILER-DAEMON`, as some
 * MTAs write it) is kept as the address, since it names the sender; empty entries are dropped.
 */
export function readAddresses(values: string[], max: number): Address[] {
  if (!values.length) return [];
  const parsed = parseAddressHeader(values, { flatten: true }).value;
  const out: Address[] = [];
  for (const entry of parsed) {
    if (out.length >= max) break;
    let address = oneLine(entry.address ?? "").toLowerCase();
    let name = oneLine(entry.name ?? "");
    if (!address && /^[^\s@<>"]+$/.test(name)) {
      address = name.toLowerCase();
      name = "";
    }
    if (!address) continue;
    out.push(name ? { address: address.slice(0, 320), name: name.slice(0, 200) } : { address: address.slice(0, 320) });
  }
  return out;
}
