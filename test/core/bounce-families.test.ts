/**
 * One bounce per mail-server family and scenario (test/fixtures/mail/bounce, written from the formats
 * the servers document), each read by `classifyMail` and compared with bounce/expected.json.
 * Known reader gaps run as expected failures: when the reader learns one, drop its `reader_gap`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyMail } from "../../src/core/mail/classify.js";
import { DESK, parseFixture, tempBlobStore, type TempBlobs } from "../adapters/mime-test-helpers.js";
import { bounceCases, readingOf } from "../fixtures/mail/bounce-cases.js";

const cases = await bounceCases();

describe("bounces of every common mail-server family", () => {
  let store: TempBlobs;
  beforeAll(async () => {
    store = await tempBlobStore();
  });
  afterAll(async () => {
    await store.cleanup();
  });

  it("has a fixture for each family the issue names", () => {
    const families = new Set(cases.map((c) => c.fixture.slice("bounce/".length).split("-")[0]));
    for (const family of ["exim", "postfix", "sendmail", "qmail", "courier", "opensmtpd", "exchange", "gmail", "yahoo", "ses", "domino", "messaging", "nested", "arf", "microsoft", "james", "groupwise", "mfilter", "broken"]) {
      expect(families).toContain(family);
    }
  });

  for (const { fixture, expected, readerGap } of cases) {
    const test = readerGap ? it.fails : it;
    test(`${fixture} reads as ${expected.class}${expected.recipient ? ` of ${expected.recipient}` : ""}${expected.status ? ` (${expected.status})` : ""}${readerGap ? ` — known gap: ${readerGap}` : ""}`, async () => {
      expect(readingOf(classifyMail(await parseFixture(fixture, store.blobs), DESK))).toEqual(expected);
    });
  }

  it("keeps a person's forward of an attached bounce a reply (the enclosed report is read only in a mail system's own mail)", async () => {
    const c = classifyMail(await parseFixture("forwarded-bounce-attached.eml", store.blobs), DESK);
    expect(c).toEqual({ kind: "reply", doubts: [] });
  });
});
