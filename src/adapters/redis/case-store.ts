/**
 * Cases, timelines, flags, the outbox and the mail ledger in Redis. Every state change is one Lua script
 * (atomic, idempotent under retry). Keys, all under the configured prefix P:
 *   P:case:{id}          hash  json (Case), version
 *   P:case:{id}:events   list  CaseEvent JSON, oldest first
 *   P:cases              zset  case ids by opening time
 *   P:seq                int   last case number handed out
 *   P:msgid:{message-id} str   case id of a mail of that thread (matching by References)
 *   P:mail:{mail key}    str   how an incoming mail was handled ("case:ACT-…" | "loose" | "quarantined")
 *   P:case:{id}          …also summary (CaseSummary JSON, what lists show) and idx (the list and
 *                              term keys the case is on, so the next commit can leave the old ones)
 *   P:list:{name}        zset  case ids on a list (all, stage:…, flagged, flag:…), scored by case number
 *   P:term:{term}        zset  case ids with a search term (core/case/case-summary.ts), same score
 *   P:work:since, P:work:bystage, P:work:f:{filter}:{value}, P:work:activity, P:work:activity:bystage
 *                        zset  the work queue's index (core/case/work-items.ts `workIndex`), each scored
 *                              as that module says (a time, or stage order then a time)
 *   P:flags:loose:all    hash  flag id → flag JSON, flags tied to no case (unmatched, ambiguous, quarantined mail)
 *   P:flags:loose:open   zset  ids of those not yet resolved, by time raised (the hot list)
 *   P:flags:loose        list  the old single list of loose flags, moved into the two above by reindex
 *   P:index:version      str   INDEX_VERSION once reindex has built the lists and terms of older cases
 *   P:outbox:{key}       hash  entry (JSON), status, sentAt, response, attemptedAt (a send of unknown outcome)
 *   P:outbox:pending     zset  outbox keys not yet sent, by creation time
 *   P:outbox:drafts      zset  outbox keys held as drafts (supervised mode, core/case/drafts.ts), by creation
 *                              time; their hash's status is `draft` (then `pending` when sent, or `discarded`)
 *   P:outbox:unfiled     zset  outbox keys sent but whose copy is not yet in the Sent folder, by sent time
 *   P:mac:{mac}          str   the case a station's MAC address was first accepted for (across cases)
 *   P:sent:case:{id}     zset  outbox keys by time (loop guard), P:sent:noprog:{id} likewise for replies
 *                              that made no progress, P:sent:rcpt:{address} by recipient
 *   P:archive:due        zset  closed cases by closing time, and P:blobref:{blob} set: the cases that
 *                              keep a blob; both written by the commit, read by the archive
 *                              (case-archive.ts, which also lists the keys of archived cases)
 *   P:stagesince:{stage} zset  cases in a stage (closed aside) by the time they entered it, an index key
 *                              like work:* (core/case/overview.ts); the overview reads its ranks
 *   P:stats:opened, P:stats:activated
 *                        hash  ISO week → cases opened / activated that week, added to by the commit
 *   P:stats:replylag:at, P:stats:replylag:ms
 *                        zset  replies sent in the last days (outbox key) by sent time and by reply lag,
 *                              written by markSent, trimmed to a window (overview-store.ts)
 * On a Redis Cluster P is a hash tag (`{ab:}`): every key here is in one slot, which the scripts need, as
 * they derive keys from P passed as an argument (README, "Redis that outgrows one host").
 * Lists never read every case: they read a page of a list or term zset and the summaries of that page.
 */
import type { ChainableCommander, Redis } from "ioredis";
import type { ActivityScan, ArchiveSource, ArchiveState, CaseRepository, Commit, CommitResult, DraftChanges, MatchLookup, SummaryPage, WorkCursor, WorkScan } from "../../app/ports.js";
import type { ArchiveRecord } from "../../core/case/archive.js";
import { closedSince, ownedBlobs } from "../../core/case/archive.js";
import type { SendCounts } from "../../core/case/decide.js";
import type { OutboxEntry, OutboxStatus } from "../../core/case/outbox-entry.js";
import type { CaseListKey, CaseSummary } from "../../core/case/case-summary.js";
import { caseLists, caseSummary, listName, searchTerms } from "../../core/case/case-summary.js";
import { workIndex } from "../../core/case/work-items.js";
import { MAX_REPLY_LAG_SAMPLES, REPLY_LAG_WINDOW_MS, replyLagMs, stageSinceIndex, weekCounts, withStageEntered } from "../../core/case/overview.js";
import { REPLY_LAG_KEYS, TRIM_REPLY_LAGS } from "./overview-store.js";
import type { Case, CaseEvent, CaseId, Flag } from "../../core/types.js";
import { summarised } from "../../core/words/english.js";
import { words } from "../../core/words/words.js";
import { CaseArchive } from "./case-archive.js";
import { masters } from "./connect.js";

/** Bumped when what indexKeys writes changes: start-up then rebuilds the lists of older cases. */
export const INDEX_VERSION = "5";
/** A multi-word search looks at this many candidates of its rarest word at most, per page. */
export const MAX_SEARCH_SCAN = 5_000;


/** The list, term and work keys (without prefix) a case is on. */
export function indexKeys(c: Case): string[] {
  return [...caseLists(c).map((l) => `list:${listName(l)}`), ...searchTerms(c).map((t) => `term:${t}`), ...Object.keys(workIndex(c)), ...Object.keys(stageSinceIndex(c))];
}

/** The keys scored otherwise than by case number (the work queue's), key → score as a string. */
function ownScores(c: Case): string {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...workIndex(c), ...stageSinceIndex(c) })) out[k] = String(v);
  return JSON.stringify(out);
}

/** The number of ACT-123456, the score of the case on every list (ids grow with opening time). */
export function caseNumber(id: string): number {
  return Number(id.slice(4)) || 0;
}

