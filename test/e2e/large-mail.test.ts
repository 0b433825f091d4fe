/**
 * The watcher's two ways of fetching, on a real Dovecot: mails are fetched in batches by the sizes the
 * server reports, and a mail over the batch limit (16 MB) is streamed alone. A stray mail of each size
 * arrives while the bot is stopped; each must be handled once (flagged `unmatched`, moved to
 * Processed), the large one with its attachment stored whole. A single new mail is fetched in one
 * command, cut at 2 MB; a larger one is fetched again whole.
 */
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";
import { deliverRaw, folderCounts } from "./helpers.js";
import { Queue } from "bullmq";
import type { IngestJob } from "../../src/adapters/queue/queues.js";
import { INGEST_QUEUE } from "../../src/adapters/queue/queues.js";

function strayMail(n: number, attachment: Buffer): Buffer {
  const b64 = (attachment.toString("base64").match(/.{1,76}/g) ?? []).join("\r\n");
  return Buffer.from(
    [
      "From: Okänd <okand@annan.example>",
      "To: desk@desk.test",
      `Subject: Filer ${n}`,
      `Message-ID: <large-${n}-${randomBytes(4).toString("hex")}@annan.example>`,
      "Date: Thu, 26 Nov 2026 10:00:00 +0100",
      "MIME-Version: 1.0",
      'Content-Type: multipart/mixed; boundary="xx"',
      "",
      "--xx",
      "Content-Type: text/plain; charset=utf-8",
      "",
      `Fil nummer ${n}.`,
      "--xx",
      `Content-Type: application/octet-stream; name="fil-${n}.bin"`,
      "Content-Transfer-Encoding: base64",
      "",
      b64,
      "--xx--",
      "",
    ].join("\r\n"),
  );
}

describe("the watcher fetches small mails in batches and streams a large one", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness("large-mail");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("handles a backlog of small, middle-sized and large mails, each once", async () => {
    await h.stopBot();
    const sizes = [2_000, 3 * 1024 * 1024, 100, 13 * 1024 * 1024, 5_000];
    const files = sizes.map((size) => randomBytes(size));
    for (const [i, file] of files.entries()) await deliverRaw(h.desk, strayMail(i, file));
    await h.startBot();

    const flags = await eventually(async () => {
      const loose = (await h.ctx.store.looseFlags()).filter((f) => f.code === "unmatched");
      return loose.length >= files.length ? loose : undefined;
    }, 60_000, "every mail flagged unmatched");
    expect(flags).toHaveLength(files.length);
    await eventually(async () => (await folderCounts(h.desk, ["INBOX"])).INBOX === 0, 15_000, "INBOX empty");
    expect(await folderCounts(h.desk, ["Processed"])).toEqual({ Processed: files.length });

    // The 17 MB mail (13 MB of base64 attachment) came through the streamed fetch, whole.
    const big = files[3] ?? Buffer.alloc(0);
    const id = `sha256-${createHash("sha256").update(big).digest("hex")}`;
    expect(await h.ctx.blobs.has(id)).toBe(true);

    // Each ingest job carries its mail's size, for the ingest byte budget.
    const queue = new Queue<IngestJob>(INGEST_QUEUE, { connection: h.ctx.redis, prefix: `${h.ctx.config.REDIS_PREFIX}bull` });
    try {
      const jobs = await queue.getJobs(["completed"]);
      expect(jobs).toHaveLength(files.length);
      for (const job of jobs) expect(job.data.bytes).toBe((await h.ctx.blobs.get(job.data.blob)).length);
      expect(Math.max(...jobs.map((j) => j.data.bytes ?? 0))).toBeGreaterThan(17 * 1024 * 1024);
    } finally {
      await queue.close();
    }
  }, 120_000);

  it("fetches a single new mail over the first fetch's cut again, whole", async () => {
    const file = randomBytes(3 * 1024 * 1024);
    const before = (await h.ctx.store.looseFlags()).length;
    await deliverRaw(h.desk, strayMail(9, file));
    await eventually(async () => (await h.ctx.store.looseFlags()).length > before, 30_000, "the mail flagged");
    expect(await h.ctx.blobs.has(`sha256-${createHash("sha256").update(file).digest("hex")}`)).toBe(true);
    await eventually(async () => (await folderCounts(h.desk, ["INBOX"])).INBOX === 0, 15_000, "INBOX empty");
  }, 60_000);
});
