/**
 * Issue 20: an instance whose STORAGE_DIR another instance does not share fetches the blobs of held
 * mails and outbox entries again from the mailbox (real Dovecot through MailboxOps, real blob stores
 * and parser): the held mail from INBOX/Processed, an evidence attachment from the mail it came in,
 * a blank form or forwarded file from an earlier Sent copy, a blank form rendered again; a blob the
 * mailbox does not have is a blob_unreachable error.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { MailboxOps } from "../../src/adapters/imap/mailbox-ops.js";
import { parseMail } from "../../src/adapters/mime/parse-mail.js";
import { createBlankForms } from "../../src/adapters/pdf/blank-forms.js";
import type { BlobStore } from "../../src/app/ports.js";
import type { BlobRecoveryDeps } from "../../src/app/recover-blobs.js";
import { BlobUnreachableError, recoverHeldMail, recoverOutboxBlobs } from "../../src/app/recover-blobs.js";
import type { MailUser } from "../../src/demo/local-mail.js";
import { createMailUser, imapUrl, withImap } from "../../src/demo/local-mail.js";
import { makeCase } from "../support/case.js";
import { repoRules } from "../support/rules.js";

const PDF = Buffer.from("%PDF-1.4\n% a form the installer returned\n%%EOF\n");
const PHOTO = Buffer.from("\x89PNG\r\n\x1a\n not really a photo, but bytes with an id");

async function compose(opts: { messageId: string; headers?: Record<string, string>; attachments: { filename: string; content: Buffer }[] }): Promise<Buffer> {
  return new MailComposer({
    from: "Nina <nina@kund.test>",
    to: "desk@desk.test",
    subject: "Bilder",
    messageId: opts.messageId,
    text: "Här är de.",
    attachments: opts.attachments,
    headers: opts.headers ?? {},
  })
    .compile()
    .build();
}

describe("blobs another instance stored, fetched again from the mailbox", () => {
  let desk: MailUser;
  let ops: MailboxOps;
  let dirA: string;
  let dirB: string;
  let a: BlobStore;
  let b: BlobStore;
  let deps: BlobRecoveryDeps;

  beforeAll(async () => {
    desk = await createMailUser("recover", { domain: "desk.test" });
    ops = new MailboxOps({ url: imapUrl(desk), mailbox: "INBOX", folders: { processed: "Processed", quarantine: "Quarantine", sent: "Sent" }, log: pino({ level: "silent" }) });
    await ops.ensureFolders();
    dirA = await mkdtemp(join(tmpdir(), "ab-recover-a-"));
    dirB = await mkdtemp(join(tmpdir(), "ab-recover-b-"));
    a = createFileBlobStore(dirA);
    b = createFileBlobStore(dirB);
    const rules = await repoRules();
    const forms = createBlankForms(dirB, b, rules.forms.forms);
    deps = {
      blobs: b,
      receivedMail: (id) => ops.receivedByMessageId(id),
      sentCopies: (caseId, max) => ops.caseSentCopies(caseId, max),
      storeParts: async (raw) => void (await parseMail(raw, { blobs: b })),
      renderForm: async (att, c) => {
        const formId = att.filename.replace(`-${c.id}.pdf`, "");
        return rules.forms.forms.some((f) => f.id === formId) && (await forms(formId, c)).blob === att.blob;
      },
    };
  });
  afterAll(async () => {
    await ops?.close();
    await rm(dirA, { recursive: true, force: true });
    await rm(dirB, { recursive: true, force: true });
  });

  it("a held mail, from Processed, under the blob id it had", async () => {
    const raw = await compose({ messageId: "<held-1@kund.test>", attachments: [] });
    const held = await a.put(raw);
    await withImap(desk, (c) => c.append("Processed", raw));
    expect(await b.has(held.id)).toBe(false);
    await recoverHeldMail(deps, { id: "unknown_sender:mid:held-1@kund.test", blob: held.id, mail: "mid:held-1@kund.test" });
    expect(await b.has(held.id)).toBe(true);
    expect((await b.get(held.id)).equals(raw)).toBe(true);
  });

  it("an outbox entry's attachments: evidence from the mail it came in, a file from an earlier Sent copy, a blank form rendered again", async () => {
    const c0 = makeCase("ACT-100777");
    const inbound = await compose({ messageId: "<photos-1@kund.test>", attachments: [{ filename: "skap.png", content: PHOTO }] });
    await withImap(desk, (c) => c.append("INBOX", inbound));
    const photo = (await parseMail(inbound, { blobs: a })).attachments[0]?.blob ?? "";
    const earlier = await compose({ messageId: "<act-100777.e1.x@desk.test>", headers: { "X-Activation-Case": "ACT-100777" }, attachments: [{ filename: "forwarded.pdf", content: PDF }] });
    await withImap(desk, (c) => c.append("Sent", earlier));
    const pdf = (await parseMail(earlier, { blobs: a })).attachments[0]?.blob ?? "";
    const form = await createBlankForms(dirA, a, (await repoRules()).forms.forms)("site_commissioning", c0);
    const c = makeCase("ACT-100777", {
      evidence: [{ mail: "mid:photos-1@kund.test", at: c0.openedAt, from: "nina@kund.test", answers: {}, forms: [], macs: [], photos: [{ file: "skap.png", blob: photo, category: null, status: "ok", reasons: [], measures: {} }] }],
    });
    const attachments = [
      { filename: "skap.png", blob: photo, contentType: "image/png" },
      { filename: "forwarded.pdf", blob: pdf, contentType: "application/pdf" },
      form,
    ];
    for (const att of attachments) expect(await b.has(att.blob)).toBe(false);
    expect(await recoverOutboxBlobs(deps, { key: "ACT-100777.k1", caseId: c.id, attachments }, async () => c)).toBe(attachments.length);
    for (const att of attachments) expect(await b.has(att.blob)).toBe(true);
    // All there now: nothing is read again.
    expect(await recoverOutboxBlobs(deps, { key: "ACT-100777.k1", caseId: c.id, attachments }, () => Promise.reject(new Error("read")))).toBe(0);
  });

  it("says plainly when the mailbox does not have the blob either", async () => {
    const lost = await a.put(Buffer.from("only on instance A"));
    await expect(recoverHeldMail(deps, { id: "unmatched:mid:gone@kund.test", blob: lost.id, mail: "mid:gone@kund.test" })).rejects.toThrow(BlobUnreachableError);
    await expect(
      recoverOutboxBlobs(deps, { key: "ACT-100778.k1", caseId: "ACT-100778", attachments: [{ filename: "x.pdf", blob: lost.id, contentType: "application/pdf" }] }, async () => makeCase("ACT-100778")),
    ).rejects.toThrow(/blob_unreachable: attachments of ACT-100778\.k1 .*x\.pdf/);
  });
});
