/**
 * Photo verdicts (SPEC §3 Photos): what a photo shows (its category), whether it is good enough, and
 * whether a stage's photos cover every category's minimum.
 *
 * Photo entry contract (stable JSON, `inspect` and the review UI read it):
 *   { file, category (null = unassigned), status: "ok" | "failed", reasons: [codes], measures: {…} }
 * Measures are computed by the image adapter; this module only judges them against rules thresholds.
 */
import type { Locale, StageId } from "../types.js";
import {
  fillPlaceholders,
  foldText,
  PHOTO_REASON_CODES,
  type PhotoReasonCode,
  type PhotosRules,
  type PhotoThresholds,
  type StagePhotos,
} from "./schema.js";

/** What the image adapter measures on one photo. Every figure comes from one decode at analysis size. */
export interface PhotoMeasures {
  /** Container format as sharp names it: jpeg, png, webp, heif. */
  format: string;
  bytes: number;
  /** Size as the photo is meant to be seen (EXIF orientation applied). */
  width: number;
  height: number;
  /** EXIF orientation tag, 1 when absent. */
  orientation: number;
  /** Variance of the 4-neighbour Laplacian of the analysis image: low = no edges = blurred. */
  blur: number;
  /** Mean luma 0..255. */
  brightness: number;
  /** Share 0..1 of pixels whose luma is clipped white. */
  overexposed: number;
  /** 64-bit difference hash, 16 hex digits: near-identical photos differ in few bits. */
  dhash: string;
  /** EXIF DateTimeOriginal as an ISO string (no zone in EXIF: read as UTC), null when absent. */
  takenAt: string | null;
  /** Size of the greyscale image the measures were computed on. */
  analysedWidth: number;
  analysedHeight: number;
}

export interface PhotoContext {
  caseOpenedAt: string;
  now: string;
  /** dHashes of photos already on the case (and earlier in the same mail). */
  knownHashes: string[];
}

export interface PhotoJudgement {
  status: "ok" | "failed";
  reasons: PhotoReasonCode[];
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function judgePhoto(measures: PhotoMeasures, thresholds: PhotoThresholds, ctx: PhotoContext): PhotoJudgement {
  const t = thresholds;
  const reasons = new Set<PhotoReasonCode>();
  if (isDuplicate(measures.dhash, ctx.knownHashes, t.duplicate_max_hamming)) reasons.add("duplicate");

  const long = Math.max(measures.width, measures.height);
  const short = Math.min(measures.width, measures.height);
  if (long < t.min_long_side_px || short < t.min_short_side_px) reasons.add("low_resolution");

  const dark = measures.brightness < t.dark_max_brightness;
  const blown = measures.brightness > t.overexposed_min_brightness || measures.overexposed > t.overexposed_max_fraction;
  if (dark) reasons.add("too_dark");
  if (blown) reasons.add("overexposed");
  // A dark or blown-out photo has few edges whatever the focus: "blurred" would be a wrong second reason.
  if (!dark && !blown && measures.blur < t.blur_min_variance) reasons.add("blurred");

  if (measures.takenAt !== null && !datePlausible(measures.takenAt, t, ctx)) reasons.add("date_implausible");

  const ordered = PHOTO_REASON_CODES.filter((code) => reasons.has(code));
  return { status: ordered.length ? "failed" : "ok", reasons: ordered };
}

/**
 * A capture date in the future (beyond the slack for EXIF's missing time zone) or long before the case
 * opened is a reused or wrongly dated photo. Unparseable context dates cannot prove anything: pass.
 */
function datePlausible(takenAt: string, t: PhotoThresholds, ctx: PhotoContext): boolean {
  const taken = Date.parse(takenAt);
  const now = Date.parse(ctx.now);
  const opened = Date.parse(ctx.caseOpenedAt);
  if (Number.isNaN(taken)) return true;
  if (!Number.isNaN(now) && taken > now + t.date_max_future_hours * HOUR_MS) return false;
  if (!Number.isNaN(opened) && taken < opened - t.date_max_days_before_case * DAY_MS) return false;
  return true;
}

export function hammingDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/i.test(a) || !/^[0-9a-f]{16}$/i.test(b)) return 64;
  let distance = 0;
  for (let i = 0; i < 16; i += 8) {
    let x = (Number.parseInt(a.slice(i, i + 8), 16) ^ Number.parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x) {
      x &= x - 1;
      distance++;
    }
  }
  return distance;
}

