/**
 * Every corpus mail through `inspect` (the app's inspectMail, as the CLI runs it without --case): no
 * unhandled error, a JSON-safe report, and the class the classifier gives on its own.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMail } from "../../src/adapters/mime/parse-mail.js";
import { inspectMail } from "../../src/app/inspect-mail.js";
import type { Rules } from "../../src/core/rules/rules.js";
import { evidenceTools, systemClock } from "../../src/main.js";
import type { TempBlobs } from "../adapters/mime-test-helpers.js";
import { FIXTURES, tempBlobStore, wrapBody } from "../adapters/mime-test-helpers.js";
import { repoRules } from "../support/rules.js";

const CORPUS = join(FIXTURES, "corpus");
const rows = [...readFileSync(join(CORPUS, "README.md"), "utf8").matchAll(/^\| `([^`]+)` \| [a-z-]+ \| [a-z]+ \| (full|body) \|/gm)].map((m) => ({
  file: m[1] ?? "",
  body: m[2] === "body",
}));

describe("inspect over the corpus", () => {
  let rules: Rules;
  let store: TempBlobs;
  beforeAll(async () => {
    rules = await repoRules();
    store = await tempBlobStore();
  });
  afterAll(async () => {
    await store.cleanup();
  });

  it("has the corpus rows to go through", () => {
    expect(rows.length).toBeGreaterThan(200);
  });

  it.each(rows)("inspects $file", async ({ file, body }) => {
    const bytes = readFileSync(join(CORPUS, file));
    const mail = await parseMail(body ? wrapBody(bytes) : bytes, { blobs: store.blobs });
    const report = await inspectMail(
      { rules, blobs: store.blobs, clock: systemClock, tools: evidenceTools, trustedAuthservIds: [], mailFromAddress: "activations@activations.example.com", mailDomain: "activations.example.com" },
      mail,
      null,
    );
    expect(["reply", "auto_reply", "bounce", "delivery_delay", "complaint", "own"]).toContain(report.class);
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });
});
