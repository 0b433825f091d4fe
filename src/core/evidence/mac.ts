/**
 * MAC addresses of stations (SPEC §3): normalise, find in free text, check against the case.
 *
 * Two label styles exist on chargers: the 12-hex-digit EUI-48 ("00:24:B1:00:02:75") and a 16-hex-digit
 * EUI-64 style ("0024:B100:0002:75A3"). Both are written with colons, dashes, dots, spaces or nothing.
 * The canonical form is upper-case hex pairs joined by colons, so the same station compares equal
 * however the installer typed it. An EUI-64 built from an EUI-48 by inserting FF:FE (or FF:FF) in the
 * middle is the same station and compares equal to its EUI-48.
 */
import type { Locale } from "../types.js";
import { fillPlaceholders, type FormsRules, type MacCode } from "./schema.js";
import { matchesOf } from "../match-all.js";

/** A raw value longer than this is not a MAC with separators (16 digits + 15 separators + slack). */
export const MAX_RAW_MAC_CHARS = 64;
/** findMacs reads at most this much text: a reply's own text is far shorter; quoted history is cut. */
export const MAX_MAC_SCAN_CHARS = 200_000;
/** findMacs returns at most this many candidates: a site has tens of stations, not thousands. */
export const MAX_MACS_FOUND = 500;
/** How far before an all-digit candidate the word "MAC" must appear for it to count (same line). */
const MAC_CONTEXT_CHARS = 60;

export type MacFormatProblem = "empty" | "too_long" | "not_hex" | "wrong_length";

export type NormalisedMac =
  | { kind: "ok"; mac: string; eui: 48 | 64 }
  | { kind: "invalid"; reason: MacFormatProblem };

const SEPARATORS = /[\s:.\-_]/g;

export function normaliseMac(raw: string): NormalisedMac {
  if (raw.length > MAX_RAW_MAC_CHARS) return { kind: "invalid", reason: "too_long" };
  const hex = raw.replace(SEPARATORS, "");
  if (hex.length === 0) return { kind: "invalid", reason: "empty" };
  if (!/^[0-9a-fA-F]+$/.test(hex)) return { kind: "invalid", reason: "not_hex" };
  if (hex.length !== 12 && hex.length !== 16) return { kind: "invalid", reason: "wrong_length" };
  const pairs = hex.toUpperCase().match(/../g) ?? [];
  return { kind: "ok", mac: pairs.join(":"), eui: hex.length === 12 ? 48 : 64 };
}

/** All-zero, broadcast (all ones) and group (multicast, I/G bit set) addresses never name one station. */
export function isReservedMac(canonical: string): boolean {
  const hex = canonical.replace(/:/g, "");
  if (/^0+$/.test(hex) || /^F+$/.test(hex)) return true;
  const firstOctet = Number.parseInt(hex.slice(0, 2), 16);
  return (firstOctet & 0x01) === 0x01;
}

/** The identity two spellings of one station share: an FF:FE/FF:FF-expanded EUI-64 maps to its EUI-48. */
export function macIdentity(canonical: string): string {
  const octets = canonical.split(":");
  if (octets.length === 8 && octets[3] === "FF" && (octets[4] === "FE" || octets[4] === "FF")) {
    return [...octets.slice(0, 3), ...octets.slice(5)].join(":");
  }
  return canonical;
}

const HEX = "[0-9a-f]";
/** Candidate shapes in free text. Lookarounds keep them from being slices of longer hex runs or IPv6. */
const CANDIDATE_PATTERNS: readonly RegExp[] = [
  // pairs: 00:24:B1:00:02:75, 00-24-…, 8 pairs for EUI-64; one separator throughout
  new RegExp(`(?<![0-9a-z:\\-])${HEX}{2}([:\\-])${HEX}{2}(?:\\1${HEX}{2}){4}(?:\\1${HEX}{2}\\1${HEX}{2})?(?![0-9a-z]|[:\\-]${HEX})`, "gi"),
  // pairs separated by single spaces: 00 24 B1 00 02 75
  new RegExp(`(?<![0-9a-z])${HEX}{2}(?: ${HEX}{2}){5}(?: ${HEX}{2} ${HEX}{2})?(?![0-9a-z]| ${HEX}{2}\\b)`, "gi"),
  // quads: 0024.B100.0275 (Cisco), 0024:B100:0002:75A3 (EUI-64 labels)
  new RegExp(`(?<![0-9a-z:.\\-])${HEX}{4}([:. \\-])${HEX}{4}\\1${HEX}{4}(?:\\1${HEX}{4})?(?![0-9a-z]|[:.\\-]${HEX})`, "gi"),
  // bare: 0024B1000275, 0024B100000275A3
  new RegExp(`(?<![0-9a-z])(?:${HEX}{16}|${HEX}{12})(?![0-9a-z])`, "gi"),
];

