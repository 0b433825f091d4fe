/**
 * Every scenario under test/fixtures/mail/{bounce,reply}/ read as its .json says (the same scoring as
 * `npm run score`). A fixture the readers do not handle yet is listed in KNOWN_MISSES with the reason,
 * so the score stays honest and the list shrinks as they learn.
 */
import { describe, expect, it } from "vitest";
import { scoreMailFixtures } from "../../bench/score-mail.js";

/** file → why it is not read right yet. */
const KNOWN_MISSES: Record<string, string> = {};

describe("mail fixtures", () => {
  it("reads every bounce and reply fixture as expected, without a crash", async () => {
    const score = await scoreMailFixtures();
    expect(score.crashes).toBe(0);
    expect(score.bounces.total).toBeGreaterThanOrEqual(10);
    // Delays and complaints have their own tallies: a few of each, so each class is scored.
    expect(score.delays.total).toBeGreaterThanOrEqual(3);
    expect(score.complaints.total).toBeGreaterThanOrEqual(3);
    expect(score.replies.total).toBeGreaterThanOrEqual(15);
    const unexpected = score.misses.filter((m) => !(m.file in KNOWN_MISSES));
    expect(unexpected).toEqual([]);
    // A listed miss that now reads right should leave the list.
    const missed = new Set(score.misses.map((m) => m.file));
    expect(Object.keys(KNOWN_MISSES).filter((f) => !missed.has(f))).toEqual([]);
  });
});
