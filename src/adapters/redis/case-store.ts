/**
 * Cases, timelines, flags, the outbox and the mail ledger in Redis. Every state change is a case step
 * and an index step (slot-steps.ts): one Lua script on one Redis (atomic, idempotent under retry), two
 * on a Cluster, finished whatever cuts them. A case's own keys (store-keys.ts: under P on one Redis,
 * under `ab:{ACT-…}:` on a Cluster, in the case's own slot):
 *   case:{id}            hash  json (Case), version; or, archived, archive and version (case-archive.ts)
 *   case:{id}:events     list  CaseEvent JSON, oldest first
 *   outbox:{key}         hash  entry (JSON), status, sentAt, response, attemptedAt (a send of unknown
 *                              outcome); the key starts with the case id
 *   sent:case:{id}       zset  outbox keys by time (loop guard), sent:noprog:{id} likewise for replies
 *                              that made no progress
 *   case:{id}:mails, case:{id}:indexing   (a Cluster only) set, hash  the mails the case handled; the
 *                              index steps not yet applied, by token (slot-steps.ts)
 * The index slot, all under the prefix P (`{ab:}` on a Cluster):
 *   P:cases              zset  case ids by opening time
 *   P:summaries          hash  case id → CaseSummary JSON (what lists show), written by the index step
 *   P:caseidx            hash  case id → {v, idx}: the version the index holds and the list and term
 *                              keys (without prefix) the case is on, so the next step can leave the old ones
 *   P:dirty              zset  (a Cluster) changes whose index step waits, by token and time
 *   P:seq                int   last case number handed out
 *   P:msgid:{message-id} str   case id of a mail of that thread (matching by References)
 *   P:mail:{mail key}    str   how an incoming mail was handled ("case:ACT-…" | "loose" | "quarantined"),
 *                              or, on a Cluster between a commit's steps, "pending:ACT-…"
 *   P:list:{name}        zset  case ids on a list (all, stage:…, flagged, flag:…), scored by case number
 *   P:term:{term}        zset  case ids with a search term (core/case/case-summary.ts), same score
 *   P:work:since, P:work:bystage, P:work:f:{filter}:{value}, P:work:activity, P:work:activity:bystage
 *                        zset  the work queue's index (core/case/work-items.ts `workIndex`), each scored
 *                              as that module says (a time, or stage order then a time)
 *   P:flags:loose:all    hash  flag id → flag JSON, flags tied to no case (unmatched, ambiguous, quarantined mail)
 *   P:flags:loose:open   zset  ids of those not yet resolved, by time raised (the hot list)
 *   P:flags:loose        list  the old single list of loose flags, moved into the two above by reindex
 *   P:index:version      str   INDEX_VERSION once reindex has built the lists and terms of older cases
 *   P:outbox:pending     zset  outbox keys not yet sent, by creation time
 *   P:outbox:drafts      zset  outbox keys held as drafts (supervised mode, core/case/drafts.ts), by creation
 *                              time; their hash's status is `draft` (then `pending` when sent, or `discarded`)
 *   P:outbox:unfiled     zset  outbox keys sent but whose copy is not yet in the Sent folder, by sent time
 *   P:mac:{mac}          str   the case a station's MAC address was first accepted for (across cases)
 *   P:sent:rcpt:{address} zset outbox keys by time, per recipient (loop guard)
 *   P:archive:due        zset  closed cases by closing time, and P:blobref:{blob} set: the cases that
 *                              keep a blob; both written by the commit, read by the archive (case-archive.ts)
 *   P:stagesince:{stage} zset  cases in a stage (closed aside) by the time they entered it, an index key
 *                              like work:* (core/case/overview.ts); the overview reads its ranks
 *   P:stats:opened, P:stats:activated
 *                        hash  ISO week → cases opened / activated that week, added to by the commit
 *   P:stats:replylag:at, P:stats:replylag:ms
 *                        zset  replies sent in the last days (outbox key) by sent time and by reply lag,
 *                              written by markSent, trimmed to a window (overview-store.ts)
 * Lists never read every case: they read a page of a list or term zset and the summaries of that page,
 * all in the index slot. Every script declares every key it touches.
 */
