/**
 * Cases, timelines, flags, the outbox and the mail ledger in Redis. Every state change is one Lua script
 * (atomic, idempotent under retry). Keys, all under the configured prefix P:
 *   P:case:{id}          hash  json (Case), version
 *   P:case:{id}:events   list  CaseEvent JSON, oldest first
 *   P:cases              zset  case ids by opening time
 *   P:seq                int   last case number handed out
 *   P:msgid:{message-id} str   case id of a mail of that thread (matching by References)
 *   P:mail:{mail key}    str   how an incoming mail was handled ("case:ACT-…" | "loose" | "quarantined")
 *   P:flags:loose        list  flags tied to no case (unmatched, ambiguous, quarantined mail), JSON
 *   P:outbox:{key}       hash  entry (JSON), status, sentAt, response, attemptedAt (a send of unknown outcome)
 *   P:outbox:pending     zset  outbox keys not yet sent, by creation time
 *   P:outbox:unfiled     zset  outbox keys sent but whose copy is not yet in the Sent folder, by sent time
 *   P:mac:{mac}          str   the case a station's MAC address was first accepted for (across cases)
 *   P:sent:case:{id}     zset  outbox keys by time (loop guard), P:sent:noprog:{id} likewise for replies
 *                              that made no progress, P:sent:rcpt:{address} by recipient
 * Not Redis Cluster ready: the scripts derive some keys from the prefix (documented in README).
 */
import type { ChainableCommander, Redis } from "ioredis";
import type { CaseRepository, Commit, CommitResult, MatchLookup } from "../../app/ports.js";
import type { SendCounts } from "../../core/case/decide.js";
import type { OutboxEntry, OutboxStatus } from "../../core/case/outbox-entry.js";
import type { Case, CaseEvent, CaseId, Flag } from "../../core/types.js";

/**
 * commit: KEYS[1] case hash, KEYS[2] events list, KEYS[3] mail ledger key, KEYS[4] cases zset.
 * ARGV[1] expected version (-1: the case must not exist yet; -2: no case change), ARGV[2] case JSON,
 * ARGV[3] events JSON array, ARGV[4] ledger value ("" = none), ARGV[5] outbox JSON array of
 * {key, entry, at}, ARGV[6] key prefix, ARGV[7] message-ids JSON array, ARGV[8] case id,
 * ARGV[9] opening time (ms), ARGV[10] loose flags JSON array, ARGV[11] sent log JSON array of
 * {zset, member, at}, ARGV[12] MAC addresses accepted for the case, JSON array (first claim wins),
 * ARGV[13] the new version (the one in the case JSON).
 * Returns 1 committed, 0 mail already handled (nothing written), -1 version conflict (retry).
 */
const COMMIT = `
if ARGV[4] ~= '' and redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
local expected = tonumber(ARGV[1])
if expected ~= -2 then
  local current = redis.call('HGET', KEYS[1], 'version')
  if expected == -1 then
    if current then return -1 end
  elseif tonumber(current or '-1') ~= expected then return -1 end
  redis.call('HSET', KEYS[1], 'json', ARGV[2], 'version', ARGV[13])
  redis.call('ZADD', KEYS[4], 'NX', ARGV[9], ARGV[8])
end
for _, e in ipairs(cjson.decode(ARGV[3])) do redis.call('RPUSH', KEYS[2], e) end
for _, o in ipairs(cjson.decode(ARGV[5])) do
  local k = ARGV[6] .. 'outbox:' .. o.key
  if redis.call('HSETNX', k, 'entry', o.entry) == 1 then
    redis.call('HSET', k, 'status', 'pending')
    redis.call('ZADD', ARGV[6] .. 'outbox:pending', o.at, o.key)
  end
end
for _, s in ipairs(cjson.decode(ARGV[11])) do redis.call('ZADD', ARGV[6] .. s.zset, s.at, s.member) end
for _, id in ipairs(cjson.decode(ARGV[7])) do redis.call('SET', ARGV[6] .. 'msgid:' .. id, ARGV[8]) end
for _, f in ipairs(cjson.decode(ARGV[10])) do redis.call('RPUSH', ARGV[6] .. 'flags:loose', f) end
for _, m in ipairs(cjson.decode(ARGV[12])) do redis.call('SET', ARGV[6] .. 'mac:' .. m, ARGV[8], 'NX') end
if ARGV[4] ~= '' then redis.call('SET', KEYS[3], ARGV[4]) end
return 1
`;

