/**
 * What a team member types as a case's facts (opening a case, editing it): the site, the station
 * count, the MACs shipped, the participants' addresses and names, the language. Each check returns
 * problems as values, named by the field and a stable code, so the desk can show each next to its
 * field in the member's language and the CLI and the JSON API can say it in one line. Pure.
 */
import { isReservedMac, macIdentity, normaliseMac } from "../evidence/mac.js";
import type { Locale, Role } from "../types.js";
import { LOCALES } from "../types.js";

/** A site is a name and an address, not a document. */
export const MAX_SITE_CHARS = 200;
/** Stations of one site: the CLI's bound since `case open` existed. */
export const MAX_STATIONS = 500;
/** MACs shipped for one case: one per station, and a bound on what a form may send. */
export const MAX_MACS = MAX_STATIONS;
/** A person's display name. */
export const MAX_PERSON_NAME_CHARS = 80;
/** RFC 5321's limit on a forward path. */
export const MAX_EMAIL_CHARS = 254;

export const FIELD_PROBLEM_CODES = ["required", "too_long", "control_chars", "not_email", "not_count", "not_mac", "reserved_mac", "duplicate_mac", "too_many", "unknown_locale", "unknown_make", "taken", "not_participant"] as const;
export type FieldProblemCode = (typeof FIELD_PROBLEM_CODES)[number];

export interface FieldProblem {
  /** The field as the request names it (`site`, `nmEmail`, `macsShipped` …). */
  field: string;
  code: FieldProblemCode;
  /** The value the problem is about (one MAC of a list), when it helps to name it. */
  value?: string;
  /** The problem in English words, for the CLI, the JSON API and the timeline. */
  message: string;
}

/** Roles a team member gives a participant (the bot's own `team_added` too). */
export const PARTICIPANT_ROLES: readonly Role[] = ["network_manager", "installer", "contractor", "team_added"];

/** As `case open` always took them: a local part and a domain (a desk may mail `ops@localhost`). */
const EMAIL = /^[^\s@<>,;]+@[^\s@<>,;]+$/;
// eslint-disable-next-line no-control-regex -- the point is to find control characters
const CONTROL = /[\u0000-\u001f\u007f]/;

const problem = (field: string, code: FieldProblemCode, message: string, value?: string): FieldProblem => ({ field, code, message, ...(value !== undefined ? { value } : {}) });

export function checkSite(field: string, site: string): FieldProblem | null {
  const s = site.trim();
  if (!s) return problem(field, "required", "give the site's name and address");
  if (s.length > MAX_SITE_CHARS) return problem(field, "too_long", `at most ${MAX_SITE_CHARS} characters`);
  if (CONTROL.test(s)) return problem(field, "control_chars", "one line of printable characters");
  return null;
}

export function checkEmail(field: string, email: string | undefined, required: boolean): FieldProblem | null {
  const e = (email ?? "").trim();
  if (!e) return required ? problem(field, "required", "an e-mail address is required") : null;
  if (e.length > MAX_EMAIL_CHARS) return problem(field, "too_long", `at most ${MAX_EMAIL_CHARS} characters`);
  if (!EMAIL.test(e)) return problem(field, "not_email", `not an e-mail address: ${e}`, e);
  return null;
}

export function checkPersonName(field: string, name: string | undefined): FieldProblem | null {
  const n = (name ?? "").trim();
  if (n.length > MAX_PERSON_NAME_CHARS) return problem(field, "too_long", `at most ${MAX_PERSON_NAME_CHARS} characters`);
  if (CONTROL.test(n)) return problem(field, "control_chars", "one line of printable characters");
  return null;
}

export function checkStations(field: string, stations: number): FieldProblem | null {
  if (!Number.isInteger(stations) || stations < 1 || stations > MAX_STATIONS) return problem(field, "not_count", `a whole number from 1 to ${MAX_STATIONS}`);
  return null;
}

export function checkLocale(field: string, locale: string): FieldProblem | null {
  return (LOCALES as readonly string[]).includes(locale) ? null : problem(field, "unknown_locale", `one of ${LOCALES.join(", ")}`, locale);
}

/**
 * MACs as typed (any notation), in canonical form; each one that is not a station's MAC is a problem
 * naming it. The same station written twice is one problem, not two stations.
 */
export function checkMacList(field: string, macs: readonly string[]): { macs: string[]; problems: FieldProblem[] } {
  const out: string[] = [];
  const seen = new Set<string>();
  const problems: FieldProblem[] = [];
  if (macs.length > MAX_MACS) return { macs: [], problems: [problem(field, "too_many", `at most ${MAX_MACS} MAC addresses`)] };
  for (const raw of macs.map((m) => m.trim()).filter(Boolean)) {
    const n = normaliseMac(raw);
    if (n.kind !== "ok") {
      problems.push(problem(field, "not_mac", `not a MAC address: ${raw}`, raw));
      continue;
    }
    if (isReservedMac(n.mac)) {
      problems.push(problem(field, "reserved_mac", `${n.mac} is a reserved address, not a station's`, raw));
      continue;
    }
    if (seen.has(macIdentity(n.mac))) {
      problems.push(problem(field, "duplicate_mac", `${n.mac} is given twice`, raw));
      continue;
    }
    seen.add(macIdentity(n.mac));
    out.push(n.mac);
  }
  return { macs: out, problems };
}

/** A list of MACs as people paste it: commas, semicolons, spaces between pairs kept, one per line. */
export function splitMacs(text: string): string[] {
  return text
    .split(/[\n,;]+/)
    .map((m) => m.trim())
    .filter(Boolean);
}

/** The problems as one line, for the CLI, the API and refusals. */
export function problemsText(problems: readonly FieldProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join("; ");
}

export function isLocale(value: string): value is Locale {
  return (LOCALES as readonly string[]).includes(value);
}
