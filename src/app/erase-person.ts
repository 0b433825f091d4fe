/**
 * `activation-bot erase --email ADDRESS`: removes a person's personal data from every case that has
 * them (found by the search index, not by reading every case), the answers sent to them, and the
 * blobs of the forms and photos they sent, leaving an audit event in each case.
 */
import { erasedAddress, erasePerson } from "../core/case/erase-person.js";
import type { CaseId } from "../core/types.js";
import type { BlobStore, CaseRepository, Clock } from "./ports.js";

/** Cases read per search page while erasing. */
const ERASE_PAGE = 100;
/** Tries of one case's commit when a mail changes the case meanwhile. */
const MAX_ERASE_TRIES = 5;

export interface EraseDeps {
  store: Pick<CaseRepository, "searchPage" | "getCase" | "events" | "commit" | "eraseRecipient">;
  blobs: Pick<BlobStore, "remove">;
  clock: Clock;
}

export type EraseOutcome =
  | { kind: "ok"; cases: string[]; outboxEntries: number; blobs: number }
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
  for (const id of ids) {
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
  const outboxEntries = await deps.store.eraseRecipient(address, (caseId) => pseudonyms.get(caseId) ?? erasedAddress(caseId, 0));
  for (const b of blobs) await deps.blobs.remove(b);
  return { kind: "ok", cases: done, outboxEntries, blobs: blobs.size };
}
