/**
 * A change that writes a case's own keys and the index slot's (store-keys.ts) as two steps:
 *   - the case step, a Lua script of the change's own, on the case's keys only: it checks (version,
 *     archive, handled before) and writes the case; it may add index ops of what it found (an outbox
 *     entry that was new, a draft that was still a draft);
 *   - the index step, one Lua script for every change, on the index slot only: it applies the ops the
 *     change carries (ledger, lists, outbox lists, send logs, lookups, counters) and the case's index
 *     state (summary, list and term keys), the state only when newer than the one it holds.
 * On one Redis both steps run in one script, atomic as every change always was. On a Cluster they are
 * three calls: a `pre` step in the index slot marks the change as dirty (and the mail's ledger entry as
 * pending on this case), the case step stores the index step beside the case, and the index step
 * applies it, records it as applied and takes the mark off. The ops run once, whoever applies them
 * (adding the token to the applied record is the gate); the state is kept by version. A change cut
 * between its steps is finished by the next change of the same mail or case, or by `repair` (run with
 * the outbox sweep), from the step stored in the case's slot: nothing is half done for longer than a
 * sweep. The stored step is kept for KEEP_APPLIED_MS after it was applied: a failover can lose the last
 * writes a master acknowledged (replication is asynchronous), and an index step lost so comes back as
 * dirty, or as not applied, and is applied again from the copy beside the case.
 * Every key a script touches is declared in KEYS; the scripts refuse an undeclared one.
 */
import type { Redis } from "ioredis";
import type { StoreKeys } from "./store-keys.js";

/** One write of the index step. Scores are strings (ms and work-queue scores exceed Lua's number format). */
export type IndexOp =
  | { op: "zadd"; key: string; score: string; member: string; nx?: true }
  | { op: "zrem"; key: string; member: string }
  | { op: "set"; key: string; value: string; nx?: true }
  | { op: "hincrby"; key: string; field: string }
  | { op: "sadd"; key: string; member: string }
  /** A loose flag: HSETNX into `key`, and if new, onto the open zset. */
  | { op: "flag"; key: string; field: string; value: string; zset: string; score: string }
  /** A case leaves a blob's reference set; a blob left with none goes to `unlink` (and is returned). */
  | { op: "unref"; key: string; member: string; unlink: string; blob: string }
  /** The reply lag record trimmed to its window (overview-store.ts). */
  | { op: "trimlags"; key: string; byLag: string; from: string; max: string };

/** A case's place in the lists: what the case summary and its list and term keys (unprefixed) are at version v. */
export interface IndexState {
  id: string;
  v: string;
  summary: string;
  idx: string[];
  /** Keys of `idx` scored otherwise than by `score` (the work queue's). */
  own: Record<string, string>;
  score: string;
  /** The case's closing time (ms) for the archive's due list, "" when it is not closed; absent: leave it. */
  closed?: string;
  /** Rebuilding (reindex): write the state also when it is the version held. */
  force?: true;
  /** The list keys the case was on before any state was held (a store written by an older version). */
  was?: string[];
}

export interface IndexStep {
  /** Unique per change: `{case id}|{ms}|{random}`. */
  token: string;
  prefix: string;
  /** The mail this change handles: refused when the ledger has it; set to `value` by the index step. */
  ledger?: { key: string; value: string };
  ops: IndexOp[];
  state?: IndexState;
  /** Index keys the case step's own ops may touch. */
  declare: string[];
  /** Index keys that the case's stored list keys are guessed to be (declared; a wrong guess costs a retry). */
  oldIdx: string[];
}

/** Index keys of `prefix` the steps keep (summaries and list keys of every case, the dirty marks). */
export const STEP_KEYS = { summaries: "summaries", caseIdx: "caseidx", dirty: "dirty", applied: "steps:applied", due: "archive:due" } as const;

/**
 * Shared Lua: the declared-key guard and the index step. The `trimlags` op calls \`trim\`, which a script
 * that may apply the index step defines before this (overview-store.ts TRIM_REPLY_LAGS).
 */
