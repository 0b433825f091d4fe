/**
 * Scores the mail readers on the project's fixtures (test/fixtures/mail/<class>/<scenario>.eml, the
 * expected reading in <scenario>.json beside each). Each report class has its own tally, by the kind
 * the fixture expects: bounces, delays and complaints (kind, and where expected the failed recipient
 * and status class, all right); full status (the whole enhanced code, where one is expected, over all
 * reports); replies (the new text exactly; also the quote-header cases of
 * test/fixtures/mail/reply-cases.ts); crashes. `npm run score` prints one JSON line;
 * test/app/mail-fixtures.test.ts holds the targets.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseMail } from "../src/adapters/mime/parse-mail.js";
import { classifyMail, type MailClass } from "../src/core/mail/classify.js";
import { extractReply } from "../src/core/mail/reply-text.js";
import { DESK, FIXTURES, tempBlobStore } from "../test/adapters/mime-test-helpers.js";
import { REPLY_CASES } from "../test/fixtures/mail/reply-cases.js";

export interface Expected {
  kind: MailClass["kind"];
  recipient?: string;
  status?: string;
  reply?: string;
}

export interface Miss {
  file: string;
  expected: Expected;
  got: unknown;
}

export interface Tally {
  right: number;
  total: number;
}

export interface MailScore {
  bounces: Tally;
  delays: Tally;
  complaints: Tally;
  /** Fixtures expecting any other kind (an auto-reply, the bot's own mail). */
  others: Tally;
  fullStatus: Tally;
  replies: Tally;
  crashes: number;
  misses: Miss[];
}

/** The tally a fixture counts in, by the kind it expects. */
function tallyOf(score: MailScore, kind: MailClass["kind"]): Tally {
  switch (kind) {
    case "bounce":
      return score.bounces;
    case "delivery_delay":
      return score.delays;
    case "complaint":
      return score.complaints;
    case "reply":
      return score.replies;
    case "auto_reply":
    case "own":
      return score.others;
  }
}

const CLASSES = ["bounce", "reply"] as const;

function percent(t: Tally): number {
  return t.total === 0 ? 100 : Math.round((1000 * t.right) / t.total) / 10;
}

export async function scoreMailFixtures(): Promise<MailScore> {
  const tally = (): Tally => ({ right: 0, total: 0 });
  const score: MailScore = { bounces: tally(), delays: tally(), complaints: tally(), others: tally(), fullStatus: tally(), replies: tally(), crashes: 0, misses: [] };
  const store = await tempBlobStore();
  try {
    for (const cls of CLASSES) {
      const dir = join(FIXTURES, "mail", cls);
      for (const name of (await readdir(dir)).filter((f) => f.endsWith(".eml")).sort()) {
        const file = `${cls}/${name}`;
        const expected = JSON.parse(await readFile(join(dir, name.replace(/\.eml$/, ".json")), "utf8")) as Expected;
        const tally = tallyOf(score, expected.kind);
        tally.total++;
        try {
          const mail = await parseMail(await readFile(join(dir, name)), { blobs: store.blobs });
          const got = classifyMail(mail, DESK);
          if (expected.kind === "reply") {
            const reply = got.kind === "reply" ? extractReply(mail.text).reply : undefined;
            if (reply === expected.reply) tally.right++;
            else score.misses.push({ file, expected, got: { kind: got.kind, reply } });
            continue;
          }
          const bounce = got.kind === "bounce" ? got.bounce : undefined;
          const status = bounce?.status ?? (got.kind === "delivery_delay" ? got.status : undefined);
          const recipient = bounce?.recipient ?? (got.kind === "delivery_delay" ? got.recipient : undefined);
          const classRight =
            got.kind === expected.kind &&
            (expected.recipient === undefined || recipient === expected.recipient) &&
            (expected.status === undefined || status?.[0] === expected.status[0]);
          if (classRight) tally.right++;
          if (expected.status !== undefined) {
            score.fullStatus.total++;
            if (status === expected.status) score.fullStatus.right++;
          }
          if (!classRight || (expected.status !== undefined && status !== expected.status)) score.misses.push({ file, expected, got });
        } catch (err) {
          score.crashes++;
          score.misses.push({ file, expected, got: { crash: String(err) } });
        }
      }
    }
    // The quote-header cases of test/core/reply-headers.test.ts, as text (no .eml needed for each).
    for (const c of REPLY_CASES) {
      score.replies.total++;
      const file = `reply-cases: ${c.name}`;
      try {
        const reply = extractReply(c.text).reply;
        if (reply === c.reply) score.replies.right++;
        else score.misses.push({ file, expected: { kind: "reply", reply: c.reply }, got: { reply } });
      } catch (err) {
        score.crashes++;
        score.misses.push({ file, expected: { kind: "reply", reply: c.reply }, got: { crash: String(err) } });
      }
    }
  } finally {
    await store.cleanup();
  }
  return score;
}

/** The JSON line of `npm run score`: per class its percentage and right/total. */
export function scoreLine(s: MailScore): Record<string, unknown> {
  const line: Record<string, unknown> = {};
  const classes: [string, Tally][] = [
    ["bounces", s.bounces],
    ["delays", s.delays],
    ["complaints", s.complaints],
    ["full_status", s.fullStatus],
    ["replies", s.replies],
  ];
  if (s.others.total > 0) classes.push(["others", s.others]);
  for (const [name, t] of classes) {
    line[`${name}_pct`] = percent(t);
    line[name] = `${t.right}/${t.total}`;
  }
  line.crashes = s.crashes;
  line.misses = s.misses.map((m) => m.file);
  return line;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ""))) {
  const s = await scoreMailFixtures();
  console.log(JSON.stringify(scoreLine(s)));
  if (process.env.SCORE_VERBOSE) for (const m of s.misses) console.error(JSON.stringify(m));
}