/**
 * commit: KEYS[1] case hash, KEYS[2] events list, KEYS[3] mail ledger key, KEYS[4] cases zset.
 * ARGV[1] expected version (-1: the case must not exist yet; -2: no case change), ARGV[2] case JSON,
 * ARGV[3] events JSON array, ARGV[4] ledger value ("" = none), ARGV[5] outbox JSON array of
 * {key, entry, at}, ARGV[6] key prefix, ARGV[7] message-ids JSON array, ARGV[8] case id,
 * ARGV[9] opening time (ms), ARGV[10] loose flags JSON array, ARGV[11] sent log JSON array of
 * {zset, member, at}, ARGV[12] MAC addresses accepted for the case, JSON array (first claim wins),
 * ARGV[13] the new version (the one in the case JSON), ARGV[14] the case summary JSON, ARGV[15] the list
 * and term keys (without prefix) the case is on now, JSON array, ARGV[16] their score (the case number).
 * ARGV[10] holds loose flags as {id, at (ms), json}. ARGV[17] "" or the whole timeline (JSON array of
 * event JSON) to put in place of the events list before ARGV[3] is appended (erasure). ARGV[18] "" or a
 * JSON object key → score (string) for the keys of ARGV[15] not scored by case number (the work queue's).
 * ARGV[19] the case's closing time (ms) for the archive's due list, "" when it is not closed. ARGV[20]
 * blob ids the case keeps (JSON array), added to their reference sets. ARGV[21] "" or the drafts JSON
 * {hold: [key], edit: [{key, entry}], release: [key], discard: [{key, at}]} (ports.ts DraftChanges):
 * held entries are written with status `draft` on P:outbox:drafts instead of pending; the others apply
 * only to an entry whose status is `draft` (a discard also takes it off the loop guard's send logs).
 * ARGV[22] the commit's time (ms), the pending score of a released draft. ARGV[23] the overview's week
 * counters to add one to (JSON array of {hash, field}, hash without prefix).
 * Returns 1 committed, 0 mail already handled (nothing written), -1 version conflict (retry; also for
 * a case that was archived meanwhile).
 */
const COMMIT = `
if ARGV[4] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local expected = tonumber(ARGV[1])
if expected ~= -2 then
  local current = redis.call('HGET', KEYS[1], 'version')
  if redis.call('HEXISTS', KEYS[1], 'archive') == 1 then return -1 end
  if expected == -1 then
    if current then return -1 end
  elseif tonumber(current or '-1') ~= expected then return -1 end
  redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', ARGV[13])
  redis.call('ZADD', KEYS[4], 'NX', ARGV[9], ARGV[8])
end
if ARGV[17] ~= '' then
  redis.call('DEL', KEYS[2])
  for _, e in ipairs(cjson.decode(ARGV[17])) do redis.call('RPUSH', KEYS[2], e) end
end
for _, e in ipairs(cjson.decode(ARGV[3])) do redis.call('RPUSH', KEYS[2], e) end
local drafts = {}
if ARGV[21] ~= '' then drafts = cjson.decode(ARGV[21]) end
local hold = {}
for _, key in ipairs(drafts.hold or {}) do hold[key] = true end
for _, o in ipairs(cjson.decode(ARGV[5])) do
  local k = ARGV[6] .. 'outbox:' .. o.key
  if redis.call('HSETNX', k, 'entry', o.entry) == 1 then
    if hold[o.key] then
      redis.call('HSET', k, 'status', 'draft')
      redis.call('ZADD', ARGV[6] .. 'outbox:drafts', o.at, o.key)
    else
      redis.call('HSET', k, 'status', 'pending')
      redis.call('ZADD', ARGV[6] .. 'outbox:pending', o.at, o.key)
    end
  end
end
for _, e in ipairs(drafts.edit or {}) do
  local k = ARGV[6] .. 'outbox:' .. e.key
  if redis.call('HGET', k, 'status') == 'draft' then redis.call('HSET', k, 'entry', e.entry) end
end
for _, key in ipairs(drafts.release or {}) do
  local k = ARGV[6] .. 'outbox:' .. key
  if redis.call('HGET', k, 'status') == 'draft' then
    redis.call('HSET', k, 'status', 'pending')
    redis.call('ZREM', ARGV[6] .. 'outbox:drafts', key)
    redis.call('ZADD', ARGV[6] .. 'outbox:pending', ARGV[22], key)
  end
end
for _, d in ipairs(drafts.discard or {}) do
  local k = ARGV[6] .. 'outbox:' .. d.key
  if redis.call('HGET', k, 'status') == 'draft' then
    redis.call('HSET', k, 'status', 'discarded', 'discardedAt', d.at)
    redis.call('ZREM', ARGV[6] .. 'outbox:drafts', d.key)
    local e = cjson.decode(redis.call('HGET', k, 'entry'))
    redis.call('ZREM', ARGV[6] .. 'sent:case:' .. e.caseId, d.key)
    redis.call('ZREM', ARGV[6] .. 'sent:noprog:' .. e.caseId, d.key)
    for _, r in ipairs(e.to) do redis.call('ZREM', ARGV[6] .. 'sent:rcpt:' .. r, d.key) end
  end
end
for _, s in ipairs(cjson.decode(ARGV[11])) do redis.call('ZADD', ARGV[6] .. s.zset, s.at, s.member) end
for _, id in ipairs(cjson.decode(ARGV[7])) do redis.call('SET', ARGV[6] .. 'msgid:' .. id, ARGV[8]) end
for _, f in ipairs(cjson.decode(ARGV[10])) do
  if redis.call('HSETNX', ARGV[6] .. 'flags:loose:all', f.id, f.json) == 1 then
    redis.call('ZADD', ARGV[6] .. 'flags:loose:open', f.at, f.id)
  end
end
if expected ~= -2 then
  local old = redis.call('HGET', KEYS[1], 'idx')
  local new = cjson.decode(ARGV[15])
  local keep = {}
  for _, k in ipairs(new) do keep[k] = true end
  if old then
    for _, k in ipairs(cjson.decode(old)) do
      if not keep[k] then redis.call('ZREM', ARGV[6] .. k, ARGV[8]) end
    end
  end
  local own = {}
  if ARGV[18] ~= '' then own = cjson.decode(ARGV[18]) end
  for _, k in ipairs(new) do redis.call('ZADD', ARGV[6] .. k, own[k] or ARGV[16], ARGV[8]) end
  redis.call('HSET', KEYS[1], 'summary', ARGV[14], 'idx', ARGV[15])
  if ARGV[19] ~= '' then redis.call('ZADD', ARGV[6] .. 'archive:due', ARGV[19], ARGV[8])
  else redis.call('ZREM', ARGV[6] .. 'archive:due', ARGV[8]) end
  for _, b in ipairs(cjson.decode(ARGV[20])) do redis.call('SADD', ARGV[6] .. 'blobref:' .. b, ARGV[8]) end
  for _, w in ipairs(cjson.decode(ARGV[23])) do redis.call('HINCRBY', ARGV[6] .. w.hash, w.field, 1) end
end
for _, m in ipairs(cjson.decode(ARGV[12])) do redis.call('SET', ARGV[6] .. 'mac:' .. m, ARGV[8], 'NX') end
if ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[4]) end
return 1
`;

