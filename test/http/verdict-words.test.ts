// Evidence verdicts in words (src/http/pages/verdict-words.ts): pure, on the real rules files.
import { beforeAll, describe, expect, it } from "vitest";
import { loadRules } from "../../src/adapters/files/load-rules.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { FormEvidence, MacEvidence } from "../../src/core/types.js";
import { formFieldLabel, formFieldSentence, formTitle, macSentences, photoCategoryText, photoVerdictSentences } from "../../src/http/pages/verdict-words.js";

let rules: Rules;
beforeAll(async () => {
  rules = await loadRules("rules");
});

describe("photo verdicts in words", () => {
  it("names the category by its label in the desk's language, with the station", () => {
    expect(photoCategoryText({ category: "electrical_panel", stage: "site_readiness" }, rules.photos, "sv")).toBe("Elcentral");
    expect(photoCategoryText({ category: "mac_label", stage: "commissioning", station: 2 }, rules.photos, "en")).toBe("MAC label · station 2");
    expect(photoCategoryText({ category: null }, rules.photos, "en")).toBe("Not sorted: what the photo shows could not be told");
  });

  it("says what is wrong with a failed photo, with the figure behind it and the threshold from the rules", () => {
    const dark = { status: "failed" as const, reasons: ["too_dark"], measures: { brightness: 21.4 } };
    expect(photoVerdictSentences(dark, rules.photos, "en")).toEqual([
      `Too dark: what it shows cannot be read (brightness 21 of 255, at least ${rules.photos.quality.dark_max_brightness} needed)`,
    ]);
    expect(photoVerdictSentences(dark, rules.photos, "sv")[0]).toMatch(/^För mörk: det som ska synas går inte att läsa/);
    const small = { status: "failed" as const, reasons: ["low_resolution", "blurred"], measures: { width: 640, height: 480, blur: 12.2 } };
    expect(photoVerdictSentences(small, rules.photos, "en")).toEqual([
      `Too small to read labels: 640×480 px, at least ${rules.photos.quality.min_long_side_px}×${rules.photos.quality.min_short_side_px} px needed`,
      `Blurred: text and labels in it cannot be read (sharpness 12, at least ${rules.photos.quality.blur_min_variance} needed)`,
    ]);
    expect(photoVerdictSentences({ status: "ok", reasons: [], measures: {} }, rules.photos, "en")).toEqual(["Good: sharp, well lit and large enough to read"]);
  });
});

describe("form and MAC verdicts in words", () => {
  const form: Pick<FormEvidence, "form"> = { form: "site_commissioning" };

  it("labels a field by rules/forms.yaml, per-station rows with their station, never by its machine name", () => {
    const def = rules.forms.forms.find((f) => f.id === "site_commissioning");
    const macField = def?.fields.find((f) => f.type === "mac");
    expect(macField).toBeDefined();
    expect(formFieldLabel(def, `station_2_${macField?.name}`, "sv")).toBe(`${macField?.labels.sv[0]} (station 2)`);
    expect(formTitle(form, rules.forms, "en")).toBe(def?.title.en);
    expect(formTitle({ form: null }, rules.forms, "sv")).toBe("en PDF som inte är något av våra formulär");
  });

  it("says a failed field in the reply mails' words and an accepted one with its value", () => {
    const def = rules.forms.forms.find((f) => f.id === "construction_completion");
    const phone = def?.fields.find((f) => f.name === "contact_phone")?.labels;
    const failed = { name: "contact_phone", value: "abc", verdict: "failed" as const, reason: "invalid_phone" };
    expect(formFieldSentence(failed, { form: "construction_completion" }, rules.forms, "en")).toBe(`“${phone?.en[0]}”: “abc” is not a valid phone number.`);
    expect(formFieldSentence({ name: "contact_phone", value: null, verdict: "missing" }, { form: "construction_completion" }, rules.forms, "sv")).toBe(`”${phone?.sv[0]}” är inte ifyllt.`);
    expect(formFieldSentence({ name: "contact_phone", value: "070-123 45 67", verdict: "ok" }, { form: "construction_completion" }, rules.forms, "en")).toBe(
      `“${phone?.en[0]}”: 070-123 45 67 — accepted`,
    );
  });

  it("says which station a shipped MAC matched, and why a MAC failed", () => {
    const ok: MacEvidence = { raw: "00-1a-2b-3c-4d-02", mac: "00:1A:2B:3C:4D:02", station: 2, status: "ok", reasons: [] };
    expect(macSentences(ok, "en")).toEqual(["The MAC 00:1A:2B:3C:4D:02 matches station 2, one shipped for this case"]);
    expect(macSentences(ok, "sv")).toEqual(["MAC-adressen 00:1A:2B:3C:4D:02 stämmer med station 2, en av de levererade till ärendet"]);
    const other: MacEvidence = { raw: "00:1A:2B:3C:4D:09", mac: "00:1A:2B:3C:4D:09", status: "failed", reasons: ["used_by_other_case"] };
    expect(macSentences(other, "en")).toEqual(["00:1A:2B:3C:4D:09 is already registered in another case"]);
    expect(macSentences({ ...other, reasons: ["not_shipped", "duplicate_in_case"] }, "sv")).toEqual([
      "00:1A:2B:3C:4D:09 finns inte bland stationerna som levererades för ärendet",
      "00:1A:2B:3C:4D:09 anges för mer än en station",
    ]);
  });
});
