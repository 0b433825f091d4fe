/** The mailbox settings `run`, `replay` and `mailbox check` share: who files Sent copies, the connection bound, CA files. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TlsTrustError } from "../../src/adapters/tls/tls-trust.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { botFilesSentCopy, checkMailSettings, imapConnectionsNeeded, imapMaxConnections, imapTls, smtpTls } from "../../src/runtime/mail-settings.js";

const silent = pino({ level: "silent" });

describe("mail settings", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ab-mail-settings-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves the Sent copy to Gmail and Exchange Online by default, and to the bot elsewhere or when told", () => {
    expect(botFilesSentCopy(loadConfig({ IMAP_URL: "imaps://a:b@imap.gmail.com" }))).toBe(false);
    expect(botFilesSentCopy(loadConfig({ IMAP_URL: "imaps://a:b@outlook.office365.com" }))).toBe(false);
    expect(botFilesSentCopy(loadConfig({ IMAP_URL: "imaps://a:b@mail.example.se" }))).toBe(true);
    expect(botFilesSentCopy(loadConfig({ IMAP_URL: "imaps://a:b@imap.gmail.com", IMAP_SENT_COPY: "append" }))).toBe(true);
    expect(botFilesSentCopy(loadConfig({ IMAP_URL: "imaps://a:b@mail.example.se", IMAP_SENT_COPY: "server" }))).toBe(false);
  });

  it("refuses to start with more IMAP connections than IMAP_MAX_CONNECTIONS allows", () => {
    expect(imapConnectionsNeeded({ WORKER_PROCESSES: 7 })).toBe(15);
    expect(() => checkMailSettings(loadConfig({ WORKER_PROCESSES: "7" }), silent)).not.toThrow();
    expect(() => checkMailSettings(loadConfig({ WORKER_PROCESSES: "8" }), silent)).toThrow(ConfigError);
    expect(() => checkMailSettings(loadConfig({ WORKER_PROCESSES: "8", IMAP_MAX_CONNECTIONS: "20" }), silent)).not.toThrow();
    expect(imapMaxConnections(loadConfig({ IMAP_URL: "imaps://a:b@outlook.office365.com" }))).toBe(20);
    expect(imapMaxConnections(loadConfig({ IMAP_URL: "imaps://a:b@imap.gmail.com" }))).toBe(15);
  });

  it("reads the CA files, the specific one before TLS_CA_FILE, and names the setting of a bad file", async () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    await writeFile(path.join(dir, "shared.pem"), pem);
    await writeFile(path.join(dir, "smtp.pem"), pem.replace("MIIB", "MIIC"));
    const config = loadConfig({ TLS_CA_FILE: path.join(dir, "shared.pem"), SMTP_CA_FILE: path.join(dir, "smtp.pem") });
    expect(imapTls(config)).toEqual({ rejectUnauthorized: true, ca: pem });
    expect(smtpTls(config).ca).toContain("MIIC");
    expect(() => imapTls(loadConfig({ IMAP_CA_FILE: path.join(dir, "missing.pem") }))).toThrow(TlsTrustError);
    expect(() => imapTls(loadConfig({ IMAP_CA_FILE: path.join(dir, "missing.pem") }))).toThrow(/^IMAP_CA_FILE: cannot read /);
  });
});
