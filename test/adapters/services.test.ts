import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  appendMail,
  createMailUser,
  listMailbox,
  randomPrefix,
  startLocalRelay,
  waitForMail,
  type LocalRelay,
} from "../support/services.js";

const rawMail = (subject: string, to: string): string =>
  [`From: sender@test.local`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${randomPrefix("m")}@test.local>`, "", "body", ""].join(
    "\r\n",
  );

describe("test services harness", () => {
  let sink: LocalRelay;
  beforeAll(async () => {
    sink = await startLocalRelay();
  });
  afterAll(async () => {
    await sink.close();
  });

  it("delivers mail sent through the SMTP relay into the recipient's Dovecot INBOX", async () => {
    const alice = await createMailUser("alice");
    sink.addMailbox(alice);
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: sink.port, secure: false, pool: true });
    try {
      await transport.sendMail({
        from: "Bot <bot@test.local>",
        to: [alice.address, "stranger@elsewhere.test"],
        subject: "Hello via SMTP",
        text: "hi",
      });
    } finally {
      transport.close();
    }

    const got = await sink.waitFor((m) => m.envelope.to.includes(alice.address));
    await sink.settled();
    expect(got.envelope).toEqual({ from: "bot@test.local", to: [alice.address, "stranger@elsewhere.test"] });
    const mail = await waitForMail(alice.user, alice.pass, (m) => m.subject === "Hello via SMTP", { timeoutMs: 5000 });
    expect(mail.parsed.text?.trim()).toBe("hi");
    expect(mail.headers.get("return-path")).toMatchObject({ value: [{ address: "bot@test.local" }] });
  });

  it("round-trips appendMail and listMailbox, including other folders", async () => {
    const bob = await createMailUser("bob");
    await appendMail(bob.user, bob.pass, rawMail("first", bob.address));
    await appendMail(bob.user, bob.pass, Buffer.from(rawMail("second", bob.address)));
    await appendMail(bob.user, bob.pass, rawMail("filed", bob.address), "Archive");

    expect((await listMailbox(bob.user, bob.pass)).map((m) => m.subject)).toEqual(["first", "second"]);
    const archive = await listMailbox(bob.user, bob.pass, "Archive");
    expect(archive.map((m) => m.subject)).toEqual(["filed"]);
    expect(archive[0]?.raw.toString()).toContain("Subject: filed");
    expect(await listMailbox(bob.user, bob.pass, "Missing")).toEqual([]);
  });

  it("isolates users from each other", async () => {
    const [a, b] = await Promise.all([createMailUser("iso"), createMailUser("iso")]);
    expect(a.user).not.toBe(b.user);
    await appendMail(a.user, a.pass, rawMail("for a", a.address));

    expect((await listMailbox(a.user, a.pass)).map((m) => m.subject)).toEqual(["for a"]);
    expect(await listMailbox(b.user, b.pass)).toEqual([]);
    await expect(listMailbox(a.user, b.pass)).rejects.toThrow();
    await expect(waitForMail(b.user, b.pass, () => true, { timeoutMs: 300 })).rejects.toThrow(/no matching mail/);
  });
});
