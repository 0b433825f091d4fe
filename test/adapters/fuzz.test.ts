/**
 * Deterministic fuzzing of parseMail + classifyMail on mutated corpus mails: truncation, byte flips,
 * duplicated headers, deep multipart nesting, removed boundaries, changed line endings, spliced mails,
 * garbage encoded words. Whatever the bytes, both must return plain data within the bounds, never throw
 * and never hang (each mail has its own time guard). A failure names the seed mail and the mutations,
 * and the PRNG seed makes it reproducible.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_MIME_LIMITS, parseMail } from "../../src/adapters/mime/parse-mail.js";
import { classifyMail } from "../../src/core/mail/classify.js";
import { mailProblemCode } from "../../src/core/mail/mail-problem.js";
import { DESK, FIXTURES, tempBlobStore, type TempBlobs } from "./mime-test-helpers.js";

const SEED = 0x5eed2025;
/** Per mutation family; with 9 families that is 3150 mutated mails. */
const ITERATIONS = 350;
/** A mutated mail that takes longer than this has hung (the slowest real one takes ~100 ms). */
const PER_MAIL_GUARD_MS = 10_000;
/** Seeds larger than this are left out: the DoS fixtures would spend the time budget on html-to-text. */
const MAX_SEED_BYTES = 256 * 1024;

/** mulberry32: small, fast, good enough to pick mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return listFiles(path);
    return /(^|\/)(LICENSE|MIT-LICENSE|COPYING|README\.md|\.gitattributes)/.test(path) || path.includes("/LICENSES/") ? [] : [path];
  });
}

/** Full mails only: body-only corpus files and the slow many-part fixture are not useful seeds. */
function seedMails(): { name: string; bytes: Buffer }[] {
  const readme = readFileSync(join(FIXTURES, "corpus", "README.md"), "utf8");
  const bodies = new Set([...readme.matchAll(/^\| `([^`]+)` \| [a-z-]+ \| [a-z]+ \| body \|/gm)].map((m) => m[1]));
  return [...listFiles(join(FIXTURES, "corpus")), ...listFiles(join(FIXTURES, "mail"))]
    .filter((path) => !bodies.has(relative(join(FIXTURES, "corpus"), path)))
    .filter((path) => !path.endsWith("many-attachments-500.eml") && statSync(path).size <= MAX_SEED_BYTES)
    .sort()
    .map((path) => ({ name: relative(FIXTURES, path), bytes: readFileSync(path) }));
}

type Random = () => number;
type Mutation = (mail: Buffer, rnd: Random, seeds: Buffer[]) => Buffer;

const pick = <T>(rnd: Random, list: readonly T[]): T => list[Math.floor(rnd() * list.length)] as T;
const int = (rnd: Random, max: number) => Math.floor(rnd() * max);

function headerEnd(mail: Buffer): number {
  const m = /\r?\n\r?\n/.exec(mail.toString("latin1"));
  return m ? m.index : mail.length;
}

const MUTATIONS: Readonly<Record<string, Mutation>> = {
  truncate: (mail, rnd) => mail.subarray(0, int(rnd, mail.length + 1)),

  flipBytes: (mail, rnd) => {
    const out = Buffer.from(mail);
    const interesting = [0x00, 0x0a, 0x0d, 0x2d, 0x3a, 0x3b, 0x3d, 0x3f, 0x22, 0x3c, 0x3e, 0xff, 0x80];
    for (let i = 1 + int(rnd, 20); i > 0 && out.length; i--) {
      out[int(rnd, out.length)] = rnd() < 0.5 ? pick(rnd, interesting) : int(rnd, 256);
    }
    return out;
  },

  duplicateHeaders: (mail, rnd) => {
    const text = mail.toString("latin1");
    const end = headerEnd(mail);
    const lines = text.slice(0, end).split(/\r?\n(?![ \t])/);
    const line = pick(rnd, lines);
    const copies = Array.from({ length: 1 + int(rnd, rnd() < 0.1 ? 2000 : 50) }, () => line);
    return Buffer.from(`${copies.join("\r\n")}\r\n${text}`, "latin1");
  },

  deepNesting: (mail, rnd) => {
    const depth = 10 + int(rnd, rnd() < 0.2 ? 1500 : 300);
    let head = "";
    let tail = "";
    for (let i = 0; i < depth; i++) {
      head += `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n`;
      tail = `\r\n--n${i}--\r\n${tail}`;
    }
    return Buffer.concat([Buffer.from(`From: fuzz@kund.example\r\nMIME-Version: 1.0\r\n${head}`, "latin1"), mail, Buffer.from(tail, "latin1")]);
  },

  removeBoundaries: (mail, rnd) => {
    const text = mail.toString("latin1");
    return Buffer.from(
      rnd() < 0.5 ? text.replace(/;?\s*boundary\s*=\s*("[^"]*"|[^;\s]+)/gi, "") : text.replace(/^--.*$/gm, rnd() < 0.5 ? "" : "--"),
      "latin1",
    );
  },

  lineEndings: (mail, rnd) => {
    const text = mail.toString("latin1");
    const variant = int(rnd, 4);
    const out =
      variant === 0
        ? text.replace(/\r?\n/g, "\r")
        : variant === 1
          ? text.replace(/\r\n/g, "\n")
          : variant === 2
            ? text.replace(/\r?\n/g, "\r\n")
            : text.replace(/\r?\n/g, () => pick(rnd, ["\n", "\r\n", "\r", "\n\r"]));
    return Buffer.from(out, "latin1");
  },

  splice: (mail, rnd, seeds) => {
    const other = pick(rnd, seeds);
    const from = int(rnd, other.length);
    const piece = other.subarray(from, from + int(rnd, 4096));
    const at = int(rnd, mail.length + 1);
    return Buffer.concat([mail.subarray(0, at), piece, mail.subarray(at)]);
  },

  garbageHeaders: (mail, rnd) => {
    const charsets = ["utf-8", "x-unknown", "utf-7", "ks_c_5601-1987", "iso-2022-jp", "koi8-r", "", "*", "utf-16"];
    const junk = Buffer.from(Array.from({ length: int(rnd, 200) }, () => int(rnd, 256))).toString("base64");
    const headers = [
      `Subject: =?${pick(rnd, charsets)}?${pick(rnd, ["B", "Q", "X"])}?${junk}?=`,
      `From: =?${pick(rnd, charsets)}?B?${junk}?= <${"a".repeat(int(rnd, 2000))}@${junk.slice(0, 20)}>`,
      `Content-Type: ${pick(rnd, ["multipart/report", "message/rfc822", "text/html", "application/ms-tnef", "multipart/alternative"])}; boundary=${junk.slice(0, 10)}; charset=${pick(rnd, charsets)}`,
      `Content-Transfer-Encoding: ${pick(rnd, ["base64", "quoted-printable", "x-uuencode", "binary", "7bit", junk.slice(0, 8)])}`,
      `References: ${Array.from({ length: int(rnd, 500) }, (_, i) => `<r${i}@x>`).join(" ")}`,
      `Authentication-Results: ${junk.slice(0, 30)}; dmarc=${pick(rnd, ["pass", "fail", ""])} (${"(".repeat(int(rnd, 50))}`,
    ];
    const chosen = Array.from({ length: 1 + int(rnd, 3) }, () => pick(rnd, headers)).join("\r\n");
    return Buffer.concat([Buffer.from(`${chosen}\r\n`, "latin1"), mail]);
  },

  changeTransferEncoding: (mail, rnd) => {
    const text = mail.toString("latin1");
    return Buffer.from(
      text.replace(/(Content-Transfer-Encoding:\s*)[^\r\n]*/gi, (_m, prefix: string) => prefix + pick(rnd, ["base64", "quoted-printable", "x-uuencode", "8bit", "binary", "bogus"])),
      "latin1",
    );
  },
};

const KINDS = new Set(["reply", "auto_reply", "delivery_delay", "bounce", "complaint", "own"]);

function withGuard<T>(work: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hung for ${PER_MAIL_GUARD_MS} ms: ${label}`)), PER_MAIL_GUARD_MS);
  });
  return Promise.race([work, guard]).finally(() => clearTimeout(timer));
}