const LIB = `
local declared = {}
for _, k in ipairs(KEYS) do declared[k] = true end
local function key(name)
  if not declared[name] then error('undeclared key ' .. tostring(name)) end
  return name
end
local function stored_state(x)
  if not x.state then return nil end
  local raw = redis.call('HGET', key(x.prefix .. '${STEP_KEYS.caseIdx}'), x.state.id)
  if not raw then return nil end
  return cjson.decode(raw)
end
local function undeclared_idx(x)
  local s = stored_state(x)
  if not s then return nil end
  for _, k in ipairs(s.idx) do
    if not declared[x.prefix .. k] then return cjson.encode(s.idx) end
  end
  return nil
end
local function apply_index(x, fresh)
  local out = {}
  if fresh then
    for _, o in ipairs(x.ops) do
      if o.op == 'zadd' then
        if o.nx then redis.call('ZADD', key(o.key), 'NX', o.score, o.member) else redis.call('ZADD', key(o.key), o.score, o.member) end
      elseif o.op == 'zrem' then redis.call('ZREM', key(o.key), o.member)
      elseif o.op == 'set' then
        if o.nx then redis.call('SET', key(o.key), o.value, 'NX') else redis.call('SET', key(o.key), o.value) end
      elseif o.op == 'hincrby' then redis.call('HINCRBY', key(o.key), o.field, 1)
      elseif o.op == 'sadd' then redis.call('SADD', key(o.key), o.member)
      elseif o.op == 'flag' then
        if redis.call('HSETNX', key(o.key), o.field, o.value) == 1 then redis.call('ZADD', key(o.zset), o.score, o.field) end
      elseif o.op == 'unref' then
        redis.call('SREM', key(o.key), o.member)
        if redis.call('SCARD', o.key) == 0 then
          redis.call('SADD', key(o.unlink), o.blob)
          out[#out + 1] = o.blob
        end
      elseif o.op == 'trimlags' then trim(key(o.key), key(o.byLag), o.from, o.max)
      else error('unknown index op ' .. tostring(o.op)) end
    end
    if x.ledger then redis.call('SET', key(x.ledger.key), x.ledger.value) end
  end
  local s = x.state
  if s then
    local held = stored_state(x)
    local newer = (not held) or tonumber(held.v) < tonumber(s.v) or (s.force and tonumber(held.v) <= tonumber(s.v))
    if newer then
      local keep = {}
      for _, k in ipairs(s.idx) do keep[k] = true end
      local before = s.was or {}
      if held then before = held.idx end
      for _, k in ipairs(before) do
        if not keep[k] then redis.call('ZREM', key(x.prefix .. k), s.id) end
      end
      for _, k in ipairs(s.idx) do redis.call('ZADD', key(x.prefix .. k), s.own[k] or s.score, s.id) end
      redis.call('HSET', key(x.prefix .. '${STEP_KEYS.summaries}'), s.id, s.summary)
      redis.call('HSET', key(x.prefix .. '${STEP_KEYS.caseIdx}'), s.id, cjson.encode({ v = s.v, idx = s.idx }))
      if s.closed ~= nil then
        if s.closed ~= '' then redis.call('ZADD', key(x.prefix .. '${STEP_KEYS.due}'), s.closed, s.id)
        else redis.call('ZREM', key(x.prefix .. '${STEP_KEYS.due}'), s.id) end
      end
    end
  end
  return out
end
local function append_ops(x, ops)
  for _, o in ipairs(ops or {}) do x.ops[#x.ops + 1] = o end
end
`;

/**
 * Both steps in one script (one Redis; or a change with no case step). ARGV[1] the case step's JSON or
 * "", ARGV[2] the index step's JSON. Returns {0} handled before, {-3, stored list keys JSON} when the
 * case's stored list keys were not declared (nothing written), {status} the case step's refusal, or
 * {1, index step's result}.
 */
function combinedLua(caseStep: string, trimLib: string): string {
  return `${trimLib}${LIB}${caseStep}
local x = cjson.decode(ARGV[2])
if x.ledger then
  local v = redis.call('GET', key(x.ledger.key))
  if v and string.sub(v, 1, 8) ~= 'pending:' then return {0} end
end
local u = undeclared_idx(x)
if u then return {-3, u} end
if ARGV[1] ~= '' then
  local status, ops = case_step(cjson.decode(ARGV[1]))
  if status ~= 1 then return {status} end
  append_ops(x, ops)
end
return {1, apply_index(x, true)}
`;
}

