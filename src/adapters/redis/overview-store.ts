/**
 * The overview's reading of the store (core/case/overview.ts): counts and a few ranks of indexes the
 * case commit and markSent keep (case-store.ts), in two round trips whatever the store's size — the
 * counts and oldest entries, then the values at the median and p95 ranks those counts give. Keys, under
 * the prefix P:
 *   P:list:stage:{stage}, P:list:flag:{code}, P:flags:loose:open   (case-store.ts) counted
 *   P:stagesince:{stage}   zset  cases by the time they entered the stage: rank 0 and the middle ranks
 *   P:stats:opened, P:stats:activated   hash  ISO week → count: one HMGET each
 *   P:stats:replylag:at    zset  replies by sent time (outbox key), for trimming to the window
 *   P:stats:replylag:ms    zset  the same replies by lag (ms): the median and p95 ranks
 */
import type { ChainableCommander, Redis } from "ioredis";
import type { OverviewSource } from "../../app/ports.js";
import type { OverviewReading } from "../../core/case/overview.js";
import { MAX_REPLY_LAG_SAMPLES, REPLY_LAG_WINDOW_MS, TIMED_STAGES, WEEK_COUNTERS, medianRanks, quantileRank, stageSinceKey } from "../../core/case/overview.js";
import { listName } from "../../core/case/case-summary.js";
import type { FlagCode, StageId } from "../../core/types.js";

/** The reply lag record's two zsets (keys without prefix). */
export const REPLY_LAG_KEYS = { byTime: "stats:replylag:at", byLag: "stats:replylag:ms" } as const;

/** Stale replies removed from the lag record per call at most (a call after a long quiet removes the rest next time). */
const TRIM_BATCH = 500;

/**
 * Lua: `trim(byTime, byLag, from, max)` drops from both zsets the replies sent before `from` (ms, at
 * most TRIM_BATCH of them) and the oldest beyond `max`. Shared by markSent and the overview's read.
 */
export const TRIM_REPLY_LAGS = `
local function trim(byTime, byLag, from, max)
  local gone = redis.call('ZRANGEBYSCORE', byTime, '-inf', '(' .. from, 'LIMIT', 0, ${TRIM_BATCH})
  local over = redis.call('ZCARD', byTime) - #gone - tonumber(max)
  if over > 0 then
    for _, k in ipairs(redis.call('ZRANGE', byTime, #gone, #gone + over - 1)) do gone[#gone + 1] = k end
  end
  if #gone > 0 then
    redis.call('ZREM', byTime, unpack(gone))
    redis.call('ZREM', byLag, unpack(gone))
  end
end
`;

/**
 * replyLags: KEYS[1] replies by sent time, KEYS[2] replies by lag. ARGV[1] the window start (ms),
 * ARGV[2] the most replies kept. Trims the record to the window, returns how many replies it holds.
 */
const REPLY_LAGS = `
${TRIM_REPLY_LAGS}
trim(KEYS[1], KEYS[2], ARGV[1], ARGV[2])
return redis.call('ZCARD', KEYS[2])
`;

/** The pipeline with the script defined on the connection (ioredis adds it at run time). */
type OverviewPipeline = ChainableCommander & { abReplyLags(byTime: string, byLag: string, from: string, max: string): ChainableCommander };

export class OverviewStore implements OverviewSource {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    redis.defineCommand("abReplyLags", { numberOfKeys: 2, lua: REPLY_LAGS });
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async overviewReading(q: { now: number; stages: readonly StageId[]; weeks: string[]; flagCodes: readonly FlagCode[] }): Promise<OverviewReading> {
    const timed = q.stages.filter((s) => TIMED_STAGES.includes(s));
    const first = this.redis.pipeline();
    for (const stage of q.stages) first.zcard(this.k(`list:${listName({ kind: "stage", stage })}`));
    for (const stage of timed) first.zcard(this.k(stageSinceKey(stage))).zrange(this.k(stageSinceKey(stage)), 0, 0, "WITHSCORES");
    first.hmget(this.k(WEEK_COUNTERS.opened), ...q.weeks).hmget(this.k(WEEK_COUNTERS.activated), ...q.weeks);
    for (const code of q.flagCodes) first.zcard(this.k(`list:${listName({ kind: "flag", code })}`));
    first.zcard(this.k("flags:loose:open"));
    (first as OverviewPipeline).abReplyLags(
      this.k(REPLY_LAG_KEYS.byTime),
      this.k(REPLY_LAG_KEYS.byLag),
      String(q.now - REPLY_LAG_WINDOW_MS),
      String(MAX_REPLY_LAG_SAMPLES),
    );
    const rows = await execOrThrow(first);
    let i = 0;
    const next = () => rows[i++];
    const stageCases = q.stages.map(() => Number(next()));
    const timedRead = timed.map((stage) => {
      const n = Number(next());
      const oldest = next() as string[];
      return { stage, n, oldest: oldest[1] === undefined ? null : Number(oldest[1]) };
    });
    const opened = (next() as (string | null)[]).map(Number);
    const activated = (next() as (string | null)[]).map(Number);
    const flags = q.flagCodes.map((code) => ({ code, cases: Number(next()) }));
    const looseFlags = Number(next());
    const replies = Number(next());

    // The second trip: the values at the ranks the counts give (ZRANGE by rank is O(log n)).
    const second = this.redis.pipeline();
    const medians = timedRead.map((t) => medianRanks(t.n));
    timedRead.forEach((t, j) => {
      for (const r of medians[j] ?? []) second.zrange(this.k(stageSinceKey(t.stage)), r, r, "WITHSCORES");
    });
    const lagRanks = [...medianRanks(replies), quantileRank(replies, 0.95)].filter((r): r is number => r !== null);
    for (const r of lagRanks) second.zrange(this.k(REPLY_LAG_KEYS.byLag), r, r, "WITHSCORES");
    const ranked = lagRanks.length || medians.some((m) => m.length) ? await execOrThrow(second) : [];
    let m = 0;
    // A rank gone between the two trips (a case moved on) reads as no value rather than a wrong one.
    const value = () => {
      const row = ranked[m++] as string[] | undefined;
      return row?.[1] === undefined ? [] : [Number(row[1])];
    };
    const sinceByStage = new Map(timedRead.map((t, j) => [t.stage, { oldest: t.oldest, median: (medians[j] ?? []).flatMap(value) }]));
    const lagMedian = medianRanks(replies).flatMap(value);
    const p95 = replies > 0 ? (value()[0] ?? null) : null;

    return {
      now: q.now,
      stages: q.stages.map((stage, j) => ({
        stage,
        cases: stageCases[j] ?? 0,
        oldestSince: sinceByStage.get(stage)?.oldest ?? null,
        medianSince: sinceByStage.get(stage)?.median ?? [],
      })),
      weeks: q.weeks.map((week, j) => ({ week, opened: opened[j] || 0, activated: activated[j] || 0 })),
      flags,
      looseFlags,
      replyLag: { replies, median: lagMedian, p95 },
    };
  }
}

async function execOrThrow(pipe: ChainableCommander): Promise<unknown[]> {
  const rows = (await pipe.exec()) ?? [];
  const failed = rows.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return rows.map(([, value]) => value);
}
