/**
 * Evidence flags settled by later mail (issue 18). The bot raises `evidence_rejected`,
 * `unclear_answer` and `unassigned_photo` for what one mail brought, and asks its sender to fix it;
 * when later mail of the thread brings what fixes it — a sharp retake of the photo for the same
 * category, the form again with the field corrected, a form that can be read, the right MAC for the
 * station, a clear answer — the bot resolves the flag in that mail's commit and says what fixed it,
 * so the work queue drops the row. Pure.
 *
 * A flag is read back from the evidence of the mail that raised it (the flag's `mail`), not from its
 * reason: each thing it named is fixed or not by the evidence recorded after that mail. When only
 * some are fixed, the flag stays open and its reason is rebuilt by `evidenceFlags` from what is still
 * wrong, so the queue names only that (a `flag_narrowed` event says what was fixed).
 *
 * Never touched here: flags the team must judge (any other code), a flag already resolved (by a team
 * member or by the bot), and the team's overrides: only the sender's own evidence counts as a fix,
 * an overridden item is the team's to resolve.
 */
import { macIdentity } from "../evidence/mac.js";
import { hammingDistance } from "../evidence/photo-verdict.js";
import type { Rules } from "../rules/rules.js";
import type { Case, CaseEvent, EvidenceRecord, Flag, FlagCode, FormEvidence, MacEvidence, PhotoEvidence, StageId } from "../types.js";
import type { Checklist } from "./checklist.js";
import { summarised } from "../words/english.js";
import type { FixWords } from "../words/timeline-words.js";
import { MAX_LISTED, words } from "../words/words.js";
import type { JudgedEvidence } from "./evidence-flags.js";
import { evidenceFlags, fieldOfKey, quote } from "./evidence-flags.js";

/** The flags a sender fixes by mail; every other flag is the team's to resolve. */
const SETTLED_BY_MAIL: ReadonlySet<FlagCode> = new Set<FlagCode>(["evidence_rejected", "unclear_answer", "unassigned_photo"]);

export interface SettleContext {
  /** The checklist with this mail's evidence (a photo sorted into no category is fixed when its stage's photos are all in). */
  checklist: Checklist;
  rules: Pick<Rules, "photos" | "stages">;
  now: string;
  /** The mail key of the mail being decided: its commit carries the resolution. */
  mail: string;
}

/**
 * Resolves or narrows the open evidence flags that the evidence recorded since their mail fixes, with
 * one event each. Only a mail that brought evidence (its record is on the case) settles anything.
 */
export function settleEvidenceFlags(c: Case, events: CaseEvent[], ctx: SettleContext): Case {
  if (!c.evidence.some((r) => r.mail === ctx.mail)) return c;
  let flags = c.flags;
  for (const flag of c.flags) {
    if (flag.resolved || !SETTLED_BY_MAIL.has(flag.code) || !flag.mail || flag.mail === ctx.mail) continue;
    const at = c.evidence.findIndex((r) => r.mail === flag.mail);
    const raised = c.evidence[at];
    if (!raised) continue;
    const { left, fixed } = fixesOf(flag.code, raised, c.evidence.slice(at + 1), c.evidence.slice(0, at + 1), ctx);
    if (fixed.length === 0) continue;
    const still = evidenceFlags(left, raised.from).find((f) => f.code === flag.code);
    let next: Flag;
    // The fixes listed are bounded as the flag's reason is (the sentence is cut anyway).
    const fixes = fixed.slice(0, MAX_LISTED);
    if (!still) {
      const how = summarised(words("resolved_fixed", { fixes }));
      next = { ...flag, resolved: { by: "bot", at: ctx.now, how: how.summary, words: how.words } };
      const w = words("flag_resolved", { code: flag.code, how: how.summary, howWords: how.words });
      events.push({ at: ctx.now, kind: "flag_resolved", by: "bot", ...summarised(w), mail: ctx.mail });
    } else if (still.reason !== flag.reason) {
      next = { ...flag, reason: still.reason, words: still.words };
      const w = words("flag_narrowed", { code: flag.code, fixes, still: still.reason, stillWords: still.words });
      events.push({ at: ctx.now, kind: "flag_narrowed", by: "bot", ...summarised(w), mail: ctx.mail });
    } else {
      continue;
    }
    flags = flags.map((f) => (f === flag ? next : f));
  }
  return flags === c.flags ? c : { ...c, flags };
}

interface Fixes {
  /** What the flag's mail brought minus what was fixed since. */
  left: JudgedEvidence;
  /** What fixed it, one each, in words. */
  fixed: FixWords[];
}

function fixesOf(code: FlagCode, raised: EvidenceRecord, later: EvidenceRecord[], upTo: EvidenceRecord[], ctx: SettleContext): Fixes {
  const fixed: FixWords[] = [];
  const keep = <T>(things: T[], fix: (t: T) => FixWords | null): T[] =>
    things.filter((t) => {
      const how = fix(t);
      if (how) fixed.push(how);
      return !how;
    });
  const left: JudgedEvidence = { answers: raised.answers, forms: raised.forms, photos: raised.photos, macs: raised.macs };
  if (code === "unclear_answer") {
    const answers = { ...raised.answers };
    for (const [id, a] of Object.entries(raised.answers)) {
      const how = a.status === "unclear" ? answerFix(id, later) : null;
      if (how) {
        fixed.push(how);
        delete answers[id];
      }
    }
    return { left: { ...left, answers }, fixed };
  }
  if (code === "unassigned_photo") {
    return { left: { ...left, photos: keep(raised.photos, (p) => (p.status === "ok" && p.category === null ? unassignedFix(p, later, ctx) : null)) }, fixed };
  }
  const macFix = macFixer(raised.macs, later, upTo);
  return {
    left: {
      ...left,
      forms: raised.forms.flatMap((f) => formLeft(f, later, fixed)),
      photos: keep(raised.photos, (p) => (p.status === "failed" ? failedPhotoFix(p, later, ctx) : null)),
      macs: keep(raised.macs, macFix),
    },
    fixed,
  };
}