import type { ChainableCommander, Redis } from "ioredis";
import type { ActivityScan, ArchiveSource, ArchiveState, CaseRepository, Commit, CommitResult, MatchLookup, SummaryPage, WorkCursor, WorkScan } from "../../app/ports.js";
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
import { isCluster, masters } from "./connect.js";
import type { CaseStep, IndexOp, IndexState, IndexStep } from "./slot-steps.js";
import { PENDING_LEDGER, STEP_KEYS, SlotSteps, stepToken } from "./slot-steps.js";
import { StoreKeys } from "./store-keys.js";

/** Bumped when what indexKeys writes changes: start-up then rebuilds the lists of older cases. */
export const INDEX_VERSION = "6";
/** A multi-word search looks at this many candidates of its rarest word at most, per page. */
export const MAX_SEARCH_SCAN = 5_000;


/** The list, term and work keys (without prefix) a case is on. */
export function indexKeys(c: Case): string[] {
  return [...caseLists(c).map((l) => `list:${listName(l)}`), ...searchTerms(c).map((t) => `term:${t}`), ...Object.keys(workIndex(c)), ...Object.keys(stageSinceIndex(c))];
}

/** The keys scored otherwise than by case number (the work queue's), key → score as a string. */
function ownScores(c: Case): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...workIndex(c), ...stageSinceIndex(c) })) out[k] = String(v);
  return out;
}

/** A case's place in the lists at version `v` (slot-steps.ts): its summary, list and term keys, scores. */
export function indexState(c: Case, v: number | string): IndexState {
  return { id: c.id, v: String(v), summary: JSON.stringify(caseSummary(c)), idx: indexKeys(c), own: ownScores(c), score: String(caseNumber(c.id)) };
}

/** The number of ACT-123456, the score of the case on every list (ids grow with opening time). */
export function caseNumber(id: string): number {
  return Number(id.slice(4)) || 0;
}

/**
 * The commit's case step (slot-steps.ts), on the case's keys: `a` = {case, events, mails, sentCase,
 * sentNoProgress: keys; expected: version read (-1: the case must not exist yet; -2: no case change);
 * version, json: the new case; events_add: event JSONs to append; replace: the whole timeline to put in
 * place first (erasure), absent otherwise; mail: the mail key ("" = none, or on one Redis, where the
 * ledger is checked in the same script); outbox: [{key, hkey, entry, at}]; hold: keys held as drafts;
 * edit: [{hkey, entry}], release: [{key, hkey}], discard: [{key, hkey, at, rcptLogs}] (ports.ts
 * DraftChanges: each applies only to an entry whose status is `draft`); logs: [{zset, member, at}] the
 * case's send logs; pending, drafts: the outbox's index keys; now: the commit's time (ms)}.
 * Returns 0 mail handled before, -1 version conflict (also for a case archived meanwhile), or 1 and the
 * index ops of what it found: new entries onto the pending (or drafts) list, released and discarded drafts.
 */
