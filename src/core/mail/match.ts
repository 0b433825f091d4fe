/**
 * Matching an incoming mail to its case (SPEC §4): subject tag, then In-Reply-To/References against
 * the Message-IDs the cases know, then the plus-address. Only verified references count; a tag whose
 * signature fails is treated as no tag. Every distinct case found is a candidate: none → unmatched,
 * two or more → ambiguous. Pure: the Message-ID lookups are done by the caller and passed in.
 */
import type { CaseId, MailFacts } from "../types.js";
import { readOwnMessageId, readPlusAddress, readSubjectTags } from "./case-tag.js";
import { unmatchedEnglish } from "../words/english.js";
import type { UnmatchedNote } from "../words/words.js";

/** `team`: a person assigned the mail to the case. */
export type MatchSource = "subject_tag" | "references" | "plus_address" | "team";

export type MatchResult =
  | { kind: "matched"; caseId: CaseId; by: MatchSource }
  | { kind: "unmatched"; reason: string; notes: UnmatchedNote[] }
  | { kind: "ambiguous"; caseIds: CaseId[]; reason: string };

/** The Message-IDs a mail refers to, newest reference first. */
export function referencedIds(mail: Pick<MailFacts, "inReplyTo" | "references">): string[] {
  const ids = [...(mail.inReplyTo ? [mail.inReplyTo] : []), ...[...mail.references].reverse()];
  return [...new Set(ids)];
}

export function matchMail(
  mail: MailFacts,
  opts: {
    secret: string;
    /** Case of each referenced Message-ID the store knows (the bot's own and earlier incoming mail). */
    knownMessageIds: ReadonlyMap<string, CaseId>;
    /** Whether a case id exists. */
    caseExists: (id: CaseId) => boolean;
  },
): MatchResult {
  const found: { caseId: CaseId; by: MatchSource }[] = [];
  const notes: UnmatchedNote[] = [];

  for (const tag of readSubjectTags(mail.subject, opts.secret)) {
    if (!tag.verified) notes.push({ kind: "bad_tag", caseId: tag.caseId });
    else if (opts.caseExists(tag.caseId)) found.push({ caseId: tag.caseId, by: "subject_tag" });
  }

  for (const id of referencedIds(mail)) {
    const own = readOwnMessageId(id, opts.secret);
    if (own && !own.verified) {
      notes.push({ kind: "bad_reference", id });
      continue;
    }
    const caseId = opts.knownMessageIds.get(id);
    if (caseId) found.push({ caseId, by: "references" });
  }

  for (const rcpt of [...mail.deliveredTo, ...mail.to.map((a) => a.address), ...mail.cc.map((a) => a.address)]) {
    const plus = readPlusAddress(rcpt, opts.secret);
    if (!plus) continue;
    if (!plus.verified) notes.push({ kind: "bad_plus_address", address: rcpt });
    else if (opts.caseExists(plus.caseId)) found.push({ caseId: plus.caseId, by: "plus_address" });
  }

  const caseIds = [...new Set(found.map((f) => f.caseId))];
  const first = found[0];
  if (caseIds.length === 1 && first) return { kind: "matched", caseId: first.caseId, by: first.by };
  if (caseIds.length > 1) {
    return { kind: "ambiguous", caseIds, reason: `the mail refers to ${caseIds.length} cases: ${caseIds.join(", ")}` };
  }
  return { kind: "unmatched", reason: unmatchedEnglish(notes), notes };
}
