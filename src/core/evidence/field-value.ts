/**
 * Reading one typed form value (SPEC §3 Forms): what a person wrote in a field, parsed by the field's
 * type into a canonical value, or the reason it cannot be. Tolerant of how people write on this desk:
 * decimal commas and units ("2,5 mm²", "-75 dBm"), day-first dates ("3/5/2024") and month names in
 * Swedish or English, "Ja"/"Nej", any MAC separators.
 */
import { foldText, type FieldDef, type FieldFailureCode } from "./schema.js";
import { normaliseMac } from "./mac.js";

/** A value longer than this is not an answer to a form field (a pasted mail, a runaway parse). */
export const MAX_FIELD_CHARS = 500;
/** Dates outside these years are typos for a charger installed now (the pure core has no clock). */
export const MIN_PLAUSIBLE_YEAR = 2000;
export const MAX_PLAUSIBLE_YEAR = 2100;
/** E.164 allows at most 15 digits; shorter than 6 is no reachable number (Swedish: 08-123 45 = 7). */
const MIN_PHONE_DIGITS = 6;
const MAX_PHONE_DIGITS = 15;

export type ParsedValue = { kind: "ok"; normalised: string } | { kind: "failed"; reason: FieldFailureCode };

const MONTHS: Record<string, number> = {
  jan: 1, januari: 1, january: 1,
  feb: 2, februari: 2, february: 2,
  mar: 3, mars: 3, march: 3,
  apr: 4, april: 4,
  maj: 5, may: 5,
  jun: 6, juni: 6, june: 6,
  jul: 7, juli: 7, july: 7,
  aug: 8, augusti: 8, august: 8,
  sep: 9, sept: 9, september: 9,
  okt: 10, oct: 10, oktober: 10, october: 10,
  nov: 11, november: 11,
  dec: 12, december: 12,
};

const YES = new Set(["ja", "j", "yes", "y", "x", "true", "sant", "ok", "klar", "klart", "done", "checked", "1", "✓", "✔", "☑"]);
const NO = new Set(["nej", "n", "no", "false", "falskt", "0", "ej", "inte", "ingen", "none", "☐"]);

/** Parse a non-empty, trimmed value by its field's type and constraints (required-ness is the caller's). */
export function parseFieldValue(field: FieldDef, value: string): ParsedValue {
  const c = field.constraints;
  if (value.length > (c.max_length ?? MAX_FIELD_CHARS)) return { kind: "failed", reason: "too_long" };
  const typed = parseByType(field, value);
  if (typed.kind === "failed") return typed;
  if (c.pattern !== undefined && !new RegExp(c.pattern, "u").test(value)) return { kind: "failed", reason: "pattern" };
  return typed;
}

function parseByType(field: FieldDef, value: string): ParsedValue {
  switch (field.type) {
    case "string":
      return { kind: "ok", normalised: value };
    case "email":
      return /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>().]{2,}$/.test(value)
        ? { kind: "ok", normalised: value.toLowerCase() }
        : { kind: "failed", reason: "invalid_email" };
    case "phone":
      return parsePhone(value);
    case "date": {
      const iso = parseDate(value);
      return iso === null ? { kind: "failed", reason: "invalid_date" } : { kind: "ok", normalised: iso };
    }
    case "number":
      return parseNumberField(field, value);
    case "enum": {
      const option = matchEnum(field, value);
      return option === null ? { kind: "failed", reason: "not_in_enum" } : { kind: "ok", normalised: option };
    }
    case "mac": {
      const mac = normaliseMac(value);
      return mac.kind === "ok" ? { kind: "ok", normalised: mac.mac } : { kind: "failed", reason: "invalid_mac" };
    }
    case "boolean": {
      const yes = parseBoolean(value);
      if (yes === null) return { kind: "failed", reason: "not_boolean" };
      if (!yes && field.constraints.must_be_true) return { kind: "failed", reason: "not_confirmed" };
      return { kind: "ok", normalised: String(yes) };
    }
  }
}

function parsePhone(value: string): ParsedValue {
  // "+46 (0)70-123 45 67": the (0) trunk prefix is dropped with the international form.
  const compact = value.replace(/\(0\)/g, "").replace(/[\s\-.()/]/g, "");
  if (!/^\+?\d+$/.test(compact)) return { kind: "failed", reason: "invalid_phone" };
  const digits = compact.replace("+", "").length;
  if (digits < MIN_PHONE_DIGITS || digits > MAX_PHONE_DIGITS) return { kind: "failed", reason: "invalid_phone" };
  return { kind: "ok", normalised: compact };
}

/** A calendar date as ISO `YYYY-MM-DD`, or null. A trailing time of day is allowed and dropped. */
export function parseDate(value: string): string | null {
  const v = foldText(value).trim().replace(/\s+(?:kl\.?\s*)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?$/, "");
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(v) ?? /^(\d{4})(\d{2})(\d{2})$/.exec(v);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(v);
  if (m) return isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})\.?\s+([a-z]+)\.?,?\s+(\d{4})$/.exec(v);
  if (m) return isoDate(Number(m[3]), MONTHS[m[2] ?? ""] ?? 0, Number(m[1]));
  m = /^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/.exec(v);
  if (m) return isoDate(Number(m[3]), MONTHS[m[1] ?? ""] ?? 0, Number(m[2]));
  return null;
}

function isoDate(year: number, month: number, day: number): string | null {
  if (year < MIN_PLAUSIBLE_YEAR || year > MAX_PLAUSIBLE_YEAR || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** "32", "32 A", "2,5 mm²", "-75 dBm", "1 000", "−80": a number and an optional unit without digits. */
export function parseNumber(value: string): number | null {
  const m = /^([+\-−]?)\s*(\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+)(?:[.,](\d+))?\s*(\D*)$/u.exec(value.trim());
  if (!m) return null;
  const [, sign, whole = "", fraction] = m;
  const n = Number(`${sign ? "-" : ""}${whole.replace(/\D/g, "")}${fraction ? `.${fraction}` : ""}`);
  return Number.isFinite(n) ? n : null;
}

function parseNumberField(field: FieldDef, value: string): ParsedValue {
  const n = parseNumber(value);
  if (n === null) return { kind: "failed", reason: "not_a_number" };
  const c = field.constraints;
  if (c.integer && !Number.isInteger(n)) return { kind: "failed", reason: "not_an_integer" };
  if (c.min !== undefined && n < c.min) return { kind: "failed", reason: "below_min" };
  if (c.max !== undefined && n > c.max) return { kind: "failed", reason: "above_max" };
  return { kind: "ok", normalised: String(n) };
}

const words = (s: string): string => foldText(s).replace(/[_\s]+/g, " ").replace(/[^\p{L}\p{N} ]/gu, "").trim();

/** The enum option a value names: its value or a synonym, whole or as the first words ("Vägg (betong)"). */
function matchEnum(field: FieldDef, value: string): string | null {
  const v = words(value);
  let best: { value: string; length: number } | null = null;
  for (const option of field.constraints.enum ?? []) {
    for (const synonym of [option.value, ...option.sv, ...option.en].map(words)) {
      if (synonym === "") continue;
      const hit = v === synonym || v.startsWith(`${synonym} `);
      if (hit && (best === null || synonym.length > best.length)) best = { value: option.value, length: synonym.length };
    }
  }
  return best?.value ?? null;
}

export function parseBoolean(value: string): boolean | null {
  const first = foldText(value).trim().split(/[\s,.;:!()]+/)[0] ?? "";
  if (YES.has(first)) return true;
  if (NO.has(first)) return false;
  return null;
}
