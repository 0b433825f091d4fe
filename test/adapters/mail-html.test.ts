// A stored mail's HTML read again for the desk (adapters/mime/mail-html.ts) from fixture mails, and
// cleaned by the sanitiser: the XSS fixture keeps its words and loses everything that could run.
import { createReadStream } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readMailHtml } from "../../src/adapters/mime/mail-html.js";
import { sanitiseMailHtml } from "../../src/adapters/mime/sanitise-mail-html.js";
import { FIXTURES } from "./mime-test-helpers.js";

const fixture = (name: string) => createReadStream(join(FIXTURES, "mail", name));

describe("reading a mail's HTML again", () => {
  it("finds the HTML of an HTML-only mail, and the sanitiser leaves its words and nothing that runs", async () => {
    const read = await readMailHtml(fixture("html-xss.eml"));
    expect(read.html).toContain("xss-body");
    const clean = sanitiseMailHtml(read.html ?? "", { partUrl: () => null, placeholder: "image not loaded" });
    expect(clean).toContain("Hej! Här kommer MAC-adressen för laddare 1.");
    expect(clean).toContain('<a href="https://portal.example.com/case">Portalen</a>');
    for (const bad of ["<script", "onload", "onerror", "javascript:", "<iframe", "<svg", "xss-head", "xss-body", "xss-onerror", "xss-svg-script", "document.cookie", "color: red"]) {
      expect(clean).not.toContain(bad);
    }
  });

  it("gives null for a text-only mail, and each inline part's blob id (its bytes' sha256) by Content-ID", async () => {
    expect((await readMailHtml(fixture("zero-byte-attachment.eml"))).html).toBeNull();
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489", "hex");
    const raw = [
      "From: a@b.example",
      "Subject: x",
      'Content-Type: multipart/related; boundary="b"',
      "",
      "--b",
      "Content-Type: text/html; charset=utf-8",
      "",
      '<p><img src="cid:logo@b.example"></p>',
      "--b",
      "Content-Type: image/png",
      "Content-ID: <logo@b.example>",
      "Content-Transfer-Encoding: base64",
      "",
      png.toString("base64"),
      "--b--",
      "",
    ].join("\r\n");
    const read = await readMailHtml(Readable.from([Buffer.from(raw)]));
    expect(read.html).toContain("cid:logo@b.example");
    expect(read.inline.get("logo@b.example")).toEqual({ blob: `sha256-${createHash("sha256").update(png).digest("hex")}`, contentType: "image/png" });
  });
});
