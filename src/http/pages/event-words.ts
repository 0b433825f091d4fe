/**
 * A timeline event's kind in words, in the desk's language: the badge before each line of the case
 * page's timeline. A flag the bot resolved itself (the sender fixed what it named, core/case/
 * evidence-fixes.ts) says so, apart from one a team member resolved. Pure.
 */
import type { CaseEvent, EventKind } from "../../core/types.js";
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
