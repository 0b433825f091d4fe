/**
 * Evidence verdicts as sentences a coordinator reads at a glance, in the desk's language: a photo's
 * category by its label in rules/photos.yaml and each of its reasons as what is wrong with it; a form
 * field by its label in rules/forms.yaml with the same sentence the reply mails use
 * (`field_messages`); a MAC address by the station it matched or what is wrong with it. The raw measures stay behind "Measures".
 * Pure: rules and language in, words out.
 */
import { fillPlaceholders } from "../../core/evidence/schema.js";
import type { FieldMessageCode, FormDef, FormsRules, PhotosRules } from "../../core/evidence/schema.js";
import { STATION_KEY } from "../../core/evidence/form-labels.js";
import type { FormEvidence, JsonValue, MacEvidence, PhotoEvidence } from "../../core/types.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT = {
  en: {
    unassigned: "Not sorted: what the photo shows could not be told",
    station: (n: number) => `station ${n}`,
    good: "Good: sharp, well lit and large enough to read",
    reasons: {
      unreadable: () => "Could not be opened: not an image the bot can read",
      too_large: () => "Too large: over the size limit for photos",
      duplicate: () => "The same picture as a photo the case already has",
      low_resolution: (m: Measures, t: Thresholds) =>
        `Too small to read labels: ${size(m)}, at least ${t.min_long_side_px}×${t.min_short_side_px} px needed`,
      too_dark: (m: Measures, t: Thresholds) => `Too dark: what it shows cannot be read (brightness ${fig(m.brightness)} of 255, at least ${t.dark_max_brightness} needed)`,
      overexposed: () => "Overexposed: parts are blown out to white and cannot be read",
      blurred: (m: Measures, t: Thresholds) => `Blurred: text and labels in it cannot be read (sharpness ${fig(m.blur)}, at least ${t.blur_min_variance} needed)`,
      date_implausible: (m: Measures) => `Taken ${typeof m.takenAt === "string" ? m.takenAt.slice(0, 10) : "at another time"}: not when this site was installed`,
    },
    fieldOk: (label: string, value: string) => `“${label}”: ${value} — accepted`,
    macOk: (mac: string, station: number | undefined) =>
      station ? `The MAC ${mac} matches station ${station}, one shipped for this case` : `The MAC ${mac} is one shipped for this case`,
    mac: {
      invalid_format: (m: MacEvidence) => `“${m.raw}” is not a MAC address (it has 12 or 16 characters 0–9/A–F)`,
      reserved: (m: MacEvidence) => `${m.mac ?? m.raw} cannot be a station's MAC (an all-zero, broadcast or multicast address)`,
      duplicate_in_case: (m: MacEvidence) => `${m.mac ?? m.raw} is given for more than one station`,
      used_by_other_case: (m: MacEvidence) => `${m.mac ?? m.raw} is already registered in another case`,
      not_shipped: (m: MacEvidence) => `${m.mac ?? m.raw} is not among the stations shipped for this case`,
    },
    unknownForm: "a PDF that is not one of our forms",
  },
  sv: {
    unassigned: "Inte sorterad: det gick inte att avgöra vad bilden visar",
    station: (n: number) => `station ${n}`,
    good: "Godkänd: skarp, väl belyst och stor nog att läsa",
    reasons: {
      unreadable: () => "Gick inte att öppna: ingen bild som boten kan läsa",
      too_large: () => "För stor: över storleksgränsen för foton",
      duplicate: () => "Samma bild som ett foto som redan finns i ärendet",
      low_resolution: (m: Measures, t: Thresholds) =>
        `För liten för att läsa etiketter: ${size(m)}, minst ${t.min_long_side_px}×${t.min_short_side_px} px behövs`,
      too_dark: (m: Measures, t: Thresholds) => `För mörk: det som ska synas går inte att läsa (ljusstyrka ${fig(m.brightness)} av 255, minst ${t.dark_max_brightness} behövs)`,
      overexposed: () => "Överexponerad: delar av bilden är helt vita och går inte att läsa",
      blurred: (m: Measures, t: Thresholds) => `Suddig: text och etiketter går inte att läsa (skärpa ${fig(m.blur)}, minst ${t.blur_min_variance} behövs)`,
      date_implausible: (m: Measures) => `Tagen ${typeof m.takenAt === "string" ? m.takenAt.slice(0, 10) : "vid en annan tid"}: inte när den här platsen installerades`,
    },
    fieldOk: (label: string, value: string) => `”${label}”: ${value} — godkänt`,
    macOk: (mac: string, station: number | undefined) =>
      station ? `MAC-adressen ${mac} stämmer med station ${station}, en av de levererade till ärendet` : `MAC-adressen ${mac} är en av de levererade till ärendet`,
    mac: {
      invalid_format: (m: MacEvidence) => `”${m.raw}” är ingen MAC-adress (den har 12 eller 16 tecken 0–9/A–F)`,
      reserved: (m: MacEvidence) => `${m.mac ?? m.raw} kan inte vara en stations MAC-adress (noll-, broadcast- eller multicastadress)`,
      duplicate_in_case: (m: MacEvidence) => `${m.mac ?? m.raw} anges för mer än en station`,
      used_by_other_case: (m: MacEvidence) => `${m.mac ?? m.raw} är redan registrerad i ett annat ärende`,
      not_shipped: (m: MacEvidence) => `${m.mac ?? m.raw} finns inte bland stationerna som levererades för ärendet`,
    },
    unknownForm: "en PDF som inte är något av våra formulär",
  },
};