interface Hit {
  start: number;
  end: number;
  raw: string;
}

/**
 * MAC candidates in free text (a reply, a form value, a photo caption), in order of appearance, one per
 * station (a MAC written twice is returned once). An all-digit candidate (which could be a phone or order
 * number) counts only when "MAC" appears shortly before it on the same line.
 */
export function findMacs(text: string): string[] {
  const scanned = text.length > MAX_MAC_SCAN_CHARS ? text.slice(0, MAX_MAC_SCAN_CHARS) : text;
  const hits: Hit[] = [];
  for (const pattern of CANDIDATE_PATTERNS) {
    for (const m of matchesOf(pattern, scanned)) {
      const start = m.index ?? 0;
      hits.push({ start, end: start + m[0].length, raw: m[0] });
    }
  }
  // Longest first at equal start, then drop hits overlapping an earlier kept one.
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const found: string[] = [];
  const seen = new Set<string>();
  let lastEnd = -1;
  for (const hit of hits) {
    if (hit.start < lastEnd) continue;
    if (/^[\d\s:.-]+$/.test(hit.raw) && !mentionsMacBefore(scanned, hit.start)) continue;
    const n = normaliseMac(hit.raw);
    if (n.kind !== "ok") continue;
    lastEnd = hit.end;
    const key = macIdentity(n.mac);
    if (seen.has(key)) continue;
    seen.add(key);
    found.push(hit.raw);
    if (found.length >= MAX_MACS_FOUND) break;
  }
  return found;
}

function mentionsMacBefore(text: string, index: number): boolean {
  const before = text.slice(Math.max(0, index - MAC_CONTEXT_CHARS), index);
  const line = before.slice(before.lastIndexOf("\n") + 1);
  return /mac/i.test(line);
}

export interface MacVerdict {
  raw: string;
  /** Canonical form, null when the raw value is not a MAC at all. */
  mac: string | null;
  eui: 48 | 64 | null;
  status: "ok" | "failed";
  codes: MacCode[];
  /** The case already using this MAC, with `used_by_other_case`. */
  otherCase?: string;
}

export interface MacCheckInput {
  /** Every MAC claimed for this case (form rows, reply text), raw as written. */
  macs: string[];
  /** MACs of the stations shipped for the case, when the order listed them; empty = unknown. */
  shipped: string[];
  /** MAC → case id of other (open or past) cases; keys in any spelling. */
  otherCases: Map<string, string>;
}

export function checkMacs(input: MacCheckInput): MacVerdict[] {
  const normalised = input.macs.map((raw) => ({ raw, n: normaliseMac(raw) }));

  const counts = new Map<string, number>();
  for (const { n } of normalised) {
    if (n.kind === "ok") counts.set(macIdentity(n.mac), (counts.get(macIdentity(n.mac)) ?? 0) + 1);
  }
  const shipped = identities(input.shipped);
  const otherCases = new Map<string, string>();
  for (const [raw, caseId] of input.otherCases) {
    const n = normaliseMac(raw);
    if (n.kind === "ok") otherCases.set(macIdentity(n.mac), caseId);
  }

  return normalised.map(({ raw, n }): MacVerdict => {
    if (n.kind !== "ok") return { raw, mac: null, eui: null, status: "failed", codes: ["invalid_format"] };
    if (isReservedMac(n.mac)) return { raw, mac: n.mac, eui: n.eui, status: "failed", codes: ["reserved"] };
    const key = macIdentity(n.mac);
    const codes: MacCode[] = [];
    if ((counts.get(key) ?? 0) > 1) codes.push("duplicate_in_case");
    const otherCase = otherCases.get(key);
    if (otherCase !== undefined) codes.push("used_by_other_case");
    if (shipped.size > 0 && !shipped.has(key)) codes.push("not_shipped");
    const verdict: MacVerdict = { raw, mac: n.mac, eui: n.eui, status: codes.length ? "failed" : "ok", codes };
    if (otherCase !== undefined) verdict.otherCase = otherCase;
    return verdict;
  });
}

function identities(raws: string[]): Set<string> {
  const out = new Set<string>();
  for (const raw of raws) {
    const n = normaliseMac(raw);
    if (n.kind === "ok") out.add(macIdentity(n.mac));
  }
  return out;
}

/** One reply line per code of a failed verdict, in the case's language, from `mac_messages` in rules. */
export function explainMac(verdict: MacVerdict, messages: FormsRules["mac_messages"], locale: Locale): string[] {
  return verdict.codes.map((code) =>
    fillPlaceholders(messages[code][locale], {
      mac: verdict.mac ?? verdict.raw,
      raw: verdict.raw,
      case: verdict.otherCase ?? "",
    }),
  );
}
