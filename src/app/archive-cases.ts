/**
 * The archive's use cases (core/case/archive.ts): move closed cases to the archive once they have been
 * closed ARCHIVE_AFTER_DAYS, restore one to the hot store (reopen), and delete the mail and photo
 * blobs of cases archived BLOB_RETENTION_DAYS ago. Each works in bounded batches, one case per atomic
 * change; a case that changes meanwhile is left for the next round. Run by `activation-bot archive`
 * and, on a timer, by the instance that holds the watcher lock.
 */
import { archiveCutoff, archiveRecord, closedSince, DAY_MS, ownedBlobs, restoredCase, withoutBlobs } from "../core/case/archive.js";
import type { CaseEvent, CaseId } from "../core/types.js";
import type { BlobStore, CaseRepository, Clock } from "./ports.js";

/** Cases looked at per round: a few hundred milliseconds of work, then the caller yields. */
export const ARCHIVE_BATCH = 200;
/** Cases of a batch archived at once. */
export const ARCHIVE_CONCURRENCY = 8;

type ArchiveStore = Pick<CaseRepository, "archiveDue" | "archiveSource" | "archiveCase">;

export interface ArchiveRound {
  archived: CaseId[];
  /** Bytes saved by storing the archived cases' raw mails once with their attachments. */
  compactedBytes: number;
  /** Closed long enough, but an answer is not sent or not filed yet: tried again next round. */
  unsettled: CaseId[];
  /** Changed while being archived (a mail, a team action): tried again next round. */
  changed: CaseId[];
}

/**
 * One batch of due cases into the archive; `archived.length < batch` tells the caller it is done.
 * With `blobs`, each archived case's raw mails are then stored once with their attachments
 * (BlobStore.compactMail): the photos and forms in them were stored twice until then.
 */
export async function archiveClosedCases(
  deps: { store: ArchiveStore; clock: Clock; blobs?: Pick<BlobStore, "compactMail"> },
  afterDays: number,
  batch = ARCHIVE_BATCH,
): Promise<ArchiveRound> {
  const now = deps.clock.now();
  const due = await deps.store.archiveDue(archiveCutoff(now.getTime(), afterDays), batch);
  const round: ArchiveRound = { archived: [], compactedBytes: 0, unsettled: [], changed: [] };
  const outcomes = new Array<{ kind: "archived" | "unsettled" | "changed"; saved: number } | null>(due.length).fill(null);
  const one = async (id: CaseId): Promise<{ kind: "archived" | "unsettled" | "changed"; saved: number } | null> => {
    const read = await deps.store.archiveSource(id);
    if (!read) return null;
    const since = closedSince(read.case);
    if (since === null || since > archiveCutoff(now.getTime(), afterDays)) return null;
    if (read.unsettled) return { kind: "unsettled", saved: 0 };
    const r = await deps.store.archiveCase(archiveRecord(read.case, read.events, read.outbox, now.toISOString(), afterDays), read);
    if (r === "archived") return { kind: "archived", saved: await compactRawMails(deps.blobs, read.events) };
    return r === "unsettled" || r === "changed" ? { kind: r, saved: 0 } : null;
  };
  // Each case is its own atomic change, so several are in flight: a case's time is mostly Redis round
  // trips, and one at a time a batch took minutes on a loaded machine.
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(ARCHIVE_CONCURRENCY, due.length) }, async () => {
      while (next < due.length) {
        const i = next++;
        outcomes[i] = await one(due[i] as CaseId);
      }
    }),
  );
  due.forEach((id, i) => {
    const o = outcomes[i];
    if (!o) return;
    round[o.kind].push(id);
    round.compactedBytes += o.saved;
  });
  return round;
}

/** The raw mails of a timeline, each stored once with its attachments; a mail whose blob is gone is skipped. */
async function compactRawMails(blobs: Pick<BlobStore, "compactMail"> | undefined, events: CaseEvent[]): Promise<number> {
  if (!blobs?.compactMail) return 0;
  let saved = 0;
  for (const e of events) {
    const blob = e.kind === "mail_in" && typeof e.data === "object" && e.data !== null && !Array.isArray(e.data) ? e.data.blob : undefined;
    if (typeof blob !== "string") continue;
    saved += await blobs.compactMail(blob).catch(() => 0);
  }
  return saved;
}

