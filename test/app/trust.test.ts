import { describe, expect, it } from "vitest";
import { trustOf } from "../../src/app/process-mail.js";
import type { Case } from "../../src/core/types.js";
import { mailFacts } from "../support/mail-facts.js";

const c = { id: "ACT-100001", participants: [{ email: "nina@kund.test", role: "network_manager" }] } as unknown as Case; // only the fields trustOf reads

describe("sender trust", () => {
  it("trusts a participant whose mail passes or has no DMARC verdict", () => {
    expect(trustOf(c, mailFacts({ from: { address: "nina@kund.test" } }), { dmarc: "pass" }).kind).toBe("trusted");
    expect(trustOf(c, mailFacts({ from: { address: "nina@kund.test" } }), { dmarc: "unknown" }).kind).toBe("trusted");
  });

  it("holds a DMARC failure even from a participant's address", () => {
    expect(trustOf(c, mailFacts({ from: { address: "nina@kund.test" } }), { dmarc: "fail", header: "dmarc=fail" })).toMatchObject({
      kind: "untrusted",
      code: "auth_failed",
    });
  });

  it("holds a stranger's mail", () => {
    expect(trustOf(c, mailFacts({ from: { address: "x@elsewhere.test" } }), { dmarc: "pass" })).toMatchObject({ kind: "untrusted", code: "unknown_sender" });
  });
});
