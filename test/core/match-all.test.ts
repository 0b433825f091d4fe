import { describe, expect, it } from "vitest";
import { matchesOf } from "../../src/core/match-all.js";
import { fold } from "../../src/core/answers/tokens.js";

const view = (ms: Iterable<RegExpMatchArray>) => [...ms].map((m) => ({ index: m.index, groups: [...m] }));

describe("matchesOf", () => {
  const cases: [RegExp, string][] = [
    [/(\d+)\s*(kr|öre)/gu, "3 kr/kWh, 35 öre/min och 10kr per start"],
    [/a*/g, "baaac"],
    [/(?:)/gu, "x😀y"],
    [/\p{L}*/gu, "😀å😀"],
    [/(?<![\p{L}\d])\d+/gu, "a1 22 b33"],
    [/x/g, ""],
  ];
  it.each(cases)("finds what matchAll finds: %s", (re, text) => {
    expect(view(matchesOf(re, text))).toEqual(view(text.matchAll(new RegExp(re))));
    expect(re.lastIndex).toBe(0);
  });

  it("leaves a shared regex reusable, even after an interrupted loop elsewhere", () => {
    const re = /\d/g;
    re.exec("a1b2");
    expect(matchesOf(re, "1 2 3")).toHaveLength(3);
    expect(matchesOf(re, "4 5")).toHaveLength(2);
  });

  it("refuses a regex without the global flag (it would loop forever)", () => {
    expect(() => matchesOf(/\d/, "1")).toThrow(/global/);
  });
});

describe("fold", () => {
  /** The definition fold memoises: each UTF-16 unit lower-cased and stripped of its marks. */
  const slowFold = (text: string) =>
    [...Array(text.length).keys()]
      .map((i) => {
        const c = text.charAt(i);
        const l = c.toLowerCase().length === 1 ? c.toLowerCase() : c;
        const bare = l.normalize("NFD").replace(/\p{M}/gu, "");
        return bare.length === 1 ? bare : ({ ø: "o", æ: "a", œ: "o", ß: "s", đ: "d", ł: "l", ı: "i" } as Record<string, string>)[l] ?? l;
      })
      .join("");

  it.each(["Flex-fakturering är KONFIGURERAD.", "ÅÄÖ åäö Øresund Æbleskiver Straße İstanbul", "plain ascii 123", "😀 emoji ﬁ ligature", ""])(
    "keeps length and folds each unit: %s",
    (text) => {
      expect(fold(text)).toBe(slowFold(text));
      expect(fold(text)).toHaveLength(text.length);
      expect(fold(text)).toBe(slowFold(text)); // a second time, from the memo
    },
  );
});