const COMMIT_CASE = `
local function case_step(a)
  if a.mail ~= '' and redis.call('SISMEMBER', key(a.mails), a.mail) == 1 then return 0 end
  local expected = tonumber(a.expected)
  if expected ~= -2 then
    if redis.call('HEXISTS', key(a.case), 'archive') == 1 then return -1 end
    local current = redis.call('HGET', a.case, 'version')
    if expected == -1 then
      if current then return -1 end
    elseif tonumber(current or '-1') ~= expected then return -1 end
    redis.call('HSET', a.case, 'json', a.json, 'version', a.version)
  end
  if a.replace then
    redis.call('DEL', key(a.events))
    for _, e in ipairs(a.replace) do redis.call('RPUSH', a.events, e) end
  end
  for _, e in ipairs(a.events_add) do redis.call('RPUSH', key(a.events), e) end
  local ops = {}
  local hold = {}
  for _, k in ipairs(a.hold) do hold[k] = true end
  for _, o in ipairs(a.outbox) do
    if redis.call('HSETNX', key(o.hkey), 'entry', o.entry) == 1 then
      if hold[o.key] then
        redis.call('HSET', o.hkey, 'status', 'draft')
        ops[#ops + 1] = { op = 'zadd', key = a.drafts, score = o.at, member = o.key }
      else
        redis.call('HSET', o.hkey, 'status', 'pending')
        ops[#ops + 1] = { op = 'zadd', key = a.pending, score = o.at, member = o.key }
      end
    end
  end
  for _, e in ipairs(a.edit) do
    if redis.call('HGET', key(e.hkey), 'status') == 'draft' then redis.call('HSET', e.hkey, 'entry', e.entry) end
  end
  for _, r in ipairs(a.release) do
    if redis.call('HGET', key(r.hkey), 'status') == 'draft' then
      redis.call('HSET', r.hkey, 'status', 'pending')
      ops[#ops + 1] = { op = 'zrem', key = a.drafts, member = r.key }
      ops[#ops + 1] = { op = 'zadd', key = a.pending, score = a.now, member = r.key }
    end
  end
  for _, d in ipairs(a.discard) do
    if redis.call('HGET', key(d.hkey), 'status') == 'draft' then
      redis.call('HSET', d.hkey, 'status', 'discarded', 'discardedAt', d.at)
      redis.call('ZREM', key(a.sentCase), d.key)
      redis.call('ZREM', key(a.sentNoProgress), d.key)
      ops[#ops + 1] = { op = 'zrem', key = a.drafts, member = d.key }
      for _, r in ipairs(d.rcptLogs) do ops[#ops + 1] = { op = 'zrem', key = r, member = d.key } end
    end
  end
  for _, l in ipairs(a.logs) do redis.call('ZADD', key(l.zset), l.at, l.member) end
  if a.mail ~= '' then redis.call('SADD', key(a.mails), a.mail) end
  return 1, ops
end
`;

/**
 * markSent's case step: `a` = {hkey: the entry's hash, events: the case's timeline, sentAt (ISO),
 * response, event: the mail_out event JSON}. Returns -1 the entry is gone (erased, archived or wiped
 * while it was sent: nothing is written, no hash is left half made), 0 already sent (no second event;
 * the index ops still run, finishing a mark cut between its steps), 1 marked.
 */
