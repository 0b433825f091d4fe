/**
 * A timeline event in words, in the desk's language: the badge before each line of the case page's
 * timeline (its kind; a flag the bot resolved itself, because the sender fixed what it named, says so
 * apart from one a team member resolved), and what happened, in Swedish (`SWEDISH_EVENTS`; English is
 * the core's own, core/words/timeline-words.ts). An event stored before events kept words shows its
 * stored English summary. Pure.
 */
import type { MailKind } from "../../core/case/outbox-intent.js";
import type { CaseEvent, EventKind, ItemState, StageId } from "../../core/types.js";
import type { EventWordParams, FactChangeWords, FixWords, TableOf } from "../../core/words/timeline-words.js";
import { cite, quote } from "../../core/words/words.js";
import { participantRole, stageLabel, stateWord } from "./format.js";
import { flagWord } from "./flag-words.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT: Record<UiLanguage, { kinds: Record<EventKind, string>; resolvedByBot: string }> = {
  en: {
    kinds: {
      case_opened: "case opened",
      mail_in: "mail in",
      mail_out: "mail out",
      mail_ignored: "mail ignored",
      stage_changed: "stage changed",
      flagged: "flagged",
      flag_resolved: "flag resolved",
      flag_narrowed: "flag partly resolved by the bot",
      item_changed: "item changed",
      override: "override",
      reminder: "reminder",
      participant_changed: "participant changed",
      facts_changed: "facts changed",
      owner_changed: "owner changed",
      note: "note",
      team_mail: "team mail",
      archived: "archived",
      restored: "restored",
      draft: "draft",
    },
    resolvedByBot: "flag resolved by the bot",
  },
  sv: {
    kinds: {
      case_opened: "ärende öppnat",
      mail_in: "mejl in",
      mail_out: "mejl ut",
      mail_ignored: "mejl ignorerat",
      stage_changed: "steg ändrat",
      flagged: "flaggat",
      flag_resolved: "flagga löst",
      flag_narrowed: "flagga delvis löst av boten",
      item_changed: "punkt ändrad",
      override: "åsidosatt",
      reminder: "påminnelse",
      participant_changed: "deltagare ändrad",
      facts_changed: "uppgifter ändrade",
      owner_changed: "ägare ändrad",
      note: "anteckning",
      team_mail: "teamets mejl",
      archived: "arkiverat",
      restored: "återställt",
      draft: "utkast",
    },
    resolvedByBot: "flagga löst av boten",
  },
};

export function eventKindText(e: Pick<CaseEvent, "kind" | "by">, lang: UiLanguage): string {
  const t = uiText(TEXT, lang);
  if (e.kind === "flag_resolved" && e.by === "bot") return t.resolvedByBot;
  return t.kinds[e.kind] ?? e.kind.replaceAll("_", " ");
}

const MAIL_KIND_SV: Record<MailKind, string> = {
  stage_request: "begäran för steget",
  progress: "lägesbesked",
  reminder: "påminnelse",
  case_activated: "aktiveringsbesked",
  sent_back: "återsänd punkt",
  step_confirmed: "bekräftat teamsteg",
  digital_delivery: "svar om digital leverans",
  retake_request: "begäran om nya foton",
  ask_again: "ny fråga",
  team_message: "teamets meddelande",
};

const mailKind = (k: string) => (Object.hasOwn(MAIL_KIND_SV, k) ? MAIL_KIND_SV[k as MailKind] : k.replaceAll("_", " "));
const stage = (s: string) => stageLabel(s as StageId, "sv");
const state = (s: string) => (["missing", "ok", "failed", "overridden"].includes(s) ? stateWord(s as ItemState["status"], "sv") : s);
const field = (name: string, station?: number) => `${name.replaceAll("_", " ")}${station !== undefined ? ` (station ${station})` : ""}`;
const noted = (note: string) => (note ? `: ${note}` : "");
const list = (xs: string[]) => (xs.length > 1 ? `${xs.slice(0, -1).join(", ")} och ${xs[xs.length - 1]}` : (xs[0] ?? ""));

function fixSwedish(f: FixWords): string {
  switch (f.kind) {
    case "answer":
      return `${f.from} besvarade ${f.item}: ”${quote(f.text)}”`;
    case "photo_retaken":
      return `${f.from} skickade ett nytt foto för ”${f.category.sv}” som godkändes (”${quote(f.file)}”)`;
    case "photo_resent":
      return `${f.from} skickade fotot igen som ”${quote(f.file)}”, sorterat som ”${f.category.sv}”`;
    case "stage_photos_in":
      return `alla foton som ${f.item} kräver har kommit in och godkänts`;
    case "form_readable":
      return `${f.from} skickade ett formulär som gick att läsa (”${quote(f.file)}” i stället för ”${quote(f.was)}”)`;
    case "field_corrected":
      return `${f.from} skickade formuläret igen med ${field(f.field, f.station)} rättat (”${quote(f.file)}”)`;
    case "mac_passed":
      return `${f.from} skickade MAC-adressen ${f.mac}${f.station ? ` för station ${f.station}` : ""}, som godkändes`;
  }
}