function isDuplicate(hash: string, known: string[], maxDistance: number): boolean {
  return known.some((k) => hammingDistance(hash, k) <= maxDistance);
}

/** What the image adapter returns, minus the thumbnail: measures, or why there are none. */
export type MeasuredPhoto = { kind: "ok"; measures: PhotoMeasures } | { kind: "unreadable" | "too_large"; detail: string };

/** One entry of the photo contract (see the top of this file). */
export interface PhotoEntry {
  file: string;
  category: string | null;
  station: number | null;
  status: "ok" | "failed";
  reasons: PhotoReasonCode[];
  measures: PhotoMeasures | { detail: string };
}

/**
 * The contract entry for one photo: judged when it could be measured, failed with `unreadable` or
 * `too_large` when not. The caller adds an ok photo's dhash to `ctx.knownHashes` before judging the next
 * photo of the same mail, so a photo sent twice in one mail is a duplicate too.
 */
export function photoEntry(
  file: string,
  guess: Pick<PhotoCategoryGuess, "category" | "station">,
  measured: MeasuredPhoto,
  thresholds: PhotoThresholds,
  ctx: PhotoContext,
): PhotoEntry {
  const base = { file, category: guess.category, station: guess.station };
  if (measured.kind !== "ok") return { ...base, status: "failed", reasons: [measured.kind], measures: { detail: measured.detail } };
  return { ...base, ...judgePhoto(measured.measures, thresholds, ctx), measures: measured.measures };
}

// ---------------------------------------------------------------------------------------------------------
// Category

export interface PhotoCategoryGuess {
  /** Category id, null when it cannot be told: the photo is `unassigned` and counts toward nothing. */
  category: string | null;
  /** Station number named with the photo ("station2_mac.jpg"), when any. */
  station: number | null;
  source: "caption" | "file" | "mail_text" | null;
}

/** Synonyms shorter than this must be a whole word, give or take a Swedish inflection ("vägg" finds
 * "väggen", "mac" does not find "machine"); longer ones may sit anywhere inside a word, as Swedish
 * compounds and definite forms need ("betongplattan" holds "platta", "elcentralen" holds "elcentral"). */
const MIN_INFIX_SYNONYM = 5;
/** Swedish definite and plural endings a short synonym may carry. */
const SHORT_WORD_ENDINGS = "(?:en|et|er|ar|or|na|n|t|s|e|arna|erna|orna|ens|ets)?";
/** How much mail text after a file name is read as that file's description ("IMG_1234 visar elcentralen"). */
const FILE_MENTION_WINDOW = 80;
/** Mail text read for categories. */
const MAX_MAIL_TEXT_CHARS = 20_000;

/**
 * A photo's category from, in order of trust: its caption, its file name, the mail text next to its file
 * name, then — only when the mail carries this one photo — the mail text as a whole when that names
 * exactly one category ("Bifogar bild på elcentralen"). A tie between categories leaves the photo
 * unassigned rather than guessing.
 */
export function categorisePhoto(
  file: string,
  caption: string | null,
  mailText: string,
  photoRules: PhotosRules,
  stage: StageId,
  options: { photosInMail?: number } = {},
): PhotoCategoryGuess {
  const stageRules = photoRules.stages[stage];
  if (!stageRules) return { category: null, station: null, source: null };
  const stationRe = stationPattern(photoRules);
  const stem = file.replace(/^.*[\\/]/, "").replace(/\.[a-z0-9]{2,5}$/i, "");
  const text = mailText.slice(0, MAX_MAIL_TEXT_CHARS);

  const sources: Array<[PhotoCategoryGuess["source"], string]> = [
    ["caption", caption ?? ""],
    ["file", stem],
    ["mail_text", mentionOf(stem, text)],
  ];
  let station: number | null = null;
  for (const [source, raw] of sources) {
    const { rest, station: s } = takeStation(normaliseWords(raw), stationRe);
    station ??= s;
    const category = bestCategory(rest, stageRules);
    if (category) return { category, station, source };
  }
  if ((options.photosInMail ?? 1) > 1) return { category: null, station, source: null };
  const category = bestCategory(takeStation(normaliseWords(text), stationRe).rest, stageRules, true);
  return category ? { category, station, source: "mail_text" } : { category: null, station, source: null };
}

