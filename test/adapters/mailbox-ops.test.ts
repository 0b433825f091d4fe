/**
 * MailboxOps' Sent copies on the real Dovecot: group-committed into MULTIAPPEND commands, stored
 * byte for byte and \Seen, one bad message does not cost the others their copy, and a copy is found
 * by its Message-ID.
 */
import { ImapFlow } from "imapflow";
import pino from "pino";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MailboxOps } from "../../src/adapters/imap/mailbox-ops.js";
import { canMultiAppend, multiAppend } from "../../src/adapters/imap/multi-append.js";
import { imapUrl, withImap } from "../../src/demo/local-mail.js";
import { createMailUser, listMailbox, randomPrefix } from "../support/services.js";

const mail = (subject: string, body = "Hej!"): Buffer =>
  Buffer.from(
    [`From: desk@test.local`, `To: nm@test.local`, `Subject: ${subject}`, `Message-ID: <${randomPrefix("m")}@test.local>`, "", body, ""].join("\r\n"),
  );

/** Counts the APPEND commands imapflow puts on the wire (the real method runs). */
function countAppends() {
  const exec = ImapFlow.prototype as unknown as { exec: (command: string, ...rest: unknown[]) => unknown };
  const spy = vi.spyOn(exec, "exec");
  return () => spy.mock.calls.filter(([command]) => command === "APPEND").length;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("multiAppend", () => {
  it("stores several messages in one command, byte for byte, with their flags", async () => {
    const u = await createMailUser("multiappend");
    const messages = [mail("one"), mail("two", "Två\r\nrader"), mail("three")];
    const appends = countAppends();
    await withImap(u, async (client) => {
      await client.mailboxCreate("Sent");
      expect(canMultiAppend(client)).toBe(true);
      await multiAppend(client, "Sent", messages, ["\\Seen"]);
    });
    expect(appends()).toBe(1);
    const stored = await listMailbox(u.user, u.pass, "Sent");
    expect(stored.map((m) => m.raw)).toEqual(messages);
    expect(stored.every((m) => m.flags.includes("\\Seen"))).toBe(true);
  });

  it("stores none when the command fails", async () => {
    const u = await createMailUser("multiappend-fail");
    await withImap(u, async (client) => {
      await expect(multiAppend(client, "NoSuchFolder", [mail("a"), mail("b")], [])).rejects.toThrow();
      await client.mailboxCreate("Sent");
      // Dovecot refuses a zero-byte message: the whole command fails, the good one is not kept either.
      await expect(multiAppend(client, "Sent", [mail("good"), Buffer.alloc(0)], [])).rejects.toThrow();
      await expect(multiAppend(client, "Sent", [mail("nul\u0000")], [])).rejects.toThrow(/NUL/);
    });
    expect(await listMailbox(u.user, u.pass, "Sent")).toEqual([]);
  });
});

describe("MailboxOps.appendSent", () => {
  const opsFor = async (local: string) => {
    const u = await createMailUser(local);
    const warnings: string[] = [];
    const log = pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) });
    const ops = new MailboxOps({
      url: imapUrl(u),
      mailbox: "INBOX",
      folders: { processed: "Processed", quarantine: "Quarantine", sent: "Sent" },
      log,
    });
    await ops.ensureFolders();
    return { u, ops, warnings };
  };

  it("group-commits the copies that arrive while an APPEND is on the wire", async () => {
    const { u, ops, warnings } = await opsFor("sent-batch");
    const messages = Array.from({ length: 30 }, (_, i) => mail(`answer ${i}`));
    const appends = countAppends();
    try {
      await Promise.all(messages.map((m) => ops.appendSent(m)));
    } finally {
      await ops.close();
    }
    // The first goes at once, the other 29 wait for it and go together.
    expect(appends()).toBe(2);
    const stored = await listMailbox(u.user, u.pass, "Sent");
    expect(stored.map((m) => m.raw)).toEqual(messages);
    expect(stored.every((m) => m.flags.includes("\\Seen"))).toBe(true);
    expect(warnings).toEqual([]);
  });

  it("appends one at a time when a batch fails, so each copy gets its own outcome", async () => {
    const { u, ops, warnings } = await opsFor("sent-fallback");
    const first = mail("first");
    const good = [mail("good 1"), mail("good 2")];
    try {
      const results = await Promise.allSettled([ops.appendSent(first), ops.appendSent(good[0] as Buffer), ops.appendSent(Buffer.alloc(0)), ops.appendSent(good[1] as Buffer)]);
      expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    } finally {
      await ops.close();
    }
    expect((await listMailbox(u.user, u.pass, "Sent")).map((m) => m.raw)).toEqual([first, ...good]);
    expect(warnings.join("")).toContain("MULTIAPPEND to the Sent folder failed");
  });

  it("queueSent does not wait for the copy, batches a backlog's copies, and reports each one filed or failed", async () => {
    const { u, ops } = await opsFor("sent-queue");
    const messages = Array.from({ length: 12 }, (_, i) => mail(`queued ${i}`));
    const failed: unknown[] = [];
    let filed = 0;
    const done = (err?: unknown) => (err ? failed.push(err) : filed++);
    const appends = countAppends();
    try {
      // The empty one goes alone, at once (Dovecot refuses it); the rest wait for it and go together.
      await ops.queueSent(Buffer.alloc(0), done);
      // Each call returned without waiting for its copy, or there would be one APPEND per copy.
      for (const m of messages) await ops.queueSent(m, done);
    } finally {
      await ops.close(); // files what is still waiting
    }
    expect((await listMailbox(u.user, u.pass, "Sent")).map((m) => m.raw)).toEqual(messages);
    expect(failed).toHaveLength(1);
    expect(filed).toBe(12);
    expect(appends()).toBe(2);
  });

  it("sentHas finds a copy in the Sent folder by its Message-ID", async () => {
    const { ops } = await opsFor("sent-has");
    const copy = mail("filed");
    const id = /Message-ID: (<[^>]+>)/.exec(copy.toString())?.[1] ?? "";
    try {
      expect(await ops.sentHas(id)).toBe(false);
      await ops.appendSent(copy);
      expect(await ops.sentHas(id)).toBe(true);
      expect(await ops.sentHas("<someone-else@test.local>")).toBe(false);
    } finally {
      await ops.close();
    }
  });

  it("queueSent waits for its copy once too many bytes wait", async () => {
    const { u, ops } = await opsFor("sent-bound");
    const big = (i: number) => mail(`big ${i}`, `${"x".repeat(998)}\r\n`.repeat(7 * 1024));
    try {
      await ops.queueSent(big(1), () => {}); // on the wire at once
      await ops.queueSent(big(2), () => {}); // waits, 7 MB
      await ops.queueSent(big(3), () => {}); // 14 MB wait: under the bound
      const fourth = ops.queueSent(big(4), () => {}); // 21 MB: over it, so it waits for its own copy
      await fourth;
      expect((await listMailbox(u.user, u.pass, "Sent")).map((m) => m.subject)).toEqual(["big 1", "big 2", "big 3", "big 4"]);
    } finally {
      await ops.close();
    }
  });
});