function answerFix(id: string, later: EvidenceRecord[]): FixWords | null {
  for (const r of later) {
    const a = r.answers[id];
    if (a && a.status !== "unclear") return { kind: "answer", from: r.from, item: id, text: quote(a.text) };
  }
  return null;
}

/** A failed photo is fixed by a later photo of its category that passed (the same station, when both name one). */
function failedPhotoFix(p: PhotoEvidence, later: EvidenceRecord[], ctx: SettleContext): FixWords | null {
  if (p.category === null) return stagePhotosIn(p.stage, ctx);
  for (const r of later) {
    const q = r.photos.find((x) => x.status === "ok" && x.category === p.category && sameStage(p, x) && (!p.station || !x.station || p.station === x.station));
    if (q) return { kind: "photo_retaken", from: r.from, category: categoryLabel(q, ctx), file: quote(q.file) };
  }
  return null;
}

/** A photo that fit no category is fixed when it comes again sorted (the same picture, by its hash), or when its stage's photos are all in. */
function unassignedFix(p: PhotoEvidence, later: EvidenceRecord[], ctx: SettleContext): FixWords | null {
  const hash = p.measures.dhash;
  if (typeof hash === "string") {
    for (const r of later) {
      const q = r.photos.find(
        (x) => x.status === "ok" && x.category !== null && typeof x.measures.dhash === "string" && hammingDistance(hash, x.measures.dhash) <= ctx.rules.photos.quality.duplicate_max_hamming,
      );
      if (q) return { kind: "photo_resent", from: r.from, file: quote(q.file), category: categoryLabel(q, ctx) };
    }
  }
  return stagePhotosIn(p.stage, ctx);
}

function stagePhotosIn(stage: StageId | undefined, ctx: SettleContext): FixWords | null {
  const item = ctx.rules.stages.find((s) => s.id === stage)?.items.find((i) => i.evidence === "photos");
  if (!item) return null;
  const state = ctx.checklist.items.find((i) => i.id === item.id)?.state;
  return state?.status === "ok" ? { kind: "stage_photos_in", item: item.id } : null;
}

/**
 * A form that could not be read is fixed by a later form that could; a rejected field of a form by a
 * later copy of the same form where that field passed. Returns the form as it is left (only its
 * unfixed failed fields), or nothing when all of it is fixed.
 */
function formLeft(f: FormEvidence, later: EvidenceRecord[], fixed: FixWords[]): FormEvidence[] {
  if (f.form === null) {
    if (f.status !== "failed") return [f];
    for (const r of later) {
      const read = r.forms.find((x) => x.form !== null);
      if (read) {
        fixed.push({ kind: "form_readable", from: r.from, file: quote(read.file), was: quote(f.file) });
        return [];
      }
    }
    return [f];
  }
  const fields = f.fields.filter((field) => {
    if (field.verdict !== "failed") return true;
    for (const r of later) {
      const again = r.forms.find((x) => x.form === f.form && x.fields.some((y) => y.name === field.name && y.verdict === "ok"));
      if (again) {
        fixed.push({ kind: "field_corrected", from: r.from, ...fieldOfKey(field.name), file: quote(again.file) });
        return false;
      }
    }
    return true;
  });
  return [{ ...f, fields }];
}

/**
 * A rejected MAC given for a station is fixed by a later accepted MAC for that station; one given for
 * no station by a later accepted MAC new to the case (each new MAC fixes one). A MAC not shipped is a
 * `fact_mismatch`, not this flag's (evidence-flags.ts).
 */
function macFixer(raised: MacEvidence[], later: EvidenceRecord[], upTo: EvidenceRecord[]): (m: MacEvidence) => FixWords | null {
  const known = new Set(upTo.flatMap((r) => r.macs).flatMap((m) => (m.status === "ok" && m.mac ? [macIdentity(m.mac)] : [])));
  const stationed = new Set(raised.flatMap((m) => (m.station ? [m.station] : [])));
  const fresh: { mac: string; from: string }[] = [];
  for (const r of later) {
    for (const m of r.macs) {
      if (m.status !== "ok" || !m.mac || known.has(macIdentity(m.mac)) || (m.station && stationed.has(m.station))) continue;
      known.add(macIdentity(m.mac));
      fresh.push({ mac: m.mac, from: r.from });
    }
  }
  return (m) => {
    if (m.status !== "failed" || m.reasons.every((r) => r === "not_shipped")) return null;
    if (m.station) {
      for (const r of later) {
        const q = r.macs.find((x) => x.status === "ok" && x.mac && x.station === m.station);
        if (q?.mac) return { kind: "mac_passed", from: r.from, mac: q.mac, station: m.station };
      }
      return null;
    }
    const q = fresh.shift();
    return q ? { kind: "mac_passed", from: q.from, mac: q.mac } : null;
  };
}

function sameStage(a: PhotoEvidence, b: PhotoEvidence): boolean {
  return !a.stage || !b.stage || a.stage === b.stage;
}

function categoryLabel(p: PhotoEvidence, ctx: SettleContext): { sv: string; en: string } {
  const stages = p.stage ? [ctx.rules.photos.stages[p.stage]] : Object.values(ctx.rules.photos.stages);
  const cat = stages.flatMap((s) => s?.categories ?? []).find((x) => x.id === p.category);
  return cat ? { sv: cat.labels.sv, en: cat.labels.en } : { sv: p.category ?? "foto", en: p.category ?? "photo" };
}