const MARK_SENT_CASE = `
local function case_step(a)
  if redis.call('HEXISTS', key(a.hkey), 'entry') == 0 then return -1 end
  if redis.call('HGET', a.hkey, 'status') == 'sent' then return 0 end
  redis.call('HSET', a.hkey, 'status', 'sent', 'sentAt', a.sentAt, 'response', a.response)
  redis.call('RPUSH', key(a.events), a.event)
  return 1, {}
end
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
  readonly keys: StoreKeys;
  private readonly steps: SlotSteps;

  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    this.keys = new StoreKeys(prefix, isCluster(redis));
    this.steps = new SlotSteps(redis, this.keys, TRIM_REPLY_LAGS);
    this.steps.define("Commit", COMMIT_CASE);
    this.steps.define("MarkSent", MARK_SENT_CASE);
    this.archive = new CaseArchive(redis, this.keys, this.steps, indexState);
    redis.defineCommand("abRewriteSentEntry", { numberOfKeys: 1, lua: REWRITE_SENT_ENTRY });
    redis.defineCommand("abResolveLoose", { numberOfKeys: 2, lua: RESOLVE_LOOSE });
    redis.defineCommand("abSearch", { lua: SEARCH });
    redis.defineCommand("abWorkScan", { lua: WORK_SCAN });
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
    const json = await this.redis.hget(this.keys.case(id.toUpperCase()), "json");
    return json ? (JSON.parse(json) as Case) : null;
  }

  async caseExists(id: CaseId): Promise<boolean> {
    return (await this.redis.exists(this.keys.case(id.toUpperCase()))) === 1;
  }

  async listCaseIds(): Promise<CaseId[]> {
    return this.redis.zrange(this.k("cases"), 0, -1);
  }

  async listCases(): Promise<Case[]> {
    const ids = await this.listCaseIds();
    // An id whose case is gone is left out; a failed read throws, so that no list silently lacks a case.
    // One read per case (their keys are in as many slots on a Cluster), sent without waiting.
    const rows = await Promise.all(ids.map((id) => this.redis.hget(this.keys.case(id), "json")));
    return rows.flatMap((json) => (typeof json === "string" ? [JSON.parse(json) as Case] : []));
  }

  async events(id: CaseId): Promise<CaseEvent[]> {
    const rows = await this.redis.lrange(this.keys.events(id.toUpperCase()), 0, -1);
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
   * The summaries of `ids` (null where the case is gone), in one HMGET of the index slot's summaries:
   * one command per list page rather than one per row.
   */
  private async summariesOf(ids: string[]): Promise<(CaseSummary | null)[]> {
    if (ids.length === 0) return [];
    const rows = await this.redis.hmget(this.k(STEP_KEYS.summaries), ...ids);
    return ids.map((_, i) => {
      const json = rows[i];
      return typeof json === "string" ? (JSON.parse(json) as CaseSummary) : null;
    });
  }

  /**
   * Builds the lists, terms and summaries of up to `batch` cases after rank `from` of the cases zset
   * (each case's index state written unless a newer one is held), and moves the old loose-flag list. A
   * store written before the summaries moved to the index slot has them moved, its lists kept for an
   * archived case. Returns the next rank, or null when done (then the index version is recorded).
   * Idempotent.
   */
  async reindexBatch(from: number, batch: number): Promise<number | null> {
    if (from === 0) await (this.redis as unknown as CommitCommands).abMoveLoose(this.k("flags:loose"), this.k("flags:loose:all"), this.k("flags:loose:open"));
    const ids = await this.redis.zrange(this.k("cases"), from, from + batch - 1);
    for (const id of ids) {
      if (this.keys.spread) await this.moveIntoOwnSlot(id);
      const [json, version, summary, oldIdx] = await this.redis.hmget(this.keys.case(id), "json", "version", "summary", "idx");
      const was = oldIdx ? (JSON.parse(oldIdx) as string[]) : [];
      let state: IndexState | null = null;
      let ops: IndexOp[] = [];
      if (json) {
        const c = JSON.parse(json) as Case;
        state = { ...indexState(c, version ?? "0"), closed: String(closedSince(c) ?? "") };
        ops = ownedBlobs(c, []).map((b) => ({ op: "sadd", key: this.k(`blobref:${b}`), member: id }));
      } else if (summary) {
        const archived = await this.archive.get(id);
        if (archived) state = { ...indexState(archived.record.case, version ?? "0"), summary, closed: "" };
      }
      if (state) await this.steps.run("Commit", null, { token: stepToken(id), prefix: this.prefix, ops, state: { ...state, force: true, was }, declare: [], oldIdx: was.map((k) => this.k(k)) });
      if (summary !== null || oldIdx !== null) await this.redis.hdel(this.keys.case(id), "summary", "idx");
    }
    if (ids.length < batch) {
      await this.redis.set(this.k("index:version"), INDEX_VERSION);
      return null;
    }
    return from + ids.length;
  }

  /**
   * A case a Cluster store of the version before kept in the index slot (`{ab:}case:ACT-…`, its
   * timeline, send logs and answers beside it) moves into its own slot: each key copied (DUMP, RESTORE)
   * to its new name, then deleted. A key already moved is left alone, so a cut move is finished next time.
   */
  private async moveIntoOwnSlot(id: CaseId): Promise<void> {
    const old = (name: string) => this.k(name);
    const logs = [...new Set([...(await this.redis.zrange(old(`sent:case:${id}`), 0, -1)), ...(await this.redis.zrange(this.keys.sentCase(id), 0, -1))])];
    const moves: [string, string][] = [
      [old(`case:${id}:events`), this.keys.events(id)],
      [old(`sent:case:${id}`), this.keys.sentCase(id)],
      [old(`sent:noprog:${id}`), this.keys.sentNoProgress(id)],
      ...logs.map((key): [string, string] => [old(`outbox:${key}`), this.keys.outbox(key)]),
      // The hash last: while it is in the old place, the next run knows the case is not moved yet.
      [old(`case:${id}`), this.keys.case(id)],
    ];
    for (const [from, to] of moves) {
      const dump = await this.redis.dumpBuffer(from);
      if (!dump) continue;
      if ((await this.redis.exists(to)) === 0) await this.redis.restore(to, 0, dump);
      await this.redis.del(from);
    }
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
    // The ledger and lookups in one MGET of the index slot; each case's hash in its own slot.
    const [values, exists] = await Promise.all([
      strings.length ? this.redis.mget(strings) : Promise.resolve([] as (string | null)[]),
      Promise.all(caseIds.map((id) => this.redis.exists(this.keys.case(id)))),
    ]);
    const ledger = q.mailKey === null ? null : await this.ledgerValue(q.mailKey, values.shift() ?? null);
    const knownMessageIds = new Map<string, CaseId>();
    q.messageIds.forEach((id, i) => {
      const v = values[i];
      if (v) knownMessageIds.set(id, v);
    });
    return { ledger, knownMessageIds, existingCases: new Set(caseIds.filter((_, i) => exists[i] === 1)) };
  }

  /**
   * A ledger entry as read, or, left pending on a case (Cluster: a commit cut between its steps), the
   * outcome once the case's own slot says it handled the mail and its index step is finished; null when
   * the commit never reached the case (the mail is not handled).
   */
  private async ledgerValue(mailKey: string, v: string | null): Promise<string | null> {
    if (!v?.startsWith(PENDING_LEDGER)) return v;
    const caseId = v.slice(PENDING_LEDGER.length);
    if ((await this.redis.sismember(this.keys.mails(caseId), mailKey)) === 0) return null;
    await this.steps.repairCase(caseId);
    const after = await this.redis.get(this.k(`mail:${mailKey}`));
    return after?.startsWith(PENDING_LEDGER) ? null : after;
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

  /**
   * How a mail was handled, from the ledger (processing reads it with `matchLookup`; the journal's
   * restore and tests read it here); a commit left pending between its steps is finished first.
   */
  async mailOutcome(mailKey: string): Promise<string | null> {
    return this.ledgerValue(mailKey, await this.redis.get(this.k(`mail:${mailKey}`)));
  }

  async commit(c: Commit): Promise<CommitResult> {
    const caseId = c.case?.id ?? c.before?.id ?? "";
    const expected = !c.case ? -2 : c.before ? c.before.version : -1;
    const next = c.case ? withStageEntered({ ...c.case, version: (c.before?.version ?? 0) + 1 }, c.events, !c.before) : undefined;
    const at = Date.now();
    // Timed by the decision's clock (createdAt), the same clock caseWithSendCounts is asked with.
    const timeOf = (o: OutboxEntry) => String(Date.parse(o.createdAt) || at);
    const rcptLogs = c.outbox.flatMap((o) => o.to.map((rcpt): IndexOp => ({ op: "zadd", key: this.k(`sent:rcpt:${rcpt}`), score: timeOf(o), member: o.key })));
    const ops: IndexOp[] = [
      ...rcptLogs,
      ...c.messageIds.map((id): IndexOp => ({ op: "set", key: this.k(`msgid:${id}`), value: caseId })),
      ...c.looseFlags.map((f): IndexOp => ({ op: "flag", key: this.k("flags:loose:all"), field: f.id, value: JSON.stringify(f), zset: this.k("flags:loose:open"), score: String(Date.parse(f.at) || at) })),
      ...(c.macs ?? []).map((m): IndexOp => ({ op: "set", key: this.k(`mac:${m}`), value: caseId, nx: true })),
      ...(next
        ? [
            { op: "zadd", key: this.k("cases"), score: String(Date.parse(next.openedAt) || at), member: caseId, nx: true } as IndexOp,
            ...ownedBlobs(next, c.events).map((b): IndexOp => ({ op: "sadd", key: this.k(`blobref:${b}`), member: caseId })),
            ...weekCounts(next, c.events, !c.before).map((w): IndexOp => ({ op: "hincrby", key: this.k(w.hash), field: w.field })),
          ]
        : []),
    ];
    const discard = c.drafts?.discard?.length ? await this.discardedDrafts(c.drafts.discard, at) : [];
    const x: IndexStep = {
      token: stepToken(caseId),
      prefix: this.prefix,
      ...(c.mail ? { ledger: { key: this.k(`mail:${c.mail.key}`), value: c.mail.outcome } } : {}),
      ops,
      ...(next ? { state: { ...indexState(next, next.version), closed: String(closedSince(next) ?? "") } } : {}),
      declare: [this.k("outbox:pending"), this.k("outbox:drafts"), ...discard.flatMap((d) => d.rcptLogs)],
      // The case's list keys are most likely those it is on after this commit; a miss costs a retry.
      oldIdx: next ? indexKeys(next).map((k) => this.k(k)) : [],
    };
    const step = caseId ? this.commitStep(c, caseId, expected, next, discard, at) : null;
    const r = await this.steps.run("Commit", step, x);
    if (r.status === 0 && step) await this.steps.repairCase(caseId);
    return r.status === 1 ? "committed" : r.status === 0 ? "already_handled" : "conflict";
  }

  /** The commit's case step (COMMIT_CASE) and the keys it touches. */
  private commitStep(c: Commit, caseId: string, expected: number, next: Case | undefined, discard: DiscardedDraft[], at: number): CaseStep {
    const timeOf = (o: OutboxEntry) => String(Date.parse(o.createdAt) || at);
    const logs = c.outbox.flatMap((o) => [
      { zset: this.keys.sentCase(o.caseId), member: o.key, at: timeOf(o) },
      ...(o.progress || o.kind !== "progress" ? [] : [{ zset: this.keys.sentNoProgress(o.caseId), member: o.key, at: timeOf(o) }]),
    ]);
    const outbox = c.outbox.map((o) => ({ key: o.key, hkey: this.keys.outbox(o.key), entry: JSON.stringify(o), at: timeOf(o) }));
    const edit = (c.drafts?.edit ?? []).map((e) => ({ hkey: this.keys.outbox(e.key), entry: JSON.stringify(e) }));
    const release = (c.drafts?.release ?? []).map((key) => ({ key, hkey: this.keys.outbox(key) }));
    // On one Redis the ledger is checked in the same script; on a Cluster the case keeps its own record.
    const mail = this.keys.spread && c.mail ? c.mail.key : "";
    const args = {
      case: this.keys.case(caseId),
      events: this.keys.events(caseId),
      mails: this.keys.mails(caseId),
      sentCase: this.keys.sentCase(caseId),
      sentNoProgress: this.keys.sentNoProgress(caseId),
      expected: String(expected),
      version: String(next?.version ?? ""),
      json: next ? JSON.stringify(next) : "",
      events_add: c.events.map((e) => JSON.stringify(e)),
      ...(c.replaceEvents ? { replace: c.replaceEvents.map((e) => JSON.stringify(e)) } : {}),
      mail,
      outbox,
      hold: c.drafts?.hold ?? [],
      edit,
      release,
      discard,
      logs,
      pending: this.k("outbox:pending"),
      drafts: this.k("outbox:drafts"),
      now: String(at),
    };
    const keys = new Set([args.case, args.events, args.sentCase, args.sentNoProgress, ...(mail ? [args.mails] : [])]);
    for (const o of [...outbox, ...edit, ...release, ...discard]) keys.add(o.hkey);
    for (const l of logs) keys.add(l.zset);
    return { caseId, args, keys: [...keys] };
  }

  /** Drafts to discard, with the recipient send logs each leaves (read from the stored entry). */
  private async discardedDrafts(keys: string[], at: number): Promise<DiscardedDraft[]> {
    const entries = await Promise.all(keys.map((key) => this.redis.hget(this.keys.outbox(key), "entry")));
    return keys.map((key, i) => {
      const json = entries[i];
      const to = json ? (JSON.parse(json) as OutboxEntry).to : [];
      return { key, hkey: this.keys.outbox(key), at: new Date(at).toISOString(), rcptLogs: to.map((r) => this.k(`sent:rcpt:${r}`)) };
    });
  }

  /** Finishes changes cut between their steps (a Cluster; nothing to do on one Redis): the outbox sweep runs it. */
  repairSteps(now = Date.now()): Promise<number> {
    return this.steps.repair(now);
  }

  /** Changes waiting for their index step (a Cluster): a gauge. */
  unfinishedSteps(): Promise<number> {
    return this.steps.dirtyCount();
  }

  async caseWithSendCounts(caseId: CaseId, recipients: string[], now: number): Promise<{ case: Case | null; sent: SendCounts }> {
    const id = caseId.toUpperCase();
    const hour = now - 3_600_000;
    const day = now - 86_400_000;
    // The case's own keys in one pipeline (one slot), the recipients' logs in another (the index slot).
    const own = this.redis.pipeline();
    own.hget(this.keys.case(id), "json");
    own.zcount(this.keys.sentCase(id), hour, "+inf");
    own.zcount(this.keys.sentNoProgress(id), hour, "+inf");
    const byRecipient = this.redis.pipeline();
    for (const r of recipients) byRecipient.zcount(this.k(`sent:rcpt:${r}`), day, "+inf");
    const [[json, ...counts], perRecipient] = await Promise.all([execOrThrow(own), recipients.length ? execOrThrow(byRecipient) : Promise.resolve([])]);
    const n = counts.map(Number);
    const recipientLastDay: Record<string, number> = {};
    recipients.forEach((r, i) => (recipientLastDay[r] = Number(perRecipient[i] ?? 0)));
    return {
      case: typeof json === "string" ? (JSON.parse(json) as Case) : null,
      sent: { caseLastHour: n[0] ?? 0, noProgressLastHour: n[1] ?? 0, recipientLastDay },
    };
  }

  async outboxEntry(key: string): Promise<(OutboxEntry & OutboxStatus) | null> {
    const row = await this.redis.hgetall(this.keys.outbox(key));
    if (!row.entry) return null;
    const entry = JSON.parse(row.entry) as OutboxEntry;
    if (row.status === "sent") return { ...entry, status: "sent", at: row.sentAt ?? "", response: row.response ?? "" };
    if (row.status === "draft") return { ...entry, status: "draft" };
    if (row.status === "discarded") return { ...entry, status: "discarded", at: row.discardedAt ?? "" };
    return { ...entry, status: "pending", ...(row.attemptedAt ? { attemptedAt: row.attemptedAt } : {}) };
  }

  async markAttempt(key: string, at: string | null): Promise<void> {
    if (at === null) await this.redis.hdel(this.keys.outbox(key), "attemptedAt");
    else await this.redis.hset(this.keys.outbox(key), "attemptedAt", at);
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
    const lag = replyLagMs(entry, at);
    const sentMs = String(Date.parse(at));
    const x: IndexStep = {
      token: stepToken(entry.caseId),
      prefix: this.prefix,
      ops: [
        { op: "zrem", key: this.k("outbox:pending"), member: entry.key },
        { op: "zadd", key: this.k("outbox:unfiled"), score: sentMs, member: entry.key },
        ...(lag === null
          ? []
          : ([
              { op: "zadd", key: this.k(REPLY_LAG_KEYS.byTime), score: sentMs, member: entry.key },
              { op: "zadd", key: this.k(REPLY_LAG_KEYS.byLag), score: String(lag), member: entry.key },
              { op: "trimlags", key: this.k(REPLY_LAG_KEYS.byTime), byLag: this.k(REPLY_LAG_KEYS.byLag), from: String(Date.parse(at) - REPLY_LAG_WINDOW_MS), max: String(MAX_REPLY_LAG_SAMPLES) },
            ] satisfies IndexOp[])),
      ],
      declare: [],
      oldIdx: [],
    };
    const hkey = this.keys.outbox(entry.key);
    const events = this.keys.events(entry.caseId);
    const r = await this.steps.run("MarkSent", { caseId: entry.caseId, args: { hkey, events, sentAt: at, response, event: JSON.stringify(event) }, keys: [hkey, events] }, x);
    // Sent before, by a mark cut between its steps (Cluster): its index step is finished now.
    if (r.status === 0) await this.steps.repairCase(entry.caseId);
    return r.status === 1;
  }

  /**
   * Also empties the filed entries' text and HTML (the Sent folder holds them): most of an entry's bytes.
   * The entries are rewritten before they leave the unfiled list: a crash between leaves them listed,
   * and the next round finds their copies filed.
   */
  async markFiled(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    const rows = await Promise.all(keys.map((k) => this.redis.hmget(this.keys.outbox(k), "entry", "status")));
    await Promise.all(
      keys.map(async (key, i) => {
        const [json, status] = rows[i] ?? [];
        if (!json || status !== "sent") return;
        const entry = JSON.parse(json) as OutboxEntry;
        if (entry.bodyFiled) return;
        // A sent entry's body is immutable, so the read above races only with the entry's end (a wipe,
        // the archive, an erase): the rewrite checks that it is still there.
        await (this.redis as unknown as RewriteSentEntry).abRewriteSentEntry(this.keys.outbox(key), JSON.stringify({ ...entry, text: "", html: "", bodyFiled: true }));
      }),
    );
    await this.redis.zrem(this.k("outbox:unfiled"), ...keys);
  }

  async eraseRecipient(email: string, pseudonym: (caseId: CaseId) => string): Promise<{ rewritten: number; cancelled: CaseId[] }> {
    const logKey = this.k(`sent:rcpt:${email}`);
    const keys = await this.redis.zrange(logKey, 0, -1);
    let rewritten = 0;
    const cancelled: CaseId[] = [];
    for (const key of keys) {
      const [json, status] = await this.redis.hmget(this.keys.outbox(key), "entry", "status");
      if (!json) continue;
      const e = JSON.parse(json) as OutboxEntry;
      if (status !== "sent") {
        // Not sent yet: it would carry the person's address and name out of the desk, so it is not
        // sent at all (the sender skips an entry that is gone). The case says so in its audit event.
        // Off the outbox's lists first: an entry listed but gone is skipped, never half sent.
        await execOrThrow(this.redis.multi().zrem(this.k("outbox:pending"), key).zrem(this.k("outbox:drafts"), key));
        await execOrThrow(this.redis.multi().del(this.keys.outbox(key)).zrem(this.keys.sentCase(e.caseId), key));
        cancelled.push(e.caseId);
        continue;
      }
      const p = pseudonym(e.caseId);
      const swap = (a: string[]) => a.map((x) => (x.toLowerCase() === email ? p : x));
      // The body may name the person (the greeting): it goes; the Sent folder's copy is the desk's to erase.
      // So may what it said (contacts read from a reply): it goes with the body.
      const { content: _said, ...rest } = e;
      const erased: OutboxEntry = { ...rest, to: swap(e.to), cc: swap(e.cc), text: "", html: "", bodyFiled: true };
      if (await (this.redis as unknown as RewriteSentEntry).abRewriteSentEntry(this.keys.outbox(key), JSON.stringify(erased))) rewritten++;
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

/** A draft a commit discards: its hash and the recipient send logs it leaves. */
interface DiscardedDraft {
  key: string;
  hkey: string;
  at: string;
  rcptLogs: string[];
}

interface RewriteSentEntry {
  abRewriteSentEntry(key: string, entry: string): Promise<number>;
}

interface CommitCommands {
  abResolveLoose(...args: string[]): Promise<number>;
  abSearch(numberOfKeys: number, ...args: string[]): Promise<unknown>;
  abWorkScan(numberOfKeys: number, ...args: string[]): Promise<unknown>;
  abMoveLoose(...args: string[]): Promise<number>;
}

/** A pipeline's replies; the first failed command's error is thrown. */
async function execOrThrow(pipe: ChainableCommander): Promise<unknown[]> {
  const rows = (await pipe.exec()) ?? [];
  const failed = rows.find(([err]) => err);
  if (failed?.[0]) throw failed[0];
  return rows.map(([, value]) => value);
}
