import { describe, expect, it } from "vitest";
import { formatValue } from "../../src/core/reply/format-value.js";

describe("checklist values as the desk writes them", () => {
  it("writes prices with the locale's decimal comma and currency word", () => {
    expect(formatValue({ energy: { amount: 3.5, currency: "SEK", per: "kWh" } }, "sv")).toBe("3,50 kr/kWh");
    expect(formatValue({ energy: { amount: 3.5, currency: "SEK", per: "kWh" } }, "en")).toBe("3.50 SEK/kWh");
    expect(formatValue({ time: { amount: 10, currency: "SEK", per: "h", after_hours: 4 } }, "sv")).toBe("10 kr/tim efter 4 h");
  });

  it("writes opening hours as day spans", () => {
    const hours = [
      { days: ["mon", "tue", "wed", "thu", "fri"], open: "07:00", close: "18:00" },
      { days: ["sat"], open: "10:00", close: "14:00" },
    ];
    expect(formatValue(hours, "sv")).toBe("mån–fre 07:00–18:00, lör 10:00–14:00");
    expect(formatValue("24/7", "sv")).toBe("dygnet runt");
  });

  it("translates the reader's stable words and never prints JSON", () => {
    expect(formatValue("public", "sv")).toBe("publika");
    expect(formatValue({ none: true }, "en")).toBe("none");
    expect(formatValue({ boxes: 2 }, "sv")).toBe("2 lådor");
    expect(formatValue({ name: "Kalle", email: "k@x.se" }, "sv")).toBe("Kalle, k@x.se");
  });
});
