import { describe, expect, it } from "vitest";
import { loadRules } from "../../src/adapters/files/load-rules.js";
import { alternation, fold } from "../../src/core/answers/tokens.js";
import { matchesOf } from "../../src/core/match-all.js";
import { readAnswers, warmUpAnswerReader } from "../../src/core/answers/read-answers.js";

/** The alternation as it was built before runs shared their boundaries: one pair per word. */
function perWordAlternation(words: readonly string[]): string {
  const parts = [...new Set(words.map((w) => fold(w.trim())).filter((w) => w !== ""))]
    .sort((a, b) => b.length - a.length)
    .map((w) => {
      const head = /^[\p{L}\p{N}]/u.test(w) ? "(?<![\\p{L}\\p{N}])" : "";
      const tail = /[\p{L}\p{N}]$/u.test(w) ? "(?![\\p{L}\\p{N}])" : "";
      return head + w.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&").replace(/\s+/g, "\\s*") + tail;
    });
  return parts.length === 0 ? "(?!)" : `(?:${parts.join("|")})`;
}

const found = (source: string, text: string) => matchesOf(new RegExp(source, "gu"), fold(text)).map((m) => [m.index, m[0]]);

describe("alternation", () => {
  const lists = [
    ["kr", "kronor", "kr/kWh", "/kWh", "€", "eur", "öre", "sek"],
    ["per", "/", "i", "per timme", "a'", "à"],
    ["mån", "måndag", "mån-fre", "vardagar", "alla dagar", "24/7", "dygnet runt"],
    ["", " ", "x"],
  ];
  const texts = [
    "3 kr/kWh och 35 öre per minut, 10kr per start, 0,35 €/kWh, 5 kronor i timmen",
    "Öppet mån-fre 8-17, måndag–fredag; vardagar 7–19 och alla  dagar 24/7 (dygnet runt)",
    "krona kr. kr/ kWh /kWh à 2 a' 3 pertimme per timme",
  ];
  it.each(lists.map((l) => [l]))("finds what one boundary pair per word found: %j", (words) => {
    for (const text of texts) expect(found(alternation(words), text)).toEqual(found(perWordAlternation(words), text));
  });

  it("is the same over the whole answer lexicon's word lists", async () => {
    const rules = await loadRules("rules");
    const lists: string[][] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) lists.push(v as string[]);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    walk(rules.answers);
    expect(lists.length).toBeGreaterThan(50);
    const sample = [...texts, "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad, inte gratis."];
    for (const words of lists) for (const text of sample) expect(found(alternation(words), text)).toEqual(found(perWordAlternation(words), text));
  });

  it("warming up the reader changes no reading", async () => {
    const rules = await loadRules("rules");
    const text = "Hej!\nPriset är 3 kr/kWh. Öppet mån–fre 08–17. Kontakt: nina@example.com";
    const before = readAnswers(text, rules.answers);
    warmUpAnswerReader(rules.answers);
    expect(readAnswers(text, rules.answers)).toEqual(before);
  });
});