/**
 * The case step alone (Cluster): ARGV as combined; the index step, with the ops the case step added,
 * is stored under its token. Returns {status}, or {1, the added ops' JSON}: the index step the caller
 * applies next must carry them (an answer's place on the pending list is one).
 */
function caseLua(caseStep: string, trimLib: string): string {
  return `${trimLib}${LIB}${caseStep}
local a = cjson.decode(ARGV[1])
local x = cjson.decode(ARGV[2])
local status, ops = case_step(a)
if status ~= 1 then return {status} end
append_ops(x, ops)
redis.call('HSET', key(a.indexing), x.token, cjson.encode(x))
return {1, cjson.encode(ops or {})}
`;
}

/**
 * pre (Cluster): ARGV[1] the index step's JSON, ARGV[2] now (ms), ARGV[3] the case id. Returns 0 when
 * the ledger holds the mail (handled before), else marks the change dirty, the ledger entry pending on
 * the case, and returns 1.
 */
const PRE = `${LIB}
local x = cjson.decode(ARGV[1])
if x.ledger then
  local v = redis.call('GET', key(x.ledger.key))
  if v and string.sub(v, 1, 8) ~= 'pending:' then return 0 end
  redis.call('SET', x.ledger.key, 'pending:' .. ARGV[3])
end
redis.call('ZADD', key(x.prefix .. '${STEP_KEYS.dirty}'), ARGV[2], x.token)
return 1
`;

/**
 * index (Cluster): ARGV[1] the index step's JSON, ARGV[2] now (ms). Returns {-3, stored list keys} or
 * {1, result}. Its ops run only if the token is not on the applied record yet.
 */
function indexLua(trimLib: string): string {
  return `${trimLib}${LIB}
local x = cjson.decode(ARGV[1])
local u = undeclared_idx(x)
if u then return {-3, u} end
redis.call('ZREM', key(x.prefix .. '${STEP_KEYS.dirty}'), x.token)
local fresh = redis.call('ZADD', key(x.prefix .. '${STEP_KEYS.applied}'), 'NX', ARGV[2], x.token) == 1
return {1, apply_index(x, fresh)}
`;
}

/** A change's case step: the JSON and keys for its Lua (`local function case_step(a)` → status, ops). */
export interface CaseStep {
  caseId: string;
  args: Record<string, unknown>;
  /** Every key of the case the step touches (the `indexing` key is added on a Cluster). */
  keys: string[];
  /** Binary values (an archive record) the step reads as ARGV[3] on. */
  extra?: Buffer[];
}

export interface StepResult {
  /** 1 done, 0 handled before, else the case step's own refusal (-1, -2…). */
  status: number;
  /** What the index step returned (blobs left unreferenced). */
  out: string[];
}

type Call = (numKeys: number, ...args: (string | Buffer)[]) => Promise<unknown>;
/** A script's reply: a status, and the index step's result or the stored list keys (-3). */
type ScriptReply = [number, unknown?];

/**
 * Calls a script that applies `x`'s index step until the case's stored list keys are all declared: a
 * reply of -3 names them (nothing was written), and they are added to the guess (three tries at most).
 */
async function untilDeclared(x: IndexStep, call: (x: IndexStep) => Promise<ScriptReply>): Promise<ScriptReply> {
  for (let attempt = 0; ; attempt++) {
    const r = await call(x);
    if (r[0] !== -3 || attempt >= 3) return r;
    x = { ...x, oldIdx: [...x.oldIdx, ...(JSON.parse(String(r[1])) as string[]).map((k) => x.prefix + k)] };
  }
}

/** Pending ledger values start with this, then the case id (written by `pre` on a Cluster). */
export const PENDING_LEDGER = "pending:";

/** Changes in more than one slot waiting for their index step this long are finished by `repair`. */
export const REPAIR_AFTER_MS = 5_000;
/** A dirty mark with no stored index step this old is a change that never reached its case step (or was refused, its mark left by a failover). */
export const ABANDONED_AFTER_MS = 60_000;
/** A stored index step is dropped this long after it was applied (far past any failover's lost writes). */
export const KEEP_APPLIED_MS = 60 * 60_000;

