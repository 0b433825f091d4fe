/**
 * Form verdicts (SPEC §3 Forms): every field of a returned form gets a value and a verdict — `ok`,
 * `missing`, or `failed` with a stable reason code.
 *
 * Field keys are the AcroForm field names the bot renders: the field's `name`, or
 * `station_<n>_<name>` for rows that repeat per station (n from 1). `matchLabels` produces the same keys
 * from the text of flattened, printed or re-typed forms, so both readings are judged alike.
 */
import type { CaseId, StageId } from "../types.js";
import type { FieldDef, FieldFailureCode, FormDef } from "./schema.js";
import { MAX_FIELD_CHARS, parseFieldValue } from "./field-value.js";
import { MAX_STATIONS_PER_FORM, STATION_KEY, stationKey } from "./form-labels.js";

// Reading text and telling forms apart live in form-labels.ts; exported here too, as one entry point.
export {
  identifyFormByFields,
  identifyFormByText,
  matchLabels,
  MAX_FORM_TEXT_CHARS,
  MAX_STATIONS_PER_FORM,
  stationKey,
  type FormIdentity,
} from "./form-labels.js";

export type FieldVerdictKind = "ok" | "missing" | "failed";

export interface FieldReport {
  /** AcroForm name: `site_address`, `station_2_mac`. */
  key: string;
  /** The field's name in rules. */
  field: string;
  station: number | null;
  /** As read, trimmed; null when the form left it empty. */
  value: string | null;
  /** Canonical value when ok (ISO date, canonical MAC, enum value, "true"/"false", number). */
  normalised: string | null;
  verdict: FieldVerdictKind;
  reason: FieldFailureCode | null;
}

export interface FormReport {
  form: string;
  stage: StageId;
  /** True when every field is ok. */
  complete: boolean;
  fields: FieldReport[];
  /** Keys of fields by verdict, for reply lines and the checklist. */
  missing: string[];
  failed: string[];
  /** Raw values of the MAC fields in station order, to feed `checkMacs`. */
  macs: string[];
}

export interface FormContext {
  stations: number;
  caseId: CaseId;
  site: string;
}


export function judgeForm(formDef: FormDef, rawFields: Record<string, string>, ctx: FormContext): FormReport {
  const stations = Math.max(0, Math.min(MAX_STATIONS_PER_FORM, Math.floor(ctx.stations)));
  const fields: FieldReport[] = [];
  for (const field of formDef.fields) {
    if (field.repeat !== "per_station") {
      fields.push(judgeField(field, field.name, null, rawFields[field.name], ctx));
      continue;
    }
    for (let n = 1; n <= stations; n++) {
      const key = stationKey(n, field.name);
      fields.push(judgeField(field, key, n, rawFields[key], ctx));
    }
  }
  fields.push(...extraStationRows(formDef, rawFields, stations));

  const missing = fields.filter((f) => f.verdict === "missing").map((f) => f.key);
  const failed = fields.filter((f) => f.verdict === "failed").map((f) => f.key);
  const macFields = new Set(formDef.fields.filter((f) => f.type === "mac").map((f) => f.name));
  const macs = fields.filter((f) => macFields.has(f.field) && f.value !== null).map((f) => f.value ?? "");
  return { form: formDef.id, stage: formDef.stage, complete: !missing.length && !failed.length, fields, missing, failed, macs };
}

function judgeField(
  field: FieldDef,
  key: string,
  station: number | null,
  raw: string | undefined,
  ctx: FormContext,
): FieldReport {
  const base = { key, field: field.name, station };
  const value = cleanValue(raw ?? "");
  if (value === "") {
    // A re-typed form may leave out what the bot pre-filled: the case knows it, the sender need not repeat it.
    if (field.prefill) {
      const known = field.prefill === "case_id" ? ctx.caseId : ctx.site;
      return { ...base, value: null, normalised: known, verdict: "ok", reason: null };
    }
    const verdict = field.constraints.required ? "missing" : "ok";
    return { ...base, value: null, normalised: null, verdict, reason: null };
  }
  const parsed = parseFieldValue(field, value);
  if (parsed.kind === "failed") return { ...base, value, normalised: null, verdict: "failed", reason: parsed.reason };
  if (field.prefill === "case_id" && parsed.normalised.toUpperCase() !== ctx.caseId.toUpperCase()) {
    return { ...base, value, normalised: null, verdict: "failed", reason: "case_mismatch" };
  }
  return { ...base, value, normalised: parsed.normalised, verdict: "ok", reason: null };
}

/** Rows for stations the case does not have: someone filled in more stations than were ordered. */
function extraStationRows(formDef: FormDef, rawFields: Record<string, string>, stations: number): FieldReport[] {
  const repeated = new Set(formDef.fields.filter((f) => f.repeat === "per_station").map((f) => f.name));
  const rows: FieldReport[] = [];
  for (const [key, raw] of Object.entries(rawFields)) {
    const m = STATION_KEY.exec(key);
    if (!m || !repeated.has(m[2] ?? "")) continue;
    const station = Number(m[1]);
    const value = cleanValue(raw);
    if (station <= stations || value === "") continue;
    rows.push({ key, field: m[2] ?? "", station, value, normalised: null, verdict: "failed", reason: "extra_station" });
  }
  return rows.sort((a, b) => (a.station ?? 0) - (b.station ?? 0) || a.key.localeCompare(b.key));
}

/** Trim, collapse whitespace, and read fill-in placeholders ("______", "....") as empty. */
function cleanValue(raw: string): string {
  const value = raw.slice(0, MAX_FIELD_CHARS * 2).replace(/\s+/g, " ").trim();
  return /^[_.\s\-–]*$/.test(value) ? "" : value;
}
