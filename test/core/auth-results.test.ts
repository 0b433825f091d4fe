import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMail } from "../../src/adapters/mime/parse-mail.js";
import { readAuthResults } from "../../src/core/mail/auth-results.js";
import type { HeaderLine } from "../../src/core/types.js";
import { FIXTURES, tempBlobStore, type TempBlobs } from "../adapters/mime-test-helpers.js";

const ar = (value: string): HeaderLine => ({ name: "authentication-results", value });
const TRUSTED = ["mx.activations.example.com"];

describe("readAuthResults", () => {
  it.each([
    ["pass", "pass"],
    ["fail", "fail"],
    ["none", "none"],
    ["bestguesspass", "none"],
    ["temperror", "unknown"],
    ["permerror", "unknown"],
  ])("maps dmarc=%s to %s", (result, verdict) => {
    const header = `mx.activations.example.com; spf=pass smtp.mailfrom=kund.example; dmarc=${result} header.from=kund.example`;
    expect(readAuthResults([ar(header)], TRUSTED)).toEqual({ dmarc: verdict, header });
  });

  it("ignores results from servers it does not trust (anyone can write them)", () => {
    const forged = ar("mx.activations.example.com.evil.example; dmarc=pass header.from=kund.example");
    expect(readAuthResults([forged, ar("mx.google.com; dmarc=pass")], TRUSTED)).toEqual({ dmarc: "unknown" });
  });

  it("uses the first trusted header that has a DMARC result", () => {
    const headers = [
      ar("mx.activations.example.com; spf=pass smtp.mailfrom=kund.example"),
      ar("mx.activations.example.com; dmarc=fail (p=reject dis=none) header.from=kund.example"),
      ar("mx.activations.example.com; dmarc=pass header.from=kund.example"),
    ];
    expect(readAuthResults(headers, TRUSTED).dmarc).toBe("fail");
  });

  it("reads through comments, a version number and odd spacing", () => {
    const header = "MX.Activations.Example.COM 1 (a comment; with a semicolon (nested)); dkim=pass; DMARC = fail (p=quarantine)";
    expect(readAuthResults([ar(header)], TRUSTED).dmarc).toBe("fail");
    expect(readAuthResults([ar('mx.activations.example.com; x="(not a comment)"; dmarc=pass')], TRUSTED).dmarc).toBe("pass");
  });

  it("trusts Exchange Online's header without authserv-id only when told to", () => {
    const header = ar("spf=pass (sender IP is 192.0.2.1) smtp.mailfrom=kund.example; dkim=none; dmarc=fail action=quarantine header.from=kund.example");
    expect(readAuthResults([header], TRUSTED).dmarc).toBe("unknown");
    expect(readAuthResults([header], [""]).dmarc).toBe("fail");
  });

  it("says unknown when there is no header at all", () => {
    expect(readAuthResults([{ name: "subject", value: "x" }], TRUSTED)).toEqual({ dmarc: "unknown" });
  });

  describe("on corpus mails", () => {
    let store: TempBlobs;
    beforeAll(async () => {
      store = await tempBlobStore();
    });
    afterAll(async () => {
      await store.cleanup();
    });
    const headersOf = async (path: string) =>
      (await parseMail(await readFile(join(FIXTURES, "corpus", path)), { blobs: store.blobs })).headers;

    it("reads Gmail's dmarc=fail only when mx.google.com is trusted", async () => {
      const headers = await headersOf("nodemailer-mailparser/test/fixtures/nodemailer.eml");
      expect(readAuthResults(headers, ["mx.google.com"]).dmarc).toBe("fail");
      expect(readAuthResults(headers, TRUSTED).dmarc).toBe("unknown");
    });

    it("reads Office 365's id-less header when '' is trusted", async () => {
      const headers = await headersOf("mimekit/UnitTests/TestData/messages/bounce.txt");
      expect(readAuthResults(headers, [""]).dmarc).toBe("fail");
    });
  });
});
