/**
 * What the bot reads from one mail, without acting (the `inspect` contract, documented in README):
 * class, matched case and trust (with a case), answers, bounce, forms, photos and MAC addresses.
 */
import type { DigitalDeliveryQuestion } from "../core/answers/digital-delivery.js";
import { answersBeside, readDigitalDeliveryQuestion } from "../core/answers/digital-delivery.js";
import { readAnswers } from "../core/answers/read-answers.js";
import type { StatedFacts } from "../core/answers/stated-facts.js";
import { readStatedFacts } from "../core/answers/stated-facts.js";
import { makeFromMacs } from "../core/rules/makes.js";
import { readAuthResults } from "../core/mail/auth-results.js";
import { classifyMail } from "../core/mail/classify.js";
import { extractReply } from "../core/mail/reply-text.js";
import type { Rules } from "../core/rules/rules.js";
import type { Answers, Case, FormEvidence, MacEvidence, MailFacts, PhotoEvidence } from "../core/types.js";
import type { ComposeDeps } from "./compose-outbox.js";
import type { BlobStore, CaseRepository, Clock, EvidenceTools } from "./ports.js";
import { trustOf, understandMail } from "./process-mail.js";
import { createEvidenceReader } from "./read-evidence.js";

export interface InspectReport {
  class: string;
  reason?: string;
  mail: { key: string; message_id: string | null; from: string | null; subject: string; date: string | null };
  match?: unknown;
  trust?: unknown;
  bounce?: { recipient: string | null; status: string | null; diagnostic: string | null; message_id: string | null; permanent: boolean };
  answers: Answers;
  /** The station count the reply states, compared with the case's (issue 21); absent when none. */
  station_count?: NonNullable<StatedFacts["stations"]>;
  /** Whether the reply says the installation service was bought, compared with the case's order. */
  install_service?: NonNullable<StatedFacts["installService"]>;
  /** A parcel question about products delivered digitally (issue 22), answered with digital_delivery. */
  digital_delivery?: DigitalDeliveryQuestion;
  /** The case's station make (rules/makes.yaml), and the make the mail's MAC addresses tell, if any. */
  make?: { case: string | null; from_macs: string | null };
  reply_text: string;
  forms: FormEvidence[];
  photos: PhotoEvidence[];
  macs: MacEvidence[];
  attachments: { file: string; type: string; size: number; refused?: string }[];
  problems: string[];
}

type InspectDeps = { rules: Rules; blobs: BlobStore; clock: Clock; tools: EvidenceTools; trustedAuthservIds: string[] } & (
  | { compose: ComposeDeps; store: CaseRepository }
  | { mailFromAddress: string; mailDomain: string }
);

export async function inspectMail(deps: InspectDeps, mail: MailFacts, c: Case | null): Promise<InspectReport> {
  let mailClass;
  let answers: Answers;
  let reply: string;
  let match: unknown;
  if ("store" in deps) {
    const understood = await understandMail(deps, mail);
    mailClass = understood.mailClass;
    answers = understood.answers;
    reply = understood.reply.reply;
    match = understood.match;
  } else {
    mailClass = classifyMail(mail, { ownAddresses: [deps.mailFromAddress], ownMessageIdDomain: deps.mailDomain, vocabulary: deps.rules.noise });
    reply = extractReply(mail.text).reply;
    answers = mailClass.kind === "reply" ? answersBeside(readAnswers(reply, deps.rules.answers), readDigitalDeliveryQuestion(reply, deps.rules.answers.digital_delivery)) : {};
  }
  const digital = mailClass.kind === "reply" ? readDigitalDeliveryQuestion(reply, deps.rules.answers.digital_delivery) : undefined;
  const reader = createEvidenceReader({ blobs: deps.blobs, clock: deps.clock, tools: deps.tools, ...("store" in deps ? { store: deps.store } : {}) });
  const evidence = await reader.read(mail, c ?? standIn(mail, deps.clock), deps.rules);
  const b = mailClass.kind === "bounce" ? mailClass.bounce : undefined;
  const stated: StatedFacts = mailClass.kind === "reply" ? readStatedFacts(reply, deps.rules.answers) : {};
  const told = makeFromMacs(deps.rules.makes, evidence.macs.flatMap((m) => (m.status === "ok" && m.mac ? [m.mac] : [])));
  return {
    class: mailClass.kind,
    ...("reason" in mailClass && typeof mailClass.reason === "string" ? { reason: mailClass.reason } : {}),
    mail: {
      key: mail.key,
      message_id: mail.messageId ?? null,
      from: mail.from?.address ?? null,
      subject: mail.subject,
      date: mail.date ?? null,
    },
    ...(match ? { match } : {}),
    ...(c ? { trust: trustOf(c, mail, readAuthResults(mail.headers, deps.trustedAuthservIds)) } : {}),
    ...(b
      ? {
          bounce: {
            recipient: b.recipient ?? null,
            status: b.status ?? null,
            diagnostic: b.diagnostic ?? null,
            message_id: b.originalMessageId ?? null,
            permanent: b.permanent,
          },
        }
      : {}),
    answers,
    ...(stated.stations ? { station_count: stated.stations } : {}),
    ...(stated.installService ? { install_service: stated.installService } : {}),
    ...(digital ? { digital_delivery: digital } : {}),
    ...(c || told ? { make: { case: c ? (c.make ?? null) : null, from_macs: told?.make ?? null } } : {}),
    reply_text: reply,
    forms: evidence.forms,
    photos: evidence.photos,
    macs: evidence.macs,
    attachments: mail.attachments.map((a) => ({ file: a.filename, type: a.contentType, size: a.size, ...(a.refused ? { refused: a.refused } : {}) })),
    problems: [...mail.problems, ...evidence.problems],
  };
}

/** Without a case: the mail's Date stands in for the opening, nothing is known before this mail. */
function standIn(mail: MailFacts, clock: Clock): Case {
  const at = mail.date ?? clock.now().toISOString();
  return {
    id: "ACT-000000",
    site: "",
    locale: "sv",
    stage: "open",
    openedAt: at,
    participants: [],
    stations: 1,
    macsShipped: [],
    installService: true,
    flags: [],
    evidence: [],
    overrides: [],
    messageIds: [],
    subject: "",
    rulesVersion: "",
    activityAt: at,
    version: 0,
  };
}
