/**
 * `npm run score`: how well the readers read the project's own mail fixtures, as ONE JSON line on
 * stdout. Bounces: the fixtures of test/fixtures/mail/bounce against expected.json (class +
 * recipient + status class, and the full status where one is expected); replies: the cases of
 * test/fixtures/mail/reply-cases.ts through `extractReply`. A reader that throws counts as a crash
 * and as wrong. Bounces are also counted per expected class (bounce, delivery_delay, complaint). Targets (issue 21): bounces ≥ 0.99, full status ≥ 0.95, replies ≥ 0.99, 0 crashes.
 * What read wrong goes to stderr, one line each.
 */
import { classifyMail } from "../src/core/mail/classify.js";
import { extractReply } from "../src/core/mail/reply-text.js";
import { DESK, parseFixture, tempBlobStore } from "../test/adapters/mime-test-helpers.js";
import { bounceCases, readingOf, type BounceReading } from "../test/fixtures/mail/bounce-cases.js";
import { REPLY_CASES } from "../test/fixtures/mail/reply-cases.js";

const fraction = (right: number, n: number): number => (n === 0 ? 1 : Math.round((right / n) * 1000) / 1000);

let crashes = 0;
const store = await tempBlobStore();
let bounceRight = 0;
let statusN = 0;
let statusRight = 0;
const byClass = new Map<string, { n: number; right: number }>();
const cases = await bounceCases();
try {
  for (const { fixture, expected } of cases) {
    let got: BounceReading | undefined;
    try {
      got = readingOf(classifyMail(await parseFixture(fixture, store.blobs), DESK));
    } catch (err) {
      crashes++;
      console.error(`crash ${fixture}: ${String(err)}`);
    }
    const right = got !== undefined && got.class === expected.class && got.recipient === expected.recipient && got.status_class === expected.status_class;
    const tally = byClass.get(expected.class) ?? { n: 0, right: 0 };
    byClass.set(expected.class, { n: tally.n + 1, right: tally.right + (right ? 1 : 0) });
    if (right) bounceRight++;
    else console.error(`wrong ${fixture}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`);
    if (expected.status !== undefined) {
      statusN++;
      if (got?.status === expected.status) statusRight++;
    }
  }
} finally {
  await store.cleanup();
}

let replyRight = 0;
for (const c of REPLY_CASES) {
  try {
    const reply = extractReply(c.text).reply;
    if (reply === c.reply) replyRight++;
    else console.error(`wrong reply ${c.name}: got ${JSON.stringify(reply)}`);
  } catch (err) {
    crashes++;
    console.error(`crash reply ${c.name}: ${String(err)}`);
  }
}

console.log(
  JSON.stringify({
    bounces: { n: cases.length, class_recipient_status_class: fraction(bounceRight, cases.length), full_status: fraction(statusRight, statusN),
      by_class: Object.fromEntries([...byClass].map(([name, t]) => [name, { n: t.n, right: fraction(t.right, t.n) }])),
    },
    replies: { n: REPLY_CASES.length, right: fraction(replyRight, REPLY_CASES.length) },
    crashes,
  }),
);
