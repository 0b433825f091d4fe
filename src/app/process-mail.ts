/**
 * process-mail: one incoming mail, start to finish, over ports. Parse → classify → match → trust →
 * evidence → decide → render → one atomic commit. Idempotent: a mail already in the ledger changes
 * nothing; a version conflict (another worker changed the case) re-reads and decides again.
 * Expected outcomes are values; only infrastructure failures throw (and are retried by the queue).
 */
import type { Readable } from "node:stream";
import type { Decision, Trust } from "../core/case/decide.js";
import { answersInScope } from "../core/case/answer-scope.js";
import { evaluateChecklist, openItems } from "../core/case/checklist.js";
import { decideOnMail, raiseFlag } from "../core/case/decide.js";
import { withTeamSteps } from "../core/case/work-items.js";
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import type { DigitalDeliveryQuestion } from "../core/answers/digital-delivery.js";
import { answersBeside, readDigitalDeliveryQuestion } from "../core/answers/digital-delivery.js";
import { readAnswers } from "../core/answers/read-answers.js";
import { readStatedFacts } from "../core/answers/stated-facts.js";
import { readAuthResults } from "../core/mail/auth-results.js";
import { readOwnMessageId, readPlusAddress, readSubjectTags } from "../core/mail/case-tag.js";
import type { MailClass } from "../core/mail/classify.js";
import { classifyMail } from "../core/mail/classify.js";
import type { MatchResult } from "../core/mail/match.js";
import { matchMail, referencedIds } from "../core/mail/match.js";
import { extractReply } from "../core/mail/reply-text.js";
import type { Rules } from "../core/rules/rules.js";
import type { Answers, Case, CaseEvent, Flag, MailFacts } from "../core/types.js";
import type { ComposeDeps } from "./compose-outbox.js";
import { composeOutbox } from "./compose-outbox.js";
import { restoreArchivedCase } from "./archive-cases.js";
import { holdSupervised } from "./supervision.js";
import type { AuthVerdict, BlobStore, CaseRepository, Clock, EvidenceReader } from "./ports.js";
import { said, summarised } from "../core/words/english.js";
import { words } from "../core/words/words.js";
import { refusal } from "../core/words/english.js";
import type { Refused } from "../core/words/words.js";

/** Commits retried on a version conflict before the job fails (and the queue retries it later). */
const MAX_CONFLICT_RETRIES = 8;

/**
 * A mail to parse: its bytes, a stream of them, or a blob, which the parser opens itself so that a
 * mail read into memory is let go as soon as it is parsed.
 */
export type MailSource = Readable | Buffer | { blob: string };

export interface ProcessMailDeps {
  store: CaseRepository;
  rules: Rules;
  compose: ComposeDeps;
  evidence: EvidenceReader;
  clock: Clock;
  parse(source: MailSource): Promise<MailFacts>;
  trustedAuthservIds: string[];
  /** The bot's own SPF/DKIM/DMARC check (AUTH_VERIFY); absent, trusted Authentication-Results decide. */
  verifyAuth?: (raw: Readable) => Promise<AuthVerdict>;
  blobs?: BlobStore;
  /**
   * Makes a held mail's blob present here before it is read again (another instance that does not
   * share STORAGE_DIR stored it: app/recover-blobs.ts). Absent: the blob store is shared.
   */
  recoverHeldMail?(flag: Flag): Promise<void>;
}

export type MailOutcome =
  | { kind: "already_handled"; mail: string; ledger: string }
  | { kind: "loose"; mail: string; flag: Flag | null; mailClass: MailClass }
  | { kind: "case"; mail: string; caseId: string; mailClass: MailClass; outbox: OutboxEntry[]; decision: Decision };

export async function processMail(deps: ProcessMailDeps, source: MailSource): Promise<MailOutcome> {
  const mail = { ...(await deps.parse(source)), ...("blob" in source ? { rawBlob: source.blob } : {}) };
  return processWithRetry(deps, mail);
}

