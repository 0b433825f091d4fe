/**
 * Triage of held and loose mail (issue 18 §8): the mail's text is shown before anyone acts on it, a loose
 * mail comes with the cases it may belong to (from the search index: the sender's address, case ids and
 * MACs it names, site words), and a loose mail can be rejected with a reason — its flag resolved as
 * rejected, the mail itself left where it is in the mailbox (nothing is deleted).
 */
import type { CaseSummary } from "../core/case/case-summary.js";
import { queryTerm } from "../core/case/case-summary.js";
import { extractReply } from "../core/mail/reply-text.js";
import { suggestTerms } from "../core/mail/suggest-terms.js";
import type { CaseId, Flag, MailFacts, StageId } from "../core/types.js";
import type { CaseRepository, Clock } from "./ports.js";
import { refusal } from "../core/words/english.js";
import type { Refused } from "../core/words/words.js";
import { words } from "../core/words/words.js";

/** Cases suggested for one mail at most. */
export const MAX_SUGGESTIONS = 5;
/** Cases read per search term: a term that matches more says little about this mail. */
const HITS_PER_TERM = 5;

export interface HeldMail {
  from: { address: string; name?: string } | null;
  to: string[];
  subject: string;
  date?: string;
  /** The new text; quoted history and signature apart, as the thread shows them. */
  text: string;
  signature: string;
  quoted: string;
  attachments: { filename: string; contentType: string; size: number }[];
}

export interface Suggestion {
  caseId: CaseId;
  site: string;
  stage: StageId;
  /** Why, in words: one line per term that found it (the more, the likelier). */
  why: string[];
  /** The mail's sender is a participant of the case: assigned, the mail is processed as theirs. */
  senderIsParticipant: boolean;
}

export interface HeldMailView {
  flag: Flag;
  /** The case the flag is on; null for a loose mail. */
  caseId: CaseId | null;
  mail: HeldMail | null;
  /** Why the mail cannot be shown (no kept blob, unreadable). */
  unreadable?: string;
  suggestions: Suggestion[];
}

export interface LooseMailDeps {
  store: Pick<CaseRepository, "looseFlag" | "getCase" | "searchPage" | "resolveLooseFlag">;
  readMail(blob: string): Promise<MailFacts>;
}

/** A flag tied to no case with its mail and suggested cases; null when there is no such flag. */
export async function looseMailView(deps: LooseMailDeps, flagId: string): Promise<HeldMailView | null> {
  const flag = await deps.store.looseFlag(flagId);
  if (!flag) return null;
  const read = await readHeld(deps, flag);
  const suggestions = read.facts && !flag.resolved ? await suggestCases(deps, read.facts, flag.reason) : [];
  return { flag, caseId: null, ...read.view, suggestions };
}

/** A case's held mail (unknown sender, DMARC failure) with its text; null when the case has no such flag. */
export async function heldMailView(deps: LooseMailDeps, caseId: CaseId, flagId: string): Promise<HeldMailView | null> {
  const c = await deps.store.getCase(caseId);
  const flag = c?.flags.find((f) => f.id === flagId);
  if (!c || !flag) return null;
  const read = await readHeld(deps, flag);
  return { flag, caseId: c.id, ...read.view, suggestions: [] };
}

async function readHeld(deps: LooseMailDeps, flag: Flag): Promise<{ view: Pick<HeldMailView, "mail" | "unreadable">; facts?: MailFacts }> {
  if (!flag.blob) return { view: { mail: null, unreadable: "the mail was not kept with this flag" } };
  try {
    const facts = await deps.readMail(flag.blob);
    const parts = extractReply(facts.text);
    return {
      facts,
      view: {
        mail: {
          from: facts.from ?? null,
          to: [...facts.to, ...facts.cc].map((a) => a.address),
          subject: facts.subject,
          ...(facts.date ? { date: facts.date } : {}),
          text: parts.reply,
          signature: parts.signature,
          quoted: parts.quoted,
          attachments: facts.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size })),
        },
      },
    };
  } catch (err) {
    return { view: { mail: null, unreadable: `the kept mail could not be read: ${err instanceof Error ? err.message : String(err)}` } };
  }
}

/** Candidate cases, the one most terms point to first (then the newest). */
export async function suggestCases(deps: Pick<LooseMailDeps, "store">, mail: MailFacts, flagReason: string): Promise<Suggestion[]> {
  const terms = suggestTerms(mail, flagReason);
  const pages = await Promise.all(terms.map((t) => deps.store.searchPage([t.term], null, HITS_PER_TERM)));
  const found = new Map<CaseId, { summary: CaseSummary; why: string[]; sender: boolean }>();
  const senderTerm = mail.from?.address ? queryTerm(mail.from.address) : null;
  pages.forEach((page, i) => {
    const why = terms[i]?.why ?? "";
    for (const s of page.items) {
      const hit = found.get(s.id) ?? { summary: s, why: [], sender: false };
      hit.why.push(why);
      if (terms[i]?.term === senderTerm) hit.sender = true;
      found.set(s.id, hit);
    }
  });
  return [...found.values()]
    .sort((a, b) => b.why.length - a.why.length || (a.summary.id < b.summary.id ? 1 : -1))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ summary, why, sender }) => ({ caseId: summary.id, site: summary.site, stage: summary.stage, why, senderIsParticipant: sender }));
}

/** Bound on a rejection's reason, as on any reason the team types. */
export const MAX_REJECT_REASON_CHARS = 2000;

/**
 * A loose mail rejected: its flag is resolved as rejected, with who and why. The mail stays in the
 * mailbox folder it was moved to (nothing is deleted), and no case changes.
 */
export async function rejectLooseMail(
  deps: { store: Pick<CaseRepository, "looseFlag" | "resolveLooseFlag">; clock: Clock },
  flagId: string,
  reason: string,
  by: string,
): Promise<{ kind: "ok" } | Refused> {
  const why = reason.trim();
  if (!why) return refusal(words("say_why_rejected", {}));
  if (why.length > MAX_REJECT_REASON_CHARS) return refusal(words("reason_too_long", { max: MAX_REJECT_REASON_CHARS }));
  const flag = await deps.store.looseFlag(flagId);
  if (!flag || flag.resolved) return refusal(words("no_open_loose_flag", { flag: flagId }));
  const done = await deps.store.resolveLooseFlag(flagId, { by, at: deps.clock.now().toISOString(), how: `rejected: ${why}` });
  return done ? { kind: "ok" } : refusal(words("loose_flag_settled_meanwhile", { flag: flagId }));
}
