import { describe, expect, it } from "vitest";
import { uiLanguageOfAcceptLanguage, uiText } from "../../src/http/pages/ui-language.js";
import { mayAct, mayAdminister } from "../../src/http/security/roles.js";

describe("the desk's language", () => {
  it("takes the first of sv and en a browser asks for, by quality, else none", () => {
    expect(uiLanguageOfAcceptLanguage("sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7")).toBe("sv");
    expect(uiLanguageOfAcceptLanguage("en-US")).toBe("en");
    expect(uiLanguageOfAcceptLanguage("de-DE,de;q=0.9,en;q=0.5,sv;q=0.4")).toBe("en");
    expect(uiLanguageOfAcceptLanguage("en;q=0.3,sv;q=0.8")).toBe("sv");
    expect(uiLanguageOfAcceptLanguage("sv;q=0,en")).toBe("en");
    expect(uiLanguageOfAcceptLanguage("de, fr")).toBeNull();
    expect(uiLanguageOfAcceptLanguage("")).toBeNull();
    expect(uiLanguageOfAcceptLanguage(undefined)).toBeNull();
    expect(uiLanguageOfAcceptLanguage("*")).toBeNull();
  });

  it("picks a page's words by the member's language", () => {
    const TEXT = { en: { title: "Work queue" }, sv: { title: "Arbetskö" } };
    expect(uiText(TEXT, "sv").title).toBe("Arbetskö");
    expect(uiText(TEXT, "en").title).toBe("Work queue");
  });

  it("lets only an admin administer, and agents and admins act", () => {
    expect([mayAdminister("viewer"), mayAdminister("agent"), mayAdminister("admin")]).toEqual([false, false, true]);
    expect([mayAct("viewer"), mayAct("agent"), mayAct("admin")]).toEqual([false, true, true]);
  });
});
