/**
 * Sent copies a dead process left unfiled (src/app/file-sent-copies.ts), on the real parts: the case
 * store in Redis lists every sent answer as unfiled until its copy is stored; the copy is rebuilt by
 * the SMTP sender's composer and stored in the real Dovecot's Sent folder, once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { MailboxOps } from "../../src/adapters/imap/mailbox-ops.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { createSmtpSender, type SmtpSender } from "../../src/adapters/smtp/smtp-sender.js";
import { fileUnfiledSentCopies, SENT_COPY_GRACE_MS, type FileSentCopiesDeps } from "../../src/app/file-sent-copies.js";
import type { OutboxEntry } from "../../src/core/case/outbox-entry.js";
import { imapUrl } from "../../src/demo/local-mail.js";
import { makeCase, makeOutboxEntry } from "../support/case.js";
import { createMailUser, listMailbox, randomPrefix, redisUrl, type MailUser } from "../support/services.js";

const NOW = Date.parse("2026-11-26T12:00:00.000Z");
const FROM = "Aktiveringar <desk@vendor.example>";

const mailboxOps = (u: MailUser) =>
  new MailboxOps({ url: imapUrl(u), mailbox: "INBOX", folders: { processed: "Processed", quarantine: "Quarantine", sent: "Sent" }, log: pino({ level: "silent" }) });

describe("filing the Sent copies a dead process left", () => {
  let redis: Redis;
  let store: CaseStore;
  let ops: MailboxOps;
  let smtp: SmtpSender;
  let user: MailUser;
  let blobDir: string;
  let deps: FileSentCopiesDeps;

  beforeEach(async () => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("sent-copies"));
    user = await createMailUser("sent-copies");
    ops = mailboxOps(user);
    await ops.ensureFolders();
    blobDir = await mkdtemp(join(tmpdir(), "sent-copies-"));
    // Only its composer is used: no SMTP connection is made.
    smtp = createSmtpSender("smtp://127.0.0.1:1", 1, createFileBlobStore(blobDir));
    deps = {
      store,
      clock: { now: () => new Date(NOW) },
      compose: (entry) => smtp.compose(entry, FROM),
      sentFolder: { has: (id) => ops.sentHas(id), append: (raw) => ops.appendSent(raw) },
    };
  });

  afterEach(async () => {
    await ops.close();
    smtp.close();
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await rm(blobDir, { recursive: true, force: true });
  });

  /** An answer committed and marked sent `agoMs` before NOW, whose copy never reached the Sent folder. */
  async function sentUnfiled(n: number, agoMs: number): Promise<OutboxEntry> {
    const entry = makeOutboxEntry("ACT-100001", n, NOW - agoMs - 1000);
    await store.commit({ before: null, case: makeCase("ACT-100001"), events: [], outbox: [entry], mail: { key: `imap:1:${n}`, outcome: "case:ACT-100001" }, messageIds: [], looseFlags: [] });
    await store.markSent(entry, "250 2.0.0 queued", new Date(NOW - agoMs).toISOString());
    return entry;
  }

  const sentFolder = async () => (await listMailbox(user.user, user.pass, "Sent")).map((m) => m.raw.toString("latin1"));

  it("rebuilds a copy left unfiled past the grace time and files it once", async () => {
    const entry = await sentUnfiled(1, SENT_COPY_GRACE_MS + 60_000);
    expect(await store.unfiledSentCopies(NOW, 10)).toEqual([entry.key]);

    expect(await fileUnfiledSentCopies(deps)).toEqual({ filed: 1, present: 0, gone: 0 });
    const stored = await sentFolder();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toContain(`Message-ID: ${entry.messageId}`);
    expect(stored[0]).toContain(`Subject: ${entry.subject}`);
    expect(stored[0]).toContain("Auto-Submitted: auto-replied");
    expect(await store.unfiledSentCopies(NOW, 10)).toEqual([]);

    expect(await fileUnfiledSentCopies(deps)).toEqual({ filed: 0, present: 0, gone: 0 });
    expect(await sentFolder()).toHaveLength(1);
  });

  it("does not file a second copy of one stored just before the crash", async () => {
    const entry = await sentUnfiled(2, SENT_COPY_GRACE_MS + 60_000);
    await ops.appendSent(await smtp.compose(entry, FROM));

    expect(await fileUnfiledSentCopies(deps)).toEqual({ filed: 0, present: 1, gone: 0 });
    expect(await sentFolder()).toHaveLength(1);
    expect(await store.unfiledSentCopies(NOW, 10)).toEqual([]);
  });

  it("leaves a copy sent within the grace time to the process that sent it", async () => {
    const entry = await sentUnfiled(3, 60_000);
    expect(await fileUnfiledSentCopies(deps)).toEqual({ filed: 0, present: 0, gone: 0 });
    expect(await sentFolder()).toHaveLength(0);
    expect(await store.unfiledSentCopies(NOW, 10)).toEqual([entry.key]);
    await store.markFiled([entry.key]);
    expect(await store.unfiledSentCopies(NOW, 10)).toEqual([]);
  });

  it("takes a copy whose outbox entry is gone off the list, and counts it apart", async () => {
    await sentUnfiled(5, SENT_COPY_GRACE_MS + 60_000);
    const orphan = "ACT-100009.answer9";
    await redis.zadd(`${store.prefix}outbox:unfiled`, NOW - SENT_COPY_GRACE_MS - 120_000, orphan);
    expect(await fileUnfiledSentCopies(deps)).toEqual({ filed: 1, present: 0, gone: 1 });
    expect(await sentFolder()).toHaveLength(1);
    expect(await store.unfiledSentCopies(NOW, 10)).toEqual([]);
  });

  it("keeps a copy unfiled when the Sent folder cannot be reached, and files it at the next round", async () => {
    const entry = await sentUnfiled(4, SENT_COPY_GRACE_MS + 60_000);
    const unreachable = mailboxOps({ ...user, pass: "wrong password" });
    try {
      await expect(
        fileUnfiledSentCopies({ ...deps, sentFolder: { has: (id) => unreachable.sentHas(id), append: (raw) => unreachable.appendSent(raw) } }),
      ).rejects.toThrow();
    } finally {
      await unreachable.close();
    }
    expect(await store.unfiledSentCopies(NOW, 10)).toEqual([entry.key]);
    expect(await fileUnfiledSentCopies(deps)).toEqual({ filed: 1, present: 0, gone: 0 });
  });
});
