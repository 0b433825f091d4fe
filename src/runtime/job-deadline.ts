/**
 * The worker watchdog: a job that has not finished within its deadline fails with JobDeadlineError and
 * is retried like any failed attempt (BullMQ's attempts and backoff), instead of holding its lock, and its
 * slot, for ever. What hangs a job in the field is a Redis command lost in a failover or a server that
 * stops answering without closing the connection; every state change is idempotent (the mail ledger, the
 * outbox keys and case versions), so an abandoned attempt that later wakes up changes nothing twice.
 */
export class JobDeadlineError extends Error {
  readonly code = "job_deadline";
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms (JOB_DEADLINE_MS): abandoned and retried`);
    this.name = "JobDeadlineError";
  }
}

export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new JobDeadlineError(what, ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
