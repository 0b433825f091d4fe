/**
 * Shapes of `rules/forms.yaml` and `rules/photos.yaml` (SPEC §3), validated with zod at start-up.
 *
 * The reason codes of every evidence check live here too: the rules must carry a reply line for each
 * code in both locales, so the schema is where "adding a code touches one place" is enforced — a new
 * code without its sv/en text makes `rules check` fail, not a reply go out half-empty.
 *
 * YAML keys are snake_case and so are the inferred types: the YAML is the contract, the types mirror it.
 */
import { z } from "zod";
import { STAGES } from "../types.js";

/** Why a form field failed (besides `missing`, which is its own verdict). */
export const FIELD_FAILURE_CODES = [
  "pattern",
  "not_in_enum",
  "invalid_date",
  "not_a_number",
  "not_an_integer",
  "below_min",
  "above_max",
  "invalid_email",
  "invalid_phone",
  "invalid_mac",
  "not_boolean",
  "not_confirmed",
  "too_long",
  "case_mismatch",
  "extra_station",
] as const;
export type FieldFailureCode = (typeof FIELD_FAILURE_CODES)[number];

/** Reply lines exist for every failure code and for `missing`. */
export const FIELD_MESSAGE_CODES = ["missing", ...FIELD_FAILURE_CODES] as const;
export type FieldMessageCode = (typeof FIELD_MESSAGE_CODES)[number];

/** Why a PDF attachment could not be read as one of the forms. */
export const DOCUMENT_CODES = ["encrypted", "corrupt", "not_a_form", "unreadable", "too_large"] as const;
export type DocumentCode = (typeof DOCUMENT_CODES)[number];

export const MAC_CODES = [
  "invalid_format",
  "reserved",
  "duplicate_in_case",
  "used_by_other_case",
  "not_shipped",
] as const;
export type MacCode = (typeof MAC_CODES)[number];

/** Stable photo reason codes of the photo entry contract. Order = severity (first is reported first). */
export const PHOTO_REASON_CODES = [
  "unreadable",
  "too_large",
  "duplicate",
  "low_resolution",
  "too_dark",
  "overexposed",
  "blurred",
  "date_implausible",
] as const;
export type PhotoReasonCode = (typeof PHOTO_REASON_CODES)[number];

export const FIELD_TYPES = ["string", "email", "phone", "date", "number", "enum", "mac", "boolean"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

const id = z.string().regex(/^[a-z][a-z0-9_]*$/, "lower_snake_case id");
const line = z.string().trim().min(1);

/** One text per locale. */
const LocalText = z.strictObject({ sv: line, en: line });
export type LocalText = z.infer<typeof LocalText>;

/** Synonyms per locale; sv first because this desk is Swedish, en for foreign installers. */
const Synonyms = z.strictObject({ sv: z.array(line).min(1), en: z.array(line).min(1) });
export type Synonyms = z.infer<typeof Synonyms>;

const EnumOption = z.strictObject({
  value: id,
  sv: z.array(line).default([]),
  en: z.array(line).default([]),
});
export type EnumOption = z.infer<typeof EnumOption>;

const compiles = (pattern: string): boolean => {
  try {
    new RegExp(pattern, "u");
    return true;
  } catch {
    return false;
  }
};

const Constraints = z.strictObject({
  required: z.boolean().default(false),
  pattern: z.string().refine(compiles, "pattern is not a valid regular expression").optional(),
  enum: z.array(EnumOption).min(1).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  integer: z.boolean().optional(),
  /** Boolean fields that must be answered yes ("Platsen är redo för installation: Ja"). */
  must_be_true: z.boolean().optional(),
  max_length: z.number().int().positive().optional(),
});
export type Constraints = z.infer<typeof Constraints>;

const FieldDef = z
  .strictObject({
    name: id,
    labels: Synonyms,
    type: z.enum(FIELD_TYPES),
    constraints: Constraints.default({ required: false }),
    /** `per_station`: one row per station, named `station_<n>_<name>` in the PDF. */
    repeat: z.literal("per_station").optional(),
    /** Filled by the bot when it renders the blank form, read-only in the PDF. */
    prefill: z.enum(["case_id", "site"]).optional(),
    /** Small print under the field (format help). */
    hint: LocalText.optional(),
  })
  .superRefine((f, ctx) => {
    const c = f.constraints;
    if ((f.type === "enum") !== (c.enum !== undefined)) {
      ctx.addIssue({ code: "custom", message: `${f.name}: type enum and constraints.enum go together` });
    }
    if ((c.min !== undefined || c.max !== undefined || c.integer) && f.type !== "number") {
      ctx.addIssue({ code: "custom", message: `${f.name}: min/max/integer apply to number fields only` });
    }
    if (c.min !== undefined && c.max !== undefined && c.min > c.max) {
      ctx.addIssue({ code: "custom", message: `${f.name}: min is above max` });
    }
    if (c.must_be_true && f.type !== "boolean") {
      ctx.addIssue({ code: "custom", message: `${f.name}: must_be_true applies to boolean fields only` });
    }
    if (f.prefill && f.repeat) {
      ctx.addIssue({ code: "custom", message: `${f.name}: a prefilled field cannot repeat per station` });
    }
    if (f.name.startsWith("station_")) {
      ctx.addIssue({ code: "custom", message: `${f.name}: the station_ prefix is reserved for per-station rows` });
    }
  });
export type FieldDef = z.infer<typeof FieldDef>;

const FormDef = z
  .strictObject({
    id,
    stage: z.enum(STAGES),
    title: LocalText,
    /** Instruction printed under the title of the blank PDF. */
    intro: LocalText.optional(),
    /** Words that open a per-station row in typed text: "Station 2 MAC: …", "Laddpunkt 2 – namn: …". */
    station_labels: Synonyms,
    fields: z.array(FieldDef).min(1),
  })
  .superRefine((form, ctx) => {
    const seen = new Set<string>();
    const labels = new Map<string, string>();
    for (const f of form.fields) {
      if (seen.has(f.name)) ctx.addIssue({ code: "custom", message: `${form.id}: field ${f.name} twice` });
      seen.add(f.name);
      // Reading text maps a label to one field: two fields sharing a label would make that ambiguous.
      for (const label of [...f.labels.sv, ...f.labels.en]) {
        const key = foldText(label).replace(/[\s:]+/g, " ").trim();
        const owner = labels.get(key);
        if (owner !== undefined && owner !== f.name) {
          ctx.addIssue({ code: "custom", message: `${form.id}: label "${label}" on both ${owner} and ${f.name}` });
        }
        labels.set(key, f.name);
      }
    }
  });
export type FormDef = z.infer<typeof FormDef>;

export const FormsRulesSchema = z
  .strictObject({
    version: z.number().int().positive(),
    forms: z.array(FormDef).min(1),
    /** One reply line per field verdict code; placeholders {label}, {value}, {station}, {min}, {max}. */
    field_messages: z.record(z.enum(FIELD_MESSAGE_CODES), LocalText),
    /** One explanation per MAC code; placeholders {mac}, {raw}, {case}. */
    mac_messages: z.record(z.enum(MAC_CODES), LocalText),
    /** One reply line per way a PDF can fail to be a readable form; placeholders {file}, {detail}. */
    document_messages: z.record(z.enum(DOCUMENT_CODES), LocalText),
  })
  .superRefine((rules, ctx) => reportRepeats(rules.forms.map((f) => f.id), "form", ctx));
export type FormsRules = z.infer<typeof FormsRulesSchema>;

const PhotoCategory = z.strictObject({
  id,
  /** Name used in replies ("Elcentral"). */
  labels: LocalText,
  /** Words in file names, captions and mail text that name this category. */
  synonyms: Synonyms,
  /** What a good photo shows; used in the mail that asks for photos. */
  hint: LocalText.optional(),
  min: z.number().int().min(0),
  /** When true the minimum is per station (min × station count). */
  per_station: z.boolean().default(false),
  /** Only on cases of these makes (rules/makes.yaml): a third-party make's own photos. */
  makes: z.array(id).min(1).optional(),
});
export type PhotoCategory = z.infer<typeof PhotoCategory>;

/** Ids are how rules, checklists and the UI refer to things: each may appear once. */
function reportRepeats(ids: string[], what: string, ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) ctx.addIssue({ code: "custom", message: `${what} ${id} twice` });
    seen.add(id);
  }
}