/**
 * markSent: KEYS[1] outbox hash, KEYS[2] pending zset, KEYS[3] case events list, KEYS[4] unfiled zset,
 * KEYS[5] and KEYS[6] the reply lag record (by sent time, by lag). ARGV[1] outbox key, ARGV[2] sent
 * time ISO, ARGV[3] SMTP response, ARGV[4] mail_out event JSON, ARGV[5] sent time (ms), ARGV[6] the
 * reply lag (ms) or "" for a mail that answers none, ARGV[7] the lag record's window start (ms),
 * ARGV[8] its most replies. Returns 1 marked, 0 already sent (no second event), -1 the entry is gone
 * (erased, archived or wiped while it was sent: nothing is written, no hash is left half made).
 */
const MARK_SENT = `
${TRIM_REPLY_LAGS}
if redis.call('HEXISTS', KEYS[1], 'entry') == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'status') == 'sent' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'sent', 'sentAt', ARGV[2], 'response', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[4])
if ARGV[6] ~= '' then
  redis.call('ZADD', KEYS[5], ARGV[5], ARGV[1])
  redis.call('ZADD', KEYS[6], ARGV[6], ARGV[1])
  trim(KEYS[5], KEYS[6], ARGV[7], ARGV[8])
end
return 1
`;

/**
 * A sent entry's JSON replaced (its body emptied once filed, or a person erased from it): KEYS[1] the
 * entry's hash, ARGV[1] the new JSON. Only while the hash still holds a sent entry: a writer that read
 * the entry before the store was wiped, the case archived or the entry erased writes nothing, where a
 * plain HSET would leave a hash with an entry and no status behind. Returns 1 written, 0 not.
 */
const REWRITE_SENT_ENTRY = `
if redis.call('HGET', KEYS[1], 'status') ~= 'sent' then return 0 end
redis.call('HSET', KEYS[1], 'entry', ARGV[1])
return 1
`;

/** Case numbers are CASE_NUMBER_BASE + the counter, so that every id has six digits (ACT-100001 first). */
export const CASE_NUMBER_BASE = 100000;

export class CaseStore implements CaseRepository {
  private readonly archive: CaseArchive;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.archive = new CaseArchive(redis, prefix, { keys: indexKeys, score: caseNumber });
    redis.defineCommand("abCommit", { numberOfKeys: 4, lua: COMMIT });
    redis.defineCommand("abMarkSent", { numberOfKeys: 6, lua: MARK_SENT });
    redis.defineCommand("abRewriteSentEntry", { numberOfKeys: 1, lua: REWRITE_SENT_ENTRY });
    redis.defineCommand("abResolveLoose", { numberOfKeys: 2, lua: RESOLVE_LOOSE });
    redis.defineCommand("abSearch", { lua: SEARCH });
    redis.defineCommand("abWorkScan", { lua: WORK_SCAN });
    redis.defineCommand("abSummaries", { lua: SUMMARIES });
    redis.defineCommand("abReindex", { numberOfKeys: 1, lua: REINDEX });
    redis.defineCommand("abMoveLoose", { numberOfKeys: 3, lua: MOVE_LOOSE });
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  async nextCaseId(): Promise<CaseId> {
    const n = await this.redis.incr(this.k("seq"));
    const number = CASE_NUMBER_BASE + n;
    if (number > 999999) throw new Error("case numbers exhausted (ACT-999999 reached)");
    return `ACT-${number}`;
  }

  async getCase(id: CaseId): Promise<Case | null> {
    const json = await this.redis.hget(this.k(`case:${id.toUpperCase()}`), "json");
    return json ? (JSON.parse(json) as Case) : null;
  }

  async caseExists(id: CaseId): Promise<boolean> {
    return (await this.redis.exists(this.k(`case:${id.toUpperCase()}`))) === 1;
  }

  async listCaseIds(): Promise<CaseId[]> {
    return this.redis.zrange(this.k("cases"), 0, -1);
  }

  async listCases(): Promise<Case[]> {
    const ids = await this.listCaseIds();
    if (ids.length === 0) return [];
    const pipe = this.redis.pipeline();
    for (const id of ids) pipe.hget(this.k(`case:${id}`), "json");
    // An id whose case is gone is left out; a failed read throws, so that no list silently lacks a case.
    const rows = await execOrThrow(pipe);
    return rows.flatMap((json) => (typeof json === "string" ? [JSON.parse(json) as Case] : []));
  }

  async events(id: CaseId): Promise<CaseEvent[]> {
    const rows = await this.redis.lrange(this.k(`case:${id.toUpperCase()}:events`), 0, -1);
    return rows.map((r) => JSON.parse(r) as CaseEvent);
  }

  /** Every loose flag, resolved ones included, oldest first: for tests and tools, never a request path. */
  async looseFlags(): Promise<Flag[]> {
    const rows = await this.redis.hvals(this.k("flags:loose:all"));
    return rows.map((r) => JSON.parse(r) as Flag).sort((a, b) => a.at.localeCompare(b.at));
  }

  async looseFlag(flagId: string): Promise<Flag | null> {
    const json = await this.redis.hget(this.k("flags:loose:all"), flagId);
    return json ? (JSON.parse(json) as Flag) : null;
  }

  async openLooseFlags(limit: number): Promise<{ flags: Flag[]; total: number }> {
    const [ids, total] = await Promise.all([this.redis.zrevrange(this.k("flags:loose:open"), 0, limit - 1), this.redis.zcard(this.k("flags:loose:open"))]);
    if (ids.length === 0) return { flags: [], total };
    const rows = await this.redis.hmget(this.k("flags:loose:all"), ...ids);
    return { flags: rows.flatMap((r) => (r ? [JSON.parse(r) as Flag] : [])), total };
  }

  async resolveLooseFlag(flagId: string, resolved: NonNullable<Flag["resolved"]>): Promise<boolean> {
    const r = await (this.redis as unknown as CommitCommands).abResolveLoose(
      this.k("flags:loose:all"),
      this.k("flags:loose:open"),
      flagId,
      JSON.stringify(resolved),
    );
    return r === 1;
  }

