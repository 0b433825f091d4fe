/** The watcher's reconnect wait (issue 20): jittered, and capped so a long outage is not paid twice. */
import { describe, expect, it } from "vitest";
import { backoffWait } from "../../src/adapters/imap/mailbox-watcher.js";

describe("watcher backoff", () => {
  it("waits between half and all of each step, and at most 5 s however many attempts failed", () => {
    expect(backoffWait(0, 0)).toBe(100);
    expect(backoffWait(0, 1)).toBe(200);
    expect(backoffWait(4, 0.5)).toBe(3750);
    for (let attempt = 0; attempt < 50; attempt++) {
      for (const r of [0, 0.3, 0.999]) {
        const w = backoffWait(attempt, r);
        expect(w).toBeGreaterThanOrEqual(100);
        expect(w).toBeLessThanOrEqual(5000);
      }
    }
  });
});
