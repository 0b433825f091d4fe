/** A flag's kind in a few words, in the desk's languages: the overview's chart and the work queue's rows. */
import type { FlagCode } from "../../core/types.js";
import type { UiLanguage } from "./ui-language.js";

export const FLAG_WORDS: Record<UiLanguage, Record<FlagCode | "loose", string>> = {
  en: {
    unmatched: "mail tied to no case",
    ambiguous: "mail for more than one case",
    unknown_sender: "unknown sender",
    auth_failed: "sender check failed",
    bounce: "bounced mail",
    complaint: "complaint",
    malformed_mail: "malformed mail",
    loop: "mail loop",
    processing_error: "processing error",
    unclear_answer: "unclear answer",
    evidence_rejected: "evidence rejected",
    unassigned_photo: "unassigned photo",
    no_reply_escalation: "no reply, escalated",
    fact_mismatch: "fact does not match",
    item_conflict: "conflicting answers",
    team_step_overdue: "team step overdue",
    loose: "mail tied to no case (open flags)",
  },
  sv: {
    unmatched: "post utan ärende",
    ambiguous: "post som passar flera ärenden",
    unknown_sender: "okänd avsändare",
    auth_failed: "avsändarkontrollen misslyckades",
    bounce: "studsad post",
    complaint: "klagomål",
    malformed_mail: "felformaterad post",
    loop: "postslinga",
    processing_error: "behandlingsfel",
    unclear_answer: "oklart svar",
    evidence_rejected: "underlag underkänt",
    unassigned_photo: "foto utan kategori",
    no_reply_escalation: "inget svar, eskalerat",
    fact_mismatch: "uppgift stämmer inte",
    item_conflict: "motstridiga svar",
    team_step_overdue: "teamsteg försenat",
    loose: "post utan ärende (öppna flaggor)",
  },
};

/** The kind of flag `code` names in `lang`; a code this table does not know (a newer bot's) as it is. */
export function flagWord(code: string, lang: UiLanguage): string {
  return (FLAG_WORDS[lang] as Record<string, string>)[code] ?? code;
}
