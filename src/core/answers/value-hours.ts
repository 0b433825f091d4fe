/**
 * Grammar of opening hours: "mån–fre 07–18, lör 10–14", "weekdays 7am-6pm", "7-18 alla dagar",
 * "dygnet runt". Day names and phrases come from the lexicon; times, ranges and the order of days
 * and times are grammar.
 *
 * Result: "24/7", or periods `{ days, open, close }` in the order written, days in week order,
 * times "HH:MM" ("24:00" closes at midnight). Days said to be closed are left out. A time range
 * with no day applies to every day.
 */
import type { JsonValue } from "../types.js";
import { WEEKDAYS, type ItemVocabulary, type Weekday } from "./vocabulary.js";
import { alternation, fold } from "./tokens.js";
import { matchesOf } from "../match-all.js";

type HoursVocabulary = Extract<ItemVocabulary, { kind: "opening_hours" }>;

interface Period {
  days: Weekday[];
  open: string;
  close: string;
}

export interface HoursReading {
  value?: JsonValue;
  /** Days or an always-phrase were named: the text is about opening hours even without a topic. */
  selfEvident: boolean;
}

/** Day words of three letters or less are ordinary words too ("fri", "sön" written "son", "mån"
 *  written "man"): they only count right next to another day, a time or a closed word. */
const WEAK_DAY_MAX = 3;

interface Grammar {
  always: RegExp;
  closed: RegExp;
  except: RegExp;
  day: RegExp;
  dayWords: Map<string, Weekday[]>;
  dayRangeGap: RegExp;
  /** What may stand between a short day word and the piece that vouches for it. */
  tightGap: RegExp;
  timeRange: RegExp;
}

const cache = new WeakMap<HoursVocabulary, Grammar>();

function grammar(v: HoursVocabulary): Grammar {
  const hit = cache.get(v);
  if (hit) return hit;
  const dayWords = new Map<string, Weekday[]>();
  const add = (word: string, days: Weekday[]) => {
    const key = fold(word).replace(/\s+/g, " ");
    dayWords.set(key, [...new Set([...(dayWords.get(key) ?? []), ...days])]);
  };
  for (const d of WEEKDAYS) for (const w of v.days[d]) add(w, [d]);
  for (const g of v.day_groups) for (const w of g.words) add(w, g.days);

  const time = "(\\d{1,2})(?:[:.](\\d{2}))?(?:\\s*(am|pm|a\\.m\\.|p\\.m\\.))?";
  const prefix = `(?:${alternation(v.time_prefixes)}\\.?\\s*)?`;
  const sep = `\\s*(?:[-–—]|${alternation(v.time_range_words)})\\s*`;
  const filler = "[\\s,&/+:;.–—-]*";
  const linking = alternation([...v.time_prefixes, ...v.day_range_words, ...v.time_range_words]);
  const g: Grammar = {
    always: new RegExp(alternation(v.always), "gu"),
    closed: new RegExp(alternation(v.closed), "gu"),
    except: new RegExp(alternation(v.except), "gu"),
    day: new RegExp(alternation([...dayWords.keys()]) + "\\.?", "gu"),
    dayWords,
    dayRangeGap: new RegExp(`^\\s*(?:[-–—]|${alternation(v.day_range_words)})\\s*$`, "u"),
    tightGap: new RegExp(`^${filler}(?:${linking}${filler})?$`, "u"),
    timeRange: new RegExp(`(?<![\\d:.,/])${prefix}${time}${sep}${prefix}${time}(?![\\d:/])`, "gu"),
  };
  cache.set(v, g);
  return g;
}

type Piece =
  | { kind: "day"; days: Weekday[]; start: number; end: number; weak: boolean }
  | { kind: "time"; open: string; close: string; start: number; end: number }
  | { kind: "always" | "closed" | "except"; start: number; end: number };

function clock(h: string | undefined, m: string | undefined, ampm: string | undefined): [number, number] | undefined {
  let hour = Number(h);
  const minute = m === undefined ? 0 : Number(m);
  if (!Number.isInteger(hour) || hour > 24 || minute > 59) return undefined;
  if (ampm?.startsWith("p") && hour < 12) hour += 12;
  if (ampm?.startsWith("a") && hour === 12) hour = 0;
  return [hour, minute];
}

