/**
 * Pages take turns for their synchronous part (reading the rows into a page, rendering, sending).
 * Their reads run side by side, and the store's one Redis connection hands back the replies of many
 * requests in one socket read: without turns, every page whose data came in that read rendered in the
 * same pass of the event loop, and the loop's timers (the watcher lock's renewal) and `/healthz` waited
 * for all of them. With turns, one page renders per pass; health checks, metrics and the bot's own work
 * go in between. A turn costs one `setImmediate`, not a wait: the loop is not held back when idle.
 */
let last: Promise<void> = Promise.resolve();

/** Resolves in a pass of the event loop of its own, after every turn asked for before it. */
export function pageTurn(): Promise<void> {
  const turn = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  last = turn;
  return turn;
}
