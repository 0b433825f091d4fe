/**
 * The store's epoch: a random marker written when a store is begun (`P:epoch`). Redis that lost the
 * desk's state (wiped, flushed, a new server behind the same URL) has no marker, or another one, and
 * a bot that sees that stops instead of carrying on against an empty store. The server's run_id says
 * when Redis restarted (its last second may be gone under `appendfsync everysec`): the case-number
 * floor is then learned again from the mailbox.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { masters } from "./connect.js";
import { CASE_NUMBER_BASE } from "./case-store.js";

/** SET seq to at least ARGV[1]: a floor only raises the counter, never lowers it. */
const RAISE_SEQ = `
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local floor = tonumber(ARGV[1])
if current < floor then redis.call('SET', KEYS[1], floor) return floor end
return current
`;

export class StoreEpoch {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    redis.defineCommand("abRaiseSeq", { numberOfKeys: 1, lua: RAISE_SEQ });
  }

  read(): Promise<string | null> {
    return this.redis.get(`${this.prefix}epoch`);
  }

  /** Writes a new marker unless one exists; returns the marker in force. */
  async begin(): Promise<string> {
    const mine = `${new Date().toISOString()}.${randomBytes(6).toString("hex")}`;
    await this.redis.set(`${this.prefix}epoch`, mine, "NX");
    return (await this.read()) ?? mine;
  }

  /** Whether the store holds any case (a store from before the epoch existed has cases but no marker). */
  async hasCases(): Promise<boolean> {
    const [seq, cases] = await Promise.all([this.redis.exists(`${this.prefix}seq`), this.redis.zcard(`${this.prefix}cases`)]);
    return seq === 1 || cases > 0;
  }

  /** Case numbers handed out from now on are above `lastNumber` (the 123456 of ACT-123456). */
  async raiseCaseFloor(lastNumber: number): Promise<number> {
    const n = Math.max(0, lastNumber - CASE_NUMBER_BASE);
    return Number(await (this.redis as unknown as { abRaiseSeq(k: string, n: string): Promise<number> }).abRaiseSeq(`${this.prefix}seq`, String(n)));
  }

  /** Redis's persistence settings, or null where CONFIG is not allowed (managed Redis). */
  async persistence(): Promise<{ appendonly: string; appendfsync: string } | null> {
    try {
      const [a, f] = await Promise.all([this.redis.config("GET", "appendonly"), this.redis.config("GET", "appendfsync")]);
      return { appendonly: String((a as string[])[1] ?? ""), appendfsync: String((f as string[])[1] ?? "") };
    } catch {
      return null;
    }
  }

  /**
   * The Redis server's run_id: it changes when the server restarts. On a Cluster, the run_ids of all its
   * masters (an INFO without a key goes to any node, whose run_id would "change" at every call).
   */
  async serverRunId(): Promise<string> {
    const ids = await Promise.all((await masters(this.redis)).map(async (node) => /run_id:(\w+)/.exec(await node.info("server"))?.[1] ?? ""));
    return ids.sort().join(",");
  }
}
