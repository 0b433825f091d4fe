/**
 * Reads an item's value from the text of its clauses with the grammar of its kind.
 */
import type { JsonValue } from "../types.js";
import type { CompiledItem, CompiledVocabulary } from "./compiled-vocabulary.js";
import { readAccess } from "./value-access.js";
import { readContacts, type Contact } from "./value-contacts.js";
import { readOpeningHours } from "./value-hours.js";
import { readPricing } from "./value-pricing.js";
import { readReceived } from "./value-received.js";
import { tokenize } from "./tokens.js";

export interface ValueReading {
  /** What was read, complete or not; undefined when nothing was. */
  value?: JsonValue;
  /** The value answers the item by itself (an e-mail or phone for a support contact, a price
   *  with its unit): it is `ok` even beside a negation ("3 kr/kWh, inte 2"). */
  complete: boolean;
  /** The value names its item without a topic word (a price with a unit, days with hours). */
  selfEvident: boolean;
}

const NOTHING: ValueReading = { complete: false, selfEvident: false };

function contactJson(c: Contact): JsonValue {
  const out: { [key: string]: JsonValue } = {};
  if (c.name !== undefined) out.name = c.name;
  if (c.email !== undefined) out.email = c.email;
  if (c.phone !== undefined) out.phone = c.phone;
  return out;
}

export function readItemValue(item: CompiledItem, text: string, cv: CompiledVocabulary): ValueReading {
  const v = item.vocab;
  switch (v.kind) {
    case "confirm":
      return NOTHING;
    case "contacts": {
      const contacts = readContacts(text, cv.notNames);
      return contacts.length > 0 ? { value: contacts.map(contactJson), complete: true, selfEvident: false } : NOTHING;
    }
    case "support_contact": {
      const [first, ...rest] = readContacts(text, cv.notNames);
      if (first === undefined) return NOTHING;
      // One support contact is asked for; details spread over lines fill the first one.
      const merged: Contact = { ...first };
      for (const c of rest) {
        merged.email ??= c.email;
        merged.phone ??= c.phone;
        merged.name ??= c.name;
      }
      const complete = merged.email !== undefined || merged.phone !== undefined;
      return { value: contactJson(merged), complete, selfEvident: false };
    }
    case "received": {
      const value = readReceived(text, v, cv.numberWords);
      return value ? { value, complete: true, selfEvident: false } : NOTHING;
    }
    case "access": {
      const value = readAccess(text, tokenize(text), item);
      return value === undefined ? NOTHING : { value, complete: true, selfEvident: false };
    }
    case "opening_hours": {
      const r = readOpeningHours(text, v);
      if (r.value === undefined) return NOTHING;
      return { value: r.value, complete: true, selfEvident: r.selfEvident };
    }
    case "pricing": {
      const r = readPricing(text, v, cv.negations, cv.numberWords);
      return r.value === undefined ? NOTHING : { value: r.value, complete: r.complete, selfEvident: r.selfEvident };
    }
    case "media": {
      const found = new Set((item.values?.findLongest(tokenize(text)) ?? []).map((m) => m.cls));
      if (found.has("attached")) return { value: { attached: true }, complete: true, selfEvident: false };
      if (found.has("none")) return { value: { none: true }, complete: true, selfEvident: false };
      return NOTHING;
    }
  }
}