  async listPage(list: CaseListKey, after: number | null, limit: number): Promise<SummaryPage> {
    const ids = await this.redis.zrevrangebyscore(this.k(`list:${listName(list)}`), after === null ? "+inf" : `(${after}`, "-inf", "LIMIT", 0, limit + 1);
    return this.summaries(ids, limit);
  }

  async countList(list: CaseListKey): Promise<number> {
    return this.redis.zcard(this.k(`list:${listName(list)}`));
  }

  /**
   * The sizes the /metrics gauges show (runtime/store-metrics.ts), each one ZCARD in one round trip:
   * every list asked for, the open loose flags, and the outbox's pending and unfiled entries. Any failed
   * read rejects the whole call, so a gauge keeps its last values rather than showing half a scrape.
   */
  async gaugeCounts(lists: CaseListKey[]): Promise<{ lists: number[]; looseOpen: number; outboxPending: number; outboxUnfiled: number; drafts: number }> {
    const pipe = this.redis.pipeline();
    for (const list of lists) pipe.zcard(this.k(`list:${listName(list)}`));
    pipe.zcard(this.k("flags:loose:open")).zcard(this.k("outbox:pending")).zcard(this.k("outbox:unfiled")).zcard(this.k("outbox:drafts"));
    const n = (await execOrThrow(pipe)).map(Number);
    const [looseOpen = 0, outboxPending = 0, outboxUnfiled = 0, drafts = 0] = n.slice(lists.length);
    return { lists: n.slice(0, lists.length), looseOpen, outboxPending, outboxUnfiled, drafts };
  }

  /** When the oldest outbox entry not yet sent was made (ms since the epoch), or null when none waits. */
  async oldestPendingOutbox(): Promise<number | null> {
    return this.oldestIn("outbox:pending");
  }

  /** When the oldest draft waiting for the team (supervised mode) was made (ms), or null when none waits. */
  async oldestDraft(): Promise<number | null> {
    return this.oldestIn("outbox:drafts");
  }

  private async oldestIn(key: string): Promise<number | null> {
    const oldest = await this.redis.zrange(this.k(key), 0, 0, "WITHSCORES");
    return oldest[1] === undefined ? null : Number(oldest[1]);
  }

