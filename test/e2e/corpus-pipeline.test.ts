/**
 * The whole corpus (test/fixtures/corpus) through the real pipeline: every mail is put in the desk's
 * INBOX as a server would store it, the watcher picks it up, the worker parses, classifies, matches
 * and records it. None may fail an attempt, none is quarantined, none gets an answer (none belongs
 * to a case), all leave INBOX for Processed, and the bot still answers a real case afterwards.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INGEST_QUEUE } from "../../src/adapters/queue/queues.js";
import type { MailActor } from "../../src/demo/actor.js";
import { withImap } from "../../src/demo/local-mail.js";
import { FIXTURES, wrapBody } from "../adapters/mime-test-helpers.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";
import { expectOpenItems, folderCounts } from "./helpers.js";

const CORPUS = join(FIXTURES, "corpus");

/** The mails of the corpus README (its table: file, class, expected handling, full mail or body). */
function corpusRows(): { file: string; kind: "full" | "body" }[] {
  const readme = readFileSync(join(CORPUS, "README.md"), "utf8");
  return [...readme.matchAll(/^\| `([^`]+)` \| [a-z-]+ \| (?:ignore|bounce|flag|parse) \| (full|body) \|/gm)].map((m) => ({
    file: m[1] ?? "",
    kind: m[2] as "full" | "body",
  }));
}

/** A body-only file as the text/plain part of a mail, with a Message-ID of its own per file. */
function wrapped(body: Buffer, n: number): Buffer {
  const mail = wrapBody(body);
  const end = mail.indexOf("\r\n\r\n");
  const head = mail.subarray(0, end).toString("utf8").replace("<wrapped-body@kund.example>", `<corpus-body-${n}@kund.example>`);
  return Buffer.concat([Buffer.from(head, "utf8"), mail.subarray(end)]);
}

describe("the corpus through the running bot", () => {
  let h: Harness;
  let nm: MailActor;

  beforeAll(async () => {
    h = await startHarness("corpus");
    nm = await h.actor("nm", "Nina Nätansvarig");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("handles every corpus mail without an error, a quarantine or an answer, and keeps working", async () => {
    const rows = corpusRows();
    expect(rows.length).toBe(251);
    const mails = await Promise.all(
      rows.map(async (row, i) => {
        const bytes = await readFile(join(CORPUS, row.file));
        return { file: row.file, raw: row.kind === "body" ? wrapped(bytes, i) : bytes };
      }),
    );
    const handled: { mail: string; outcome: string; caseId?: string }[] = [];
    h.bot.onHandled((info) => handled.push(info));
    const sentBefore = h.relay.received.length;

    // Stored as a server stores delivered mail; the watcher sees them arrive while it runs.
    const refused: { file: string; error: string }[] = [];
    await withImap(h.desk, async (client) => {
      for (const m of mails) {
        try {
          await client.append("INBOX", m.raw);
        } catch (err) {
          refused.push({ file: m.file, error: (err as Error).message });
        }
      }
    });
    expect(refused).toEqual([]);

    let counts: Record<string, number> = {};
    await eventually(
      async () => {
        counts = await folderCounts(h.desk, ["INBOX", "Processed", "Quarantine"]);
        return handled.length >= mails.length && counts.INBOX === 0;
      },
      40_000,
      "every corpus mail handled",
    ).catch((err: Error) => {
      throw new Error(`${err.message}: ${handled.length}/${mails.length} handled, folders ${JSON.stringify(counts)}`);
    });

    expect(counts).toEqual({ INBOX: 0, Processed: mails.length, Quarantine: 0 });
    expect(handled).toHaveLength(mails.length);
    expect(handled.filter((x) => x.outcome === "quarantined")).toEqual([]);
    // No corpus mail is tied to a case: each was recorded as noise or flagged loose.
    expect(handled.filter((x) => x.outcome === "case" || x.caseId)).toEqual([]);
    expect(await h.ctx.store.listCaseIds()).toEqual([]);
    for (const x of handled) {
      const ledger = await h.ctx.store.mailOutcome(x.mail);
      expect(ledger, x.mail).toMatch(/^(ignored|flagged):/);
    }
    // Not one attempt failed: a failure would have left its stack trace on the job.
    const queue = new Queue(INGEST_QUEUE, { connection: h.ctx.redis, prefix: `${h.ctx.config.REDIS_PREFIX}bull` });
    try {
      const jobs = await queue.getJobs(["completed", "failed", "active", "waiting", "delayed"]);
      expect(jobs).toHaveLength(mails.length);
      const failedAttempts = jobs.filter((j) => (j.stacktrace?.length ?? 0) > 0 || j.failedReason).map((j) => `${j.id}: ${j.failedReason}`);
      expect(failedAttempts).toEqual([]);
    } finally {
      await queue.close();
    }
    // Nothing went out: no answer to a stranger, a bounce or a list.
    await h.relay.settled();
    expect(h.relay.received.slice(sentBefore)).toHaveLength(0);

    // The worker is alive: a real case is answered as usual.
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina" });
    const id = opened.case.id;
    const first = await nm.next(15_000, (m) => m.subject.includes(`[${id}]`));
    await nm.reply(first, "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.");
    const answer = await nm.next(15_000, (m) => m.subject.includes(`[${id}]`));
    expectOpenItems(h, answer, "sv", ["account.contacts"]);
  });
});