/** `authChecked`: a person checked the sender after a DMARC failure (a released mail): that verdict is not applied again. */
async function processWithRetry(deps: ProcessMailDeps, mail: MailFacts, assignedTo?: string, authChecked = false): Promise<MailOutcome> {
  for (let attempt = 0; ; attempt++) {
    const outcome = await processParsed(deps, mail, assignedTo, authChecked);
    if (outcome !== "conflict") return outcome;
    if (attempt >= MAX_CONFLICT_RETRIES) throw new Error(`case changed under ${MAX_CONFLICT_RETRIES} commits of ${mail.key}`);
  }
}

/** Everything the bot reads from a mail, without acting (`inspect`, and the first half of processing). */
export async function understandMail(
  deps: Pick<ProcessMailDeps, "store" | "rules" | "compose">,
  mail: MailFacts,
  assignedTo?: string,
  opts: { answers: boolean } = { answers: true },
) {
  const { mailClass, match, reply } = await classifyAndMatch(deps, mail, assignedTo, null);
  const c = match.kind === "matched" && opts.answers ? await deps.store.getCase(match.caseId) : null;
  const answers = mailClass.kind === "reply" && opts.answers ? answersOf(reply.reply, c, deps.rules) : {};
  return { mailClass, match, reply, answers };
}

/**
 * Classifies a mail and matches it to its case, with one read of the store; that read also brings
 * the ledger's outcome for `ledgerKey` (processing asks whether the mail was handled before).
 */
async function classifyAndMatch(deps: Pick<ProcessMailDeps, "store" | "compose" | "rules">, mail: MailFacts, assignedTo: string | undefined, ledgerKey: string | null) {
  const mailClass = classifyMail(mail, {
    ownAddresses: [deps.compose.mailFromAddress],
    ownMessageIdDomain: deps.compose.mailDomain,
    isOwnMessageId: (id) => readOwnMessageId(id, deps.compose.secret)?.verified === true,
    vocabulary: deps.rules.noise,
  });
  const refs = referencedIds(mail);
  const bounced = mailClass.kind === "bounce" ? mailClass.bounce.originalMessageId : undefined;
  const candidates = [
    ...readSubjectTags(mail.subject, deps.compose.secret).map((t) => t.caseId),
    ...[...mail.deliveredTo, ...mail.to.map((a) => a.address)].flatMap((a) => readPlusAddress(a, deps.compose.secret)?.caseId ?? []),
  ];
  const found = await deps.store.matchLookup({ mailKey: ledgerKey, messageIds: bounced ? [...refs, bounced] : refs, caseIds: [...new Set(candidates)] });
  const { knownMessageIds } = found;
  let match: MatchResult = matchMail(mail, { secret: deps.compose.secret, knownMessageIds, caseExists: (id) => found.existingCases.has(id.toUpperCase()) });
  const bouncedCase = bounced ? knownMessageIds.get(bounced) : undefined;
  if (match.kind === "unmatched" && bouncedCase) match = { kind: "matched", caseId: bouncedCase, by: "references" };
  if (assignedTo) match = { kind: "matched", caseId: assignedTo, by: "team" };
  return { ledger: found.ledger, mailClass, match, reply: extractReply(mail.text) };
}


/**
 * The answers in a reply text, numbered answers mapped to the items the thread last asked for; the
 * sentences that ask after a parcel of a digital product are that question, not answers.
 */
function answersOf(replyText: string, c: Case | null, rules: Rules): Answers {
  const asked = c ? openItems(evaluateChecklist(c, rules), c.stage, rules).map((i) => i.id) : undefined;
  return answersBeside(readAnswers(replyText, rules.answers, asked ? { asked } : {}), readDigitalDeliveryQuestion(replyText, rules.answers.digital_delivery));
}

/** A parcel question about a product delivered digitally, if the reply asks one. */
function digitalDeliveryOf(replyText: string, rules: Rules): { digitalDelivery?: DigitalDeliveryQuestion } {
  const digitalDelivery = readDigitalDeliveryQuestion(replyText, rules.answers.digital_delivery);
  return digitalDelivery ? { digitalDelivery } : {};
}

