/**
 * Guards against a lost store (issue 20): Redis that no longer holds the desk's state must not be
 * used as if it were new. At start, an empty store whose mailbox has history is refused unless
 * `run --fresh`; case numbers continue above the highest one the mailbox shows. While running, a store
 * whose epoch marker is gone or changed stops the bot taking mail (the caller pauses it and reports).
 */
import type { Logger } from "pino";
import type { StoreEpoch } from "../adapters/redis/store-epoch.js";
import type { Commit, CommitResult } from "../app/ports.js";
import { ConfigError } from "../config.js";

/** How often a running bot checks that its store is still the one it started on. */
export const STORE_CHECK_MS = 2000;

/** The bot will not start on this store: the message names the cause and the fix. */
export class StoreRefusal extends ConfigError {
  readonly code = "store_lost";
}

export interface MailboxHistory {
  processed: number;
  sent: number;
  highestCaseNumber: number;
}

export interface StoreGuardDeps {
  epoch: StoreEpoch;
  history(): Promise<MailboxHistory>;
  log: Logger;
  /** Where the store is, for the messages (REDIS_URL without credentials, and the prefix). */
  where: string;
}

/** Checks the store at start; returns its epoch marker. Throws StoreRefusal on a lost store. */
export async function openStore(deps: StoreGuardDeps, opts: { fresh: boolean }): Promise<string> {
  const [marker, history] = await Promise.all([deps.epoch.read(), deps.history()]);
  if (!marker && !(await deps.epoch.hasCases()) && history.processed + history.sent > 0 && !opts.fresh) {
    throw new StoreRefusal(
      `store_lost: the store at ${deps.where} holds no cases, but the mailbox has history ` +
        `(${history.processed} mails in Processed, ${history.sent} in Sent, case numbers up to ${history.highestCaseNumber}). ` +
        `Redis lost the desk's state, or REDIS_URL/REDIS_PREFIX point at the wrong store. Fix REDIS_URL/REDIS_PREFIX ` +
        `(or restore Redis from its backup), restore the cases from the mailbox with \`activation-bot rebuild\`, or start anew with \`activation-bot run --fresh\`: open cases are then unknown ` +
        `to the bot and their mail is flagged as unmatched, and new case numbers continue after ${history.highestCaseNumber}.`,
    );
  }
  const epoch = marker ?? (await deps.epoch.begin());
  if (!marker) deps.log.warn({ store: deps.where, fresh: opts.fresh, history }, "began a new store (epoch marker written)");
  const seq = await deps.epoch.raiseCaseFloor(history.highestCaseNumber);
  deps.log.info({ epoch, caseCounter: seq, highestInMailbox: history.highestCaseNumber }, "store checked");
  const persistence = await deps.epoch.persistence();
  if (persistence && (persistence.appendonly !== "yes" || persistence.appendfsync !== "always")) {
    deps.log.warn(
      { ...persistence, code: "store_not_durable" },
      "Redis does not write each commit to disk before answering (needs appendonly yes, appendfsync always): a power loss of its host can lose the last second of cases, answers and ledger (README: what survives what)",
    );
  }
  return epoch;
}

/**
 * Before a command writes a case (`case open`): a store without its epoch marker and without cases
 * is refused. It is either a store that lost the desk's state, where a new case would take a case
 * number and Message-IDs the mailbox may already hold, or one that no bot has begun yet; `run`
 * (which looks at the mailbox first) or `rebuild` begins it. A store from before the marker existed
 * still has its cases, and is used as it is.
 */
export async function requireBegunStore(epoch: StoreEpoch, where: string): Promise<void> {
  if ((await epoch.read()) !== null || (await epoch.hasCases())) return;
  throw new StoreRefusal(
    `store_lost: the store at ${where} has no epoch marker and no cases: Redis lost the desk's state (wiped, flushed, ` +
      `a new server behind REDIS_URL), or no bot has begun this store yet. No case is opened: it could take a case number ` +
      `and Message-IDs the mailbox already holds. If the desk has history, run \`activation-bot rebuild\` (restores the cases ` +
      `from the mailbox) or fix REDIS_URL/REDIS_PREFIX; a new desk: start \`activation-bot run\` once (it checks the mailbox and begins the store).`,
  );
}

/** Where the store is, for messages: REDIS_URL without credentials, and the prefix. */
export function storeWhere(config: { REDIS_URL: string; REDIS_PREFIX: string }): string {
  return `${config.REDIS_URL.replace(/\/\/[^@]*@/, "//")} (prefix ${config.REDIS_PREFIX})`;
}

