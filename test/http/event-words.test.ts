// The case page timeline's event kinds in the desk's language (src/http/pages/event-words.ts).
import { describe, expect, it } from "vitest";
import { eventKindText } from "../../src/http/pages/event-words.js";

describe("timeline event kinds in words", () => {
  it("says a flag the bot resolved apart from one a team member resolved, in Swedish and English", () => {
    expect(eventKindText({ kind: "flag_resolved", by: "bot" }, "sv")).toBe("flagga löst av boten");
    expect(eventKindText({ kind: "flag_resolved", by: "bot" }, "en")).toBe("flag resolved by the bot");
    expect(eventKindText({ kind: "flag_resolved", by: "maja" }, "sv")).toBe("flagga löst");
    expect(eventKindText({ kind: "flag_resolved", by: "maja" }, "en")).toBe("flag resolved");
    expect(eventKindText({ kind: "flag_narrowed", by: "bot" }, "sv")).toBe("flagga delvis löst av boten");
    expect(eventKindText({ kind: "flag_narrowed", by: "bot" }, "en")).toBe("flag partly resolved by the bot");
  });

  it("names the other kinds in the member's language, never by their machine names", () => {
    expect(eventKindText({ kind: "mail_in", by: "nina@kund.se" }, "sv")).toBe("mejl in");
    expect(eventKindText({ kind: "stage_changed", by: "bot" }, "en")).toBe("stage changed");
    expect(eventKindText({ kind: "owner_changed", by: "maja" }, "sv")).toBe("ägare ändrad");
  });
});