async function processParsed(deps: ProcessMailDeps, mail: MailFacts, assignedTo?: string, authChecked = false): Promise<MailOutcome | "conflict"> {
  // Answers are read below, once the sender is known to be on the network manager's side.
  const { ledger, mailClass, match, reply } = await classifyAndMatch(deps, mail, assignedTo, mail.key);
  if (ledger) return { kind: "already_handled", mail: mail.key, ledger };
  const now = deps.clock.now().toISOString();

  if (match.kind !== "matched") {
    // Noise tied to no case is recorded in the ledger only; anything else waits in the flagged queue.
    const noise = mailClass.kind !== "reply" && mailClass.kind !== "bounce";
    const flag: Flag | null = noise
      ? null
      : {
          id: `${match.kind}:${mail.key}`,
          code: match.kind,
          ...said(
            match.kind === "ambiguous"
              ? words("ambiguous", { from: mail.from?.address ?? null, subject: mail.subject, caseIds: match.caseIds })
              : words("unmatched", { from: mail.from?.address ?? null, subject: mail.subject, notes: match.notes }),
          ),
          at: now,
          mail: mail.key,
          ...(mail.rawBlob ? { blob: mail.rawBlob } : {}),
        };
    const result = await deps.store.commit({
      before: null,
      events: [],
      outbox: [],
      mail: { key: mail.key, outcome: noise ? `ignored:${mailClass.kind}` : `flagged:${match.kind}` },
      messageIds: [],
      looseFlags: flag ? [flag] : [],
    });
    if (result === "already_handled") return { kind: "already_handled", mail: mail.key, ledger: "" };
    return { kind: "loose", mail: mail.key, flag, mailClass };
  }

  // The loop guard's counts are read with the case, before the evidence: a concurrent answer to the
  // same case changes its version, so this commit conflicts and is decided again with fresh counts.
  const replyTo = mail.from?.address ? [mail.from.address] : [];
  const { case: before, sent } = await deps.store.caseWithSendCounts(match.caseId, replyTo, deps.clock.now().getTime());
  if (!before) {
    // A mail for an archived case brings it back to the hot store, then it is handled as for any case.
    if (!(await deps.store.isArchived(match.caseId))) throw new Error(`case ${match.caseId} vanished while matching ${mail.key}`);
    const restored = await restoreArchivedCase(deps, match.caseId, "bot", `${describe(mail)} arrived`);
    if (restored.kind === "refused") throw new Error(`could not reopen archived ${match.caseId} for ${mail.key}: ${restored.reason}`);
    return "conflict";
  }
  const auth: AuthVerdict = authChecked
    ? { dmarc: "unknown", header: "released by a team member" }
    : deps.verifyAuth && deps.blobs && mail.rawBlob
      ? await deps.verifyAuth(deps.blobs.stream(mail.rawBlob))
      : readAuthResults(mail.headers, deps.trustedAuthservIds);
  const trust = trustOf(before, mail, auth);
  // Each side answers its own items (core/case/answer-scope.ts): a contractor's "här är bilderna" is
  // no media answer, an installer's "jag är certifierad" is the installer's item.
  const evidence =
    trust.kind === "trusted" && mailClass.kind === "reply"
      ? {
          answers: answersInScope(answersOf(reply.reply, before, deps.rules), deps.rules, trust.participant.role),
          stated: readStatedFacts(reply.reply, deps.rules.answers),
          ...digitalDeliveryOf(reply.reply, deps.rules),
          ...(await deps.evidence.read(mail, before, deps.rules)),
        }
      : { answers: {}, forms: [], photos: [], macs: [], problems: [] };
  let decision = decideOnMail({ case: before, mail, mailClass, trust, evidence, sent, rules: deps.rules, now });
  let composed: { entries: OutboxEntry[]; case: Case };
  try {
    composed = await composeOutbox(deps.compose, withTeamSteps(decision.case, decision.checklist, deps.rules), decision.checklist, decision.outbox, mail.key, now);
  } catch (err) {
    // A mail that cannot be rendered (a broken template, a form that fails to generate) is not lost:
    // the case is flagged with the error and the mail recorded; nothing is sent.
    const events: CaseEvent[] = [...decision.events];
    const flagged = raiseFlag(decision.case, events, {
      code: "processing_error",
      ...said(words("processing_error", { error: (err as Error).message })),
      at: now,
      mail: mail.key,
    });
    decision = { ...decision, case: flagged, events, outbox: [] };
    composed = { entries: [], case: flagged };
  }
  // Supervised mode: the answer waits as a draft, in this same commit, until a team member sends it.
  const supervised = await holdSupervised(deps.compose.supervision, composed.case, composed.entries, now);
  const result = await deps.store.commit({
    before,
    case: supervised.case,
    events: [...decision.events, ...supervised.events],
    outbox: composed.entries,
    mail: { key: mail.key, outcome: `case:${before.id}` },
    messageIds: [...(mail.messageId ? [mail.messageId] : []), ...composed.entries.map((e) => e.messageId)],
    looseFlags: [],
    macs: evidence.macs.flatMap((m) => (m.status === "ok" && m.mac ? [m.mac] : [])),
    ...(supervised.held.length ? { drafts: { hold: supervised.held } } : {}),
  });
  if (result === "conflict") return "conflict";
  if (result === "already_handled") return { kind: "already_handled", mail: mail.key, ledger: "" };
  return { kind: "case", mail: mail.key, caseId: before.id, mailClass, outbox: supervised.outgoing, decision: { ...decision, case: supervised.case } };
}