/** What a job waits on before it takes mail (`StoreWatch.beforeWork`). */
export interface StoreWatch {
  stop(): void;
  /**
   * Resolves once the store is known to be the one this bot started on and, if Redis restarted since
   * the last check, once `onRestart` restored what the restart lost. At once while the connection to
   * Redis has not dropped since the last check; otherwise the check runs now (and again every
   * STORE_CHECK_MS / 10 until Redis answers). Rejects when the store is lost.
   */
  beforeWork(): Promise<void>;
}

/** The store's connection, as far as the guard listens to it (an ioredis Redis or Cluster). */
export interface StoreConnection {
  on(event: "close", listener: () => void): unknown;
}

/**
 * Checks every STORE_CHECK_MS that the store still carries `epoch`. `onLost` hears once why it does
 * not. A Redis restart (its run_id changed) may have lost its last second: `onRestart` restores what
 * this process knows it lost (commit-journal.ts), then the case-number floor is learned from the
 * mailbox again; should either fail, it is tried again at the next check.
 *
 * The timer alone would leave up to STORE_CHECK_MS after a restart in which a job commits a newer mail
 * of a case onto the state the restart cut back, before the restore puts the lost mail back: the
 * newer mail's answer would be composed without the lost one's effects, and the lost one's answer
 * never made. So once the connection drops, every commit of mail waits on `beforeWork`, which runs
 * the check (restore included) first; the commit's version check turns away a job that read the case
 * before the restore.
 */
export function watchStore(deps: StoreGuardDeps & { connection?: StoreConnection }, epoch: string, onLost: (reason: string) => void, onRestart?: () => Promise<void>): StoreWatch {
  let runId: string | null = null;
  let lost: string | null = null;
  let floorOwed = false;
  // A check is owed before work: at start (no run_id known yet) and after the connection dropped.
  let stale = true;
  let running: Promise<void> | null = null;
  deps.connection?.on("close", () => {
    stale = true;
  });

  const checkOnce = async (): Promise<void> => {
    // Marked before reading: a drop while the check runs makes the next caller check again.
    stale = false;
    try {
      const [now, id] = await Promise.all([deps.epoch.read(), deps.epoch.serverRunId()]);
      if (now !== epoch) {
        clearInterval(timer);
        lost =
          now === null
            ? `store_lost: the store at ${deps.where} lost its epoch marker (Redis was wiped or replaced): the bot stopped taking mail. ` +
              `Restore Redis from its backup and restart the bot, or stop it, run \`activation-bot rebuild\` (cases restored from the mailbox) and start it again, or restart it with \`run --fresh\``
            : `store_lost: the store at ${deps.where} was begun again by another process (epoch ${now}, this bot started on ${epoch}): ` +
              `the bot stopped taking mail; restart it`;
        onLost(lost);
        return;
      }
      if (runId !== null && id !== runId) {
        await onRestart?.();
        floorOwed = true;
      }
      runId = id;
    } catch (err) {
      stale = true;
      // Redis unreachable: /readyz reports Redis; the check runs again.
      deps.log.debug({ err }, "store check failed; tried again");
      return;
    }
    if (!floorOwed) return;
    try {
      const history = await deps.history();
      const seq = await deps.epoch.raiseCaseFloor(history.highestCaseNumber);
      floorOwed = false;
      deps.log.warn({ caseCounter: seq, highestInMailbox: history.highestCaseNumber }, "Redis restarted: case-number floor learned from the mailbox again");
    } catch (err) {
      // The mailbox unreachable: the floor is learned at a later check.
      deps.log.debug({ err }, "case-number floor not learned yet; tried again");
    }
  };
  const check = (): Promise<void> =>
    (running ??= checkOnce().finally(() => {
      running = null;
    }));
  const timer = setInterval(() => void check(), STORE_CHECK_MS);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    async beforeWork() {
      while (stale && lost === null) {
        await check();
        if (stale && lost === null) await new Promise((r) => setTimeout(r, STORE_CHECK_MS / 10));
      }
      if (lost !== null) throw new Error(lost);
    },
  };
}

/**
 * The store as the ingest worker uses it: each commit waits for `hooks.before` first (the store
 * guard's check after a dropped connection, StoreWatch.beforeWork), and `hooks.committed` hears each
 * commit that went through, in the order Redis answered them (the commit journal's order, so that a
 * restore handles lost mails again in the order they were first handled). Every other method is the
 * store's own.
 */
export function guardedCommits<S extends { commit(c: Commit): Promise<CommitResult> }>(
  store: S,
  hooks: { before(): Promise<void>; committed?(c: Commit): void },
): S {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === "commit") {
        return async (c: Commit) => {
          await hooks.before();
          const result = await target.commit(c);
          if (result === "committed") hooks.committed?.(c);
          return result;
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
