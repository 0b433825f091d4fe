/** Folder resolution and CRLF normalisation: the pure parts of issue 17's folder handling. */
import { describe, expect, it } from "vitest";
import { hasBareLineEnd, toCrlf } from "../../src/adapters/imap/crlf.js";
import { fullPath, planFolders } from "../../src/adapters/imap/folders.js";
import { idlePushGraceMs } from "../../src/adapters/imap/pickup-poller.js";

const dovecot = { prefix: "", delimiter: "/" };
const cyrus = { prefix: "INBOX.", delimiter: "." };

describe("fullPath", () => {
  it("puts names below the personal namespace's prefix once", () => {
    expect(fullPath(cyrus, "Processed")).toBe("INBOX.Processed");
    expect(fullPath(cyrus, "INBOX.Processed")).toBe("INBOX.Processed");
    expect(fullPath(cyrus, "inbox.Processed")).toBe("INBOX.Processed");
    expect(fullPath(cyrus, "inbox")).toBe("INBOX");
    expect(fullPath(dovecot, "Processed")).toBe("Processed");
  });
});

describe("planFolders", () => {
  const names = { processed: "Processed", quarantine: "Quarantine" };
  it("finds Sent by its \\Sent mark when no name is configured, and compares full paths", () => {
    const list = [
      { path: "INBOX", specialUse: "\\Inbox" },
      { path: "INBOX.Processed", specialUse: "" },
      { path: "INBOX.Sent Items", specialUse: "\\Sent" },
    ];
    expect(planFolders(cyrus, list, names)).toEqual([
      { role: "processed", path: "INBOX.Processed", exists: true, via: "configured" },
      { role: "quarantine", path: "INBOX.Quarantine", exists: false, via: "configured" },
      { role: "sent", path: "INBOX.Sent Items", exists: true, via: "special-use" },
    ]);
  });
  it("takes Gmail's [Gmail]/Sent Mail by its mark, a configured name over the mark, and Sent without either", () => {
    const gmail = [{ path: "[Gmail]/Sent Mail", specialUse: "\\Sent" }];
    expect(planFolders(dovecot, gmail, names)[2]).toMatchObject({ path: "[Gmail]/Sent Mail", via: "special-use" });
    expect(planFolders(dovecot, gmail, { ...names, sent: "Outgoing" })[2]).toMatchObject({ path: "Outgoing", exists: false, via: "configured" });
    expect(planFolders(cyrus, [], names)[2]).toMatchObject({ path: "INBOX.Sent", exists: false, via: "default" });
  });
});

describe("toCrlf", () => {
  it("turns lone LF and lone CR into CRLF and leaves CRLF alone", () => {
    expect(toCrlf(Buffer.from("a\nb\rc\r\nd\n\n")).toString()).toBe("a\r\nb\r\nc\r\nd\r\n\r\n");
    const clean = Buffer.from("a\r\nb\r\n");
    expect(toCrlf(clean)).toBe(clean);
    expect(hasBareLineEnd(Buffer.from("\nx"))).toBe(true);
    expect(hasBareLineEnd(Buffer.from("x\r"))).toBe(true);
    expect(hasBareLineEnd(clean)).toBe(false);
  });
});

describe("idlePushGraceMs", () => {
  it("is half the poll interval, at least 3 s (INTERNALDATE has whole seconds)", () => {
    expect(idlePushGraceMs(1000)).toBe(3000);
    expect(idlePushGraceMs(10_000)).toBe(5000);
  });
});
