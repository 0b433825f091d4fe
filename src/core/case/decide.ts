/**
 * decide: the only place a case changes. Given a case, what one mail (or team action) brought, the
 * rules and the time, it returns the new case, the events of its timeline and the mails to send.
 * Pure: everything it needs is passed in; it never throws on expected input.
 */
import type { DigitalDeliveryQuestion } from "../answers/digital-delivery.js";
import type { MailClass } from "../mail/classify.js";
import type { Rules } from "../rules/rules.js";
import type {
  Answers,
  Case,
  CaseEvent,
  EvidenceRecord,
  Flag,
  FlagCode,
  FormEvidence,
  MacEvidence,
  MailFacts,
  Participant,
  PhotoEvidence,
} from "../types.js";
import type { StatedFacts } from "../answers/stated-facts.js";
import { checkCaseFacts } from "./case-facts.js";
import { findMake, makeFromMacs, makeSummary } from "../rules/makes.js";
import type { Checklist } from "./checklist.js";
import { evaluateChecklist, isDone } from "./checklist.js";
import type { OutboxIntent, ReplyContent } from "./outbox-intent.js";
import { stageRule } from "../rules/rules.js";
import { audienceOf, formsAskedFor, openFor, stageRequests, teamPendingFor } from "./stage-requests.js";
import { autoAdvance } from "./stages.js";
import { evidenceFlags } from "./evidence-flags.js";
import { settleEvidenceFlags } from "./evidence-fixes.js";
import { said, summarised } from "../words/english.js";
import type { LoopBreach, Words } from "../words/words.js";
import { words } from "../words/words.js";

export type Trust =
  | { kind: "trusted"; participant: Participant }
  | { kind: "untrusted"; code: Extract<FlagCode, "unknown_sender" | "auth_failed">; reason: string; words?: Words };

export interface MailEvidence {
  answers: Answers;
  forms: FormEvidence[];
  photos: PhotoEvidence[];
  macs: MacEvidence[];
  /** What the reply's text states about the case's facts (station count, installation service),
   *  compared with the case's, as are the MACs above (case-facts.ts). */
  stated?: StatedFacts;
  /** Localised one-line problems with the evidence (photo retakes, MAC mismatches, unreadable forms). */
  problems: string[];
  /** A question about a parcel for a product delivered digitally: answered with digital_delivery. */
  digitalDelivery?: DigitalDeliveryQuestion;
}

/** Bot mails already sent, for the loop guards in rules/limits.yaml. */
export interface SendCounts {
  caseLastHour: number;
  noProgressLastHour: number;
  recipientLastDay: Record<string, number>;
}

export interface Decision {
  case: Case;
  events: CaseEvent[];
  outbox: OutboxIntent[];
  checklist: Checklist;
}

export interface MailInput {
  case: Case;
  mail: MailFacts;
  mailClass: MailClass;
  trust: Trust;
  evidence: MailEvidence;
  sent: SendCounts;
  rules: Rules;
  now: string;
}

export function decideOnMail(input: MailInput): Decision {
  const { mail, mailClass, now, rules } = input;
  const from = mail.from?.address ?? "(no sender)";
  let c: Case = {
    ...input.case,
    // The rules version of the latest evaluation (the checklist carries it too).
    rulesVersion: rules.version,
    messageIds: mail.messageId ? addUnique(input.case.messageIds, mail.messageId) : input.case.messageIds,
  };
  const events: CaseEvent[] = [
    // The raw mail's blob lets the desk show the thread (app/case-thread.ts).
    { at: now, kind: "mail_in", by: from, ...summarised(words("mail_in", { subject: mail.subject })), mail: mail.key, stage: c.stage, ...(mail.rawBlob ? { data: { blob: mail.rawBlob } } : {}) },
  ];

  if (mailClass.kind === "auto_reply" || mailClass.kind === "own" || mailClass.kind === "delivery_delay" || mailClass.kind === "complaint") {
    const reason = noiseReason(mailClass);
    events.push({ at: now, kind: "mail_ignored", by: "bot", ...summarised(noiseWords(mailClass)), mail: mail.key });
    if (mailClass.kind === "complaint") {
      // A recipient reported our mail as spam: never answered, but the team should know.
      c = raiseFlag(c, events, { code: "complaint", ...said(words("complaint", { from, detail: reason })), at: now, mail: mail.key });
    }
    return { case: c, events, outbox: [], checklist: evaluateChecklist(c, rules) };
  }

  if (mailClass.kind === "bounce") {
    const b = mailClass.bounce;
    const diagnostic = [b.status, b.diagnostic].filter(Boolean).join(" ") || "delivery failed";
    const recipient = b.recipient?.toLowerCase();
    c = {
      ...c,
      participants: c.participants.map((p) =>
        recipient && p.email === recipient ? { ...p, undeliverable: { at: now, diagnostic } } : p,
      ),
    };
    c = raiseFlag(c, events, { code: "bounce", ...said(words("bounce", { recipient: recipient ?? null, diagnostic })), at: now, mail: mail.key });
    return { case: c, events, outbox: [], checklist: evaluateChecklist(c, rules) };
  }

  if (input.trust.kind === "untrusted") {
    c = raiseFlag(c, events, {
      code: input.trust.code,
      reason: input.trust.reason,
      ...(input.trust.words ? { words: input.trust.words } : {}),
      at: now,
      mail: mail.key,
      ...(mail.rawBlob ? { blob: mail.rawBlob } : {}),
    });
    return { case: c, events, outbox: [], checklist: evaluateChecklist(c, rules) };
  }

  if (mailClass.doubts.length) {
    // Part of the mail may be lost (broken MIME, truncation): act on what was read, and let a person
    // look at the rest.
    c = raiseFlag(c, events, {
      code: "malformed_mail",
      ...said(words("malformed_mail", { from, doubts: mailClass.doubts })),
      at: now,
      mail: mail.key,
    });
  }
  return applyEvidence(c, events, input, input.trust.participant);
}

