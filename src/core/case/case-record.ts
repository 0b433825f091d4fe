/**
 * The case record (issue 20): what a case was opened with — id, nonce, site, participants, stations,
 * MACs shipped, install service, language, when — and the stage it was in, carried in one header of
 * every copy the bot files in the Sent folder (`X-Activation-Record`), signed with TAG_SECRET. The
 * mailbox is the desk's durable record: `activation-bot rebuild` opens each case again from its
 * record, with the same nonce, so replaying the case's mail gives the same outbox keys and Message-IDs
 * and every answer found in Sent is known as sent. Only the Sent copy carries it, never the mail that
 * goes out. Pure: the secret is a parameter.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { LOCALES, STAGES } from "../types.js";
import type { Case, Locale, Participant, Role, StageId } from "../types.js";
import type { OpenCaseRequest } from "./open-case.js";

export const CASE_RECORD_HEADER = "X-Activation-Record";
/** Characters of a folded header line's value: RFC 5322 asks for at most 78 per line. */
const FOLD_AT = 76;
/** 96 bits of HMAC: a forged record would need the secret. */
const SIGNATURE_BYTES = 12;
/** A record is small; a header value far larger than any is not read (bound on untrusted input). */
export const MAX_RECORD_CHARS = 64 * 1024;

const OPEN_ROLES: readonly Role[] = ["network_manager", "installer", "contractor"];

export interface CaseRecord {
  v: 1;
  id: string;
  nonce?: string;
  site: string;
  locale: Locale;
  stations: number;
  macsShipped: string[];
  installService: boolean;
  openedAt: string;
  /** The participants with the roles a case is opened with (not those the team added later). */
  participants: { email: string; role: Role; name?: string }[];
  /** The case's stage when the copy was filed. */
  stage: StageId;
}

export function caseRecordOf(c: Case): CaseRecord {
  return {
    v: 1,
    id: c.id,
    ...(c.nonce ? { nonce: c.nonce } : {}),
    site: c.site,
    locale: c.locale,
    stations: c.stations,
    macsShipped: c.macsShipped,
    installService: c.installService,
    openedAt: c.openedAt,
    participants: c.participants
      .filter((p) => OPEN_ROLES.includes(p.role))
      .map((p) => ({ email: p.email, role: p.role, ...(p.name ? { name: p.name } : {}) })),
    stage: c.stage,
  };
}

function sign(body: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(`case-record\n${body}`).digest().subarray(0, SIGNATURE_BYTES);
}

/** The header's value: `<base64url JSON>.<base64url signature>`. */
export function encodeCaseRecord(r: CaseRecord, secret: string): string {
  const body = Buffer.from(JSON.stringify(r)).toString("base64url");
  return `${body}.${sign(body, secret).toString("base64url")}`;
}

/** The whole header, folded, with its CRLF: put in front of a Sent copy. */
export function caseRecordHeader(r: CaseRecord, secret: string): string {
  const value = encodeCaseRecord(r, secret);
  // The first line also holds the name; each further line starts with the folding space.
  const first = FOLD_AT - CASE_RECORD_HEADER.length - 2;
  const lines = [value.slice(0, first)];
  for (let i = first; i < value.length; i += FOLD_AT - 1) lines.push(value.slice(i, i + FOLD_AT - 1));
  return `${CASE_RECORD_HEADER}: ${lines.join("\r\n ")}\r\n`;
}

/** A record read back (folding and whitespace ignored); null when absent, malformed or not signed by `secret`. */
export function decodeCaseRecord(value: string, secret: string): CaseRecord | null {
  if (value.length > MAX_RECORD_CHARS) return null;
  const [body, signature, extra] = value.replace(/\s+/g, "").split(".");
  if (!body || !signature || extra !== undefined) return null;
  const given = Buffer.from(signature, "base64url");
  const expected = sign(body, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let r: unknown;
  try {
    r = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  return isCaseRecord(r) ? r : null;
}

function isCaseRecord(r: unknown): r is CaseRecord {
  if (typeof r !== "object" || r === null) return false;
  const o = r as Record<string, unknown>;
  return (
    o.v === 1 &&
    typeof o.id === "string" &&
    /^ACT-\d{6}$/.test(o.id) &&
    (o.nonce === undefined || typeof o.nonce === "string") &&
    typeof o.site === "string" &&
    LOCALES.includes(o.locale as Locale) &&
    typeof o.stations === "number" &&
    Array.isArray(o.macsShipped) &&
    o.macsShipped.every((m) => typeof m === "string") &&
    typeof o.installService === "boolean" &&
    typeof o.openedAt === "string" &&
    Array.isArray(o.participants) &&
    o.participants.every((p: unknown) => typeof (p as Participant | null)?.email === "string" && OPEN_ROLES.includes((p as Participant).role)) &&
    (STAGES as readonly string[]).includes(o.stage as string)
  );
}

/** How `case open` was asked, as the record tells it (the first participant of each role). */
export function openRequestOf(r: CaseRecord): OpenCaseRequest {
  const of = (role: Role) => r.participants.find((p) => p.role === role);
  const nm = of("network_manager");
  const installer = of("installer");
  const contractor = of("contractor");
  return {
    site: r.site,
    nmEmail: nm?.email ?? "",
    ...(nm?.name ? { nmName: nm.name } : {}),
    ...(installer ? { installerEmail: installer.email } : {}),
    ...(contractor ? { contractorEmail: contractor.email } : {}),
    stations: r.stations,
    macsShipped: r.macsShipped,
    installService: r.installService,
    locale: r.locale,
  };
}
