/**
 * Bulk actions of the work queue (issue 18 §7): the same team command on each selected row — assign
 * to me, assign to a colleague, resolve the row's flags with one reason. Each case is its own command
 * (its own event, its own commit), so one refused case does not hold up the others; the outcome says
 * which were done and, for each refused one, why (a flag resolved meanwhile, a case already hers).
 */
import type { FlagCode } from "../core/types.js";
import type { CommandResult, TeamCommand } from "./case-commands.js";
import type { CaseRepository } from "./ports.js";
import { refusal } from "../core/words/english.js";
import type { Words } from "../core/words/words.js";
import { words } from "../core/words/words.js";

/** Rows one bulk action takes: a page of the work queue. */
export const MAX_BULK_ROWS = 100;

/** One selected row of the queue: its case, and for a flag row the flag's code. */
export interface BulkRow {
  caseId: string;
  flag?: FlagCode;
}

export type BulkAction =
  | { kind: "assign"; owner: string; toSelf?: boolean }
  | { kind: "resolve_flags"; how: string };

export interface BulkOutcome {
  /** Cases the action was taken on. */
  done: string[];
  /** Cases it was not, and why. */
  /** Why each refused case was refused: in English, and as words for the desk (core/words). */
  refused: { caseId: string; reason: string; words?: Words }[];
}

export interface BulkDeps {
  store: Pick<CaseRepository, "getCase">;
  teamCommand(caseId: string, cmd: TeamCommand, by: string): Promise<CommandResult>;
}

export async function bulkCommand(deps: BulkDeps, rows: readonly BulkRow[], action: BulkAction, by: string): Promise<BulkOutcome | { kind: "invalid"; message: string }> {
  if (rows.length === 0) return { kind: "invalid", message: "select at least one row" };
  if (rows.length > MAX_BULK_ROWS) return { kind: "invalid", message: `at most ${MAX_BULK_ROWS} rows at once` };
  if (action.kind === "resolve_flags" && !action.how.trim()) return { kind: "invalid", message: "say how the flags were resolved" };
  // Two rows of one case (two flags) are one case to assign, each flag resolved once.
  const byCase = new Map<string, Set<FlagCode | undefined>>();
  for (const r of rows) byCase.set(r.caseId, (byCase.get(r.caseId) ?? new Set()).add(r.flag));
  const out: BulkOutcome = { done: [], refused: [] };
  for (const [caseId, flags] of byCase) {
    const r = action.kind === "assign" ? await assign(deps, caseId, action, by) : await resolve(deps, caseId, flags, action.how, by);
    if (r === null) out.done.push(caseId);
    else out.refused.push({ caseId, reason: r.reason, ...(r.words ? { words: r.words } : {}) });
  }
  return out;
}

type Refused = { reason: string; words?: Words };

async function assign(deps: BulkDeps, caseId: string, action: Extract<BulkAction, { kind: "assign" }>, by: string): Promise<Refused | null> {
  const r = await deps.teamCommand(caseId, { kind: "assign", owner: action.owner, ...(action.toSelf ? { toSelf: true } : {}) }, by);
  return r.kind === "ok" ? null : r;
}

/** Resolves the case's open flags of the selected rows' codes; a row that is no flag has none to resolve. */
async function resolve(deps: BulkDeps, caseId: string, codes: Set<FlagCode | undefined>, how: string, by: string): Promise<Refused | null> {
  const wanted = new Set([...codes].filter((code): code is FlagCode => code !== undefined));
  if (wanted.size === 0) return refusal(words("row_is_no_flag", {}));
  const c = await deps.store.getCase(caseId);
  if (!c) return refusal(words("case_gone", { caseId }));
  const open = c.flags.filter((f) => !f.resolved && wanted.has(f.code));
  if (open.length === 0) return refusal(words("flag_resolved_meanwhile", { codes: [...wanted] }));
  for (const f of open) {
    const r = await deps.teamCommand(caseId, { kind: "resolve_flag", flag: f.id, how }, by);
    if (r.kind === "refused") return r;
  }
  return null;
}
