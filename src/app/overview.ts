/**
 * The overview (issue 18 item 10): cases per stage, median and oldest time in stage, arrivals and
 * activations per week, open flags per cause, reply lag. Reads the indexes the store keeps with every
 * commit (a few counts and ranks, the same cost at 100 000 cases as at 100) and leaves the arithmetic
 * to the core (core/case/overview.ts). The desk page and the Prometheus gauges both read it here.
 */
import type { OverviewFigures } from "../core/case/overview.js";
import { OVERVIEW_WEEKS, lastWeeks, overviewFigures } from "../core/case/overview.js";
import type { StageId } from "../core/types.js";
import { FLAG_CODES } from "../core/types.js";
import type { OverviewSource } from "./ports.js";

export async function readOverview(source: OverviewSource, stages: readonly StageId[], now: number): Promise<OverviewFigures> {
  const reading = await source.overviewReading({ now, stages, weeks: lastWeeks(now, OVERVIEW_WEEKS), flagCodes: FLAG_CODES });
  return overviewFigures(reading);
}