function applyEvidence(c: Case, events: CaseEvent[], input: MailInput, sender: Participant): Decision {
  const { mail, now, rules, evidence } = input;
  const before = evaluateChecklist(c, rules);
  const digital = evidence.digitalDelivery;
  const brought =
    Object.keys(evidence.answers).length + evidence.forms.length + evidence.photos.length + evidence.macs.length > 0 || digital !== undefined;
  if (brought) {
    const record: EvidenceRecord = {
      mail: mail.key,
      at: now,
      from: sender.email,
      answers: evidence.answers,
      forms: evidence.forms,
      photos: evidence.photos,
      macs: evidence.macs,
      ...(digital ? { digitalDelivery: { products: digital.products, text: digital.text } } : {}),
    };
    c = { ...c, evidence: [...c.evidence, record], activityAt: now };
  }
  c = learnMake(c, evidence, rules, events, now, mail.key);
  const after = evaluateChecklist(c, rules);
  const received = itemChanges(before, after, events, now, sender.email, mail.key);
  // Every receipt is recorded and thanked for ("låda 2 av 2"), not only the first: stations come in
  // several boxes on different dates, and a receipt never holds the case (rules: blocking: false).
  for (const id of receiptItems(rules)) {
    const receipt = evidence.answers[id];
    if (receipt?.status === "ok" && !received.some((r) => r.id === id)) {
      received.push(receipt.value === true ? { id } : { id, value: receipt.value });
      events.push({ at: now, kind: "item_changed", by: sender.email, ...summarised(words("another_receipt", { item: id, text: receipt.text })), mail: mail.key });
    }
  }
  if (digital) {
    events.push({
      at: now,
      kind: "item_changed",
      by: sender.email,
      ...summarised(words("digital_parcel", { products: digital.products, text: digital.text })),
      mail: mail.key,
    });
  }

  const passed = autoAdvance(c, after, rules);
  const advancedFrom = passed.length ? c.stage : undefined;
  for (const stage of passed) {
    events.push({
      at: now,
      kind: "stage_changed",
      by: "bot",
      ...summarised(words("stage_advanced", { from: c.stage, to: stage, after: "mail" })),
      mail: mail.key,
      stage,
    });
    c = { ...c, stage, activityAt: now };
  }
  const unclear = Object.entries(after.unclear).map(([id, text]) => ({ id, text }));
  for (const u of unclear) {
    if (before.unclear[u.id] !== u.text) {
      events.push({ at: now, kind: "item_changed", by: sender.email, ...summarised(words("answer_unclear", { item: u.id, text: u.text })), mail: mail.key });
    }
  }

  // What earlier flags asked the sender for and this mail brought: resolved (or narrowed) by the bot.
  c = settleEvidenceFlags(c, events, { checklist: after, rules, now, mail: mail.key });
  // The sender is asked in the reply; the team sees the same in its work queue.
  for (const f of evidenceFlags(evidence, sender.email)) c = raiseFlag(c, events, { ...f, at: now, mail: mail.key });

  // Never taken silently: the sender is asked back and the desk sees it; the case's facts stay.
  const facts = checkCaseFacts(input.case, evidence.stated ?? {}, evidence.macs, sender);
  const contradictions = facts.askBack;
  if (facts.words) c = raiseFlag(c, events, { code: "fact_mismatch", ...said(facts.words), at: now, mail: mail.key });

  const conflicts = requiredConflicts(before, after, rules);
  for (const k of conflicts) {
    c = raiseFlag(c, events, {
      code: "item_conflict",
      ...said(words("item_conflict", { item: k.id, requires: k.requires })),
      at: now,
      mail: mail.key,
    });
  }

  // A question answered is progress: the loop guard's no-progress limit is for mails that bring nothing.
  const progress = received.length > 0 || passed.length > 0 || digital !== undefined;
  const intents: OutboxIntent[] = [];
  // A mail that moved the case on tells its sender where the case stands now. Otherwise the stage's
  // open items (and blank forms) are its audience's to hear: a network manager's "låda 2 av 2" while
  // the contractor prepares the site is thanked for, not sent the contractor's list and form.
  const audience = stageRule(rules, c.stage).audience;
  // A colleague the team added speaks for the network manager (as in answer-scope.ts).
  const side = sender.role === "team_added" ? "network_manager" : sender.role;
  const addressed =
    passed.length > 0 || side === audience || (audience === "installer" && side === "contractor") || audienceOf(c, audience).includes(sender.email);
  const content: ReplyContent = {
    stage: c.stage,
    received,
    open: addressed ? openFor(after, c.stage, rules) : [],
    teamPending: teamPendingFor(after, c.stage, rules),
    unclear: unclear.filter((u) => after.items.find((i) => i.id === u.id)?.stage === c.stage),
    problems: evidence.problems,
    ...(contradictions.length ? { contradictions } : {}),
    ...(conflicts.length ? { conflicts } : {}),
    ...(advancedFrom ? { advancedFrom } : {}),
    ...(digital ? { digitalDelivery: { products: digital.products, text: digital.text } } : {}),
    ...(addressed ? {} : { notAudience: true }),
  };
  intents.push({
    kind: digital ? "digital_delivery" : "progress",
    slot: "reply",
    to: [sender.email],
    cc: [],
    ...(mail.messageId ? { inReplyTo: mail.messageId } : {}),
    content,
    attachForms: addressed ? formsAskedFor(c.stage, after, rules) : [],
  });
  if (passed.length) intents.push(...stageRequests(c, after, rules, [sender.email], "advance"));

  return guardLoops({ case: c, events, outbox: intents, checklist: after }, input, progress);
}

