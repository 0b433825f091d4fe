/**
 * The job queues (BullMQ on Redis). Job ids are derived from the work itself — `uidvalidity-uid` for
 * an incoming mail, the outbox key for a mail to send — so enqueuing twice is a no-op.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { isCluster } from "../redis/connect.js";

export const INGEST_QUEUE = "ingest";
export const OUTBOX_QUEUE = "outbox";
export const REMIND_QUEUE = "remind";

export interface IngestJob {
  blob: string;
  /** The raw mail's size, for the ingest byte budget (absent in jobs queued by earlier versions). */
  bytes?: number;
  uidValidity: string;
  uid: number;
  /** When the watcher saw the mail (ms since epoch), for latency figures. */
  seenAt: number;
}

export interface OutboxJob {
  key: string;
}

/** SMTP outages can last hours: retry with capped exponential backoff for about a day. */
export const OUTBOX_ATTEMPTS = 300;
const OUTBOX_BACKOFF_CAP_MS = 5 * 60_000;

export function outboxBackoff(attemptsMade: number): number {
  return Math.min(500 * 2 ** Math.max(0, attemptsMade - 1), OUTBOX_BACKOFF_CAP_MS);
}

export interface Queues {
  ingest: Queue<IngestJob>;
  outbox: Queue<OutboxJob>;
  remind: Queue<{ caseId: string; stage: string; n: number }>;
  /** Each queue's BullMQ key prefix, for its workers. */
  prefixes: Record<"ingest" | "outbox" | "remind", string>;
  close(): Promise<void>;
}

/**
 * BullMQ's key prefix of a queue: `P` + `bull` (`ab:bull`). On a Cluster each queue has a hash tag of
 * its own (`{ab:ingest}bull`), so that the queues spread over the masters' slots as the cases do; a
 * queue's keys, which BullMQ's scripts touch together, stay in one slot.
 */
export function queuePrefix(connection: Redis, keyPrefix: string, queue: string): string {
  return isCluster(connection) ? `{${keyPrefix.replace(/[{}]/g, "")}${queue}}bull` : `${keyPrefix}bull`;
}