const seeds = seedMails();
const stats = { mails: 0, started: 0 };
let store: TempBlobs;

beforeAll(async () => {
  store = await tempBlobStore();
  stats.started = performance.now();
});

afterAll(async () => {
  await store.cleanup();
  console.log(`fuzz: ${stats.mails} mutated mails from ${seeds.length} seeds in ${((performance.now() - stats.started) / 1000).toFixed(1)} s`);
});

describe("parseMail + classifyMail on mutated mail", () => {
  it("has seeds", () => {
    expect(seeds.length).toBeGreaterThan(150);
  });

  const families = Object.keys(MUTATIONS);
  families.forEach((family, f) => {
    it(`never throws or hangs: ${family} (+ up to two more mutations)`, { timeout: 120_000 }, async () => {
      const rnd = prng(SEED + f);
      const seedBytes = seeds.map((s) => s.bytes);
      for (let i = 0; i < ITERATIONS; i++) {
        const seed = pick(rnd, seeds);
        const applied = [family, ...Array.from({ length: int(rnd, 3) }, () => pick(rnd, families))];
        let bytes = seed.bytes;
        for (const name of applied) bytes = (MUTATIONS[name] as Mutation)(bytes, rnd, seedBytes);
        const label = `iteration ${i} of ${family}: ${seed.name} ← ${applied.join(" → ")}`;

        const mail = await withGuard(parseMail(bytes, { blobs: store.blobs }), label);
        const mailClass = classifyMail(mail, DESK);
        stats.mails++;

        expect(KINDS.has(mailClass.kind), label).toBe(true);
        expect(mail.key.length, label).toBeGreaterThan(0);
        expect(mail.text.length, label).toBeLessThanOrEqual(DEFAULT_MIME_LIMITS.maxTextChars);
        expect(mail.headers.length, label).toBeLessThanOrEqual(DEFAULT_MIME_LIMITS.maxHeaderLines);
        expect(mail.references.length, label).toBeLessThanOrEqual(DEFAULT_MIME_LIMITS.maxReferences);
        expect(mail.attachments.filter((a) => a.blob).length, label).toBeLessThanOrEqual(DEFAULT_MIME_LIMITS.maxParts);
        expect(mail.reportParts.length, label).toBeLessThanOrEqual(DEFAULT_MIME_LIMITS.maxReportParts);
        expect(mail.problems.length, label).toBeLessThanOrEqual(DEFAULT_MIME_LIMITS.maxProblems + 1);
        for (const p of mail.problems) {
          expect(mailProblemCode(p) !== undefined || / more problems not listed$/.test(p), `${label}: ${p}`).toBe(true);
        }
        expect(JSON.parse(JSON.stringify(mail)), label).toEqual(mail);
      }
    });
  });
});
