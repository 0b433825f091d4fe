/**
 * The flags a mail's evidence raises for the desk (issue 18, SPEC §3): evidence that failed its check
 * (`evidence_rejected`: a form field, a form that cannot be read, a photo, a MAC address), an answer
 * that could not be read (`unclear_answer`), and a photo that fits no checklist item
 * (`unassigned_photo`). The sender is told in the reply what to fix; the flag puts the case in the
 * team's work queue, with the reason in plain words (the desk's language, English). Pure.
 *
 * One flag per code per mail (decide.ts `raiseFlag` keys flags by code and mail): a mail with three
 * blurred photos raises one `evidence_rejected` naming all three.
 */
import type { DocumentCode, FieldFailureCode, MacCode, PhotoReasonCode } from "../evidence/schema.js";
import type { Answers, FlagCode, FormEvidence, MacEvidence, PhotoEvidence } from "../types.js";

/** Bound on a flag reason built from a mail: the queue shows it in one cell. */
export const MAX_FLAG_REASON_CHARS = 600;
/** Bound on the words quoted from a mail in a reason. */
const MAX_QUOTE_CHARS = 80;

const PHOTO_WORDS: Record<PhotoReasonCode, string> = {
  unreadable: "cannot be opened as an image",
  too_large: "too large to accept",
  duplicate: "a copy of a photo already received",
  low_resolution: "resolution too low",
  too_dark: "too dark",
  overexposed: "overexposed",
  blurred: "blurred",
  date_implausible: "taken on a date that does not fit the installation",
};

const MAC_WORDS: Record<MacCode, string> = {
  invalid_format: "is not a MAC address",
  reserved: "is a reserved address, not a station's",
  duplicate_in_case: "is given for more than one station",
  used_by_other_case: "is already registered in another case",
  not_shipped: "is not among the stations shipped for this case",
};

const FIELD_WORDS: Record<FieldFailureCode, string> = {
  pattern: "has the wrong format",
  not_in_enum: "is not one of the accepted choices",
  invalid_date: "is not a valid date",
  not_a_number: "is not a number",
  not_an_integer: "is not a whole number",
  below_min: "is below the lowest accepted value",
  above_max: "is above the highest accepted value",
  invalid_email: "is not an e-mail address",
  invalid_phone: "is not a phone number",
  invalid_mac: "is not a MAC address",
  not_boolean: "is not a yes or no",
  not_confirmed: "is not confirmed",
  too_long: "is too long",
  case_mismatch: "names another case",
  extra_station: "is for a station not in the order",
};

/** Document codes that mean the sender sent a form we cannot use; `not_a_form` is any other PDF. */
const DOCUMENT_WORDS: Partial<Record<DocumentCode, string>> = {
  encrypted: "is password-protected",
  corrupt: "is damaged",
  unreadable: "cannot be read (a scan?)",
  too_large: "is too large to accept",
};

export interface EvidenceFlag {
  code: Extract<FlagCode, "evidence_rejected" | "unclear_answer" | "unassigned_photo">;
  reason: string;
}

export interface JudgedEvidence {
  answers: Answers;
  forms: FormEvidence[];
  photos: PhotoEvidence[];
  macs: MacEvidence[];
}

/** The flags this mail's evidence raises, at most one per code, each with its reason in words. */
export function evidenceFlags(e: JudgedEvidence, sender: string): EvidenceFlag[] {
  const out: EvidenceFlag[] = [];
  const rejected = [...formRejections(e.forms), ...photoRejections(e.photos), ...macRejections(e.macs)];
  if (rejected.length) out.push({ code: "evidence_rejected", reason: bound(`${sender} sent evidence that failed its check: ${rejected.join("; ")}`) });
  const unclear = Object.entries(e.answers).filter(([, a]) => a.status === "unclear");
  if (unclear.length) {
    const items = unclear.map(([id, a]) => `${id} from “${quote(a.text)}”`);
    out.push({ code: "unclear_answer", reason: bound(`the answer of ${sender} could not be read for ${items.join("; ")}`) });
  }
  const unassigned = e.photos.filter((p) => p.category === null && p.status === "ok");
  if (unassigned.length) {
    const files = unassigned.map((p) => `“${quote(p.file)}”`).join(", ");
    out.push({ code: "unassigned_photo", reason: bound(`${unassigned.length === 1 ? "a photo" : `${unassigned.length} photos`} from ${sender} fit${unassigned.length === 1 ? "s" : ""} no checklist item: ${files}`) });
  }
  return out;
}

function formRejections(forms: FormEvidence[]): string[] {
  const out: string[] = [];
  for (const f of forms) {
    if (f.form === null) {
      const words = f.code ? DOCUMENT_WORDS[f.code as DocumentCode] : undefined;
      if (words) out.push(`form file “${quote(f.file)}” ${words}`);
      continue;
    }
    for (const field of f.fields) {
      if (field.verdict !== "failed") continue;
      const words = (field.reason && FIELD_WORDS[field.reason as FieldFailureCode]) || "was rejected";
      const value = field.value ? ` “${quote(field.value)}”` : "";
      out.push(`form field ${fieldName(field.name)}${value} ${words}`);
    }
  }
  return out;
}

function photoRejections(photos: PhotoEvidence[]): string[] {
  return photos
    .filter((p) => p.status === "failed")
    .map((p) => `photo “${quote(p.file)}” ${p.reasons.map((r) => PHOTO_WORDS[r as PhotoReasonCode] ?? r).join(", ") || "rejected"}`);
}

/**
 * A MAC not shipped for the case contradicts a case fact: case-facts.ts flags it `fact_mismatch`, so it
 * is left out here (one flag per thing); its other faults still reject it.
 */
function macRejections(macs: MacEvidence[]): string[] {
  return macs
    .filter((m) => m.status === "failed")
    .map((m) => ({ m, reasons: m.reasons.filter((r) => r !== "not_shipped") }))
    .filter(({ reasons }) => reasons.length > 0)
    .map(({ m, reasons }) => `MAC address ${m.mac ?? `“${quote(m.raw)}”`}${m.station ? ` (station ${m.station})` : ""} ${reasons.map((r) => MAC_WORDS[r as MacCode] ?? r).join(" and ")}`);
}

/** `station_2_mac` → "mac (station 2)"; the desk's labels come from the rules, the flag keeps the key. */
export function fieldName(key: string): string {
  const m = /^station_(\d+)_(.+)$/.exec(key);
  return m ? `${(m[2] ?? "").replaceAll("_", " ")} (station ${m[1]})` : key.replaceAll("_", " ");
}

export function quote(text: string): string {
  const t = text.replace(/\s+/g, " ").trim();
  return t.length > MAX_QUOTE_CHARS ? `${t.slice(0, MAX_QUOTE_CHARS - 1)}…` : t;
}

export function bound(reason: string): string {
  return reason.length > MAX_FLAG_REASON_CHARS ? `${reason.slice(0, MAX_FLAG_REASON_CHARS - 1)}…` : reason;
}
