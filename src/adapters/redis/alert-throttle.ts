/**
 * The claim that lets one process mail about an operator alert's cause: a Redis key
 * `P:alert-mailed:<cause>` set with NX and a lifetime of the interval, so every instance of the desk
 * together mails at most once per interval per cause. When Redis cannot be reached (which may be the
 * very alert), the process falls back to its own memory: at most once per interval from this process.
 */
import type { Redis } from "ioredis";

export class AlertThrottle {
  private readonly local = new Map<string, number>();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  private key(cause: string): string {
    return `${this.prefix}alert-mailed:${cause}`;
  }

  async claim(cause: string, intervalMs: number): Promise<boolean> {
    try {
      return (await this.redis.set(this.key(cause), String(this.now()), "PX", intervalMs, "NX")) === "OK";
    } catch {
      const last = this.local.get(cause);
      if (last !== undefined && this.now() - last < intervalMs) return false;
      this.local.set(cause, this.now());
      return true;
    }
  }

  async release(cause: string): Promise<void> {
    this.local.delete(cause);
    await this.redis.del(this.key(cause));
  }
}