function showValue(v: unknown): string {
  return v === null || v === undefined ? "—" : Array.isArray(v) ? (v.length ? v.join(", ") : "inga") : typeof v === "boolean" ? (v ? "ja" : "nej") : String(v) || "—";
}

const FACT_SV: Record<Extract<FactChangeWords, { from: unknown }>["fact"], string> = {
  site: "plats",
  stations: "antal stationer",
  macs_shipped: "levererade MAC-adresser",
  install_service: "installationstjänst",
  locale: "språk",
  participant_address: "adress",
  participant_name: "namn",
};

function changeSwedish(ch: FactChangeWords): string {
  switch (ch.fact) {
    case "participant_added":
      return `deltagare tillagd: ${ch.name ? `${ch.name} ` : ""}<${ch.email}> (${participantRole(ch.role, "sv")})`;
    case "participant_address":
    case "participant_name":
      return `deltagaren ${ch.email}: ${FACT_SV[ch.fact]} ${showValue(ch.from)} → ${showValue(ch.to)}`;
    default:
      return `${FACT_SV[ch.fact]} ${showValue(ch.from)} → ${showValue(ch.to)}`;
  }
}

const AFTER_SV = { mail: "checklistan är klar", override: "checklistan är klar efter ett godkännande av teamet", facts: "checklistan är klar efter att uppgifterna ändrades" };