type Measures = { [key: string]: JsonValue };
type Thresholds = PhotosRules["quality"];

function fig(v: JsonValue | undefined): string {
  return typeof v === "number" ? String(Math.round(v)) : "?";
}

function size(m: Measures): string {
  return typeof m.width === "number" && typeof m.height === "number" ? `${m.width}×${m.height} px` : "?";
}

/** The photo's category by its label (and station), or why it has none. */
export function photoCategoryText(p: Pick<PhotoEvidence, "category" | "stage" | "station">, photos: PhotosRules, lang: UiLanguage): string {
  const t = uiText(TEXT, lang);
  if (p.category === null) return t.unassigned;
  const stages = p.stage ? [photos.stages[p.stage]] : Object.values(photos.stages);
  const label = stages.flatMap((s) => s?.categories ?? []).find((c) => c.id === p.category)?.labels[lang] ?? p.category;
  return p.station !== undefined ? `${label} · ${t.station(p.station)}` : label;
}

/** One sentence per reason the photo failed, or one saying it is good. */
export function photoVerdictSentences(p: Pick<PhotoEvidence, "status" | "reasons" | "measures">, photos: PhotosRules, lang: UiLanguage): string[] {
  const t = uiText(TEXT, lang);
  if (p.status === "ok") return [t.good];
  const known = p.reasons.flatMap((code) => (Object.hasOwn(t.reasons, code) ? [t.reasons[code as keyof typeof t.reasons](p.measures, photos.quality)] : [code]));
  return known.length ? known : [t.reasons.unreadable()];
}

/** The form's title in the desk's language. */
export function formTitle(f: Pick<FormEvidence, "form">, forms: FormsRules, lang: UiLanguage): string {
  const def = forms.forms.find((d) => d.id === f.form);
  return def ? def.title[lang] : uiText(TEXT, lang).unknownForm;
}

/** A form field's label (the first of rules/forms.yaml), with its station for per-station rows. */
export function formFieldLabel(def: FormDef | undefined, key: string, lang: UiLanguage): string {
  const row = STATION_KEY.exec(key);
  const name = row?.[2] ?? key;
  const label = def?.fields.find((f) => f.name === name)?.labels[lang][0] ?? name.replaceAll("_", " ");
  return row ? `${label} (${uiText(TEXT, lang).station(Number(row[1]))})` : label;
}

/** A form field's verdict as the sentence the reply mails use for it, or that it was accepted. */
export function formFieldSentence(field: FormEvidence["fields"][number], form: Pick<FormEvidence, "form">, forms: FormsRules, lang: UiLanguage): string {
  const def = forms.forms.find((d) => d.id === form.form);
  const label = formFieldLabel(def, field.name, lang);
  if (field.verdict === "ok") return uiText(TEXT, lang).fieldOk(label, field.value ?? "—");
  const code = (field.verdict === "missing" ? "missing" : field.reason) ?? "missing";
  const messages = forms.field_messages as Record<string, { sv: string; en: string } | undefined>;
  const message = messages[code as FieldMessageCode] ?? messages.missing;
  const spec = def?.fields.find((f) => f.name === (STATION_KEY.exec(field.name)?.[2] ?? field.name));
  return message
    ? fillPlaceholders(message[lang], { label, value: field.value ?? "", min: spec?.constraints.min ?? "", max: spec?.constraints.max ?? "" })
    : `${label}: ${code}`;
}

/** A MAC address's verdict: which station it matched, or what is wrong with it. */
export function macSentences(m: MacEvidence, lang: UiLanguage): string[] {
  const t = uiText(TEXT, lang);
  if (m.status === "ok") return [t.macOk(m.mac ?? m.raw, m.station)];
  return m.reasons.map((code) => (Object.hasOwn(t.mac, code) ? t.mac[code as keyof typeof t.mac](m) : code));
}
