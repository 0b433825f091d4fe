import { describe, expect, it } from "vitest";
import { when } from "../../src/http/pages/format.js";

const text = (iso: string, tz: string, lang?: "sv" | "en") => when(iso, tz, lang).toString().replace(/<[^>]+>/g, "");

describe("when (a stored time as the desk shows it)", () => {
  it("writes the minute in the desk's time zone, the member's way, and keeps the stored time as its machine value", () => {
    expect(text("2026-11-26T13:05:42Z", "Europe/Stockholm")).toBe("2026-11-26 14:05");
    expect(text("2026-11-26T13:05:42Z", "UTC")).toBe("2026-11-26 13:05");
    expect(text("2026-11-26T13:05:42Z", "Europe/Stockholm", "en")).toBe("26 Nov 2026, 14:05");
    expect(text("2026-11-26T13:05:42Z", "Europe/Stockholm", "sv")).toMatch(/^26 nov\.? 2026 14:05$/);
    expect(when("2026-11-26T13:05:42Z", "UTC").toString()).toContain('datetime="2026-11-26T13:05:42Z"');
  });

  it("gives each minute, zone and language its own text, however often the same one was shown before", () => {
    for (let i = 0; i < 3; i++) expect(text("2026-11-26T13:05:59Z", "Europe/Stockholm")).toBe("2026-11-26 14:05");
    expect(text("2026-11-26T13:06:00Z", "Europe/Stockholm")).toBe("2026-11-26 14:06");
    expect(text("2026-11-26T13:06:00Z", "America/New_York")).toBe("2026-11-26 08:06");
    expect(text("2026-11-26T13:06:00Z", "Europe/Stockholm", "en")).toBe("26 Nov 2026, 14:06");
  });

  it("shows a time it cannot read as the text it was given", () => {
    expect(text("not a time", "UTC")).toBe("not a time");
  });
});