export class SlotSteps {
  /** True on a Redis Cluster: the steps run as separate calls. */
  readonly split: boolean;
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: StoreKeys,
    /** Lua defining `trim` (overview-store.ts), used by the `trimlags` op. */
    private readonly trimLib: string,
  ) {
    this.split = keys.spread;
    this.prefix = keys.prefix;
    redis.defineCommand("abStepPre", { lua: PRE });
    redis.defineCommand("abStepIndex", { lua: indexLua(trimLib) });
  }

  /** Defines the scripts of one change (its name, its case step's Lua) on the connection. */
  define(name: string, caseStep: string): void {
    this.redis.defineCommand(`abCombined${name}`, { lua: combinedLua(caseStep, this.trimLib) });
    this.redis.defineCommand(`abCase${name}`, { lua: caseLua(caseStep, this.trimLib) });
  }

  private call(name: string): Call {
    const fn = (this.redis as unknown as Record<string, Call | undefined>)[name];
    if (!fn) throw new Error(`script ${name} not defined`);
    return fn.bind(this.redis);
  }

  /** Runs a change: both steps, as one script or (Cluster) as pre, case and index step. */
  async run(name: string, step: CaseStep | null, x: IndexStep): Promise<StepResult> {
    if (!this.split || step === null) {
      const r = await untilDeclared(x, (y) => {
        const keys = [...(step?.keys ?? []), ...indexKeysOf(y)];
        return this.call(`abCombined${name}`)(keys.length, ...keys, step ? JSON.stringify(step.args) : "", JSON.stringify(y), ...(step?.extra ?? [])) as Promise<ScriptReply>;
      });
      return { status: r[0], out: Array.isArray(r[1]) ? (r[1] as string[]) : [] };
    }
    const pre = await this.pre(x, step.caseId);
    if (pre === 0) return { status: 0, out: [] };
    const args = { ...step.args, indexing: this.keys.indexing(step.caseId) };
    const caseKeys = [...step.keys, args.indexing];
    const [status, added] = (await this.call(`abCase${name}`)(caseKeys.length, ...caseKeys, JSON.stringify(args), JSON.stringify(x), ...(step.extra ?? []))) as ScriptReply;
    if (status !== 1) {
      await this.settleRefused(x.token, step.caseId);
      return { status, out: [] };
    }
    // The index step as stored beside the case: with the ops the case step added (cjson's `{}` for none).
    const ops = JSON.parse(String(added)) as IndexOp[] | Record<string, never>;
    return { status: 1, out: await this.index({ ...x, ops: [...x.ops, ...(Array.isArray(ops) ? ops : [])] }) };
  }

  /**
   * After a refused case step: the same script may have run before, its reply lost (a command resent
   * after a failover), and stored an index step, which is applied now; otherwise no step of this token
   * will ever be stored, and its dirty mark goes (the unfinished-changes gauge counts it until then).
   * Should either fail, the sweep does the same later.
   */
  private async settleRefused(token: string, caseId: string): Promise<void> {
    try {
      const json = await this.redis.hget(this.keys.indexing(caseId), token);
      if (json) await this.index(storedStep(json));
      else await this.redis.zrem(this.prefix + STEP_KEYS.dirty, token);
    } catch {
      // The sweep (repair) finds the mark after REPAIR_AFTER_MS.
    }
  }

  private async pre(x: IndexStep, caseId: string): Promise<number> {
    const keys = [this.prefix + STEP_KEYS.dirty, ...(x.ledger ? [x.ledger.key] : [])];
    return Number(await this.call("abStepPre")(keys.length, ...keys, JSON.stringify(x), String(Date.now()), caseId));
  }

  /** The index step of `x`, retried with the stored list keys when the guess missed them. */
  private async index(x: IndexStep): Promise<string[]> {
    const r = await untilDeclared(x, (y) => {
      const keys = indexKeysOf(y);
      return this.call("abStepIndex")(keys.length, ...keys, JSON.stringify(y), String(Date.now())) as Promise<ScriptReply>;
    });
    if (r[0] !== 1) throw new Error(`index step of ${x.token} refused (${String(r[0])})`);
    return Array.isArray(r[1]) ? (r[1] as string[]) : [];
  }

  /**
   * Finishes the changes of a case whose index step was not applied (Cluster): each stored step is
   * applied again (its ops only if not applied yet, whoever else applied them; its state if newer).
   * Returns the tokens of the steps it found.
   */
  async repairCase(caseId: string): Promise<string[]> {
    if (!this.split) return [];
    const stored = await this.redis.hgetall(this.keys.indexing(caseId));
    for (const json of Object.values(stored)) await this.index(storedStep(json));
    return Object.keys(stored);
  }

  /**
   * The sweep (Cluster): finishes every change marked dirty more than REPAIR_AFTER_MS ago, drops marks of
   * changes refused or never made after ABANDONED_AFTER_MS, and drops stored steps applied more than
   * KEEP_APPLIED_MS ago. Returns how many changes it finished.
   */
  async repair(now = Date.now()): Promise<number> {
    if (!this.split) return 0;
    const dirty = this.prefix + STEP_KEYS.dirty;
    const old = await this.redis.zrangebyscore(dirty, "-inf", now - REPAIR_AFTER_MS, "WITHSCORES", "LIMIT", 0, 200);
    const seen = new Map<string, Set<string>>();
    let finished = 0;
    let firstError: unknown = null;
    for (let i = 0; i + 1 < old.length; i += 2) {
      const token = old[i] as string;
      const caseId = caseOfToken(token);
      let stored = seen.get(caseId);
      if (!stored) {
        // One case that cannot be finished now does not hold up the others.
        stored = new Set(
          await this.repairCase(caseId).catch((err: unknown) => {
            firstError ??= err;
            return [];
          }),
        );
        seen.set(caseId, stored);
      }
      // Applied now if it was stored; a mark without a stored step is a change refused or never made.
      if (stored.has(token)) finished++;
      else if (Number(old[i + 1]) < now - ABANDONED_AFTER_MS) await this.redis.zrem(dirty, token);
    }
    const applied = this.prefix + STEP_KEYS.applied;
    const done = await this.redis.zrangebyscore(applied, "-inf", now - KEEP_APPLIED_MS, "LIMIT", 0, 500);
    for (const token of done) {
      await this.redis.hdel(this.keys.indexing(caseOfToken(token)), token);
      await this.redis.zrem(applied, token);
    }
    if (firstError) throw new Error(`finished ${finished} store changes; one or more could not be: ${(firstError as Error).message}`, { cause: firstError });
    return finished;
  }

  /** How many changes wait for their index step (Cluster; 0 on one Redis): a gauge. */
  async dirtyCount(): Promise<number> {
    return this.split ? this.redis.zcard(this.prefix + STEP_KEYS.dirty) : 0;
  }
}

