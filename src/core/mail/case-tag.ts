/**
 * Case references that cannot be guessed (SPEC §4, issue 6): the subject tag `[ACT-123456]` goes with a
 * keyed signature `(ref xxxxxxxx)`, plus-addresses are `local+act-123456.xxxxxxxx@domain`, and the bot's
 * Message-IDs are `<act-123456.<entry>.xxxxxxxx@domain>`. The signature is an HMAC of the case id with a
 * secret from config, so a guessed tag or a forged References header cannot attach mail to a case.
 * Pure: the secret is a parameter.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import type { CaseId } from "../types.js";
import { matchesOf } from "../match-all.js";

/** 8 base-32 characters: 40 bits, enough against guessing through a mailbox, short enough to read. */
const SIGNATURE_LENGTH = 8;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/** A mail's handling signs and verifies its case's id half a dozen times (tag, plus-address,
 *  Message-IDs, in and out): signatures are remembered, and the memory cleared when full. */
const MAX_REMEMBERED = 10_000;
const remembered = new Map<string, string>();

export function caseSignature(caseId: CaseId, secret: string): string {
  const id = caseId.toUpperCase();
  const key = `${id}\u0000${secret}`;
  const known = remembered.get(key);
  if (known !== undefined) return known;
  const mac = createHmac("sha256", secret).update(id).digest();
  let out = "";
  for (let i = 0; i < SIGNATURE_LENGTH; i++) out += BASE32[(mac[i] ?? 0) % 32];
  if (remembered.size >= MAX_REMEMBERED) remembered.clear();
  remembered.set(key, out);
  return out;
}

export function verifySignature(caseId: CaseId, signature: string, secret: string): boolean {
  const expected = Buffer.from(caseSignature(caseId, secret));
  const given = Buffer.from(signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function subjectTag(caseId: CaseId, secret: string): { tag: string; ref: string } {
  return { tag: `[${caseId}]`, ref: `(ref ${caseSignature(caseId, secret)})` };
}

export function plusAddress(mailbox: string, caseId: CaseId, secret: string): string {
  const at = mailbox.lastIndexOf("@");
  const local = mailbox.slice(0, at);
  return `${local}+${caseId.toLowerCase()}.${caseSignature(caseId, secret)}${mailbox.slice(at)}`;
}

export function messageIdFor(caseId: CaseId, entry: string, domain: string, secret: string): string {
  return `<${caseId.toLowerCase()}.${entry}.${caseSignature(caseId, secret)}@${domain}>`;
}

export type TagRead = { caseId: CaseId; verified: boolean };

const SUBJECT_TAG = /\[(ACT-\d{6})\]/gi;
const SUBJECT_REF = /\(ref ([a-z2-7]{8})\)/gi;

/** The highest case number tagged in these subjects (0 if none): the floor for ids after a lost store. */
export function highestCaseNumber(subjects: Iterable<string>): number {
  let max = 0;
  for (const s of subjects) for (const m of matchesOf(SUBJECT_TAG, s)) max = Math.max(max, Number((m[1] ?? "").slice(4)));
  return max;
}

/** Every case tag in a subject, each verified against the refs in the same subject. */
export function readSubjectTags(subject: string, secret: string): TagRead[] {
  const refs = matchesOf(SUBJECT_REF, subject).map((m) => m[1] ?? "");
  const ids = new Set(matchesOf(SUBJECT_TAG, subject).map((m) => (m[1] ?? "").toUpperCase()));
  return [...ids].map((caseId) => ({ caseId, verified: refs.some((r) => verifySignature(caseId, r, secret)) }));
}

const PLUS = /^[^+@]+\+(act-\d{6})\.([a-z2-7]{8})@/i;

export function readPlusAddress(address: string, secret: string): TagRead | undefined {
  const m = PLUS.exec(address);
  if (!m?.[1] || !m[2]) return undefined;
  const caseId = m[1].toUpperCase();
  return { caseId, verified: verifySignature(caseId, m[2], secret) };
}

const OWN_MESSAGE_ID = /^<(act-\d{6})\.[^.@]+\.([a-z2-7]{8})@([^>]+)>$/i;

/** A Message-ID the bot minted: its case, and whether its signature verifies. */
export function readOwnMessageId(messageId: string, secret: string): (TagRead & { domain: string }) | undefined {
  const m = OWN_MESSAGE_ID.exec(messageId.trim());
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  const caseId = m[1].toUpperCase();
  return { caseId, verified: verifySignature(caseId, m[2], secret), domain: m[3].toLowerCase() };
}
