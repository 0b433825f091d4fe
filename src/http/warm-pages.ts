/**
 * The desk's most opened pages — the queue and the work queue, in each UI language — rendered once when
 * the server starts, from one page of each list as a page view reads it. A page's first render compiles
 * its code (V8 compiles a function on its first call) and builds its date formatters: about 110 ms for
 * the queue page and 70 ms for the work queue on a shared 2-core machine, which would otherwise be one
 * event-loop stall at the first page a team member opens, with the watcher lock's renewal and `/healthz`
 * waiting behind it. Started, not awaited, when the server is ready: a store that is slow to answer
 * must not hold back the health endpoints. A failure is only a missed warm-up.
 */
import { workQueue } from "../app/work-queue.js";
import type { HttpDeps } from "./http-deps.js";
import { queuePage } from "./pages/queue-page.js";
import { UI_LANGUAGES } from "./pages/ui-language.js";
import { workPage } from "./pages/work-page.js";
import { QUEUE_PAGE_ROWS, flaggedView, stageGroups } from "./queue-view.js";

export async function warmPages(deps: Pick<HttpDeps, "store" | "rules" | "now">): Promise<void> {
  const timeZone = deps.rules.reminders.time_zone;
  const now = new Date((deps.now ?? Date.now)()).toISOString();
  const [flagged, stages, work] = await Promise.all([flaggedView(deps.store, QUEUE_PAGE_ROWS), stageGroups(deps.store), workQueue(deps, {}, now)]);
  for (const lang of UI_LANGUAGES) {
    const session = { login: null, mayAct: true, mayAdminister: true, csrf: "warm-up", lang };
    queuePage({ ...flagged, stages: stages ?? [], timeZone, session }).toString();
    workPage(work, {}, timeZone, session).toString();
  }
}
