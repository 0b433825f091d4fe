/**
 * Erasure of one person's personal data from a case (GDPR article 17): their address becomes a
 * pseudonym that still tells participants apart, their name goes, the evidence their mails brought
 * keeps its verdicts but names them no more, and the timeline says that (not whom) it was erased.
 * Pure: returns the changed case, timeline and the blobs of their attachments and of the raw mails
 * they sent (the timeline's `mail_in` events, held mails of flags naming them) for the caller to delete.
 */
import type { Case, CaseEvent, Flag } from "../types.js";
import { summarised } from "../words/english.js";
import type { Words } from "../words/words.js";
import { words } from "../words/words.js";

export interface Erasure {
  case: Case;
  events: CaseEvent[];
  /** The audit event, appended after the rewritten timeline. */
  audit: CaseEvent;
  /** Blobs of the forms and photos their mails brought (and the thumbnails), and of their raw mails. */
  blobs: string[];
  /** The address that now stands for them in this case. */
  pseudonym: string;
}

/** The address put in place of an erased one: unique per case and participant, never deliverable. */
export function erasedAddress(caseId: string, n: number): string {
  return `erased-${caseId.toLowerCase()}-${n}@erased.invalid`;
}

export function erasePerson(c: Case, events: CaseEvent[], email: string, at: string, by: string): Erasure | null {
  const address = email.toLowerCase();
  const n = c.participants.findIndex((p) => p.email === address);
  const fromEvidence = c.evidence.some((e) => e.from.toLowerCase() === address);
  if (n < 0 && !fromEvidence) return null;
  const pseudonym = erasedAddress(c.id, n < 0 ? c.participants.length : n);
  const names = n >= 0 && c.participants[n]?.name ? [c.participants[n]?.name ?? ""] : [];
  const scrub = (text: string): string => {
    let out = text.split(address).join(pseudonym);
    // Case-insensitive address and the name, as the person may have written them.
    out = out.replace(new RegExp(escape(address), "gi"), pseudonym);
    for (const name of names) if (name.length >= 2) out = out.replace(new RegExp(escape(name), "gi"), "[erased]");
    return out;
  };
  const blobs: string[] = [];
  const evidence = c.evidence.map((e) => {
    if (e.from.toLowerCase() !== address) return e;
    for (const f of e.forms) if (f.blob) blobs.push(f.blob);
    for (const p of e.photos) for (const b of [p.blob, p.thumbnail]) if (b) blobs.push(b);
    return {
      ...e,
      from: pseudonym,
      forms: e.forms.map(({ blob: _blob, ...f }) => ({ ...f, fields: f.fields.map((x) => ({ ...x, value: x.value === null ? null : scrub(x.value) })) })),
      photos: e.photos.map(({ blob: _blob, thumbnail: _thumbnail, ...p }) => p),
    };
  });
  // A held mail (unknown sender) is theirs when its flag names them.
  // The flag's words name them as its reason does (a sender, a file name): scrubbed alike.
  const scrubWords = (w: Words): Words => ({ ...w, params: scrubStrings(w.params, scrub) }) as Words;
  const said = (f: Flag) => ({
    reason: scrub(f.reason),
    ...(f.words ? { words: scrubWords(f.words) } : {}),
    ...(f.resolved ? { resolved: { ...f.resolved, how: scrub(f.resolved.how), ...(f.resolved.words ? { words: scrubWords(f.resolved.words) } : {}) } } : {}),
  });
  const flags = c.flags.map((f) => {
    if (!f.blob || !f.reason.toLowerCase().includes(address)) return { ...f, ...said(f) };
    blobs.push(f.blob);
    const { blob: _blob, ...rest } = f;
    return { ...rest, ...said(f) };
  });
  const erased: Case = {
    ...c,
    participants: c.participants.map((p, i) => (i === n ? { email: pseudonym, role: p.role } : p)),
    evidence,
    flags,
  };
  const timeline = events.map((e) => {
    const theirs = e.by.toLowerCase() === address;
    const raw = theirs && e.kind === "mail_in" ? rawBlob(e) : undefined;
    if (raw) blobs.push(raw);
    return {
      ...e,
      by: theirs ? pseudonym : e.by,
      summary: scrub(e.summary),
      ...(e.words ? { words: { ...e.words, params: scrubStrings(e.words.params, scrub) } as Words } : {}),
      ...(raw ? { data: { erased: true } } : {}),
    };
  });
  const audit: CaseEvent = { at, kind: "participant_changed", by, ...summarised(words("person_erased", { pseudonym })) };
  return { case: erased, events: timeline, audit, blobs: [...new Set(blobs)], pseudonym };
}

/** Every string in a JSON value passed through `f`; the shape stays. */
function scrubStrings<T>(value: T, f: (text: string) => string): T {
  if (typeof value === "string") return f(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => scrubStrings(v, f)) as T;
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(v, f)])) as T;
  return value;
}

function rawBlob(e: CaseEvent): string | undefined {
  if (typeof e.data !== "object" || e.data === null || Array.isArray(e.data)) return undefined;
  const b = e.data.blob;
  return typeof b === "string" ? b : undefined;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