  /** Redis's used_memory (the whole server's) and the cases in the hot store, for memory per case. */
  async memoryAndCases(): Promise<{ usedMemory: number; cases: number }> {
    // On a Cluster the store is one slot on one master, but which one is the cluster's business: the
    // masters' memory summed (exact when the cluster is the bot's own, as a single Redis must be).
    const [infos, cases] = await Promise.all([
      masters(this.redis).then((nodes) => Promise.all(nodes.map((n) => n.info("memory")))),
      this.redis.zcard(this.k(`list:${listName({ kind: "all" })}`)),
    ]);
    return { usedMemory: infos.reduce((sum, info) => sum + Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? 0), 0), cases };
  }

  /** Cases carrying every one of `terms`, newest first. */
  async searchPage(terms: string[], after: number | null, limit: number): Promise<SummaryPage> {
    if (terms.length === 0) return { items: [], next: null };
    const keys = terms.map((t) => this.k(`term:${t}`));
    if (keys.length === 1) {
      const ids = await this.redis.zrevrangebyscore(keys[0] ?? "", after === null ? "+inf" : `(${after}`, "-inf", "LIMIT", 0, limit + 1);
      return this.summaries(ids, limit);
    }
    // The rarest term first: the others are checked against its members, at most MAX_SEARCH_SCAN of them.
    const sizes = await Promise.all(keys.map((k) => this.redis.zcard(k)));
    const order = keys.map((k, i) => ({ k, n: sizes[i] ?? 0 })).sort((a, b) => a.n - b.n).map((x) => x.k);
    const ids = (await (this.redis as unknown as CommitCommands).abSearch(
      order.length,
      ...order,
      after === null ? "+inf" : `(${after}`,
      String(limit + 1),
      String(MAX_SEARCH_SCAN),
    )) as string[];
    return this.summaries(ids, limit);
  }

  private async summaries(ids: string[], limit: number): Promise<SummaryPage> {
    const page = ids.slice(0, limit);
    if (page.length === 0) return { items: [], next: null };
    const items = (await this.summariesOf(page)).flatMap((s) => (s ? [s] : []));
    const last = page[page.length - 1];
    return { items, next: ids.length > limit && last ? caseNumber(last) : null };
  }

  /**
   * The summaries of `ids` (null where the case is gone), in one script call: one command per list page
   * rather than one per row, so that a page's replies cost the client little to parse.
   */
  private async summariesOf(ids: string[]): Promise<(CaseSummary | null)[]> {
    if (ids.length === 0) return [];
    const rows = (await (this.redis as unknown as CommitCommands).abSummaries(ids.length, ...ids.map((id) => this.k(`case:${id}`)))) as (string | null)[];
    return ids.map((_, i) => {
      const json = rows[i];
      return typeof json === "string" ? (JSON.parse(json) as CaseSummary) : null;
    });
  }

  /**
   * Builds the lists, terms and summaries of up to `batch` cases after rank `from` of the cases zset
   * (one case at a time, each one atomic with its version checked), and moves the old loose-flag list.
   * Returns the next rank, or null when done (then the index version is recorded). Idempotent.
   */
  async reindexBatch(from: number, batch: number): Promise<number | null> {
    if (from === 0) await (this.redis as unknown as CommitCommands).abMoveLoose(this.k("flags:loose"), this.k("flags:loose:all"), this.k("flags:loose:open"));
    const ids = await this.redis.zrange(this.k("cases"), from, from + batch - 1);
    for (const id of ids) {
      const row = await this.redis.hmget(this.k(`case:${id}`), "json", "version");
      if (!row[0]) continue;
      const c = JSON.parse(row[0]) as Case;
      await (this.redis as unknown as CommitCommands).abReindex(
        this.k(`case:${id}`),
        row[1] ?? "",
        JSON.stringify(caseSummary(c)),
        JSON.stringify(indexKeys(c)),
        String(caseNumber(id)),
        this.prefix,
        id,
        ownScores(c),
        String(closedSince(c) ?? ""),
        JSON.stringify(ownedBlobs(c, [])),
      );
    }
    if (ids.length < batch) {
      await this.redis.set(this.k("index:version"), INDEX_VERSION);
      return null;
    }
    return from + ids.length;
  }

  /**
   * One page of the work queue's index: the cases on `work:<order>` after `q.after`, in the order asked,
   * that are on every filter key, with their summaries and scores. Looks at MAX_SEARCH_SCAN members at
   * most, so a rare filter costs a bounded scan; `more` says whether the scan stopped early.
   */
  async workScan(q: WorkScan): Promise<{ items: { summary: CaseSummary; score: number }[]; more: boolean }> {
    const keys = [this.k(`work:${q.order}`), ...q.filters.map((f) => this.k(`work:f:${f}`))];
    const hits = await this.scanOrdered(keys, q);
    return this.summarisedPage(hits, q.limit);
  }

  /** Open flags tied to no case after `q.after`, by the time they were raised, in the order asked. */
  async looseFlagScan(q: Omit<WorkScan, "order" | "filters">): Promise<{ items: { flag: Flag; score: number }[]; more: boolean }> {
    const hits = await this.scanOrdered([this.k("flags:loose:open")], q);
    const page = hits.slice(0, q.limit);
    if (page.length === 0) return { items: [], more: false };
    const rows = await this.redis.hmget(this.k("flags:loose:all"), ...page.map((h) => h.id));
    const items = page.flatMap((h, i) => (rows[i] ? [{ flag: JSON.parse(rows[i] as string) as Flag, score: h.score }] : []));
    return { items, more: hits.length > q.limit };
  }

  /**
   * One page of the cases that remind, within `q.ranges` of `work:activity` (or its by-stage twin),
   * after the cursor, in the order asked: at most `q.limit + 1` members read, whatever the window holds.
   */
  async activityScan(q: ActivityScan): Promise<{ items: { summary: CaseSummary; score: number }[]; more: boolean }> {
    const key = this.k(q.order === "bystage" ? "work:activity:bystage" : "work:activity");
    const want = q.limit + 1;
    const { after, desc } = q;
    // Members with the cursor's own score are compared as the queue orders them (id, then suffix).
    const past = (id: string, score: number) => !after || score !== after.score || (desc ? `${id}${q.idSuffix}` < after.id : `${id}${q.idSuffix}` > after.id);
    const hits: { id: string; score: number }[] = [];
    for (const range of desc ? [...q.ranges].reverse() : q.ranges) {
      const from = after && !desc ? Math.max(range.from, after.score) : range.from;
      const to = after && desc ? Math.min(range.to, after.score) : range.to;
      for (let offset = 0; from <= to && hits.length < want; offset += want) {
        const flat = desc
          ? await this.redis.zrevrangebyscore(key, to, from, "WITHSCORES", "LIMIT", offset, want)
          : await this.redis.zrangebyscore(key, from, to, "WITHSCORES", "LIMIT", offset, want);
        for (let i = 0; i + 1 < flat.length && hits.length < want; i += 2) {
          const id = flat[i] as string;
          const score = Number(flat[i + 1]);
          if (past(id, score)) hits.push({ id, score });
        }
        if (flat.length < want * 2) break;
      }
      if (hits.length >= want) break;
    }
    return this.summarisedPage(hits, q.limit);
  }

  /** The first `limit` hits with their summaries (a case gone since its index entry is left out); `more` if hits went past. */
  private async summarisedPage(hits: { id: string; score: number }[], limit: number): Promise<{ items: { summary: CaseSummary; score: number }[]; more: boolean }> {
    const page = hits.slice(0, limit);
    if (page.length === 0) return { items: [], more: false };
    const sums = await this.summariesOf(page.map((h) => h.id));
    const items = page.flatMap((h, i) => {
      const summary = sums[i];
      return summary ? [{ summary, score: h.score }] : [];
    });
    return { items, more: hits.length > limit };
  }

  /** Cases with something to do, and open flags tied to no case. */
  async countWork(): Promise<{ cases: number; loose: number }> {
    const [cases, loose] = await Promise.all([this.redis.zcard(this.k("work:since")), this.redis.zcard(this.k("flags:loose:open"))]);
    return { cases, loose };
  }

  private async scanOrdered(keys: string[], q: { desc: boolean; after: WorkCursor | null; limit: number }): Promise<{ id: string; score: number }[]> {
    const flat = (await (this.redis as unknown as CommitCommands).abWorkScan(
      keys.length,
      ...keys,
      q.desc ? "desc" : "asc",
      q.after ? String(q.after.score) : "",
      q.after?.id ?? "",
      String(q.limit + 1),
      String(MAX_SEARCH_SCAN),
    )) as string[];
    const out: { id: string; score: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push({ id: flat[i] as string, score: Number(flat[i + 1]) });
    return out;
  }

  async indexVersion(): Promise<string | null> {
    return this.redis.get(this.k("index:version"));
  }

  async matchLookup(q: { mailKey: string | null; messageIds: string[]; caseIds: string[] }): Promise<MatchLookup> {
    const caseIds = q.caseIds.map((id) => id.toUpperCase());
    const strings = [...(q.mailKey === null ? [] : [this.k(`mail:${q.mailKey}`)]), ...q.messageIds.map((id) => this.k(`msgid:${id}`))];
    const pipe = this.redis.pipeline();
    if (strings.length) pipe.mget(strings);
    for (const id of caseIds) pipe.exists(this.k(`case:${id}`));
    const rows = caseIds.length || strings.length ? await execOrThrow(pipe) : [];
    const values = (strings.length ? rows.shift() : []) as (string | null)[];
    const ledger = q.mailKey === null ? null : (values.shift() ?? null);
    const knownMessageIds = new Map<string, CaseId>();
    q.messageIds.forEach((id, i) => {
      const v = values[i];
      if (v) knownMessageIds.set(id, v);
    });
    return { ledger, knownMessageIds, existingCases: new Set(caseIds.filter((_, i) => rows[i] === 1)) };
  }

  async macOwners(macs: string[]): Promise<Map<string, CaseId>> {
    const found = new Map<string, CaseId>();
    if (macs.length === 0) return found;
    const values = await this.redis.mget(macs.map((m) => this.k(`mac:${m}`)));
    macs.forEach((m, i) => {
      const v = values[i];
      if (v) found.set(m, v);
    });
    return found;
  }

  /** How a mail was handled, from the ledger (processing reads it with `matchLookup`; tests read it here). */
  async mailOutcome(mailKey: string): Promise<string | null> {
    return this.redis.get(this.k(`mail:${mailKey}`));
  }

  async commit(c: Commit): Promise<CommitResult> {
    const caseId = c.case?.id ?? c.before?.id ?? "";
    const expected = !c.case ? -2 : c.before ? c.before.version : -1;
    const next = c.case ? withStageEntered({ ...c.case, version: (c.before?.version ?? 0) + 1 }, c.events, !c.before) : undefined;
    const at = Date.now();
    // Timed by the decision's clock (createdAt), the same clock caseWithSendCounts is asked with.
    const sentLog = c.outbox.flatMap((o) => {
      const t = Date.parse(o.createdAt) || at;
      return [
        { zset: `sent:case:${o.caseId}`, member: o.key, at: t },
        ...(o.progress || o.kind !== "progress" ? [] : [{ zset: `sent:noprog:${o.caseId}`, member: o.key, at: t }]),
        ...o.to.map((rcpt) => ({ zset: `sent:rcpt:${rcpt}`, member: o.key, at: t })),
      ];
    });
    const result = await (this.redis as unknown as CommitCommands).abCommit(
      this.k(`case:${caseId}`),
      this.k(`case:${caseId}:events`),
      this.k(`mail:${c.mail?.key ?? "-"}`),
      this.k("cases"),
      String(expected),
      next ? JSON.stringify(next) : "",
      JSON.stringify(c.events.map((e) => JSON.stringify(e))),
      c.mail?.outcome ?? "",
      JSON.stringify(c.outbox.map((o) => ({ key: o.key, entry: JSON.stringify(o), at: Date.parse(o.createdAt) || at }))),
      this.prefix,
      JSON.stringify(c.messageIds),
      caseId,
      String(next ? Date.parse(next.openedAt) || at : at),
      JSON.stringify(c.looseFlags.map((f) => ({ id: f.id, at: Date.parse(f.at) || at, json: JSON.stringify(f) }))),
      JSON.stringify(sentLog),
      JSON.stringify(c.macs ?? []),
      String(next?.version ?? ""),
      next ? JSON.stringify(caseSummary(next)) : "",
      next ? JSON.stringify(indexKeys(next)) : "[]",
      String(caseNumber(caseId)),
      c.replaceEvents ? JSON.stringify(c.replaceEvents.map((e) => JSON.stringify(e))) : "",
      next ? ownScores(next) : "",
      next ? String(closedSince(next) ?? "") : "",
      next ? JSON.stringify(ownedBlobs(next, c.events)) : "[]",
      c.drafts ? draftsArg(c.drafts, at) : "",
      String(at),
      next ? JSON.stringify(weekCounts(next, c.events, !c.before)) : "[]",
    );
    return result === 1 ? "committed" : result === 0 ? "already_handled" : "conflict";
  }

  async caseWithSendCounts(caseId: CaseId, recipients: string[], now: number): Promise<{ case: Case | null; sent: SendCounts }> {
    const id = caseId.toUpperCase();
    const hour = now - 3_600_000;
    const day = now - 86_400_000;
    const pipe = this.redis.pipeline();
    pipe.hget(this.k(`case:${id}`), "json");
    pipe.zcount(this.k(`sent:case:${id}`), hour, "+inf");
    pipe.zcount(this.k(`sent:noprog:${id}`), hour, "+inf");
    for (const r of recipients) pipe.zcount(this.k(`sent:rcpt:${r}`), day, "+inf");
    const [json, ...counts] = await execOrThrow(pipe);
    const n = counts.map(Number);
    const recipientLastDay: Record<string, number> = {};
    recipients.forEach((r, i) => (recipientLastDay[r] = n[i + 2] ?? 0));
    return {
      case: typeof json === "string" ? (JSON.parse(json) as Case) : null,
      sent: { caseLastHour: n[0] ?? 0, noProgressLastHour: n[1] ?? 0, recipientLastDay },
    };
  }

  async outboxEntry(key: string): Promise<(OutboxEntry & OutboxStatus) | null> {
    const row = await this.redis.hgetall(this.k(`outbox:${key}`));
    if (!row.entry) return null;
    const entry = JSON.parse(row.entry) as OutboxEntry;
    if (row.status === "sent") return { ...entry, status: "sent", at: row.sentAt ?? "", response: row.response ?? "" };
    if (row.status === "draft") return { ...entry, status: "draft" };
    if (row.status === "discarded") return { ...entry, status: "discarded", at: row.discardedAt ?? "" };
    return { ...entry, status: "pending", ...(row.attemptedAt ? { attemptedAt: row.attemptedAt } : {}) };
  }

  async markAttempt(key: string, at: string | null): Promise<void> {
    if (at === null) await this.redis.hdel(this.k(`outbox:${key}`), "attemptedAt");
    else await this.redis.hset(this.k(`outbox:${key}`), "attemptedAt", at);
  }

  /** Takes entries off the pending list: the sweep no longer hands them to the sender (rebuild withdraws answers). */
  async withdrawPending(keys: string[]): Promise<void> {
    if (keys.length) await this.redis.zrem(this.k("outbox:pending"), ...keys);
  }

  async pendingOutbox(): Promise<string[]> {
    return this.redis.zrange(this.k("outbox:pending"), 0, -1);
  }

  async markSent(entry: OutboxEntry, response: string, at: string): Promise<boolean> {
    const event: CaseEvent = {
      at,
      kind: "mail_out",
      by: "bot",
      ...summarised(words("mail_out", { mailKind: entry.kind, to: entry.to })),
      mail: entry.messageId,
      // The desk reads the sent text from the entry (app/case-thread.ts).
      data: { outbox: entry.key },
    };
    const r = await (this.redis as unknown as CommitCommands).abMarkSent(
      this.k(`outbox:${entry.key}`),
      this.k("outbox:pending"),
      this.k(`case:${entry.caseId}:events`),
      this.k("outbox:unfiled"),
      this.k(REPLY_LAG_KEYS.byTime),
      this.k(REPLY_LAG_KEYS.byLag),
      entry.key,
      at,
      response,
      JSON.stringify(event),
      String(Date.parse(at)),
      String(replyLagMs(entry, at) ?? ""),
      String(Date.parse(at) - REPLY_LAG_WINDOW_MS),
      String(MAX_REPLY_LAG_SAMPLES),
    );
    return r === 1;
  }

  /** Also empties the filed entries' text and HTML (the Sent folder holds them): most of an entry's bytes. */
  async markFiled(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const read = this.redis.pipeline();
    for (const k of keys) read.hmget(this.k(`outbox:${k}`), "entry", "status");
    const rows = await execOrThrow(read);
    const multi = this.redis.multi();
    multi.zrem(this.k("outbox:unfiled"), ...keys);
    keys.forEach((key, i) => {
      const [json, status] = (rows[i] ?? []) as (string | null)[];
      if (!json || status !== "sent") return;
      const entry = JSON.parse(json) as OutboxEntry;
      if (entry.bodyFiled) return;
      // A sent entry's body is immutable, so the read above races only with the entry's end (a wipe,
      // the archive, an erase): the rewrite checks that it is still there.
      (multi as unknown as RewriteSentEntryChain).abRewriteSentEntry(this.k(`outbox:${key}`), JSON.stringify({ ...entry, text: "", html: "", bodyFiled: true }));
    });
    const done = (await multi.exec()) ?? [];
    const failed = done.find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  async eraseRecipient(email: string, pseudonym: (caseId: CaseId) => string): Promise<{ rewritten: number; cancelled: CaseId[] }> {
    const logKey = this.k(`sent:rcpt:${email}`);
    const keys = await this.redis.zrange(logKey, 0, -1);
    let rewritten = 0;
    const cancelled: CaseId[] = [];
    for (const key of keys) {
      const [json, status] = await this.redis.hmget(this.k(`outbox:${key}`), "entry", "status");
      if (!json) continue;
      const e = JSON.parse(json) as OutboxEntry;
      if (status !== "sent") {
        // Not sent yet: it would carry the person's address and name out of the desk, so it is not
        // sent at all (the sender skips an entry that is gone). The case says so in its audit event.
        const multi = this.redis
          .multi()
          .del(this.k(`outbox:${key}`))
          .zrem(this.k("outbox:pending"), key)
          .zrem(this.k("outbox:drafts"), key)
          .zrem(this.k(`sent:case:${e.caseId}`), key);
        const done = (await multi.exec()) ?? [];
        const failed = done.find(([err]) => err);
        if (failed?.[0]) throw failed[0];
        cancelled.push(e.caseId);
        continue;
      }
      const p = pseudonym(e.caseId);
      const swap = (a: string[]) => a.map((x) => (x.toLowerCase() === email ? p : x));
      // The body may name the person (the greeting): it goes; the Sent folder's copy is the desk's to erase.
      // So may what it said (contacts read from a reply): it goes with the body.
      const { content: _said, ...rest } = e;
      const erased: OutboxEntry = { ...rest, to: swap(e.to), cc: swap(e.cc), text: "", html: "", bodyFiled: true };
      if (await (this.redis as unknown as RewriteSentEntry).abRewriteSentEntry(this.k(`outbox:${key}`), JSON.stringify(erased))) rewritten++;
    }
    await this.redis.del(logKey);
    return { rewritten, cancelled };
  }

  async unfiledSentCopies(sentBefore: number, max: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.k("outbox:unfiled"), "-inf", sentBefore, "LIMIT", 0, max);
  }

  archiveDue(closedBefore: number, max: number): Promise<CaseId[]> {
    return this.archive.due(closedBefore, max);
  }

  archiveSource(id: CaseId): Promise<ArchiveSource | null> {
    return this.archive.source(id.toUpperCase());
  }

  archiveCase(record: ArchiveRecord, read: ArchiveSource) {
    return this.archive.archive(record, read);
  }

  archivedCase(id: CaseId): Promise<ArchiveState | null> {
    return this.archive.get(id);
  }

  isArchived(id: CaseId): Promise<boolean> {
    return this.archive.isArchived(id);
  }

  restoreCase(state: ArchiveState, restored: { case: Case; events: CaseEvent[] }, closedAt: number | null) {
    return this.archive.restore(state, restored, closedAt);
  }

  blobsDue(archivedBefore: number, max: number): Promise<CaseId[]> {
    return this.archive.blobsDue(archivedBefore, max);
  }

  dropCaseBlobs(state: ArchiveState, without: ArchiveRecord, blobs: string[]) {
    return this.archive.dropBlobs(state, without, blobs);
  }

  unlinkPending(max: number): Promise<string[]> {
    return this.archive.unlinkPending(max);
  }

  blobReferenced(blob: string): Promise<boolean> {
    return this.archive.referenced(blob);
  }

  blobsUnlinked(blobs: string[]): Promise<void> {
    return this.archive.unlinked(blobs);
  }

  /** Archived cases, hot closed cases waiting for their turn, and archived cases still keeping blobs. */
  archiveCounts() {
    return this.archive.counts();
  }

  /** The watcher's position in a mailbox: UIDVALIDITY and the last UID enqueued. */
  async watchState(mailbox: string): Promise<{ uidValidity: string; lastUid: number } | null> {
    const row = await this.redis.hgetall(this.k(`watch:${mailbox}`));
    return row.uidValidity ? { uidValidity: row.uidValidity, lastUid: Number(row.lastUid ?? 0) } : null;
  }

  async saveWatchState(mailbox: string, uidValidity: string, lastUid: number): Promise<void> {
    await this.redis.hset(this.k(`watch:${mailbox}`), { uidValidity, lastUid: String(lastUid) });
  }
}

