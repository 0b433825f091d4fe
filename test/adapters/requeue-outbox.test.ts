// The outbox's requeue (sweep, restore, a mail found handled), on real Redis and BullMQ: an entry still
// pending whose job completed without sending it (it ran before the entry was there, after a Redis
// restart) is run again; a missing job is added, a failed one retried, a waiting one left alone.
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createQueues, requeuePendingOutbox } from "../../src/adapters/queue/queues.js";
import { randomPrefix, redisUrl } from "../support/services.js";

describe("requeue of pending outbox entries", () => {
  const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
  const queues = createQueues(connection, randomPrefix("requeue"), 3);
  afterAll(async () => {
    await queues.close();
    connection.disconnect();
  });

  it("runs again a job that completed unsent, adds a missing one, retries a failed one, leaves a waiting one", async () => {
    for (const key of ["ACT-100001.completed", "ACT-100001.failed"]) await queues.outbox.add("send", { key }, { jobId: key, attempts: 1 });
    // One worker run: the first job completes (as one whose entry was not there yet), the second fails.
    const worker = new Worker(
      queues.outbox.name,
      async (job) => {
        if (job.id === "ACT-100001.failed") throw new Error("SMTP down");
      },
      { connection, prefix: queues.prefixes.outbox },
    );
    await new Promise<void>((resolve) => {
      let n = 0;
      const done = () => void (++n === 2 && resolve());
      worker.on("completed", done);
      worker.on("failed", done);
    });
    await worker.close();
    await queues.outbox.add("send", { key: "ACT-100001.waiting" }, { jobId: "ACT-100001.waiting" });
    expect(await queues.outbox.getJobState("ACT-100001.completed")).toBe("completed");
    expect(await queues.outbox.getJobState("ACT-100001.failed")).toBe("failed");

    await requeuePendingOutbox(queues, ["ACT-100001.completed", "ACT-100001.failed", "ACT-100001.waiting", "ACT-100001.missing"]);
    for (const key of ["ACT-100001.completed", "ACT-100001.failed", "ACT-100001.waiting", "ACT-100001.missing"]) {
      expect(await queues.outbox.getJobState(key), key).toBe("waiting");
    }
    expect(await queues.outbox.getWaitingCount()).toBe(4);
  });
});