const StagePhotos = z
  .strictObject({ categories: z.array(PhotoCategory).min(1) })
  .superRefine((s, ctx) => reportRepeats(s.categories.map((c) => c.id), "category", ctx));
export type StagePhotos = z.infer<typeof StagePhotos>;

const positive = z.number().positive();
const fraction = z.number().min(0).max(1);
const luma = z.number().min(0).max(255);

const PhotoThresholds = z.strictObject({
  min_long_side_px: z.number().int().positive(),
  min_short_side_px: z.number().int().positive(),
  blur_min_variance: positive,
  dark_max_brightness: luma,
  overexposed_min_brightness: luma,
  overexposed_max_fraction: fraction,
  date_max_future_hours: z.number().min(0),
  date_max_days_before_case: z.number().min(0),
  duplicate_max_hamming: z.number().int().min(0).max(64),
});
export type PhotoThresholds = z.infer<typeof PhotoThresholds>;

const PhotoLimits = z.strictObject({
  max_bytes: z.number().int().positive(),
  max_pixels: z.number().int().positive(),
  /** HEVC HEIC is decoded whole (4 bytes a pixel) by the wasm decoder: a lower cap than max_pixels. */
  max_heic_pixels: z.number().int().positive(),
});
export type PhotoLimits = z.infer<typeof PhotoLimits>;

export const PhotosRulesSchema = z.strictObject({
  version: z.number().int().positive(),
  /** Words that put a station number on a photo: "station2_mac.jpg", "laddpunkt 3". */
  station_words: Synonyms,
  stages: z.partialRecord(z.enum(STAGES), StagePhotos),
  quality: PhotoThresholds,
  limits: PhotoLimits,
  /** One line per reason code: what is wrong and what to do. Placeholder {file}. */
  retake_advice: z.record(z.enum(PHOTO_REASON_CODES), LocalText),
  /** Line for a photo whose category could not be told. Placeholder {file}. */
  unassigned_advice: LocalText,
});
export type PhotosRules = z.infer<typeof PhotosRulesSchema>;

/** Fill `{name}` placeholders; unknown placeholders stay visible so a typo in rules shows in review. */
export function fillPlaceholders(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{([a-z_]+)\}/g, (whole, key: string) =>
    Object.hasOwn(values, key) ? String(values[key]) : whole,
  );
}

/**
 * How text is compared with the words in rules: case- and diacritic-insensitive ("Elcentralen" and
 * "ELCENTRALEN" and "elcentralen" match "elcentral"; "Anlaggningens adress" matches "Anläggningens
 * adress", since a re-typed form on an English keyboard loses å/ä/ö). Length is preserved except
 * where NFKD splits a ligature, so callers must not map folded offsets back onto the original text.
 */
export function foldText(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}