/**
 * resolveLooseFlag: KEYS[1] loose flags hash, KEYS[2] open loose flags zset. ARGV[1] flag id, ARGV[2]
 * resolution JSON. Returns 1 resolved, 0 no such open flag.
 */
const RESOLVE_LOOSE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return 0 end
local f = cjson.decode(raw)
if f.resolved ~= nil then return 0 end
f.resolved = cjson.decode(ARGV[2])
redis.call('HSET', KEYS[1], ARGV[1], cjson.encode(f))
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

/**
 * summaries: KEYS case hashes. Returns each one's summary field, or false (nil) where there is none.
 * Read-only; every key it reads is declared.
 */
const SUMMARIES = `
local out = {}
for i = 1, #KEYS do
  out[i] = redis.call('HGET', KEYS[i], 'summary')
end
return out
`;

/**
 * search: KEYS the term zsets, rarest first. ARGV[1] upper score bound ("+inf" or "(n"), ARGV[2] how
 * many ids to return, ARGV[3] how many members of KEYS[1] to look at at most. Returns the ids on every
 * key, highest score first.
 */
const SEARCH = `
local found = {}
local want = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local max = ARGV[1]
while budget > 0 do
  local chunk = redis.call('ZREVRANGEBYSCORE', KEYS[1], max, '-inf', 'WITHSCORES', 'LIMIT', 0, 200)
  if #chunk == 0 then break end
  for i = 1, #chunk, 2 do
    local id = chunk[i]
    local ok = true
    for k = 2, #KEYS do
      if not redis.call('ZSCORE', KEYS[k], id) then ok = false break end
    end
    if ok then
      found[#found + 1] = id
      if #found >= want then return found end
    end
    max = '(' .. chunk[i + 1]
  end
  budget = budget - #chunk / 2
end
return found
`;

