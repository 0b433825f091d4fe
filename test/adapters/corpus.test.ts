/**
 * Every copied corpus mail through parseMail + classifyMail: none may throw, each must finish within
 * budget, and the handling must match the `expected` column of test/fixtures/corpus/README.md — except
 * for the rows in EXCEPTIONS, where we judge the README wrong and say why.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMail } from "../../src/adapters/mime/parse-mail.js";
import { readAuthResults } from "../../src/core/mail/auth-results.js";
import { classifyMail, type MailClass } from "../../src/core/mail/classify.js";
import type { MailFacts } from "../../src/core/types.js";
import { DESK, FIXTURES, tempBlobStore, wrapBody, type TempBlobs } from "./mime-test-helpers.js";

type Handling = "ignore" | "bounce" | "flag" | "parse";

interface Row {
  file: string;
  class: string;
  expected: Handling;
  kind: "full" | "body";
}

const CORPUS = join(FIXTURES, "corpus");

function readRows(): Row[] {
  const readme = readFileSync(join(CORPUS, "README.md"), "utf8");
  const rows: Row[] = [];
  for (const m of readme.matchAll(/^\| `([^`]+)` \| ([a-z-]+) \| (ignore|bounce|flag|parse) \| (full|body) \|/gm)) {
    rows.push({ file: m[1] ?? "", class: m[2] ?? "", expected: m[3] as Handling, kind: m[4] as Row["kind"] });
  }
  return rows;
}

/**
 * Corpus mails come from every kind of receiving server, so no authserv-id is trusted here: DMARC
 * verdicts are tested on their own (test/core/auth-results.test.ts). No copied row relies on one.
 */
const TRUSTED_AUTHSERV_IDS: string[] = [];

/** What the pipeline does with a mail, from its class (the mapping of the corpus README, note 6). */
function handlingOf(mail: MailFacts, c: MailClass): Handling {
  switch (c.kind) {
    case "auto_reply":
    case "own":
    case "delivery_delay":
      return "ignore";
    case "bounce":
      return "bounce";
    case "complaint":
      return "flag";
    case "reply":
      return c.doubts.length || readAuthResults(mail.headers, TRUSTED_AUTHSERV_IDS).dmarc === "fail" ? "flag" : "parse";
  }
}

const SPAM_LIKE_A_PERSON =
  "spam written like a person's mail: classification cannot tell it from a reply; the trust step flags it (unknown sender, no case)";
const NO_PART_FOUND =
  "the boundary in the header does not match the body's, so no part is found and the text is lost: flagged so a person reads it (README: parse, i.e. no crash — it does not crash)";

