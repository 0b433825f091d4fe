/**
 * What the core decides to send: a mail kind, its recipients and the data its template needs.
 * The app renders it (templates/) into an outbox entry and commits both together.
 */
import type { ItemId, JsonValue, StageId } from "../types.js";
import type { Contradiction } from "./case-facts.js";

export const MAIL_KINDS = [
  "stage_request",
  "progress",
  "reminder",
  "case_activated",
  "sent_back",
  /** The network manager told that a team step was confirmed (the account verified). */
  "step_confirmed",
  /** The answer to a parcel question about a product delivered digitally. */
  "digital_delivery",
  /** A team member asks for named photos again (core/case/team-mail.ts). */
  "retake_request",
  /** A team member asks again about named checklist items (an unclear or a failed answer). */
  "ask_again",
  /** A team member's own words in the thread. */
  "team_message",
] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export interface ReplyContent {
  /** The stage the mail is about (after any stage change). */
  stage: StageId;
  /** Stages passed because of this mail, oldest first. */
  advancedFrom?: StageId;
  /** Items this mail brought to ok, with what was read. */
  received: { id: ItemId; value?: JsonValue }[];
  /** Items of `stage` still open, with why they failed when they did. */
  open: { id: ItemId; failed?: string }[];
  /** Team steps of `stage` still to be done by the commissioning team (told, never asked). */
  teamPending?: { id: ItemId }[];
  /** Items whose answer was unclear, with the words read. */
  unclear: { id: ItemId; text: string }[];
  /** One line per problem with a photo, form or MAC address (evidence rules), already localised. */
  problems: string[];
  /** Case facts the reply contradicts, asked back (issue 21, case-facts.ts): "you write 3 stations,
   *  2 were ordered", a MAC given for a station that has another, the installation service. */
  contradictions?: Contradiction[];
  /** Items given that cannot take effect: an item they require was answered no (rules `requires`). */
  conflicts?: { id: ItemId; requires: ItemId }[];
  /** The team step a team member sent back, with the reason in their words (sent_back mails). */
  sentBack?: { id: ItemId; reason: string };
  /** The team step a team member confirmed, told to whom it concerns (step_confirmed mails: the account verified). */
  confirmed?: { id: ItemId };
  /** A parcel question about products delivered digitally (product ids of rules/answers.yaml), with its words. */
  digitalDelivery?: { products: string[]; text: string };
  /** The reply goes to someone who is not the stage's audience: thanked for, told nothing of the stage's items. */
  notAudience?: boolean;
  /** Reminder number, for the bot's reminders (absent on a reminder a team member sent). */
  reminder?: number;
  /** A team member's own words for the mail (a reason, a question, a message), shown as written. */
  teamNote?: string;
}

export interface OutboxIntent {
  kind: MailKind;
  /** Distinguishes several mails caused by one trigger; part of the dedupe key. */
  slot: string;
  to: string[];
  cc: string[];
  /** Message-ID this mail answers (In-Reply-To), when it answers one. */
  inReplyTo?: string;
  content: ReplyContent;
  /** Forms whose blank PDF goes along (pre-filled with case id and site). */
  attachForms: string[];
  /** Evidence received earlier that goes along (forwarded forms and photos). */
  attachEvidence?: { filename: string; blob: string; contentType: string }[];
}
