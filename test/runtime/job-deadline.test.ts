import { describe, expect, it } from "vitest";
import { JobDeadlineError, withDeadline } from "../../src/runtime/job-deadline.js";

describe("the worker watchdog", () => {
  it("gives a job's result when it finishes in time", async () => {
    await expect(withDeadline(Promise.resolve(7), 1000, "job 1")).resolves.toBe(7);
  });

  it("passes a job's own failure through", async () => {
    await expect(withDeadline(Promise.reject(new Error("smtp said no")), 1000, "job 2")).rejects.toThrow("smtp said no");
  });

  it("fails a job that hangs with an error naming the job, the deadline and its setting", async () => {
    const hung = new Promise<never>(() => {});
    const err = await withDeadline(hung, 20, "mail 17-4").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobDeadlineError);
    expect((err as Error).message).toBe("mail 17-4 did not finish within 20 ms (JOB_DEADLINE_MS): abandoned and retried");
  });
});