export function createQueues(connection: Redis, keyPrefix: string, maxIngestAttempts: number): Queues {
  const prefixes = { ingest: queuePrefix(connection, keyPrefix, INGEST_QUEUE), outbox: queuePrefix(connection, keyPrefix, OUTBOX_QUEUE), remind: queuePrefix(connection, keyPrefix, REMIND_QUEUE) };
  const ingest = new Queue<IngestJob>(INGEST_QUEUE, {
    connection,
    prefix: prefixes.ingest,
    defaultJobOptions: {
      attempts: maxIngestAttempts,
      backoff: { type: "exponential", delay: 500 },
      removeOnComplete: { age: 24 * 3600, count: 50_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
  const outbox = new Queue<OutboxJob>(OUTBOX_QUEUE, {
    connection,
    prefix: prefixes.outbox,
    defaultJobOptions: {
      attempts: OUTBOX_ATTEMPTS,
      backoff: { type: "custom" },
      removeOnComplete: { age: 24 * 3600, count: 50_000 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  });
  const remind = new Queue<{ caseId: string; stage: string; n: number }>(REMIND_QUEUE, {
    connection,
    prefix: prefixes.remind,
    defaultJobOptions: { attempts: 10, backoff: { type: "exponential", delay: 5000 }, removeOnComplete: true, removeOnFail: { age: 30 * 24 * 3600 } },
  });
  return {
    ingest,
    outbox,
    remind,
    prefixes,
    close: async () => {
      await Promise.all([ingest.close(), outbox.close(), remind.close()]);
    },
  };
}

export function ingestJobId(uidValidity: string, uid: number): string {
  return `${uidValidity}-${uid}`;
}

/**
 * Of mails still in the mailbox, the ones no ingest job is at work for: no job, or one that finished
 * (completed: its move failed or raced; failed: its quarantine could not be recorded). A finished job
 * is removed, so that the watcher's add is not a no-op on its id; the ledger then makes the new job a
 * move of the mail, not a second processing.
 */
export async function reclaimIngest(queues: Queues, uidValidity: string, uids: number[]): Promise<number[]> {
  const again = await Promise.all(
    uids.map(async (uid) => {
      const id = ingestJobId(uidValidity, uid);
      const state = await queues.ingest.getJobState(id);
      if (state === "unknown") return uid;
      if (state !== "completed" && state !== "failed") return null;
      await queues.ingest.remove(id);
      return uid;
    }),
  );
  return again.filter((u): u is number => u !== null);
}

/** Enqueues freshly committed outbox entries: the job id is the entry's key, so adding twice is a no-op. */
export async function enqueueOutbox(queues: Queues, keys: string[]): Promise<void> {
  const [only, ...more] = keys;
  if (only === undefined) return;
  // One answer per mail is the rule: a plain add is one script call, where addBulk wraps even one
  // job in a MULTI (and a new pipeline object that copies every script BullMQ defines).
  if (more.length === 0) await queues.outbox.add("send", { key: only }, { jobId: only });
  else await queues.outbox.addBulk(keys.map((key) => ({ name: "send", data: { key }, opts: { jobId: key } })));
}

/**
 * Drafts a team member sent (supervised mode): a job of their own (`<key>.released`), since a job made
 * for the key while it was a draft (it was skipped, and completed jobs are kept a day) would make a
 * plain add a no-op. Should this enqueue be lost, the sweep below adds the key's own job.
 */
export async function enqueueReleasedDrafts(queues: Queues, keys: string[]): Promise<void> {
  for (const key of keys) await queues.outbox.add("send", { key }, { jobId: `${key}.released` });
}

/**
 * The sweep over entries still pending: one whose job is gone (a crash between commit and enqueue) is
 * enqueued, one whose job failed for good (a long SMTP outage) is retried, one whose job completed
 * without sending it is run again, one queued is left alone. A job completes unsent when it ran before
 * its entry was there: after a Redis restart that lost the entry, the enqueue of a commit made before
 * the restart reaches Redis again (the client resends what was in flight) before the restore makes the
 * entry again; the restore's enqueue of the same job id is then a no-op.
 */
export async function requeuePendingOutbox(queues: Queues, keys: string[]): Promise<void> {
  for (const key of keys) {
    const job = await queues.outbox.getJob(key);
    if (!job) {
      await queues.outbox.add("send", { key }, { jobId: key });
      continue;
    }
    const state = await job.getState();
    if (state === "failed" || state === "completed") await job.retry(state);
  }
}

/**
 * Jobs a dead process of this host was working on, handed on at once instead of after their lock
 * lapses (JOB_LOCKS in runtime/run.ts: up to the lock's 6 s and a stalled check's 3 s more). A job
 * names the worker that took it (`processedBy`, `<host>:<pid>` here); `isDead` says whether that
 * process is gone (another host's workers are never judged: their locks lapse as usual). Its lock is
 * deleted and it is put in the stalled set, so the next stalled check (every worker runs one when it
 * starts) moves it back to wait; it counts as a stall, as it would after the lapse. Called before this
 * process's own workers start, so no job of its own is among them. The job ids handed on.
 */
export async function handOnJobsOfDeadWorkers(queue: Queue, redis: Redis, isDead: (workerName: string) => boolean): Promise<string[]> {
  const active = await queue.getJobs(["active"]);
  const dead = active.filter((j) => j.id && j.processedBy && isDead(j.processedBy)).map((j) => j.id!);
  if (dead.length === 0) return [];
  const multi = redis.multi();
  for (const id of dead) multi.del(queue.toKey(`${id}:lock`));
  multi.sadd(queue.toKey("stalled"), ...dead);
  await multi.exec();
  return dead;
}
