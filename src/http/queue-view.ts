/**
 * What the queue page and the flags API read: one page of the flagged list, the newest loose flags,
 * and one page per stage, each from its index. A fixed number of small reads whatever the store holds.
 */
import type { CaseRepository } from "../app/ports.js";
import { listCases } from "../app/list-cases.js";
import type { CaseSummary } from "../core/case/case-summary.js";
import type { StageId } from "../core/types.js";
import { STAGES } from "../core/types.js";
import type { QueueFlag } from "./case-views.js";
import type { StageGroup } from "./pages/queue-page.js";

/** Flagged cases and loose flags in `/api/flags` (each): the newest ones. */
export const QUEUE_ROWS = 100;
/**
 * Flagged cases and loose flags on the queue page (each): the newest ones, about two screens; all of
 * them are in the work queue, which pages (the page links there).
 */
export const QUEUE_PAGE_ROWS = 25;
/** Cases of each stage shown on the queue page; older ones are a link away. */
export const STAGE_ROWS = 20;

type Store = Pick<CaseRepository, "listPage" | "countList" | "openLooseFlags">;

export interface FlaggedView {
  /** How many of each were read: the newest this many of both together are shown. */
  rows: number;
  flagged: CaseSummary[];
  flaggedTotal: number;
  loose: QueueFlag[];
  looseTotal: number;
}

export async function flaggedView(store: Store, rows: number = QUEUE_ROWS): Promise<FlaggedView> {
  const [flagged, flaggedTotal, loose] = await Promise.all([
    store.listPage({ kind: "flagged" }, null, rows),
    store.countList({ kind: "flagged" }),
    store.openLooseFlags(rows),
  ]);
  return {
    rows,
    flagged: flagged.items,
    flaggedTotal,
    loose: loose.flags.map((f) => ({ ...f, caseId: null, site: null, stage: null })),
    looseTotal: loose.total,
  };
}

/** Open flags of the flagged cases (the newest of each, as summaries keep them) and the loose flags, newest first. */
export function flagRows(view: FlaggedView): QueueFlag[] {
  const ofCases = view.flagged.flatMap((c) => c.flags.map((f) => ({ ...f, caseId: c.id, site: c.site, stage: c.stage })));
  return [...ofCases, ...view.loose].sort((a, b) => (Date.parse(b.at) || 0) - (Date.parse(a.at) || 0));
}

/**
 * One page per stage; with `only`, that stage alone from `cursor` on (the "older cases" link).
 * Returns null when the cursor is not one of ours.
 */
export async function stageGroups(store: Store, only?: { stage: StageId; cursor?: string }): Promise<StageGroup[] | null> {
  const stages = only ? [only.stage] : [...STAGES];
  const groups = await Promise.all(
    stages.map(async (stage) => {
      const [page, total] = await Promise.all([
        listCases(store, { kind: "stage", stage }, { limit: STAGE_ROWS, cursor: only?.cursor }),
        store.countList({ kind: "stage", stage }),
      ]);
      if (page.kind === "invalid") return null;
      const next = page.page.cursor === null ? null : `/?stage=${stage}&cursor=${page.page.cursor}#cases`;
      return { stage, total, cases: page.page.items, next };
    }),
  );
  return groups.every((g) => g !== null) ? groups : null;
}
