/**
 * Checklist states of the items satisfied by documents rather than words: forms, photos and MAC
 * addresses (SPEC §3). Pure; reads the verdicts already recorded on the case's evidence.
 */
import { appliesToMake } from "../rules/makes.js";
import type { Rules } from "../rules/rules.js";
import type { ItemRuleT } from "../rules/schema.js";
import type { Case, ItemState, StageId } from "../types.js";
import type { Rejection, ShortCategory } from "../words/words.js";
import { MAX_LISTED, quote, words } from "../words/words.js";
import { fieldOfKey } from "./evidence-flags.js";

export function evaluateEvidenceItem(c: Case, item: ItemRuleT, rules: Rules): ItemState {
  const stage = rules.stages.find((s) => s.items.some((i) => i.id === item.id))?.id;
  if (item.evidence === "form") return formState(c, item.form ?? "");
  if (item.evidence === "macs") return macState(c);
  if (item.evidence === "photos" && stage) return photoState(c, stage, rules);
  return { status: "missing" };
}

function formState(c: Case, formId: string): ItemState {
  const forms = c.evidence.flatMap((e) => e.forms.map((f) => ({ ...f, mail: e.mail }))).filter((f) => f.form === formId);
  const latest = forms[forms.length - 1];
  if (!latest) return { status: "missing" };
  if (latest.status === "ok") return { status: "ok", source: latest.mail, value: latest.file };
  const notOk = latest.fields.filter((f) => f.verdict !== "ok");
  const failed = notOk.map((f) => `${f.name}: ${f.reason ?? f.verdict}`);
  const fields = notOk.slice(0, MAX_LISTED).map(
    (f): Extract<Rejection, { kind: "field" }> => ({
      kind: "field",
      ...fieldOfKey(f.name),
      ...(f.value ? { value: quote(f.value) } : {}),
      problem: f.verdict === "missing" ? "missing" : (f.reason ?? "failed"),
    }),
  );
  return { status: "failed", code: latest.code ?? "form_rejected", reason: latest.reason ?? failed.join("; "), words: words("state_form_failed", { file: quote(latest.file), fields }) };
}

function macState(c: Case): ItemState {
  const all = c.evidence.flatMap((e) => e.macs);
  const ok = [...new Set(all.filter((m) => m.status === "ok" && m.mac).map((m) => m.mac as string))];
  if (ok.length >= c.stations) return { status: "ok", value: ok };
  const failed = all.filter((m) => m.status === "failed");
  if (failed.length) {
    const reasons = failed.map((m) => `${m.raw}: ${m.reasons.join(", ")}`);
    const macs = failed
      .slice(0, MAX_LISTED)
      .map((m): Extract<Rejection, { kind: "mac" }> => ({ kind: "mac", mac: m.mac ?? quote(m.raw), quoted: m.mac === null, ...(m.station ? { station: m.station } : {}), problems: m.reasons }));
    const w = words("state_macs_failed", { accepted: ok.length, needed: c.stations, macs });
    return { status: "failed", code: "mac_rejected", reason: `${ok.length}/${c.stations} accepted; ${reasons.join("; ")}`, words: w };
  }
  return { status: "missing" };
}

function photoState(c: Case, stage: StageId, rules: Rules): ItemState {
  const categories = photoCategoriesFor(rules, stage, c);
  const photos = c.evidence.flatMap((e) => e.photos).filter((p) => p.stage === stage);
  const short: ShortCategory[] = [];
  for (const cat of categories) {
    const need = cat.min * (cat.per_station ? c.stations : 1);
    const have = photos.filter((p) => p.category === cat.id && p.status === "ok").length;
    if (have < need) short.push({ label: { sv: cat.labels.sv, en: cat.labels.en }, have, need });
  }
  if (short.length === 0) return { status: "ok" };
  if (photos.length === 0) return { status: "missing" };
  const rejected = photos.some((p) => p.status === "failed");
  // The reason in the case's language: the mails quote it.
  const reason = short.map((s) => `${s.label[c.locale]} ${s.have}/${s.need}`).join(", ");
  return { status: "failed", code: rejected ? "photos_rejected" : "photos_incomplete", reason, words: words("state_photos_short", { short, rejected }) };
}

/** A stage's photo categories for the case's make (categories with `makes:` only on those makes). */
export function photoCategoriesFor(rules: Pick<Rules, "photos" | "makes">, stage: StageId, c: Pick<Case, "make">) {
  return (rules.photos.stages[stage]?.categories ?? []).filter((cat) => appliesToMake(cat.makes, rules.makes, c.make));
}

/** The photo rules as they apply to the case's make, for sorting its photos into categories. */
export function photoRulesFor(rules: Pick<Rules, "photos" | "makes">, c: Pick<Case, "make">): Rules["photos"] {
  const stages: Rules["photos"]["stages"] = {};
  for (const [stage, s] of Object.entries(rules.photos.stages) as [StageId, NonNullable<Rules["photos"]["stages"][StageId]>][]) {
    stages[stage] = { ...s, categories: photoCategoriesFor(rules, stage, c) };
  }
  return { ...rules.photos, stages };
}
