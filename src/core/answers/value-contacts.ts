/**
 * Grammar of contact details in free text: e-mail addresses, phone numbers and the capitalised name
 * written next to them ("Anna Andersson, anna@x.se, 070-123 45 67").
 */
import { fold } from "./tokens.js";
import { matchesOf } from "../match-all.js";

export interface Contact {
  name?: string;
  email?: string;
  phone?: string;
}

/** RFC 5321 limits (64-char local part, 63-char labels) keep the scan linear on hostile text. */
const EMAIL = /(?<![\w.%+-])[\w.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}/g;
/** E.164 allows 15 digits; Swedish numbers have 8 or more ("08-123 456", "070-123 45 67"). */
const PHONE = /(?<![\w+@.])(?:\+|00)?\d(?:[ \-/().]{0,2}\d){6,16}(?![\w@])/g;
const MIN_PHONE_DIGITS = 8;
const MAX_PHONE_DIGITS = 15;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A person's name is at most this many words ("Anna Maria von Berg"). */
const MAX_NAME_WORDS = 4;
/** How far before an address or number its name may start. */
const NAME_LOOKBACK_CHARS = 80;
const NAME_WORD = /^\p{Lu}[\p{L}'’-]*\.?$/u;

interface Hit {
  kind: "email" | "phone";
  value: string;
  start: number;
  end: number;
}

function hits(text: string): Hit[] {
  const out: Hit[] = [];
  for (const m of matchesOf(EMAIL, text)) {
    const value = m[0].replace(/\.+$/, "");
    if (/\.[A-Za-z]{2,}$/.test(value)) out.push({ kind: "email", value, start: m.index, end: m.index + value.length });
  }
  for (const m of matchesOf(PHONE, text)) {
    const value = m[0].trim().replace(/[\s\-/.(]+$/, "");
    const digits = value.replace(/\D/g, "").length;
    if (digits < MIN_PHONE_DIGITS || digits > MAX_PHONE_DIGITS || ISO_DATE.test(value)) continue;
    if (out.some((h) => h.kind === "email" && m.index >= h.start && m.index < h.end)) continue;
    out.push({ kind: "phone", value: value.replace(/\s+/g, " "), start: m.index, end: m.index + value.length });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** The capitalised words right before `at`, skipping separators ("Anna Andersson, " / "Anna <"). */
function nameBefore(text: string, at: number, notNames: ReadonlySet<string>): string | undefined {
  const before = text.slice(Math.max(0, at - NAME_LOOKBACK_CHARS), at).replace(/[\s,:;<(|–—-]+$/, "");
  const words = before.split(/\s+/);
  const name: string[] = [];
  for (let i = words.length - 1; i >= 0 && name.length < MAX_NAME_WORDS; i--) {
    const w = words[i] ?? "";
    if (!NAME_WORD.test(w) || notNames.has(fold(w).replace(/\.$/, ""))) break;
    name.unshift(w);
  }
  return name.length > 0 ? name.join(" ").replace(/[.,]$/, "") : undefined;
}

/** Runs of two or more capitalised words with no address ("Anna Andersson och Per Persson"). */
function bareNames(text: string, notNames: ReadonlySet<string>): string[] {
  const out: string[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length >= 2 && run.length <= MAX_NAME_WORDS) out.push(run.join(" "));
    run = [];
  };
  for (const raw of text.split(/\s+/)) {
    const w = raw.replace(/[,.;:!?)]+$/, "");
    if (NAME_WORD.test(w) && !notNames.has(fold(w))) run.push(w);
    else flush();
    if (w !== raw) flush();
  }
  flush();
  return out;
}

/**
 * Contacts in order of appearance. An address or number starts a new contact unless it completes
 * the previous one (no name of its own in front of it and that field still empty).
 */
export function readContacts(text: string, notNames: ReadonlySet<string>): Contact[] {
  const contacts: Contact[] = [];
  for (const h of hits(text)) {
    const name = nameBefore(text, h.start, notNames);
    const last = contacts[contacts.length - 1];
    if (last !== undefined && name === undefined && last[h.kind] === undefined) {
      last[h.kind] = h.value;
      continue;
    }
    const c: Contact = { [h.kind]: h.value };
    if (name !== undefined) c.name = name;
    contacts.push(c);
  }
  if (contacts.length > 0) return contacts;
  return bareNames(text, notNames).map((name) => ({ name }));
}
