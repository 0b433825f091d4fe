/**
 * The flags a mail's evidence raises for the desk (issue 18, SPEC §3): evidence that failed its check
 * (`evidence_rejected`: a form field, a form that cannot be read, a photo, a MAC address), an answer
 * that could not be read (`unclear_answer`), and a photo that fits no checklist item
 * (`unassigned_photo`). The sender is told in the reply what to fix; the flag puts the case in the
 * team's work queue, with the reason as words (core/words: the desk's language, English elsewhere). Pure.
 *
 * One flag per code per mail (decide.ts `raiseFlag` keys flags by code and mail): a mail with three
 * blurred photos raises one `evidence_rejected` naming all three.
 */
import type { DocumentCode } from "../evidence/schema.js";
import type { Answers, FlagCode, FormEvidence, MacEvidence, PhotoEvidence } from "../types.js";
import { DOCUMENT_WORDS_EN, englishFieldName, englishText } from "../words/english.js";
import type { Rejection, Words } from "../words/words.js";
import { MAX_LISTED, quote, words } from "../words/words.js";

export { MAX_FLAG_REASON_CHARS, bound, quote } from "../words/words.js";

export interface EvidenceFlag {
  code: Extract<FlagCode, "evidence_rejected" | "unclear_answer" | "unassigned_photo">;
  reason: string;
  words: Words;
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
  const flag = (code: EvidenceFlag["code"], w: Words) => out.push({ code, reason: englishText(w), words: w });
  const rejected = [...formRejections(e.forms), ...photoRejections(e.photos), ...macRejections(e.macs)];
  if (rejected.length) flag("evidence_rejected", words("evidence_rejected", { sender, items: rejected.slice(0, MAX_LISTED) }));
  const unclear = Object.entries(e.answers).filter(([, a]) => a.status === "unclear");
  if (unclear.length) {
    flag("unclear_answer", words("unclear_answer", { sender, items: unclear.slice(0, MAX_LISTED).map(([item, a]) => ({ item, text: quote(a.text) })) }));
  }
  const unassigned = e.photos.filter((p) => p.category === null && p.status === "ok");
  if (unassigned.length) {
    // The count is of all; the names listed are bounded (the sentence is cut at MAX_FLAG_REASON_CHARS anyway).
    const files = unassigned.slice(0, MAX_LISTED).map((p) => quote(p.file));
    flag("unassigned_photo", words("unassigned_photo", { sender, count: unassigned.length, files }));
  }
  return out;
}

function formRejections(forms: FormEvidence[]): Rejection[] {
  const out: Rejection[] = [];
  for (const f of forms) {
    if (f.form === null) {
      // Any other PDF (`not_a_form`) is no rejected form: the sender may attach what they like.
      if (f.code && Object.hasOwn(DOCUMENT_WORDS_EN, f.code)) out.push({ kind: "document", file: quote(f.file), problem: f.code as DocumentCode });
      continue;
    }
    for (const field of f.fields) {
      if (field.verdict !== "failed") continue;
      out.push({
        kind: "field",
        ...fieldOfKey(field.name),
        ...(field.value ? { value: quote(field.value) } : {}),
        ...(field.reason ? { problem: field.reason } : {}),
      });
    }
  }
  return out;
}

function photoRejections(photos: PhotoEvidence[]): Rejection[] {
  return photos.filter((p) => p.status === "failed").map((p) => ({ kind: "photo", file: quote(p.file), problems: p.reasons }));
}

/**
 * A MAC not shipped for the case contradicts a case fact: case-facts.ts flags it `fact_mismatch`, so it
 * is left out here (one flag per thing); its other faults still reject it.
 */
function macRejections(macs: MacEvidence[]): Rejection[] {
  return macs
    .filter((m) => m.status === "failed")
    .map((m) => ({ m, reasons: m.reasons.filter((r) => r !== "not_shipped") }))
    .filter(({ reasons }) => reasons.length > 0)
    .map(({ m, reasons }) => ({ kind: "mac", mac: m.mac ?? quote(m.raw), quoted: m.mac === null, ...(m.station ? { station: m.station } : {}), problems: reasons }));
}

/** A form field's key as the words name it: `station_2_mac` → the field `mac` of station 2. */
export function fieldOfKey(key: string): { field: string; station?: number } {
  const row = /^station_(\d+)_(.+)$/.exec(key);
  return row ? { field: row[2] ?? "", station: Number(row[1]) } : { field: key };
}

/** `station_2_mac` → "mac (station 2)", as the English sentences name a field. */
export function fieldName(key: string): string {
  const { field, station } = fieldOfKey(key);
  return englishFieldName(field, station);
}
