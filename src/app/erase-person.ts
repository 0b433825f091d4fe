/**
 * `activation-bot erase --email ADDRESS`: removes a person's personal data from every case that has
 * them (found by the search index, not by reading every case; an archived case is restored to the hot
 * store first), the answers sent to them (one not sent yet is not sent at all), and the blobs of the
 * raw mails, forms and photos they sent, leaving an audit event in each case. What it cannot reach (the
 * mailbox's copies) is named in its outcome, for the desk to erase there.
 */
import { erasedAddress, erasePerson } from "../core/case/erase-person.js";
import type { CaseId } from "../core/types.js";
import { restoreArchivedCase } from "./archive-cases.js";
import type { BlobStore, CaseRepository, Clock } from "./ports.js";

/**
 * Copies the bot cannot erase: it never deletes mail from the mailbox (the mailbox is the desk's record,
 * README "What survives what"), and what left the desk is in other people's hands.
 */
export const NOT_ERASED = [
  "the mailbox's copies: mails from them in INBOX, Processed and Quarantine, and answers to them in the Sent folder (search the mailbox for the address and delete them there)",
  "mails already delivered to them and to the other participants",
  "Redis and STORAGE_DIR backups taken before now (they age out with the backup rotation)",
];

/** Cases read per search page while erasing. */
const ERASE_PAGE = 100;
/** Tries of one case's commit when a mail changes the case meanwhile. */
const MAX_ERASE_TRIES = 5;

export interface EraseDeps {
  store: Pick<CaseRepository, "searchPage" | "getCase" | "events" | "commit" | "eraseRecipient" | "archivedCase" | "restoreCase" | "caseExists">;
  blobs: Pick<BlobStore, "remove">;
  clock: Clock;
}

export type EraseOutcome =
  | {
      kind: "ok";
      cases: string[];
      /** Sent answers to them, rewritten without their address and text. */
      outboxEntries: number;
      /** Answers to them not sent yet, deleted so they are never sent. */
      unsentCancelled: number;
      blobs: number;
      /** Archived cases restored to the hot store to be erased (archived again later). */
      restored: string[];
      /** What this command cannot erase, in words: copies outside the store. */
      notErased: string[];
    }
  | { kind: "refused"; code: "bad_address" | "cannot_delete_blobs" | "conflict"; reason: string };

export async function erasePersonData(deps: EraseDeps, email: string, by: string): Promise<EraseOutcome> {
  const address = email.trim().toLowerCase();
  if (!/^[^\s@<>]+@[^\s@<>]+$/.test(address)) return { kind: "refused", code: "bad_address", reason: "give one e-mail address, like nina@kund.se" };
  if (!deps.blobs.remove) return { kind: "refused", code: "cannot_delete_blobs", reason: "this blob store cannot delete blobs, so attachments would stay" };
  const ids: string[] = [];
  for (let after: number | null = null, first = true; first || after !== null; first = false) {
    const page = await deps.store.searchPage([`email:${address}`], after, ERASE_PAGE);
    ids.push(...page.items.map((s) => s.id));
    after = page.next;
  }
  const done: string[] = [];
  const blobs = new Set<string>();
  const pseudonyms = new Map<CaseId, string>();
  const restored: string[] = [];
  for (const id of ids) {
    if (await deps.store.archivedCase(id)) {
      const r = await restoreArchivedCase(deps, id, by, "personal data to erase (GDPR art. 17)");
      if (r.kind === "refused") return { kind: "refused", code: "conflict", reason: `${id} is archived and could not be restored: ${r.reason}` };
      restored.push(id);
    }
    for (let attempt = 1; ; attempt++) {
      const c = await deps.store.getCase(id);
      if (!c) break;
      const erasure = erasePerson(c, await deps.store.events(id), address, deps.clock.now().toISOString(), by);
      if (!erasure) break;
      const r = await deps.store.commit({ before: c, case: erasure.case, events: [erasure.audit], replaceEvents: erasure.events, outbox: [], messageIds: [], looseFlags: [] });
      if (r === "committed") {
        done.push(id);
        pseudonyms.set(id, erasure.pseudonym);
        for (const b of erasure.blobs) blobs.add(b);
        break;
      }
      if (attempt >= MAX_ERASE_TRIES) return { kind: "refused", code: "conflict", reason: `${id} kept changing; run erase again` };
    }
  }
  const answers = await deps.store.eraseRecipient(address, (caseId) => pseudonyms.get(caseId) ?? erasedAddress(caseId, 0));
  for (const b of blobs) await deps.blobs.remove(b);
  return {
    kind: "ok",
    cases: done,
    outboxEntries: answers.rewritten,
    unsentCancelled: answers.cancelled.length,
    blobs: blobs.size,
    restored,
    notErased: NOT_ERASED,
  };
}
