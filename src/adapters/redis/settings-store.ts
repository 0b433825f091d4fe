/**
 * Run-time settings in Redis (app/ports.ts SettingsRepository). Keys under the prefix P:
 *   P:settings           hash  setting name → its last change (SettingChange JSON: value, by, at)
 *   P:settings:log       list  every change, newest first, at most MAX_LOGGED_CHANGES
 * A change is one MULTI: the value and its log line are written together or not at all.
 */
import type { Redis } from "ioredis";
import type { SettingChange, SettingsRepository } from "../../app/ports.js";

/** Changes the log keeps: years of an admin's changes, a bounded list. */
export const MAX_LOGGED_CHANGES = 1000;

export class SettingsStore implements SettingsRepository {
  constructor(
    readonly redis: Redis,
    readonly prefix: string,
  ) {}

  async get(setting: string): Promise<SettingChange | null> {
    const json = await this.redis.hget(`${this.prefix}settings`, setting);
    return json ? (JSON.parse(json) as SettingChange) : null;
  }

  async set(change: SettingChange): Promise<void> {
    const json = JSON.stringify(change);
    const done = await this.redis
      .multi()
      .hset(`${this.prefix}settings`, change.setting, json)
      .lpush(`${this.prefix}settings:log`, json)
      .ltrim(`${this.prefix}settings:log`, 0, MAX_LOGGED_CHANGES - 1)
      .exec();
    const failed = (done ?? []).find(([err]) => err);
    if (failed?.[0]) throw failed[0];
  }

  async log(limit: number): Promise<SettingChange[]> {
    const rows = await this.redis.lrange(`${this.prefix}settings:log`, 0, Math.max(0, limit - 1));
    return rows.map((r) => JSON.parse(r) as SettingChange);
  }
}