/** Every index key the index step of `x` may touch. */
export function indexKeysOf(x: IndexStep): string[] {
  const keys = new Set<string>([x.prefix + STEP_KEYS.dirty, x.prefix + STEP_KEYS.applied, ...x.declare, ...x.oldIdx]);
  if (x.ledger) keys.add(x.ledger.key);
  for (const o of x.ops) {
    keys.add(o.key);
    if (o.op === "flag") keys.add(o.zset);
    if (o.op === "unref") keys.add(o.unlink);
    if (o.op === "trimlags") keys.add(o.byLag);
  }
  if (x.state) {
    for (const name of [STEP_KEYS.summaries, STEP_KEYS.caseIdx, STEP_KEYS.due]) keys.add(x.prefix + name);
    for (const k of x.state.idx) keys.add(x.prefix + k);
  }
  return [...keys];
}

/**
 * An index step as the case step stored it. Lua's cjson writes an empty array as `{}`: every list is
 * made a list again.
 */
export function storedStep(json: string): IndexStep {
  const x = JSON.parse(json) as IndexStep;
  const list = <T>(v: T[] | Record<string, never> | undefined): T[] => (Array.isArray(v) ? v : []);
  return {
    ...x,
    ops: list(x.ops),
    declare: list(x.declare),
    oldIdx: list(x.oldIdx),
    ...(x.state ? { state: { ...x.state, idx: list(x.state.idx), ...(x.state.was ? { was: list(x.state.was) } : {}) } } : {}),
  };
}

/** The case a token's change belongs to. */
export function caseOfToken(token: string): string {
  return token.slice(0, token.indexOf("|"));
}

/** A fresh token for a change of `caseId`. */
export function stepToken(caseId: string): string {
  return `${caseId}|${Date.now()}|${Math.random().toString(36).slice(2, 10)}`;
}