/** Rows where we judge the README's `expected` wrong: what the bot does instead, and why. */
const EXCEPTIONS: Readonly<Record<string, { handling: Handling; reason: string }>> = {
  "mailgun-flanker/tests/fixtures/messages/bounce/no-mx.eml": {
    handling: "ignore",
    reason: "DSN with Action: delayed, Status 4.4.4, 'THIS IS A WARNING ONLY': still being retried, a delivery_delay, not a bounce",
  },
  "mikel-mail/spec/fixtures/emails/multipart_report_emails/report_422.eml": {
    handling: "ignore",
    reason: "'Warning: could not send message for past 8 hours', DSN Action: delayed (4.2.2): a delivery_delay, not a bounce",
  },
  "mikel-mail/spec/fixtures/emails/mime_emails/raw_email_with_mimepart_without_content_type.eml": {
    handling: "ignore",
    reason: "a sendmail delay warning (Action: delayed, 4.5.0); the README's 'parse' is about its MIME structure, which parses",
  },
  "mailgun-flanker/tests/fixtures/messages/from-encoding.eml": {
    handling: "ignore",
    reason: "carries Precedence: bulk, which marks automatic mail (SPEC §4); its odd From still parses",
  },
  "mikel-mail/spec/fixtures/emails/error_emails/bad_date_header.eml": {
    handling: "ignore",
    reason: "spam with Precedence: junk; the empty Date becomes a bad_date problem, not a crash",
  },
  "mikel-mail/spec/fixtures/emails/error_emails/empty_in_reply_to.eml": {
    handling: "ignore",
    reason: "a mailing-list mail (List-Id): never answered; the empty In-Reply-To parses",
  },
  "mikel-mail/spec/fixtures/emails/error_emails/encoding_madness.eml": {
    handling: "ignore",
    reason: "sent from no-reply@…: automatic mail; its encodings still parse",
  },
  "nodemailer-mailparser/test/fixtures/large_text.eml": {
    handling: "ignore",
    reason: "a Launchpad list mail (List-Id, Precedence: list): noise before it is a DoS case; it parses within budget",
  },
  "nodemailer-mailparser/test/fixtures/spam.eml": {
    handling: "ignore",
    reason: "spam from noreply@…: dropped as automatic mail, which keeps it away from the desk as well as a flag",
  },
  "mailgun-flanker/tests/fixtures/messages/spam/broken-ctype.eml": { handling: "parse", reason: SPAM_LIKE_A_PERSON },
  "mailgun-flanker/tests/fixtures/messages/spam/broken-headers.eml": { handling: "parse", reason: SPAM_LIKE_A_PERSON },
  "mailgun-flanker/tests/fixtures/messages/mailformed-headers.eml": { handling: "flag", reason: NO_PART_FOUND },
  "mimekit/UnitTests/TestData/compliance/missing-multipart-boundary.eml": { handling: "flag", reason: NO_PART_FOUND },
  "stalwart-mail-parser/resources/eml/malformed/017.eml": {
    handling: "flag",
    reason: "`multipart/mixed` and `boundary=` without the `;` between them: no boundary, no part, the image is lost; flagged",
  },
  "stalwart-mail-parser/resources/eml/malformed/000.eml": {
    handling: "flag",
    reason: "a multipart of empty, header-less parts: nothing readable in a non-empty body; flagged",
  },
};

/** Wall-clock budget for one mail on a 2-core machine, DoS fixtures included. */
const PER_MAIL_BUDGET_MS = 5_000;

const rows = readRows();
const outcomes: { row: Row; handling: Handling }[] = [];
let store: TempBlobs;

beforeAll(async () => {
  store = await tempBlobStore();
});

afterAll(async () => {
  await store.cleanup();
  if (outcomes.length === rows.length) {
    const asReadme = outcomes.filter((o) => o.handling === o.row.expected).length;
    console.log(
      `corpus: ${asReadme}/${rows.length} as the README expects (${((100 * asReadme) / rows.length).toFixed(1)}%), ` +
        `${rows.length - asReadme} documented exceptions`,
    );
  }
});

describe("the corpus README", () => {
  it("lists every copied mail, and the exceptions name listed mails", () => {
    expect(rows.length).toBe(251);
    const files = new Set(rows.map((r) => r.file));
    for (const file of Object.keys(EXCEPTIONS)) expect(files).toContain(file);
  });
});

describe("every corpus mail", () => {
  it.each(rows)("$file ($class) → $expected", async (row) => {
    const bytes = await readFile(join(CORPUS, row.file));
    const started = performance.now();
    const mail = await parseMail(row.kind === "body" ? wrapBody(bytes) : bytes, { blobs: store.blobs });
    const mailClass = classifyMail(mail, DESK);
    expect(performance.now() - started).toBeLessThan(PER_MAIL_BUDGET_MS);

    const handling = handlingOf(mail, mailClass);
    outcomes.push({ row, handling });
    const exception = EXCEPTIONS[row.file];
    if (exception) {
      // An exception that no longer differs from the README is stale: remove it.
      expect(exception.handling).not.toBe(row.expected);
      expect(handling, exception.reason).toBe(exception.handling);
    } else {
      expect(handling, JSON.stringify(mailClass)).toBe(row.expected);
    }
  });
});