/** Every due case, batch after batch (the CLI; the timer runs one batch per tick). */
export async function archiveAllDue(
  deps: { store: ArchiveStore; clock: Clock; blobs?: Pick<BlobStore, "compactMail"> },
  afterDays: number,
  between: () => Promise<void> = async () => {},
): Promise<ArchiveRound> {
  const total: ArchiveRound = { archived: [], compactedBytes: 0, unsettled: [], changed: [] };
  for (;;) {
    const round = await archiveClosedCases(deps, afterDays);
    total.archived.push(...round.archived);
    total.compactedBytes += round.compactedBytes;
    total.unsettled.push(...round.unsettled);
    total.changed.push(...round.changed);
    // Unsettled and changed cases stay due: stop once a round archives nothing new.
    if (round.archived.length === 0) return total;
    await between();
  }
}

export type RestoreOutcome = { kind: "ok"; caseId: CaseId } | { kind: "refused"; reason: string };

/** Tries of a restore when the record changes under it (the blob retention rewriting it). */
const MAX_RESTORE_TRIES = 5;

/** Back to the hot store, read-write, with a `restored` event naming who and why. */
export async function restoreArchivedCase(
  deps: { store: Pick<CaseRepository, "archivedCase" | "restoreCase" | "caseExists">; clock: Clock },
  caseId: CaseId,
  by: string,
  why: string,
): Promise<RestoreOutcome> {
  const id = caseId.toUpperCase();
  for (let attempt = 1; attempt <= MAX_RESTORE_TRIES; attempt++) {
    const state = await deps.store.archivedCase(id);
    if (!state) {
      return (await deps.store.caseExists(id)) ? { kind: "refused", reason: `${id} is not archived` } : { kind: "refused", reason: `no case ${id}` };
    }
    const restored = restoredCase(state.record, by, why.trim() || "reopened", deps.clock.now().toISOString());
    const r = await deps.store.restoreCase(state, restored, closedSince(restored.case));
    if (r === "restored" || r === "not_archived") return { kind: "ok", caseId: id };
  }
  return { kind: "refused", reason: `${id} kept changing; try again` };
}

export interface BlobRound {
  /** Cases whose blobs were released. */
  cases: CaseId[];
  /** Blob files deleted (a blob another case still keeps is not). */
  deleted: number;
}

/**
 * One batch of the blob retention: cases archived at least `retentionDays` ago lose their raw mails,
 * photos, thumbnails and returned forms; the record keeps every verdict. A blob another case keeps
 * (the same bytes sent twice) stays until that case lets go of it too.
 */
export async function dropArchivedBlobs(
  deps: { store: Pick<CaseRepository, "blobsDue" | "archivedCase" | "dropCaseBlobs" | "unlinkPending" | "blobReferenced" | "blobsUnlinked">; blobs: Pick<BlobStore, "remove">; clock: Clock },
  retentionDays: number,
  batch = ARCHIVE_BATCH,
): Promise<BlobRound> {
  if (!deps.blobs.remove) return { cases: [], deleted: 0 };
  const now = deps.clock.now();
  const round: BlobRound = { cases: [], deleted: 0 };
  // Left over from a round that stopped between its Redis change and the file deletions.
  round.deleted += await unlink(deps, await deps.store.unlinkPending(batch));
  for (const id of await deps.store.blobsDue(now.getTime() - retentionDays * DAY_MS, batch)) {
    const state = await deps.store.archivedCase(id);
    if (!state) continue;
    const blobs = ownedBlobs(state.record.case, state.record.events);
    const r = await deps.store.dropCaseBlobs(state, withoutBlobs(state.record, now.toISOString()), blobs);
    if (r.kind !== "dropped") continue;
    round.cases.push(id);
    round.deleted += await unlink(deps, r.unreferenced);
  }
  return round;
}

async function unlink(
  deps: { store: Pick<CaseRepository, "blobReferenced" | "blobsUnlinked">; blobs: Pick<BlobStore, "remove"> },
  blobs: string[],
): Promise<number> {
  let n = 0;
  for (const b of blobs) {
    // The same bytes may have come in again for another case since: that case keeps the file.
    if (await deps.store.blobReferenced(b)) continue;
    await deps.blobs.remove?.(b);
    n++;
  }
  await deps.store.blobsUnlinked(blobs);
  return n;
}
