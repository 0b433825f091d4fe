/**
 * Reading a form's text (SPEC §3 Forms): `label: value` pairs from flattened, printed or re-typed forms,
 * keyed like the AcroForm fields the bot renders, and telling which form a PDF is.
 *
 * Field keys: the field's `name`, or `station_<n>_<name>` for rows that repeat per station (n from 1).
 */
import { foldText, type FieldDef, type FormDef } from "./schema.js";
import { matchesOf } from "../match-all.js";

/** More station rows than this are not read: larger sites are split over several cases by the desk. */
export const MAX_STATIONS_PER_FORM = 200;
/** Text read for label matching: a form is a few pages; anything longer is cut, not scanned. */
export const MAX_FORM_TEXT_CHARS = 200_000;
/** Lines longer than this are cut before matching (a line is one form row, not a paragraph). */
const MAX_LINE_CHARS = 2_000;
/** A form is recognised in text by its title, or by at least this many of its labels. */
export const MIN_LABELS_TO_IDENTIFY = 4;
/** Share of a form's AcroForm field names a PDF must carry to be that form. */
export const MIN_FIELD_SHARE_TO_IDENTIFY = 0.5;

export function stationKey(station: number, field: string): string {
  return `station_${station}_${field}`;
}

export const STATION_KEY = /^station_(\d{1,4})_([a-z][a-z0-9_]*)$/;

interface LabelPattern {
  field: FieldDef;
  /** The label folded, words joined by single spaces: how labels are compared across forms. */
  label: string;
  re: RegExp;
}

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const labelWords = (label: string): string[] => foldText(label).trim().replace(/[:\s]+$/, "").split(/\s+/);
const labelBody = (label: string): string => labelWords(label).map(escapeRe).join("\\s+");

/** Label, an optional unit in brackets ("Säkring (A)"), then a separator; the value follows. */
function labelPatterns(formDef: FormDef): LabelPattern[] {
  const out: LabelPattern[] = [];
  for (const field of formDef.fields) {
    for (const label of [...field.labels.sv, ...field.labels.en]) {
      const re = new RegExp(
        `(?<![\\p{L}\\p{N}])${labelBody(label)}(?:\\s*\\([^)\\n]{0,24}\\))?(?:\\s*[:=]|\\t|\\s+[-–—]\\s+|\\s*$)\\s*`,
        "gu",
      );
      out.push({ field, label: labelWords(label).join(" "), re });
    }
  }
  return out;
}

function stationWords(formDef: FormDef): string {
  return [...formDef.station_labels.sv, ...formDef.station_labels.en].map(labelBody).join("|");
}

interface LabelHit {
  start: number;
  end: number;
  field: FieldDef;
  label: string;
  /** Written with ":" or "=": a bare label line may be printed form text, not a question awaiting a value. */
  colon: boolean;
}

/** Fold a line and keep, for each folded index, the index in the original line (values keep å/ä/ö). */
function foldWithMap(line: string): { folded: string; orig: number[] } {
  let folded = "";
  const orig: number[] = [];
  let i = 0;
  for (const ch of line) {
    const f = foldText(ch);
    for (let k = 0; k < f.length; k++) orig.push(i);
    folded += f;
    i += ch.length;
  }
  orig.push(i);
  return { folded, orig };
}

/**
 * `label: value` pairs from a form's text, keyed like the AcroForm fields. Labels are the field's sv and
 * en synonyms, matched case- and diacritic-insensitively; several pairs may share a line. Per-station rows
 * are read from a station prefix ("Station 2 – MAC-adress: …", "Laddpunkt 2 MAC: …") or from a header line
 * ("Station 2") above them; rows with neither go to the stations in order. A label ending its line with a
 * colon takes the next line when that line holds no label (a printed label without a colon does not: the
 * line under it is its hint). A key whose label appears with no value maps to "".
 */
export function matchLabels(text: string, formDef: FormDef): Record<string, string> {
  return scanLabels(text, formDef).fields;
}

interface LabelScan {
  fields: Record<string, string>;
  /** Labels of two or more words found with a value: specific enough to tell a form on their own. */
  specific: Set<string>;
}

function scanLabels(text: string, formDef: FormDef): LabelScan {
  const patterns = labelPatterns(formDef);
  const words = stationWords(formDef);
  const prefixRe = new RegExp(`(?<![\\p{L}\\p{N}])(?:${words})\\s*(?:nr\\.?|no\\.?|#)?\\s*(\\d{1,4})\\s*[-–—:,.)/]?\\s*$`, "u");
  const headerRe = new RegExp(`^\\s*(?:${words})\\s*(?:nr\\.?|no\\.?|#)?\\s*(\\d{1,4})\\s*[-–—:.)]?\\s*$`, "u");

  const out: Record<string, string> = {};
  const set = (key: string, value: string): void => {
    if (!(key in out) || (out[key] === "" && value !== "")) out[key] = value;
  };
  const unnumbered: Array<{ field: string; value: string }> = [];
  const specific = new Set<string>();
  let currentStation: number | null = null;

  const lines = text.slice(0, MAX_FORM_TEXT_CHARS).split(/\r?\n/).map((l) => l.slice(0, MAX_LINE_CHARS).replace(/\u00a0/g, " "));
  const folded = lines.map(foldWithMap);
  const hitsPerLine = folded.map(({ folded: f }) => findLabelHits(f, patterns));

  for (let li = 0; li < lines.length; li++) {
    const { folded: f, orig } = folded[li] ?? { folded: "", orig: [0] };
    const line = lines[li] ?? "";
    const hits = hitsPerLine[li] ?? [];
    const header = headerRe.exec(f);
    if (header) currentStation = Number(header[1]);
    // A per-station label may carry its station right before it; the previous value ends where that starts.
    let prevEnd = 0;
    const located = hits.map((hit) => {
      const prefix = hit.field.repeat === "per_station" ? prefixRe.exec(f.slice(prevEnd, hit.start)) : null;
      prevEnd = hit.end;
      const from = prefix ? hit.start - prefix[0].length : hit.start;
      return { hit, from, station: prefix ? Number(prefix[1]) : null };
    });
    located.forEach(({ hit, station: prefixed }, h) => {
      const valueEnd = located[h + 1]?.from ?? f.length;
      let value = line.slice(orig[hit.end], orig[valueEnd]).replace(/[\t|]+/g, " ").trim();
      if (value === "" && hit.colon && h === located.length - 1) value = continuationLine(lines, hitsPerLine, folded, li, headerRe);
      if (value !== "" && hit.label.includes(" ")) specific.add(hit.label);
      if (hit.field.repeat !== "per_station") {
        set(hit.field.name, value);
        return;
      }
      const station = prefixed ?? currentStation;
      if (station === null) unnumbered.push({ field: hit.field.name, value });
      else if (station >= 1 && station <= MAX_STATIONS_PER_FORM) set(stationKey(station, hit.field.name), value);
    });
  }

  // Rows without any station number: the k-th row of a field is the k-th station still free for it.
  for (const { field, value } of unnumbered) {
    for (let n = 1; n <= MAX_STATIONS_PER_FORM; n++) {
      const key = stationKey(n, field);
      if (!(key in out)) {
        out[key] = value;
        break;
      }
    }
  }
  return { fields: out, specific };
}

