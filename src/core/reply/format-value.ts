/**
 * A checklist value as one readable line for a mail or the UI ("mån–fre 07:00–18:00", "3.5 SEK/kWh").
 * Pure; unknown shapes degrade to their fields joined, never to JSON.
 */
import type { JsonValue, Locale } from "../types.js";

const DAY_NAMES: Record<Locale, Record<string, string>> = {
  sv: { mon: "mån", tue: "tis", wed: "ons", thu: "tors", fri: "fre", sat: "lör", sun: "sön" },
  en: { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" },
};

/** Stable values the answer reader produces, as the desk would write them. */
const WORDS: Record<Locale, Record<string, string>> = {
  sv: { public: "publika", private: "privata", "24/7": "dygnet runt" },
  en: { public: "public", private: "private", "24/7": "24/7" },
};
const CURRENCY: Record<Locale, Record<string, string>> = { sv: { SEK: "kr" }, en: {} };
const PER: Record<Locale, Record<string, string>> = { sv: { h: "tim", session: "laddning" }, en: { session: "session" } };

export function formatValue(value: JsonValue, locale: Locale): string {
  if (value === null) return "";
  if (typeof value === "boolean") return value ? (locale === "sv" ? "ja" : "yes") : locale === "sv" ? "nej" : "no";
  if (typeof value === "string") return WORDS[locale][value] ?? value;
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return value.map((v) => formatValue(v, locale)).filter(Boolean).join(", ");
  if (Array.isArray(value.days) && typeof value.open === "string" && typeof value.close === "string") {
    const days = value.days.map((d) => DAY_NAMES[locale][String(d)] ?? String(d));
    const span = days.length > 2 ? `${days[0]}–${days[days.length - 1]}` : days.join(", ");
    return `${span} ${value.open}–${value.close}`;
  }
  if (typeof value.amount === "number" && typeof value.per === "string") {
    const amount = new Intl.NumberFormat(locale === "sv" ? "sv-SE" : "en-GB", { maximumFractionDigits: 2, minimumFractionDigits: value.amount % 1 ? 2 : 0 }).format(value.amount);
    const currency = typeof value.currency === "string" ? ` ${CURRENCY[locale][value.currency] ?? value.currency}` : "";
    const after = typeof value.after_hours === "number" ? (locale === "sv" ? ` efter ${value.after_hours} h` : ` after ${value.after_hours} h`) : "";
    return `${amount}${currency}/${PER[locale][value.per] ?? value.per}${after}`;
  }
  if (value.free === true) return locale === "sv" ? "gratis" : "free";
  if (value.none === true) return locale === "sv" ? "inga" : "none";
  if (typeof value.group === "string") return value.group;
  if (typeof value.box === "number" && typeof value.of === "number") return locale === "sv" ? `låda ${value.box} av ${value.of}` : `box ${value.box} of ${value.of}`;
  if (typeof value.boxes === "number") {
    const of = typeof value.of === "number" ? (locale === "sv" ? ` av ${value.of}` : ` of ${value.of}`) : "";
    return locale === "sv" ? `${value.boxes}${of} lådor` : `${value.boxes}${of} boxes`;
  }
  return Object.values(value)
    .map((v) => formatValue(v, locale))
    .filter(Boolean)
    .join(", ");
}
