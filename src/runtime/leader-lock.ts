/**
 * One watcher per mailbox across hosts (SPEC §7): a Redis lock with a token and a short TTL, renewed
 * while held. A host that dies lets the lock expire and another takes over within `ttlMs`. The token
 * names its host and process: a process restarted on the same host (systemd, a container's restart)
 * takes over at once from a holder it can see is dead, instead of leaving the mailbox unwatched for
 * the TTL.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Redis } from "ioredis";

/** Tokens of the locks this process holds or tries for (several bots in one process, in tests). */
const liveTokens = new Set<string>();

/** Whether a lock token names a process of this host that no longer runs. */
export function holderIsDead(token: string, host: string = hostname(), alive: (pid: number) => boolean = pidAlive): boolean {
  const m = /^(.*):(\d+):[0-9a-f-]+$/.exec(token);
  // Our own pid: a holder that is not one of this process's locks is an earlier life of this
  // process id (a container's pid 1 after a restart).
  return m ? processIsDead(m[1] ?? "", Number(m[2]), !liveTokens.has(token), host, alive) : false;
}

/**
 * Whether a worker name (`<host>:<pid>`, run.ts) names a process of this host that no longer runs.
 * `ownPidIsEarlierLife`: this process has no workers of its own yet, so a name with its pid is an
 * earlier life of the pid (a container's pid 1 after a restart).
 */
export function workerIsDead(name: string, ownPidIsEarlierLife: boolean, host: string = hostname(), alive: (pid: number) => boolean = pidAlive): boolean {
  const m = /^(.*):(\d+)$/.exec(name);
  return m ? processIsDead(m[1] ?? "", Number(m[2]), ownPidIsEarlierLife, host, alive) : false;
}

/** Whether process `pid` of `itsHost` is known gone: only this host's processes can be judged; this process's own pid is an earlier life of it when `ownPidIsEarlierLife`. */
function processIsDead(itsHost: string, pid: number, ownPidIsEarlierLife: boolean, host: string, alive: (pid: number) => boolean): boolean {
  if (itsHost !== host) return false;
  if (pid === process.pid) return ownPidIsEarlierLife;
  return !alive(pid);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** KEYS[1] lock; ARGV[1] token, ARGV[2] ttl ms. Returns 1 if still ours (and extended), else 0. */
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`;
/** KEYS[1] lock; ARGV[1] token. Deletes it only if ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface LeaderLock {
  /** Runs `onAcquire` whenever this host becomes the holder and `onLose` when it stops being it. */
  start(onAcquire: () => void, onLose: () => Promise<void>): void;
  stop(): Promise<void>;
}

export function createLeaderLock(redis: Redis, key: string, ttlMs = 10_000): LeaderLock {
  const token = `${hostname()}:${process.pid}:${randomUUID()}`;
  liveTokens.add(token);
  let held = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  async function tick(onAcquire: () => void, onLose: () => Promise<void>) {
    try {
      if (held) {
        const ok = await redis.eval(RENEW, 1, key, token, String(ttlMs));
        if (ok !== 1) {
          held = false;
          await onLose();
        }
      } else if ((await redis.set(key, token, "PX", ttlMs, "NX")) === "OK") {
        held = true;
        onAcquire();
      } else {
        const holder = await redis.get(key);
        // A dead holder's lock is released (only if unchanged) and taken at the next tick.
        if (holder && holderIsDead(holder)) {
          await redis.eval(RELEASE, 1, key, holder);
          if ((await redis.set(key, token, "PX", ttlMs, "NX")) === "OK") {
            held = true;
            onAcquire();
          }
        }
      }
    } catch {
      // Redis unreachable: keep what we think we hold until the TTL tells otherwise.
    }
    if (!stopped) timer = setTimeout(() => void tick(onAcquire, onLose), ttlMs / 3);
  }

  return {
    start(onAcquire, onLose) {
      void tick(onAcquire, onLose);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (held) await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
      held = false;
      liveTokens.delete(token);
    },
  };
}