/**
 * workScan: KEYS[1] an ordered zset, KEYS[2..] filter zsets (membership only). ARGV[1] "asc" or
 * "desc", ARGV[2] "" or the cursor's score, ARGV[3] the cursor's member (the page starts after it: equal
 * scores are in member order, as Redis keeps them), ARGV[4] how many to return, ARGV[5] how many members
 * of KEYS[1] to look at at most. Returns member, score, member, score… of those on every filter key.
 */
const WORK_SCAN = `
local desc = ARGV[1] == 'desc'
local bound = ARGV[2]
local cid = ARGV[3]
local want = tonumber(ARGV[4])
local budget = tonumber(ARGV[5])
local start = bound
if bound == '' then
  if desc then start = '+inf' else start = '-inf' end
end
local found = {}
local offset = 0
while budget > 0 do
  local chunk
  if desc then
    chunk = redis.call('ZREVRANGEBYSCORE', KEYS[1], start, '-inf', 'WITHSCORES', 'LIMIT', offset, 200)
  else
    chunk = redis.call('ZRANGEBYSCORE', KEYS[1], start, '+inf', 'WITHSCORES', 'LIMIT', offset, 200)
  end
  if #chunk == 0 then break end
  for i = 1, #chunk, 2 do
    local id = chunk[i]
    local skip = false
    if bound ~= '' and tonumber(chunk[i + 1]) == tonumber(bound) then
      if desc then skip = id >= cid else skip = id <= cid end
    end
    if not skip then
      local ok = true
      for k = 2, #KEYS do
        if not redis.call('ZSCORE', KEYS[k], id) then ok = false break end
      end
      if ok then
        found[#found + 1] = id
        found[#found + 1] = chunk[i + 1]
        if #found >= want * 2 then return found end
      end
    end
  end
  offset = offset + #chunk / 2
  budget = budget - #chunk / 2
end
return found
`;