function hhmm([h, m]: [number, number]): string {
  return `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

function pieces(text: string, g: Grammar): Piece[] {
  let folded = fold(text);
  const out: Piece[] = [];
  const mask = (start: number, end: number) => {
    folded = folded.slice(0, start) + " ".repeat(end - start) + folded.slice(end);
  };
  for (const m of matchesOf(g.always, folded)) out.push({ kind: "always", start: m.index, end: m.index + m[0].length });
  for (const p of out) mask(p.start, p.end);
  for (const m of matchesOf(g.closed, folded)) out.push({ kind: "closed", start: m.index, end: m.index + m[0].length });
  for (const m of matchesOf(g.except, folded)) out.push({ kind: "except", start: m.index, end: m.index + m[0].length });
  for (const m of matchesOf(g.timeRange, folded)) {
    const [, h1, m1, ap1, h2, m2, ap2] = m;
    let open = clock(h1, m1, ap1 ?? undefined);
    const close = clock(h2, m2, ap2 ?? undefined);
    if (!open || !close) continue;
    // "1-5pm": an unmarked opening hour takes the closing mark when that keeps it before closing.
    if (ap1 === undefined && ap2?.startsWith("p") && open[0] < 12 && open[0] + 12 <= close[0]) {
      open = [open[0] + 12, open[1]];
    }
    if (hhmm(open) === hhmm(close)) continue;
    out.push({ kind: "time", open: hhmm(open), close: hhmm(close), start: m.index, end: m.index + m[0].length });
    mask(m.index, m.index + m[0].length);
  }
  for (const m of matchesOf(g.day, folded)) {
    const key = m[0].replace(/\.$/, "").replace(/\s+/g, " ");
    const days = g.dayWords.get(key);
    if (!days) continue;
    out.push({ kind: "day", days, start: m.index, end: m.index + m[0].length, weak: key.length <= WEAK_DAY_MAX });
  }
  out.sort((a, b) => a.start - b.start);
  return dropLoneWeakDays(out, folded, g);
}

function dropLoneWeakDays(all: Piece[], folded: string, g: Grammar): Piece[] {
  return all.filter((p, i) => {
    if (p.kind !== "day" || !p.weak) return true;
    const prev = all[i - 1];
    const next = all[i + 1];
    return (
      (prev !== undefined && g.tightGap.test(folded.slice(prev.end, p.start))) ||
      (next !== undefined && g.tightGap.test(folded.slice(p.end, next.start)))
    );
  });
}

function dayRange(from: Weekday, to: Weekday): Weekday[] {
  const a = WEEKDAYS.indexOf(from);
  const b = WEEKDAYS.indexOf(to);
  const out: Weekday[] = [];
  for (let i = a; ; i = (i + 1) % 7) {
    out.push(WEEKDAYS[i] as Weekday);
    if (i === b || out.length === 7) return out;
  }
}

function weekOrder(days: Iterable<Weekday>): Weekday[] {
  const set = new Set(days);
  return WEEKDAYS.filter((d) => set.has(d));
}

export function readOpeningHours(text: string, v: HoursVocabulary): HoursReading {
  const g = grammar(v);
  const all = pieces(text, g);
  // "7-18 vardagar, 10-14 helger": days written after their times, which shows when the text
  // both starts with a time and ends with a day.
  const firstDay = all.findIndex((p) => p.kind === "day");
  const firstTime = all.findIndex((p) => p.kind === "time");
  const lastDay = all.findLastIndex((p) => p.kind === "day");
  const lastTime = all.findLastIndex((p) => p.kind === "time");
  const daysFollowTimes = firstTime >= 0 && firstDay > firstTime && lastDay > lastTime;

  const periods: { days?: Weekday[]; open: string; close: string }[] = [];
  let pending: Weekday[] | undefined;
  // After "stängt"/"closed" the days named are taken out of every period; after "utom"/"except",
  // out of the days just named (or the last period).
  let removing: { from: "all" | "pending" | "last"; base: Weekday[]; removed: Weekday[] } | undefined;
  let always = false;
  let namedDays = false;
  let prev: Piece | undefined;

  const joinDays = (into: Weekday[] | undefined, p: Extract<Piece, { kind: "day" }>): Weekday[] => {
    const gap = prev ? text.slice(prev.end, p.start) : "";
    const last = into?.[into.length - 1];
    const first = p.days[0];
    if (prev?.kind === "day" && last && first && p.days.length === 1 && g.dayRangeGap.test(gap)) {
      return [...(into ?? []), ...dayRange(last, first)];
    }
    return [...(into ?? []), ...p.days];
  };
  const without = (days: Weekday[] | undefined, removed: Weekday[]) =>
    (days ?? [...WEEKDAYS]).filter((d) => !removed.includes(d));
  const closeDays = (removed: Weekday[]) => {
    for (const period of periods) period.days = without(period.days, removed);
  };

  for (const p of all) {
    if (p.kind === "day") {
      namedDays = true;
      const target = periods[periods.length - 1];
      if (removing) {
        removing.removed = joinDays(prev?.kind === "day" ? removing.removed : undefined, p);
        if (removing.from === "all") closeDays(removing.removed);
        else if (removing.from === "pending") pending = without(removing.base, removing.removed);
        else if (target) target.days = without(removing.base, removing.removed);
      } else if (daysFollowTimes && target && (target.days === undefined || prev?.kind === "day")) {
        target.days = joinDays(target.days, p);
      } else {
        pending = joinDays(prev?.kind === "day" ? pending : undefined, p);
      }
    } else if (p.kind === "time") {
      periods.push(pending ? { days: pending, open: p.open, close: p.close } : { open: p.open, close: p.close });
      pending = undefined;
      removing = undefined;
    } else if (p.kind === "always") {
      if (pending) periods.push({ days: pending, open: "00:00", close: "24:00" });
      else always = true;
      pending = undefined;
      removing = undefined;
    } else if (p.kind === "closed") {
      // "sön stängt" closes the days just named; "stängt söndagar" the days that follow.
      if (pending) closeDays(pending);
      else removing = { from: "all", base: [], removed: [] };
      pending = undefined;
    } else if (pending) {
      removing = { from: "pending", base: pending, removed: [] };
    } else {
      const last = periods[periods.length - 1];
      if (last) removing = { from: "last", base: last.days ?? [...WEEKDAYS], removed: [] };
    }
    prev = p;
  }

  const done: Period[] = periods.map((p) => ({ days: weekOrder(p.days ?? WEEKDAYS), open: p.open, close: p.close }));
  const allDay = done.every((p) => p.days.length === 7 && p.open === "00:00" && p.close === "24:00");
  if ((always && done.length === 0) || (done.length > 0 && allDay)) return { value: "24/7", selfEvident: true };
  if (done.length === 0) return { selfEvident: false };
  const value = done.map((p) => ({ days: [...p.days], open: p.open, close: p.close }));
  return { value, selfEvident: namedDays || always };
}
