/**
 * The archive and the blob retention in the background (app/archive-cases.ts): the instance that holds
 * the watcher lock runs one batch of each every ARCHIVE_TICK_MS, and keeps going, yielding to the event
 * loop between batches, while batches come back full. Health checks and the watcher lock never wait
 * behind it; a failed round is logged and tried again at the next tick.
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { Logger } from "pino";
import { ARCHIVE_BATCH, archiveClosedCases, dropArchivedBlobs } from "../app/archive-cases.js";
import type { BlobStore, CaseRepository, Clock } from "../app/ports.js";

/** How often the leader looks for cases to archive and blobs to delete. */
export const ARCHIVE_TICK_MS = 10 * 60_000;
/** Batches per tick at most: a backlog (the first run on an old store) is worked off over several ticks. */
const MAX_BATCHES_PER_TICK = 50;

export interface ArchiveTimerDeps {
  store: CaseRepository;
  blobs: BlobStore;
  clock: Clock;
  log: Logger;
  archiveAfterDays: number;
  blobRetentionDays: number;
  /** Whether this instance leads (holds the watcher lock): only the leader archives. */
  leads(): boolean;
}

/** One tick: archives and deletes due blobs, batch after batch. Returns what it did. */
export async function archiveTick(deps: Omit<ArchiveTimerDeps, "log" | "leads">): Promise<{ archived: number; blobCases: number; blobsDeleted: number }> {
  const done = { archived: 0, blobCases: 0, blobsDeleted: 0 };
  for (let i = 0; i < MAX_BATCHES_PER_TICK; i++) {
    const round = await archiveClosedCases(deps, deps.archiveAfterDays);
    done.archived += round.archived.length;
    await yieldToLoop();
    if (round.archived.length < ARCHIVE_BATCH) break;
  }
  for (let i = 0; i < MAX_BATCHES_PER_TICK; i++) {
    const round = await dropArchivedBlobs(deps, deps.blobRetentionDays);
    done.blobCases += round.cases.length;
    done.blobsDeleted += round.deleted;
    await yieldToLoop();
    if (round.cases.length < ARCHIVE_BATCH) break;
  }
  return done;
}

export function startArchiveTimer(deps: ArchiveTimerDeps, tickMs = ARCHIVE_TICK_MS): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const tick = () => {
    if (running || !deps.leads()) return;
    running = archiveTick(deps)
      .then(
        (d) => {
          if (d.archived + d.blobCases > 0) deps.log.info(d, "archive: closed cases archived, blobs past retention deleted");
        },
        (err: unknown) => deps.log.warn({ err }, "archive round failed: tried again at the next tick"),
      )
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, tickMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
