import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { MailParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { extractTnef } from "../../src/adapters/mime/tnef.js";
import { FIXTURES, mailFixture } from "./mime-test-helpers.js";

const LIMITS = { maxAttachments: 100 };
const sha = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

/** The first attachment of a mail, buffered (fine for a test). */
async function firstAttachment(mail: Buffer): Promise<Buffer> {
  const parser = new MailParser();
  let found: Buffer | undefined;
  parser.on("data", (data) => {
    if (data.type !== "attachment") return;
    const chunks: Buffer[] = [];
    data.content.on("data", (c: Buffer) => chunks.push(c));
    data.content.on("end", () => {
      found ??= Buffer.concat(chunks);
      data.release?.();
    });
  });
  await new Promise((resolve, reject) => parser.on("end", resolve).on("error", reject).end(mail));
  if (!found) throw new Error("no attachment");
  return found;
}

/**
 * node-tnef as the oracle, in a child process: importing it replaces String.prototype.replaceAll
 * and it logs to stdout, neither of which may reach the test worker.
 */
function nodeTnefDigests(bytes: Buffer): string[] {
  const script = `
    const tnef = require(${JSON.stringify(createRequire(import.meta.url).resolve("node-tnef"))});
    const crypto = require("node:crypto");
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c)).on("end", () => {
      tnef.parseBuffer(Buffer.concat(chunks), (failed, result) => {
        const out = failed || !result ? [] : (result.Attachments || []).filter((a) => a && a.Data)
          .map((a) => crypto.createHash("sha256").update(Buffer.from(a.Data)).digest("hex"));
        process.stdout.write("\\nRESULT" + JSON.stringify(out) + "\\n");
      });
    });`;
  const stdout = execFileSync(process.execPath, ["-e", script], { input: bytes, encoding: "utf8", timeout: 30_000 });
  const line = stdout.split("\n").find((l) => l.startsWith("RESULT"));
  return line ? (JSON.parse(line.slice("RESULT".length)) as string[]) : [];
}

describe("extractTnef", () => {
  it("reads long names and MIME tags of the attachments in our fixture", async () => {
    const dat = await firstAttachment(await mailFixture("tnef-winmail.eml"));
    const result = extractTnef(dat, LIMITS);
    expect(result.problems).toEqual([]);
    expect(result.attachments.map((a) => [a.filename, a.contentType, a.data.length])).toEqual([
      ["Driftsättningsprotokoll ACT-123456.pdf", "application/pdf", 142],
      ["mac-etikett-laddare-1.png", "image/png", 71],
    ]);
  });

  it("opens messages embedded in winmail.dat (Outlook rich text, corpus)", async () => {
    const mail = await readFile(join(FIXTURES, "corpus", "mimekit/UnitTests/TestData/tnef/rich-text.eml"));
    const result = extractTnef(await firstAttachment(mail), LIMITS);
    expect(result.problems).toEqual([]);
    expect(result.attachments.map((a) => a.filename)).toEqual([
      "kitten-playing-with-a-christmas-tree.jpg",
      "kitten-playing-with-a-christmas-tree.jpg",
    ]);
  });

  it("agrees with node-tnef on well-formed streams", async () => {
    const ours = await firstAttachment(await mailFixture("tnef-winmail.eml"));
    const samples = [ours];
    const nodeTnefSample = join(dirname(createRequire(import.meta.url).resolve("node-tnef/package.json")), "testFiles", "attachments.dat");
    if (existsSync(nodeTnefSample)) samples.push(await readFile(nodeTnefSample));
    for (const sample of samples) {
      const mine = extractTnef(sample, LIMITS).attachments.map((a) => sha(a.data));
      expect(mine).toEqual(nodeTnefDigests(sample));
    }
  });

  it("reports what it cannot read and keeps what came before", async () => {
    const dat = await firstAttachment(await mailFixture("tnef-winmail.eml"));
    expect(extractTnef(Buffer.from("not tnef at all"), LIMITS)).toEqual({
      attachments: [],
      problems: ["not a TNEF stream (bad signature)"],
    });
    // Cut inside the last attribute (the PNG's MAPI properties): its long name is lost, its data kept.
    const truncated = extractTnef(dat.subarray(0, dat.length - 40), LIMITS);
    expect(truncated.attachments.map((a) => a.filename)).toEqual(["Driftsättningsprotokoll ACT-123456.pdf", "MAC-ET~1.PNG"]);
    expect(truncated.problems).toEqual(["attribute 0x9005 runs past the end"]);
    const flipped = Buffer.from(dat);
    flipped[200] = (flipped[200] ?? 0) ^ 0xff;
    expect(extractTnef(flipped, LIMITS).problems).toContain("checksum mismatch");
  });

  it("does not allocate for a length field that claims gigabytes", () => {
    const evil = Buffer.alloc(64);
    evil.writeUInt32LE(0x223e9f78, 0);
    evil[6] = 1;
    evil.writeUInt16LE(0x9003, 7);
    evil.writeInt32LE(0x7ffffff0, 11);
    expect(extractTnef(evil, LIMITS).problems).toEqual(["attribute 0x9003 runs past the end"]);
  });

  it("stops at maxAttachments", async () => {
    const dat = await firstAttachment(await mailFixture("tnef-winmail.eml"));
    const result = extractTnef(dat, { maxAttachments: 1 });
    expect(result.attachments).toHaveLength(1);
    expect(result.problems).toContain("too many attachments, the rest were not extracted");
  });

  it("never throws on random bytes behind a valid signature, and stays fast", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    const started = Date.now();
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: 6 + (i % 400) }, random));
      bytes.writeUInt32LE(0x223e9f78, 0);
      expect(() => extractTnef(bytes, LIMITS)).not.toThrow();
    }
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
