import { describe, expect, it } from "vitest";
import { MAX_SUGGEST_TERMS, suggestTerms } from "../../src/core/mail/suggest-terms.js";

describe("the terms a loose mail's candidate cases are looked up by", () => {
  it("takes the sender, case ids in the mail or its flag, MACs in any notation, and the longest uncommon words", () => {
    const terms = suggestTerms(
      { from: { address: "Olle@Hamn.example" }, subject: "SV: Aktivering av laddstationer – Kvarngatan 12", text: "Hej! MAC 001a.2b3c.4d77 gäller act-123456.\n\nOn Thu, 3 Dec 2026 at 10:00, Desk <desk@desk.test> wrote:\n> Tidigare text om Ystadvägen" },
      "ambiguous: points to ACT-654321 and ACT-123456",
    );
    expect(terms.map((t) => t.term)).toEqual(["email:olle@hamn.example", "id:act-654321", "id:act-123456", "mac:00:1a:2b:3c:4d:77", "w:kvarngatan", "w:galler"]);
    expect(terms.find((t) => t.term.startsWith("mac:"))?.why).toBe("MAC 00:1A:2B:3C:4D:77 is in the mail");
    expect(terms.some((t) => t.term === "w:ystadvagen")).toBe(false);
  });

  it("is bounded however long the mail is", () => {
    const words = Array.from({ length: 500 }, (_, i) => `Ordet${"x".repeat(i % 7)}lång${String.fromCharCode(97 + (i % 26))}`).join(" ");
    const ids = Array.from({ length: 50 }, (_, i) => `ACT-${String(100000 + i)}`).join(" ");
    expect(suggestTerms({ subject: words, text: ids }).length).toBe(MAX_SUGGEST_TERMS);
  });
});