function normaliseWords(text: string): string {
  // File names glue words with _ - . and digits: "IMG_2041_elcentral" → "img 2041 elcentral".
  return ` ${foldText(text).replace(/[^\p{L}\p{N}]+/gu, " ").replace(/(\p{L})(\p{N})/gu, "$1 $2").replace(/(\p{N})(\p{L})/gu, "$1 $2").trim()} `;
}

function stationPattern(rules: PhotosRules): RegExp {
  const words = [...rules.station_words.sv, ...rules.station_words.en]
    .map((w) => foldText(w).replace(/[^\p{L}\p{N}]+/gu, " ").trim())
    .sort((a, b) => b.length - a.length)
    .join("|");
  return new RegExp(` (?:${words}) (?:nr |no )?(\\d{1,3}) `, "u");
}

function takeStation(words: string, stationRe: RegExp): { rest: string; station: number | null } {
  const m = stationRe.exec(words);
  if (!m) return { rest: words, station: null };
  return { rest: words.replace(m[0], " "), station: Number(m[1]) };
}

function mentionOf(stem: string, text: string): string {
  if (stem.length < 4) return "";
  const at = text.toLowerCase().indexOf(stem.toLowerCase());
  if (at < 0) return "";
  const after = text.slice(at + stem.length, at + stem.length + FILE_MENTION_WINDOW);
  // The description ends at a sentence or list break: "IMG_1 visar elcentralen och IMG_2 kabeldragningen".
  return after.split(/[\n.;:!?,]|\s(?:och|samt|and|&)\s/)[0] ?? "";
}

/** The one category whose synonyms hit most; null on none or a tie. `exclusive`: exactly one may hit. */
function bestCategory(words: string, stageRules: StagePhotos, exclusive = false): string | null {
  const scores = stageRules.categories
    .map((c) => ({ id: c.id, score: [...c.synonyms.sv, ...c.synonyms.en].filter((s) => hits(words, s)).length }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score);
  const [best, second] = scores;
  if (!best) return null;
  if (exclusive && second) return null;
  if (second && second.score === best.score) return null;
  return best.id;
}

/** Each synonym's test, made once: synonyms come from the rules, a handful per category. */
const synonymTests = new Map<string, (words: string) => boolean>();

function hits(words: string, synonym: string): boolean {
  let test = synonymTests.get(synonym);
  if (!test) {
    test = synonymTest(normaliseWords(synonym).trim());
    synonymTests.set(synonym, test);
  }
  return test(words);
}

/** A long synonym is found anywhere in the words; a short one only as a word, with its endings. */
function synonymTest(s: string): (words: string) => boolean {
  if (s === "") return () => false;
  if (s.length >= MIN_INFIX_SYNONYM) return (words) => words.includes(s);
  const word = new RegExp(` ${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${SHORT_WORD_ENDINGS} `, "u");
  return (words) => word.test(words);
}

// ---------------------------------------------------------------------------------------------------------
// Coverage and reply lines

export interface CoverageRow {
  category: string;
  required: number;
  ok: number;
  missing: number;
}

/** Per category of a stage: how many good photos are required (per-station minimums × stations), how
 * many arrived, how many are still missing. Failed and unassigned photos count toward nothing. */
export function photoCoverage(
  photos: ReadonlyArray<{ category: string | null; status: "ok" | "failed" }>,
  stageRules: StagePhotos,
  stations: number,
): CoverageRow[] {
  return stageRules.categories.map((c) => {
    const required = c.per_station ? c.min * Math.max(0, stations) : c.min;
    const ok = photos.filter((p) => p.status === "ok" && p.category === c.id).length;
    return { category: c.id, required, ok, missing: Math.max(0, required - ok) };
  });
}

/** One reply line for a failed photo: the most serious reason, what is wrong and what to do. */
export function retakeLine(file: string, reasons: readonly PhotoReasonCode[], rules: PhotosRules, locale: Locale): string | null {
  const first = PHOTO_REASON_CODES.find((code) => reasons.includes(code));
  return first ? fillPlaceholders(rules.retake_advice[first][locale], { file }) : null;
}

export function unassignedLine(file: string, rules: PhotosRules, locale: Locale): string {
  return fillPlaceholders(rules.unassigned_advice[locale], { file });
}