/**
 * markSent: KEYS[1] outbox hash, KEYS[2] pending zset, KEYS[3] case events list, KEYS[4] unfiled zset.
 * ARGV[1] outbox key, ARGV[2] sent time ISO, ARGV[3] SMTP response, ARGV[4] mail_out event JSON,
 * ARGV[5] sent time (ms). Returns 1 marked, 0 already sent (no second event).
 */
const MARK_SENT = `
if redis.call('HGET', KEYS[1], 'status') == 'sent' then return 0 end
redis.call('HSET', KEYS[1], 'status', 'sent', 'sentAt', ARGV[2], 'response', ARGV[3])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[1])
redis.call('RPUSH', KEYS[3], ARGV[4])
return 1
`;

/** Case numbers are CASE_NUMBER_BASE + the counter, so that every id has six digits (ACT-100001 first). */
export const CASE_NUMBER_BASE = 100000;

export class CaseStore implements CaseRepository {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {
    redis.defineCommand("abCommit", { numberOfKeys: 4, lua: COMMIT });
    redis.defineCommand("abMarkSent", { numberOfKeys: 4, lua: MARK_SENT });
    redis.defineCommand("abResolveLoose", { numberOfKeys: 1, lua: RESOLVE_LOOSE });
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

  async looseFlags(): Promise<Flag[]> {
    const rows = await this.redis.lrange(this.k("flags:loose"), 0, -1);
    return rows.map((r) => JSON.parse(r) as Flag);
  }

  async resolveLooseFlag(flagId: string, resolved: NonNullable<Flag["resolved"]>): Promise<boolean> {
    const r = await (this.redis as unknown as CommitCommands).abResolveLoose(this.k("flags:loose"), flagId, JSON.stringify(resolved));
    return r === 1;
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
    const next = c.case ? { ...c.case, version: (c.before?.version ?? 0) + 1 } : undefined;
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
      JSON.stringify(c.looseFlags.map((f) => JSON.stringify(f))),
      JSON.stringify(sentLog),
      JSON.stringify(c.macs ?? []),
      String(next?.version ?? ""),
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
    return row.status === "sent"
      ? { ...entry, status: "sent", at: row.sentAt ?? "", response: row.response ?? "" }
      : { ...entry, status: "pending", ...(row.attemptedAt ? { attemptedAt: row.attemptedAt } : {}) };
  }

  async markAttempt(key: string, at: string | null): Promise<void> {
    if (at === null) await this.redis.hdel(this.k(`outbox:${key}`), "attemptedAt");
    else await this.redis.hset(this.k(`outbox:${key}`), "attemptedAt", at);
  }

  async pendingOutbox(): Promise<string[]> {
    return this.redis.zrange(this.k("outbox:pending"), 0, -1);
  }

  async markSent(entry: OutboxEntry, response: string, at: string): Promise<boolean> {
    const event: CaseEvent = {
      at,
      kind: "mail_out",
      by: "bot",
      summary: `${entry.kind} to ${entry.to.join(", ")}`,
      mail: entry.messageId,
    };
    const r = await (this.redis as unknown as CommitCommands).abMarkSent(
      this.k(`outbox:${entry.key}`),
      this.k("outbox:pending"),
      this.k(`case:${entry.caseId}:events`),
      this.k("outbox:unfiled"),
      entry.key,
      at,
      response,
      JSON.stringify(event),
      String(Date.parse(at)),
    );
    return r === 1;
  }

  async markFiled(keys: string[]): Promise<void> {
    if (keys.length) await this.redis.zrem(this.k("outbox:unfiled"), ...keys);
  }

  async unfiledSentCopies(sentBefore: number, max: number): Promise<string[]> {
    return this.redis.zrangebyscore(this.k("outbox:unfiled"), "-inf", sentBefore, "LIMIT", 0, max);
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
 * resolveLooseFlag: KEYS[1] loose flags list. ARGV[1] flag id, ARGV[2] resolution JSON.
 * Returns 1 resolved, 0 no such open flag.
 */
const RESOLVE_LOOSE = `
local items = redis.call('LRANGE', KEYS[1], 0, -1)
for i, raw in ipairs(items) do
  local f = cjson.decode(raw)
  if f.id == ARGV[1] and f.resolved == nil then
    f.resolved = cjson.decode(ARGV[2])
    redis.call('LSET', KEYS[1], i - 1, cjson.encode(f))
    return 1
  end
end
return 0
`;

interface CommitCommands {
  abResolveLoose(...args: string[]): Promise<number>;
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