/** What each timeline event says, in Swedish. */
export const SWEDISH_EVENTS: TableOf<EventWordParams> = {
  case_opened: (p) => `ärendet öppnades för ${p.site}`,
  make_from_form: (p) => `fabrikat: ${p.make}, enligt formuläret (”${p.written}”)`,
  make_from_mac: (p) => `fabrikat: ${p.make}, enligt tillverkarprefixet ${p.prefix} i ${p.mac} (rules/makes.yaml)`,
  mail_in: (p) => (p.subject ? ["ämne: ”", cite(p.subject), "”"] : "(inget ämne)"),
  mail_out: (p) => `${mailKind(p.mailKind)} till ${list(p.to)}`,
  mail_ignored: (p) => {
    switch (p.class) {
      case "auto_reply":
        return ["automatiskt svar, besvaras inte. Känt igen på: ”", cite(p.evidence), "”"];
      case "own":
        return ["botens eget mejl, besvaras inte. Känt igen på: ”", cite(p.evidence), "”"];
      case "delivery_delay":
        return `leveransen till ${p.recipient ?? "en mottagare"} är försenad${p.status ? ` (${p.status})` : ""}`;
      case "complaint":
        return `anmälan om skräppost${p.feedbackType ? ` (${p.feedbackType})` : ""}`;
    }
  },
  stage_advanced: (p) => `${stage(p.from)} → ${stage(p.to)}: ${p.after === "confirmed" ? `${p.item ?? ""} bekräftad` : AFTER_SV[p.after]}`,
  stage_set: (p) => `${stage(p.from)} → ${stage(p.to)}: ${p.why || (p.action === "activate" ? "aktiverat av teamet" : "avslutat av teamet")}`,
  case_reopened: (p) => `${stage("closed")} → ${stage(p.to)}: öppnat igen av ${p.by}: ${p.why}`,
  flagged: (p, nested) => (p.words ? [`${flagWord(p.code, "sv")}: `, ...nested(p.words)] : `${flagWord(p.code, "sv")}: ${p.reason}`),
  flag_resolved: (p, nested) => (p.howWords ? [`${flagWord(p.code, "sv")} löst: `, ...nested(p.howWords)] : `${flagWord(p.code, "sv")} löst: ${p.how}`),
  flag_narrowed: (p, nested) => [`${flagWord(p.code, "sv")}: ${p.fixes.map(fixSwedish).join("; ")}; fortfarande öppet: `, ...(p.stillWords ? nested(p.stillWords) : [p.still])],
  resolved_fixed: (p) => p.fixes.map(fixSwedish).join("; "),
  resolved_mail_accepted: (p) => (p.email ? `godkänt: ${p.email} lades till som deltagare` : "mejlet godkändes"),
  resolved_released: (p) => `släppt: ${p.by} kontrollerade avsändaren ${p.sender}`.trim(),
  resolved_facts_agree: () => "ärendets uppgifter ändrades så att de stämmer",
  resolved_address_replaced: (p) => `adressen byttes till ${p.email}`,
  item_failed: (p, nested) => (p.words ? [`${p.item}: underkänd — `, ...nested(p.words)] : `${p.item}: underkänd — ${p.reason}`),
  item_state: (p) => `${p.item}: ${state(p.from)} → ${state(p.to)}`,
  item_confirmed: (p) => `${p.item}: bekräftad av ${p.by}`,
  item_sent_back: (p) => `${p.item}: skickades tillbaka av ${p.by} — ${p.reason}`,
  another_receipt: (p) => [`${p.item}: ytterligare en mottagningsbekräftelse — ”`, cite(p.text), "”"],
  digital_parcel: (p) => [`frågade efter ett paket med en digital produkt (${p.products.join(", ")}): ”`, cite(p.text), "” — besvarat med att den levereras digitalt"],
  answer_unclear: (p) => [`${p.item}: oklart svar — ”`, cite(p.text), "”"],
  item_overridden: (p) => `${p.item} godkänd av teamet: ${p.why}`,
  override_undone: (p) => `${p.by}s godkännande av ${p.item} ångrades: ${p.why}`,
  reminder_sent: (p) => `påminnelse ${p.n} till ${list(p.to)}`,
  reminded_now: (p) => `påminnelse skickad direkt av ${p.by} till ${list(p.to)}${noted(p.note)}`,
  reminders_paused: (p) => `påminnelser pausade till ${p.day}, planen börjar om då${noted(p.note)}`,
  participant_added: (p) => `${p.email} lades till som deltagare (${participantRole("team_added", "sv")})`,
  participant_replaced: (p) =>
    p.diagnostic === undefined
      ? `${p.old} ersattes av ${p.email} (${participantRole(p.role, "sv")})`
      : [`${p.old} ersattes av ${p.email} (${participantRole(p.role, "sv")}). Den gamla adressen studsade, mottagarens server svarade: ”`, cite(p.diagnostic), "”"],
  person_erased: (p) => `personuppgifterna för deltagaren ${p.pseudonym} raderades på begäran (GDPR art. 17)`,
  facts_changed: (p) => `uppgifter ändrade av ${p.by}: ${p.changes.map(changeSwedish).join("; ")}`,
  owner_assigned: (p) => `tilldelat ${p.owner}${p.owner === p.by ? "" : ` av ${p.by}`}${p.was ? ` (tidigare ${p.was})` : ""}`,
  owner_unassigned: (p) => `tilldelning borttagen av ${p.by} (tidigare ${p.was ?? "ingen"})`,
  team_message: (p) => [`meddelande till ${list(p.to)}: ”`, cite(p.excerpt), "”"],
  retake_asked: (p) => `nya foton av ${p.files.join(", ")} begärda av ${p.who}${noted(p.note)}`,
  asked_again: (p) => `frågade igen om ${p.items.join(", ")} (${p.to.join(", ")})${noted(p.note)}`,
  last_mail_resent: (p) =>
    p.old ? `det senaste mejlet till ${p.old} (${mailKind(p.mailKind)}) skickades igen till ${p.email}` : `ärendets senaste mejl (${mailKind(p.mailKind)}) skickades igen till ${p.email}`,
  archived: (p) => `arkiverat efter ${p.days} ${p.days === 1 ? "dag" : "dagar"} som avslutat: skrivskyddat tills det öppnas igen`,
  restored: (p) => `öppnat igen från arkivet: ${p.why}${p.filesDeleted ? " (dess mejl- och fotofiler har raderats enligt gallringsregeln; bedömningarna finns kvar)" : ""}`,
  draft_held: (p) => `${mailKind(p.mailKind)} till ${list(p.to)} väntar som utkast (övervakat läge): någon i teamet skickar, redigerar eller kastar det`,
  draft_sent: (p) => `utkastet (${mailKind(p.mailKind)}) till ${list(p.to)} skickades av ${p.by}${p.editedBy ? ` (redigerat av ${p.editedBy})` : ""}`,
  draft_edited: (p) => `utkastet (${mailKind(p.mailKind)}) till ${list(p.to)} redigerades av ${p.by}`,
  draft_discarded: (p) => `utkastet (${mailKind(p.mailKind)}) till ${list(p.to)} kastades av ${p.by}${p.reason ? `: ${p.reason}` : ""}`,
};