/**
 * A case without a make learns it from the commissioning form's make field, or from the accepted MAC
 * addresses when the desk's prefix table tells one (rules/makes.yaml): the make's own items then
 * apply. A make once known is never changed here.
 */
function learnMake(c: Case, evidence: Pick<MailEvidence, "macs" | "forms">, rules: Rules, events: CaseEvent[], now: string, mail: string): Case {
  if (c.make) return c;
  // The form's "Fabrikat och modell" says it in words; else the desk's MAC prefix table may tell it.
  const written = evidence.forms.flatMap((f) => f.fields.filter((x) => x.name === "make" && x.verdict === "ok" && x.value).map((x) => x.value as string))[0];
  const named = written ? findMake(rules.makes, written) : undefined;
  if (named) {
    events.push({ at: now, kind: "item_changed", by: "bot", ...summarised(words("make_from_form", { make: named.name, written: written ?? "" })), mail });
    return { ...c, make: named.id };
  }
  const told = makeFromMacs(rules.makes, evidence.macs.flatMap((m) => (m.status === "ok" && m.mac ? [m.mac] : [])));
  if (!told) return c;
  events.push({ at: now, kind: "item_changed", by: "bot", ...summarised(makeSummary(rules.makes, told)), mail });
  return { ...c, make: told.make };
}

/**
 * Items this mail brought to ok whose required item (rules `requires`) was answered no: a paid price
 * while Flex billing is not set up. A free price needs no billing.
 */
function requiredConflicts(before: Checklist, after: Checklist, rules: Rules): { id: string; requires: string }[] {
  const out: { id: string; requires: string }[] = [];
  for (const rule of rules.stages.flatMap((s) => s.items)) {
    if (!rule.requires) continue;
    const now = after.items.find((i) => i.id === rule.id)?.state;
    const was = before.items.find((i) => i.id === rule.id)?.state;
    if (now?.status !== "ok" || JSON.stringify(now) === JSON.stringify(was)) continue;
    if (isFree(now.value)) continue;
    const required = after.items.find((i) => i.id === rule.requires)?.state;
    if (required?.status === "failed") out.push({ id: rule.id, requires: rule.requires });
  }
  return out;
}

