/**
 * Builds the case lists and search terms of cases stored before the index existed (or before its
 * INDEX_VERSION changed). Runs in batches, yielding to the event loop between them, so that `run` can
 * do it at start-up beside its work: health checks and the watcher lock never wait behind it. Safe to
 * run twice or from two instances at once (each case is rewritten only at the version it was read).
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { CaseStore } from "../adapters/redis/case-store.js";
import { INDEX_VERSION } from "../adapters/redis/case-store.js";

/** Cases read and rewritten per batch: a few milliseconds of Redis time, then the loop is free again. */
export const REINDEX_BATCH = 200;

type Store = Pick<CaseStore, "reindexBatch" | "indexVersion" | "countList">;

/** Whether the store's index is older than this code's (run then reindexes in the background). */
export async function needsReindex(store: Store): Promise<boolean> {
  return (await store.indexVersion()) !== INDEX_VERSION;
}

/** Reindexes every case; returns how many cases are on the list of all cases afterwards. */
export async function reindexStore(store: Store): Promise<number> {
  let from: number | null = 0;
  while (from !== null) {
    from = await store.reindexBatch(from, REINDEX_BATCH);
    await yieldToLoop();
  }
  return store.countList({ kind: "all" });
}