function findLabelHits(folded: string, patterns: LabelPattern[]): LabelHit[] {
  const hits: LabelHit[] = [];
  for (const { field, label, re } of patterns) {
    for (const m of matchesOf(re, folded)) {
      const start = m.index ?? 0;
      hits.push({ start, end: start + m[0].length, field, label, colon: /[:=]/.test(m[0]) });
    }
  }
  // The longest label wins at a position ("Telefonnummer" over "Telefon"); overlapping hits are dropped.
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: LabelHit[] = [];
  for (const hit of hits) {
    const last = kept[kept.length - 1];
    if (last && hit.start < last.end) continue;
    kept.push(hit);
  }
  return kept;
}

function continuationLine(
  lines: string[],
  hitsPerLine: LabelHit[][],
  folded: Array<{ folded: string }>,
  li: number,
  headerRe: RegExp,
): string {
  for (let next = li + 1; next < lines.length; next++) {
    const text = (lines[next] ?? "").trim();
    if (text === "") continue;
    const isLabelled = (hitsPerLine[next]?.length ?? 0) > 0 || headerRe.test(folded[next]?.folded ?? "");
    return isLabelled || /^--\s*\d+\s+of\s+\d+\s*--$/.test(text) ? "" : text;
  }
  return "";
}

// ---------------------------------------------------------------------------------------------------------
// Which form is this?

export type FormIdentity = { kind: "ok"; form: FormDef; matched: number } | { kind: "none" | "ambiguous"; detail: string };

/** The form a PDF's AcroForm is, from its field names. */
export function identifyFormByFields(names: string[], formDefs: FormDef[]): FormIdentity {
  const present = new Set(names);
  const scored = formDefs.map((form) => {
    const own = form.fields.filter((f) => f.repeat !== "per_station").map((f) => f.name);
    const rows = form.fields.filter((f) => f.repeat === "per_station").map((f) => stationKey(1, f.name));
    const expected = [...own, ...rows];
    const matched = expected.filter((n) => present.has(n)).length;
    return { form, matched, score: matched, share: expected.length ? matched / expected.length : 0 };
  });
  return pickBest(scored.filter((s) => s.share >= MIN_FIELD_SHARE_TO_IDENTIFY), "field names");
}

/**
 * The form a text is: by its title (either language), by at least MIN_LABELS_TO_IDENTIFY of its labels,
 * or by one specific label (two words or more, with a value) that no other form uses — a re-typed
 * "Anläggningens adress: Storgatan 1" is the construction completion form; "Telefon: 070…" is no form.
 */
export function identifyFormByText(text: string, formDefs: FormDef[]): FormIdentity {
  const foldedText = foldText(text.slice(0, MAX_FORM_TEXT_CHARS)).replace(/\s+/g, " ");
  const labelsOf = (form: FormDef): Set<string> =>
    new Set(labelPatterns(form).map((p) => p.label));
  const scored = formDefs.map((form) => {
    const scan = scanLabels(text, form);
    const labelled = new Set(Object.keys(scan.fields).map((k) => STATION_KEY.exec(k)?.[2] ?? k)).size;
    const others = formDefs.filter((f) => f !== form).map(labelsOf);
    const own = [...scan.specific].filter((label) => !others.some((labels) => labels.has(label))).length;
    const titled = [form.title.sv, form.title.en].some((t) => foldedText.includes(foldText(t).replace(/\s+/g, " ")));
    // A title outweighs any label count; labels break ties between forms that share labels.
    return { form, matched: labelled, own, titled, score: labelled + own + (titled ? 1000 : 0) };
  });
  return pickBest(scored.filter((s) => s.titled || s.matched >= MIN_LABELS_TO_IDENTIFY || s.own > 0), "labels");
}

function pickBest(candidates: Array<{ form: FormDef; matched: number; score: number }>, by: string): FormIdentity {
  const [best, second] = [...candidates].sort((a, b) => b.score - a.score);
  if (!best) return { kind: "none", detail: `no form recognised by its ${by}` };
  if (second && second.score === best.score) {
    return { kind: "ambiguous", detail: `${best.form.id} and ${second.form.id} match equally by ${by}` };
  }
  return { kind: "ok", form: best.form, matched: best.matched };
}
