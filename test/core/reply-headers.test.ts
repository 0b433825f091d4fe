/**
 * Quote headers of the common mail clients (the cases are in test/fixtures/mail/reply-cases.ts,
 * shared with bench/score.ts): the reply is the new text only, and the header line lands in the
 * quoted part.
 */
import { describe, expect, it } from "vitest";
import { extractReply } from "../../src/core/mail/reply-text.js";
import { OWN, QUOTED_BODY, headerBlocks, headers, separators } from "../fixtures/mail/reply-cases.js";

describe("quote headers of every common client", () => {
  for (const { client, header, angle } of headers) {
    it(`keeps only the new text above a ${client} attribution`, () => {
      const quoted = angle ? `> ${QUOTED_BODY}` : QUOTED_BODY;
      const parts = extractReply([OWN, "", ...header, quoted].join("\n"));
      expect(parts.reply).toBe(OWN);
      expect(parts.quoted).toContain(QUOTED_BODY);
    });
  }

  for (const { client, lines } of headerBlocks) {
    it(`cuts at a ${client} header block`, () => {
      const parts = extractReply([OWN, "", ...lines, "", QUOTED_BODY].join("\n"));
      expect(parts.reply).toBe(OWN);
      expect(parts.quoted).toContain(lines[0]);
    });
  }

  for (const line of separators) {
    it(`cuts at the separator "${line.replace(/-+/g, "").trim()}" (forwarded or original mail written as text)`, () => {
      const parts = extractReply([OWN, "", line, "From: Aktiveringar <activations@example.com>", QUOTED_BODY].join("\n"));
      expect(parts.reply).toBe(OWN);
    });
  }

  it("keeps inline answers written between quoted blocks under a Polish attribution", () => {
    const text = ["Dnia 5.11.2026 o 10:12 Aktiveringar <activations@example.com> napisał(a):", "> Är Flex-fakturering klar?", "Ja, klar.", "> Vilka öppettider?", "Dygnet runt."].join("\n");
    expect(extractReply(text).reply).toBe("Ja, klar.\nDygnet runt.");
  });

  it("keeps prose that mentions writing and a time but is no attribution", () => {
    for (const prose of [
      "Jag skrev till elektrikern kl. 10:12 igår, och han kommer på måndag.",
      "On Monday I wrote to the electrician",
      "Ring mig 10:12 eller mejla mig.",
    ]) {
      expect(extractReply(`${prose}\n\n${OWN}`).reply).toBe(`${prose}\n\n${OWN}`);
    }
  });

  it("keeps a bottom-posted answer below the quoted history", () => {
    const text = ["Am 05.11.2026 um 10:12 schrieb Aktiveringar <activations@example.com>:", `> ${QUOTED_BODY}`, "", OWN].join("\n");
    expect(extractReply(text).reply).toBe(OWN);
  });
});