/** Sender trust (SPEC §4): a participant of the case, and no DMARC failure from a trusted server. */
export function trustOf(c: Case, mail: MailFacts, auth: AuthVerdict): Trust {
  const from = mail.from?.address;
  if (auth.dmarc === "fail") {
    return { kind: "untrusted", code: "auth_failed", ...said(words("auth_failed", { from: from ?? null, header: auth.header ?? "" })) };
  }
  const participant = from ? c.participants.find((p) => p.email === from) : undefined;
  if (!participant) {
    return {
      kind: "untrusted",
      code: "unknown_sender",
      ...said(words("unknown_sender", { from: from ?? null, caseId: c.id })),
    };
  }
  return { kind: "trusted", participant };
}

function describe(mail: MailFacts): string {
  return `mail from ${mail.from?.address ?? "(no sender)"} “${mail.subject || "(no subject)"}”`;
}

/**
 * A case's open flag of `code` and the mail it holds, read again (and fetched from the mailbox first
 * when another instance stored it): what accepting or releasing a held mail starts from.
 */
async function heldMail(
  deps: ProcessMailDeps & { blobs: BlobStore },
  caseId: string,
  flagId: string,
  code: "unknown_sender" | "auth_failed",
): Promise<{ kind: "ok"; case: Case; flag: Flag & { blob: string }; mail: MailFacts } | Refused> {
  const c = await deps.store.getCase(caseId);
  if (!c) return refusal(words("no_case", { caseId }));
  const flag = c.flags.find((f) => f.id === flagId && !f.resolved);
  if (!flag || flag.code !== code || !flag.blob) return refusal(words("no_held_mail_flag", { code, flag: flagId, caseId }));
  await deps.recoverHeldMail?.(flag);
  // The flag object itself (callers find it in c.flags by identity), its blob checked above.
  return { kind: "ok", case: c, flag: flag as Flag & { blob: string }, mail: await deps.parse({ blob: flag.blob }) };
}

/**
 * The team accepts a mail held for an unknown sender: the sender becomes a participant (team_added),
 * the flag is resolved, and the mail is processed again as if it had come from a participant.
 */
