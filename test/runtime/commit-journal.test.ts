import { describe, expect, it } from "vitest";
import { CommitJournal, JOURNAL_MS, restoreAfterRestart } from "../../src/runtime/commit-journal.js";

describe("commit journal", () => {
  it("forgets what is older than JOURNAL_MS", () => {
    let now = 1_000_000;
    const j = new CommitJournal(() => now);
    j.handled("mid:a@x", "blob-a");
    j.sent("ACT-100001.aa");
    now += JOURNAL_MS + 1;
    j.handled("mid:b@x", "blob-b");
    expect(j.recentMails()).toEqual([{ key: "mid:b@x", blob: "blob-b" }]);
    expect(j.wasSent("ACT-100001.aa")).toBe(false);
  });

  it("handles again only the mails whose ledger entry is gone, marks lost sends, then queues what it made", async () => {
    const j = new CommitJournal();
    j.handled("mid:kept@x", "blob-kept");
    j.handled("mid:lost@x", "blob-lost");
    j.sent("ACT-100001.aa");
    const steps: string[] = [];
    const restored = await restoreAfterRestart(j, {
      ledgerHas: async (keys) => keys.map((k) => k === "mid:kept@x"),
      handleAgain: async (blob) => (steps.push(`handle ${blob}`), ["ACT-100001.bb"]),
      markSentAgain: async (key) => (steps.push(`mark ${key}`), true),
      enqueueOutbox: async (keys) => void steps.push(`enqueue ${keys.join(",")}`),
    });
    expect(restored).toEqual({ mails: 1, sends: 1 });
    // The marks come before the queueing, so an entry made again that was sent before never goes twice.
    expect(steps).toEqual(["handle blob-lost", "mark ACT-100001.aa", "enqueue ACT-100001.bb"]);
  });
});
