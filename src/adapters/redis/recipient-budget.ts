/**
 * The SMTP relay's daily recipient budget (Exchange Online: 10 000 recipients in 24 hours per
 * mailbox; Google Workspace: 2 000), kept in Redis so that every instance of the desk spends one
 * budget. A rolling 24-hour window, as the providers count: one sorted-set member per recipient of
 * each outbox entry, scored by when it was admitted. An entry sent again (a retry) is not counted
 * twice. When the budget is spent the outbox waits until enough of the oldest recipients leave the
 * window; nothing is dropped.
 */
import type { Redis } from "ioredis";

export const BUDGET_WINDOW_MS = 24 * 3_600_000;

/**
 * ADMIT — KEYS[1]: the budget's sorted set. ARGV: now (ms), window (ms), budget, entry key, recipients.
 * Drops members older than the window; an entry whose members are all present is admitted as is.
 * Returns {waitMs, used}: waitMs 0 = admitted (its members added with NX, used counts them), else
 * the ms until enough members leave the window for this entry to fit (nothing added). An entry with
 * more recipients than the whole budget is admitted (it could never fit; the relay decides).
 */
const ADMIT = `
local key = KEYS[1]
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local budget = tonumber(ARGV[3])
local entry = ARGV[4]
local n = tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local used = redis.call('ZCARD', key)
local fresh = 0
for i = 1, n do
  if not redis.call('ZSCORE', key, entry .. '#' .. i) then fresh = fresh + 1 end
end
if fresh == 0 then return {0, used} end
if used + fresh > budget and fresh <= budget then
  local oldest = redis.call('ZRANGE', key, used + fresh - budget - 1, used + fresh - budget - 1, 'WITHSCORES')
  return {math.max(1, tonumber(oldest[2]) + window - now), used}
end
for i = 1, n do redis.call('ZADD', key, 'NX', now, entry .. '#' .. i) end
redis.call('PEXPIRE', key, window)
return {0, used + fresh}
`;

export interface Admission {
  /** 0: send now; else wait this long (ms) and ask again. */
  waitMs: number;
  /** Recipients in the window after this admission (or before it, when it must wait). */
  used: number;
}

export class RecipientBudget {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    readonly budget: number,
    private readonly now: () => number = Date.now,
  ) {
    redis.defineCommand("abAdmitRecipients", { numberOfKeys: 1, lua: ADMIT });
  }

  async admit(entryKey: string, recipients: number): Promise<Admission> {
    const r = (await (this.redis as unknown as { abAdmitRecipients(...a: string[]): Promise<[number, number]> }).abAdmitRecipients(
      `${this.prefix}smtp-recipients`,
      String(this.now()),
      String(BUDGET_WINDOW_MS),
      String(this.budget),
      entryKey,
      String(recipients),
    ));
    return { waitMs: Number(r[0]), used: Number(r[1]) };
  }
}