export async function acceptHeldMail(
  deps: ProcessMailDeps & { blobs: BlobStore },
  caseId: string,
  flagId: string,
  by: string,
): Promise<{ kind: "ok"; outcome: MailOutcome } | Refused> {
  const held = await heldMail(deps, caseId, flagId, "unknown_sender");
  if (held.kind === "refused") return held;
  const { case: c, flag, mail } = held;
  const email = mail.from?.address;
  if (!email) return refusal(words("held_mail_no_sender", {}));
  const now = deps.clock.now().toISOString();
  const how = summarised(words("resolved_mail_accepted", { email }));
  const accepted: Case = {
    ...c,
    participants: c.participants.some((p) => p.email === email) ? c.participants : [...c.participants, { email, role: "team_added" }],
    flags: c.flags.map((f) => (f === flag ? { ...f, resolved: { by, at: now, how: how.summary, words: how.words } } : f)),
  };
  const told = summarised(words("resolved_mail_accepted", {}));
  const events: CaseEvent[] = [
    { at: now, kind: "participant_changed", by, ...summarised(words("participant_added", { email })) },
    { at: now, kind: "flag_resolved", by, ...summarised(words("flag_resolved", { code: "unknown_sender", how: told.summary, howWords: told.words })) },
  ];
  const result = await deps.store.commit({ before: c, case: accepted, events, outbox: [], messageIds: [], looseFlags: [] });
  if (result !== "committed") return refusal(words("case_changed_meanwhile", {}));
  // A new ledger key: the first pass recorded the mail as held, this pass applies its effects.
  const outcome = await processWithRetry(deps, { ...mail, key: `${mail.key}#accepted`, rawBlob: flag.blob });
  return { kind: "ok", outcome };
}

export type LooseFlagAction = { kind: "resolve"; how: string } | { kind: "assign"; caseId: string };

/** The team settles a flag tied to no case: dismissed with a note, or its mail assigned to a case. */
export async function settleLooseFlag(
  deps: ProcessMailDeps & { blobs: BlobStore },
  flagId: string,
  action: LooseFlagAction,
  by: string,
): Promise<{ kind: "ok"; outcome?: MailOutcome } | Refused> {
  const flag = await deps.store.looseFlag(flagId);
  if (!flag || flag.resolved) return refusal(words("no_open_loose_flag", { flag: flagId }));
  const at = deps.clock.now().toISOString();
  if (action.kind === "resolve") {
    if (!action.how.trim()) return refusal(words("say_how_resolved", {}));
    await deps.store.resolveLooseFlag(flagId, { by, at, how: action.how });
    return { kind: "ok" };
  }
  if (!flag.blob) return refusal(words("flag_has_no_mail", {}));
  if (!(await deps.store.caseExists(action.caseId))) return refusal(words("no_case", { caseId: action.caseId }));
  await deps.recoverHeldMail?.(flag);
  const mail = await deps.parse({ blob: flag.blob });
  const outcome = await processWithRetry(deps, { ...mail, key: `${mail.key}#${action.caseId}`, rawBlob: flag.blob }, action.caseId.toUpperCase());
  await deps.store.resolveLooseFlag(flagId, { by, at, how: `mail assigned to ${action.caseId.toUpperCase()}` });
  return { kind: "ok", outcome };
}

/**
 * The team releases a mail held for a DMARC failure (`auth_failed`) after a person checked the sender
 * (by phone, by the headers): the flag is resolved with who released it, and the mail is processed
 * again without that verdict. A sender who is no participant is then held as an unknown sender.
 */
export async function releaseHeldMail(
  deps: ProcessMailDeps & { blobs: BlobStore },
  caseId: string,
  flagId: string,
  by: string,
): Promise<{ kind: "ok"; outcome: MailOutcome } | Refused> {
  const held = await heldMail(deps, caseId, flagId, "auth_failed");
  if (held.kind === "refused") return held;
  const { case: c, flag, mail } = held;
  const now = deps.clock.now().toISOString();
  const how = summarised(words("resolved_released", { by, sender: mail.from?.address ?? "" }));
  const released: Case = { ...c, flags: c.flags.map((f) => (f === flag ? { ...f, resolved: { by, at: now, how: how.summary, words: how.words } } : f)) };
  const events: CaseEvent[] = [{ at: now, kind: "flag_resolved", by, ...summarised(words("flag_resolved", { code: "auth_failed", how: how.summary, howWords: how.words })) }];
  const result = await deps.store.commit({ before: c, case: released, events, outbox: [], messageIds: [], looseFlags: [] });
  if (result !== "committed") return refusal(words("case_changed_meanwhile", {}));
  // A new ledger key: the first pass recorded the mail as held, this pass applies its effects.
  const outcome = await processWithRetry(deps, { ...mail, key: `${mail.key}#released`, rawBlob: flag.blob }, undefined, true);
  return { kind: "ok", outcome };
}
