/**
 * Guards against a lost store (issue 20): Redis that no longer holds the desk's state must not be
 * used as if it were new. At start, an empty store whose mailbox has history is refused unless
 * `run --fresh`; case numbers continue above the highest one the mailbox shows. While running, a store
 * whose epoch marker is gone or changed stops the bot taking mail (the caller pauses it and reports).
 */
import type { Logger } from "pino";
import type { StoreEpoch } from "../adapters/redis/store-epoch.js";
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

/**
 * Checks every STORE_CHECK_MS that the store still carries `epoch`. `onLost` hears once why it does
 * not. A Redis restart (its run_id changed) may have lost its last second: `onRestart` restores what
 * this process knows it lost (commit-journal.ts), then the case-number floor is learned from the
 * mailbox again; should either fail, both are tried again at the next check.
 */
export function watchStore(deps: StoreGuardDeps, epoch: string, onLost: (reason: string) => void, onRestart?: () => Promise<void>): { stop(): void } {
  let runId: string | null = null;
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void (async () => {
      try {
        const [now, id] = await Promise.all([deps.epoch.read(), deps.epoch.serverRunId()]);
        if (now !== epoch) {
          clearInterval(timer);
          onLost(
            now === null
              ? `store_lost: the store at ${deps.where} lost its epoch marker (Redis was wiped or replaced): the bot stopped taking mail. ` +
                  `Restore Redis from its backup and restart the bot, or stop it, run \`activation-bot rebuild\` (cases restored from the mailbox) and start it again, or restart it with \`run --fresh\``
              : `store_lost: the store at ${deps.where} was begun again by another process (epoch ${now}, this bot started on ${epoch}): ` +
                  `the bot stopped taking mail; restart it`,
          );
          return;
        }
        if (runId !== null && id !== runId) {
          await onRestart?.();
          const history = await deps.history();
          const seq = await deps.epoch.raiseCaseFloor(history.highestCaseNumber);
          deps.log.warn({ caseCounter: seq, highestInMailbox: history.highestCaseNumber }, "Redis restarted: case-number floor learned from the mailbox again");
        }
        runId = id;
      } catch (err) {
        // Redis or the mailbox unreachable: /readyz reports Redis; the check runs again.
        deps.log.debug({ err }, "store check failed; tried again");
      } finally {
        busy = false;
      }
    })();
  }, STORE_CHECK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