/**
 * reindex: KEYS[1] case hash. ARGV[1] the version read, ARGV[2] summary JSON, ARGV[3] list and term
 * keys JSON, ARGV[4] score, ARGV[5] key prefix, ARGV[6] case id, ARGV[7] JSON object key → score of the
 * keys scored otherwise (commit's ARGV[18]), ARGV[8] closing time (ms) or "", ARGV[9] blob ids the case
 * keeps (JSON array). Returns 1 written, 0 the case changed since it was read (its commit wrote the
 * index itself).
 */
const REINDEX = `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
local old = redis.call('HGET', KEYS[1], 'idx')
local keep = {}
local new = cjson.decode(ARGV[3])
for _, k in ipairs(new) do keep[k] = true end
if old then
  for _, k in ipairs(cjson.decode(old)) do
    if not keep[k] then redis.call('ZREM', ARGV[5] .. k, ARGV[6]) end
  end
end
local own = cjson.decode(ARGV[7])
for _, k in ipairs(new) do redis.call('ZADD', ARGV[5] .. k, own[k] or ARGV[4], ARGV[6]) end
redis.call('HSET', KEYS[1], 'summary', ARGV[2], 'idx', ARGV[3])
if ARGV[8] ~= '' then redis.call('ZADD', ARGV[5] .. 'archive:due', ARGV[8], ARGV[6])
else redis.call('ZREM', ARGV[5] .. 'archive:due', ARGV[6]) end
for _, b in ipairs(cjson.decode(ARGV[9])) do redis.call('SADD', ARGV[5] .. 'blobref:' .. b, ARGV[6]) end
return 1
`;

/**
 * moveLoose: KEYS[1] the old loose flags list, KEYS[2] loose flags hash, KEYS[3] open loose flags
 * zset. Moves every flag of the list into the hash (and the open ones into the zset), then drops the list.
 */
const MOVE_LOOSE = `
for _, raw in ipairs(redis.call('LRANGE', KEYS[1], 0, -1)) do
  local f = cjson.decode(raw)
  if redis.call('HSETNX', KEYS[2], f.id, raw) == 1 and f.resolved == nil then
    local y, mo, d, h, mi, s = string.match(f.at or '', '(%d+)-(%d+)-(%d+)T(%d+):(%d+):(%d+)')
    local at = 0
    if y then at = ((((tonumber(y) * 12 + tonumber(mo)) * 31 + tonumber(d)) * 24 + tonumber(h)) * 60 + tonumber(mi)) * 60 + tonumber(s) end
    redis.call('ZADD', KEYS[3], at, f.id)
  end
end
redis.call('DEL', KEYS[1])
return 1
`;

/** ARGV[21] of the commit: the drafts' changes, each entry's JSON as the outbox hash stores it. */
function draftsArg(d: DraftChanges, at: number): string {
  return JSON.stringify({
    hold: d.hold ?? [],
    edit: (d.edit ?? []).map((e) => ({ key: e.key, entry: JSON.stringify(e) })),
    release: d.release ?? [],
    discard: (d.discard ?? []).map((key) => ({ key, at: new Date(at).toISOString() })),
  });
}

interface RewriteSentEntry {
  abRewriteSentEntry(key: string, entry: string): Promise<number>;
}

interface RewriteSentEntryChain {
  abRewriteSentEntry(key: string, entry: string): ChainableCommander;
}

interface CommitCommands {
  abResolveLoose(...args: string[]): Promise<number>;
  abSearch(numberOfKeys: number, ...args: string[]): Promise<unknown>;
  abWorkScan(numberOfKeys: number, ...args: string[]): Promise<unknown>;
  abSummaries(numberOfKeys: number, ...keys: string[]): Promise<unknown>;
  abReindex(...args: string[]): Promise<number>;
  abMoveLoose(...args: string[]): Promise<number>;
  abCommit(...args: string[]): Promise<number>;
  abMarkSent(...args: string[]): Promise<number>;
}

/** A pipeline's replies; the first failed command's error is thrown. */
async function execOrThrow(pipe: ChainableCommander): Promise<unknown[]> {
  const rows = (await pipe.exec()) ?? [];
  const failed = rows.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return rows.map(([, value]) => value);
}