/** Answer items whose every answer is a receipt of its own (kind: received in rules/answers.yaml). */
function receiptItems(rules: Rules): string[] {
  return Object.entries(rules.answers.items).flatMap(([id, v]) => (v.kind === "received" ? [id] : []));
}

function isFree(value: unknown): boolean {
  return typeof value === "object" && value !== null && "free" in value && (value as { free?: unknown }).free === true;
}

function itemChanges(
  before: Checklist,
  after: Checklist,
  events: CaseEvent[],
  now: string,
  by: string,
  mail: string,
): ReplyContent["received"] {
  const received: ReplyContent["received"] = [];
  for (const item of after.items) {
    const old = before.items.find((i) => i.id === item.id)?.state;
    if (JSON.stringify(old) === JSON.stringify(item.state)) continue;
    const s = item.state;
    const w =
      s.status === "failed"
        ? words("item_failed", { item: item.id, reason: s.reason, ...(s.words ? { words: s.words } : {}) })
        : words("item_state", { item: item.id, from: old?.status ?? "missing", to: s.status });
    events.push({ at: now, kind: "item_changed", by, ...summarised(w), mail });
    if (isDone(s) && !(old && isDone(old))) received.push(s.status === "ok" && s.value !== undefined ? { id: item.id, value: s.value } : { id: item.id });
  }
  return received;
}

/** The last guard against loops (SPEC §4): past a limit, nothing is sent and the case is flagged. */
function guardLoops(d: Decision, input: MailInput, progress: boolean): Decision {
  const limits = input.rules.limits.rate_limits;
  const { sent } = input;
  const wanted = d.outbox.length;
  const breaches: LoopBreach[] = [];
  if (!progress && sent.noProgressLastHour + 1 > limits.no_progress_replies_per_case_per_hour) {
    breaches.push({ kind: "no_progress", count: sent.noProgressLastHour });
  }
  if (sent.caseLastHour + wanted > limits.per_case_per_hour) breaches.push({ kind: "case_hour", count: sent.caseLastHour });
  for (const rcpt of new Set(d.outbox.flatMap((o) => o.to))) {
    const n = sent.recipientLastDay[rcpt] ?? 0;
    if (n + 1 > limits.per_recipient_per_day) breaches.push({ kind: "recipient_day", count: n, to: rcpt });
  }
  if (breaches.length === 0) return d;
  const events = [...d.events];
  const c = raiseFlag(d.case, events, {
    code: "loop",
    ...said(words("loop", { breaches })),
    at: input.now,
    mail: input.mail.key,
  });
  return { ...d, case: c, events, outbox: [] };
}

export function raiseFlag(c: Case, events: CaseEvent[], flag: Omit<Flag, "id">): Case {
  const id = `${flag.code}:${flag.mail ?? flag.at}`;
  if (c.flags.some((f) => f.id === id)) return c;
  events.push({ at: flag.at, kind: "flagged", by: "bot", ...summarised(words("flagged", { code: flag.code, reason: flag.reason, ...(flag.words ? { words: flag.words } : {}) })), ...(flag.mail ? { mail: flag.mail } : {}) });
  return { ...c, flags: [...c.flags, { id, ...flag }] };
}

function addUnique<T>(list: T[], value: T): T[] {
  return list.includes(value) ? list : [...list, value];
}

/** The timeline's words for a mail the bot does not answer. */
function noiseWords(c: Exclude<MailClass, { kind: "reply" | "bounce" }>): Words {
  switch (c.kind) {
    case "auto_reply":
    case "own":
      return words("mail_ignored", { class: c.kind, evidence: c.reason });
    case "delivery_delay":
      return words("mail_ignored", { class: "delivery_delay", recipient: c.recipient ?? null, ...(c.status ? { status: c.status } : {}) });
    case "complaint":
      return words("mail_ignored", { class: "complaint", ...(c.feedbackType ? { feedbackType: c.feedbackType } : {}) });
  }
}

function noiseReason(c: Exclude<MailClass, { kind: "reply" | "bounce" }>): string {
  switch (c.kind) {
    case "auto_reply":
    case "own":
      return c.reason;
    case "delivery_delay":
      return `delivery to ${c.recipient ?? "a recipient"} delayed${c.status ? ` (${c.status})` : ""}`;
    case "complaint":
      return `feedback report${c.feedbackType ? ` (${c.feedbackType})` : ""}`;
  }
}
