/**
 * The bot's own DMARC check (mailauth) on mails signed here with a key of our own; DNS answers come from
 * a table, as in mailauth's own tests, so nothing leaves the machine.
 */
import { generateKeyPairSync } from "node:crypto";
import { Readable } from "node:stream";
import { dkimSign } from "mailauth/lib/dkim/sign.js";
import { describe, expect, it } from "vitest";
import { createAuthVerifier } from "../../src/adapters/mailauth/verify-auth.js";

const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const spki = publicKey.export({ type: "spki", format: "der" }).toString("base64");

const DNS: Record<string, string[][]> = {
  "TXT sel._domainkey.kund.test": [[`v=DKIM1; k=rsa; p=${spki}`]],
  "TXT _dmarc.kund.test": [["v=DMARC1; p=reject"]],
  "TXT kund.test": [["v=spf1 -all"]],
};

async function resolver(name: string, rrtype: string): Promise<string[][]> {
  const hit = DNS[`${rrtype} ${name.toLowerCase()}`];
  if (hit) return hit;
  throw Object.assign(new Error(`no ${rrtype} for ${name}`), { code: "ENOTFOUND" });
}

const message = (body: string) =>
  [
    "Received: from mail.kund.test (mail.kund.test [192.0.2.10]) by mx.desk.test with ESMTP id 1; Thu, 26 Nov 2026 10:00:00 +0100",
    "From: Nina <nina@kund.test>",
    "To: activations@desk.test",
    "Subject: SV: [ACT-100001] Aktivering",
    "Message-ID: <r1@kund.test>",
    "Date: Thu, 26 Nov 2026 10:00:00 +0100",
    "",
    body,
    "",
  ].join("\r\n");

async function signed(body: string): Promise<string> {
  const raw = message(body);
  const key = { signingDomain: "kund.test", selector: "sel", privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() };
  // mailauth signs with the entries of `signatureData`; the top-level fields are the types' defaults.
  const r = await dkimSign(raw, { ...key, signatureData: [key] });
  return r.signatures + raw;
}

describe("the bot's own DMARC check", () => {
  const verify = createAuthVerifier({ mta: "mx.desk.test", resolver });

  it("passes a mail whose DKIM signature verifies and aligns with From", async () => {
    const v = await verify(Readable.from([Buffer.from(await signed("Flex-fakturering är konfigurerad."))]));
    expect(v.dmarc).toBe("pass");
    expect(v.header).toContain("dkim=pass");
  });

  it("fails a forged mail: body changed after signing, SPF not permitting the sender", async () => {
    const forged = (await signed("Flex-fakturering är konfigurerad.")).replace("konfigurerad", "KONFIGURERAD");
    const v = await verify(Readable.from([Buffer.from(forged)]));
    expect(v.dmarc).toBe("fail");
  });

  it("says none for a domain without a DMARC record, and never throws on garbage", async () => {
    const other = message("hej").replace(/kund\.test/g, "annan.test");
    expect((await verify(Readable.from([Buffer.from(other)]))).dmarc).toBe("none");
    expect(["none", "unknown"]).toContain((await verify(Readable.from([Buffer.from("\u0000\u0001 not a mail")]))).dmarc);
  });
});
