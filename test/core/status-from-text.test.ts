/**
 * The documented table of src/core/mail/status-from-text.ts: a bounce without an enhanced code (or
 * with the catch-all X.0.0) gets its status from the words, its class from the SMTP reply code.
 */
import { describe, expect, it } from "vitest";
import { statusFromText } from "../../src/core/mail/status-from-text.js";

describe("a status from a bounce's words", () => {
  it.each([
    ["550 No such user here", true, "5.1.1"],
    ["552 Mailbox limit exceeded for this email address", true, "5.2.2"],
    ["552 Requested mail action aborted: exceeded storage allocation", true, "5.2.2"],
    ["452 Mailbox full, try again later", false, "4.2.2"],
    ["552 Message size exceeds fixed maximum message size", true, "5.3.4"],
    ["DNS lookup failure: host not found", true, "5.1.2"],
    ["unable to deliver mail: too many retries, giving up", true, "4.4.7"],
    ["Delivery failed 10 attempts: info@example.net", true, "4.4.7"],
    ["retry timeout exceeded", true, "4.4.7"],
    ["554 Relay access denied", true, "5.7.1"],
    ["554 Message rejected by policy: spam content detected", true, "5.7.1"],
    ["421 Connection timed out", false, "4.4.1"],
  ])("“%s” → %s", (text, permanent, status) => {
    expect(statusFromText(text, permanent)).toBe(status);
  });

  it("gives only the class when the words say nothing specific, and nothing without a code", () => {
    expect(statusFromText("550 Go away", true)).toBe("5.0.0");
    expect(statusFromText("Something went wrong", true)).toBeUndefined();
  });
});
