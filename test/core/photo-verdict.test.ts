import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  categorisePhoto,
  hammingDistance,
  judgePhoto,
  photoCoverage,
  photoEntry,
  retakeLine,
  unassignedLine,
  type PhotoMeasures,
} from "../../src/core/evidence/photo-verdict.js";
import { PHOTO_REASON_CODES, PhotosRulesSchema } from "../../src/core/evidence/schema.js";

const rules = PhotosRulesSchema.parse(parse(readFileSync(new URL("../../rules/photos.yaml", import.meta.url), "utf8")));
const t = rules.quality;
const ctx = { caseOpenedAt: "2025-05-01T08:00:00Z", now: "2025-05-10T12:00:00Z", knownHashes: [] as string[] };

const good: PhotoMeasures = {
  format: "jpeg",
  bytes: 3_000_000,
  width: 4000,
  height: 3000,
  orientation: 1,
  blur: 450,
  brightness: 120,
  overexposed: 0.01,
  dhash: "f0e1d2c3b4a59687",
  takenAt: "2025-05-09T10:00:00.000Z",
  analysedWidth: 1000,
  analysedHeight: 750,
};

describe("the photo rules", () => {
  it("are valid, with retake advice for every reason code in both languages", () => {
    for (const code of PHOTO_REASON_CODES) {
      expect(rules.retake_advice[code].sv).toContain("{file}");
      expect(rules.retake_advice[code].en).toContain("{file}");
    }
    expect(Object.keys(rules.stages)).toEqual(["site_readiness", "commissioning"]);
  });
});

describe("judgePhoto", () => {
  it("passes a sharp, well-exposed, recent, new photo", () => {
    expect(judgePhoto(good, t, ctx)).toEqual({ status: "ok", reasons: [] });
  });

  it.each<[string, Partial<PhotoMeasures>, string[]]>([
    ["too small", { width: 800, height: 600 }, ["low_resolution"]],
    ["a thin strip", { width: 4000, height: 500 }, ["low_resolution"]],
    ["blurred", { blur: 12 }, ["blurred"]],
    ["too dark", { brightness: 20, blur: 5 }, ["too_dark"]],
    ["blown out by its mean", { brightness: 245, blur: 5 }, ["overexposed"]],
    ["blown out by its clipped share", { overexposed: 0.6 }, ["overexposed"]],
    ["from the future", { takenAt: "2025-05-12T12:00:00Z" }, ["date_implausible"]],
    ["long before the case", { takenAt: "2024-01-01T12:00:00Z" }, ["date_implausible"]],
    ["small and blurred", { width: 640, height: 480, blur: 10 }, ["low_resolution", "blurred"]],
  ])("fails a photo that is %s", (_what, change, reasons) => {
    expect(judgePhoto({ ...good, ...change }, t, ctx)).toEqual({ status: "failed", reasons });
  });

  it("allows a day of slack for EXIF's missing time zone, and no date at all", () => {
    expect(judgePhoto({ ...good, takenAt: "2025-05-11T06:00:00Z" }, t, ctx).status).toBe("ok");
    expect(judgePhoto({ ...good, takenAt: null }, t, ctx).status).toBe("ok");
  });

  it("fails a duplicate or near-duplicate of a photo already on the case", () => {
    const nearly = "f0e1d2c3b4a59684"; // 2 bits away
    expect(judgePhoto(good, t, { ...ctx, knownHashes: [good.dhash] }).reasons).toEqual(["duplicate"]);
    expect(judgePhoto(good, t, { ...ctx, knownHashes: [nearly] }).reasons).toEqual(["duplicate"]);
    expect(judgePhoto(good, t, { ...ctx, knownHashes: ["0f1e2d3c4b5a6978"] }).reasons).toEqual([]);
  });

  it("passes when the context dates cannot be read rather than failing the photo", () => {
    expect(judgePhoto(good, t, { ...ctx, now: "nonsense", caseOpenedAt: "" }).status).toBe("ok");
  });
});

describe("photoEntry", () => {
  it("builds the contract entry of a measured photo", () => {
    const guess = { category: "electrical_panel", station: null };
    expect(photoEntry("elcentral.jpg", guess, { kind: "ok", measures: { ...good, blur: 3 } }, t, ctx)).toEqual({
      file: "elcentral.jpg",
      category: "electrical_panel",
      station: null,
      status: "failed",
      reasons: ["blurred"],
      measures: { ...good, blur: 3 },
    });
  });

  it("fails an unmeasurable photo with its kind as the reason, keeping its category", () => {
    const entry = photoEntry("bomb.png", { category: "site_overview", station: null }, { kind: "too_large", detail: "50000×50000 px" }, t, ctx);
    expect(entry).toEqual({ file: "bomb.png", category: "site_overview", station: null, status: "failed", reasons: ["too_large"], measures: { detail: "50000×50000 px" } });
  });
});

describe("hammingDistance", () => {
  it("counts differing bits and treats malformed hashes as maximally far", () => {
    expect(hammingDistance("0000000000000000", "0000000000000000")).toBe(0);
    expect(hammingDistance("0000000000000000", "ffffffffffffffff")).toBe(64);
    expect(hammingDistance("8000000000000001", "0000000000000000")).toBe(2);
    expect(hammingDistance("xyz", "0000000000000000")).toBe(64);
  });
});

describe("categorisePhoto", () => {
  const cat = (file: string, caption: string | null = null, text = "", stage: "site_readiness" | "commissioning" = "site_readiness", photosInMail = 1) =>
    categorisePhoto(file, caption, text, rules, stage, { photosInMail });

  it.each([
    ["elcentral.jpg", "electrical_panel"],
    ["IMG_2041_Elcentralen.JPG", "electrical_panel"],
    ["kabeldragning-garage.heic", "cable_routing"],
    ["Betongplattan.png", "mounting_surface"],
    ["signalstyrka_skärmbild.png", "connectivity"],
    ["översiktsbild.jpg", "site_overview"],
    ["Oversikt.jpg", "site_overview"],
    ["panel.jpg", "electrical_panel"],
  ])("tells %s is %s from its file name", (file, category) => {
    expect(cat(file)).toMatchObject({ category, source: "file" });
  });

  it("prefers the caption over the file name", () => {
    expect(cat("elcentral.jpg", "Kabeldragning i rör")).toMatchObject({ category: "cable_routing", source: "caption" });
    expect(cat("IMG_0001.jpg", "Kabeldragning i rör")).toMatchObject({ category: "cable_routing", source: "caption" });
  });

  it("reads per-station categories and the station number at commissioning", () => {
    expect(cat("station2_mac.jpg", null, "", "commissioning")).toEqual({ category: "mac_label", station: 2, source: "file" });
    expect(cat("Laddpunkt 3 - monterad.jpg", null, "", "commissioning")).toEqual({ category: "mounted_station", station: 3, source: "file" });
    expect(cat("inkoppling_laddare1.jpg", null, "", "commissioning")).toEqual({ category: "electrical_connection", station: 1, source: "file" });
  });

  it("reads what the mail says about a file by its name", () => {
    const text = "Hej!\nIMG_1234 visar elcentralen och IMG_1235 kabeldragningen.";
    expect(cat("IMG_1234.jpg", null, text, "site_readiness", 2)).toMatchObject({ category: "electrical_panel", source: "mail_text" });
  });

  it("uses the mail text as a whole only for a single photo and a single category", () => {
    expect(cat("IMG_0001.jpg", null, "Bifogar en bild på elcentralen.")).toMatchObject({ category: "electrical_panel", source: "mail_text" });
    expect(cat("IMG_0001.jpg", null, "Bifogar en bild på elcentralen.", "site_readiness", 3).category).toBeNull();
    expect(cat("IMG_0001.jpg", null, "Bilder på elcentralen och kabeldragningen.").category).toBeNull();
  });

  it("leaves a photo unassigned when nothing tells what it shows", () => {
    expect(cat("IMG_0001.jpg", null, "Här kommer bilderna")).toEqual({ category: null, station: null, source: null });
    expect(categorisePhoto("elcentral.jpg", null, "", rules, "configuration")).toEqual({ category: null, station: null, source: null });
  });

  it("does not read a short synonym inside a longer word, but allows its Swedish endings", () => {
    expect(cat("machine.jpg", null, "", "commissioning").category).toBeNull();
    expect(cat("padlock.jpg").category).toBeNull();
    expect(cat("väggen.jpg")).toMatchObject({ category: "mounting_surface" });
    expect(cat("rören i taket.jpg")).toMatchObject({ category: "cable_routing" });
  });

  it("leaves a photo unassigned when its words name two categories equally", () => {
    expect(cat("elcentral_och_kabeldragning.jpg")).toMatchObject({ category: null });
  });
});

describe("photoCoverage", () => {
  it("counts ok photos per category against minimums, per station where the rules say so", () => {
    const all = rules.stages.commissioning;
    if (!all) throw new Error("no commissioning photos in rules");
    // The default make's categories: a third-party make's own (`makes:`) apply to its cases only.
    const stage = { ...all, categories: all.categories.filter((c) => !c.makes) };
    const photos = [
      { category: "mac_label", status: "ok" as const },
      { category: "mac_label", status: "failed" as const },
      { category: "mounted_station", status: "ok" as const },
      { category: "mounted_station", status: "ok" as const },
      { category: null, status: "ok" as const },
      { category: "site_overview", status: "ok" as const },
    ];
    expect(photoCoverage(photos, stage, 2)).toEqual([
      { category: "mac_label", required: 2, ok: 1, missing: 1 },
      { category: "mounted_station", required: 2, ok: 2, missing: 0 },
      { category: "electrical_connection", required: 2, ok: 0, missing: 2 },
      { category: "site_overview", required: 1, ok: 1, missing: 0 },
    ]);
  });
});

describe("reply lines", () => {
  it("say what is wrong with a photo and what to do, most serious reason first", () => {
    expect(retakeLine("IMG_1.jpg", ["too_dark"], rules, "sv")).toBe("IMG_1.jpg: Bilden är för mörk — ta om den med blixt eller bättre ljus.");
    expect(retakeLine("IMG_1.jpg", ["blurred", "low_resolution"], rules, "en")).toMatch(/^IMG_1.jpg: The image resolution is too low/);
    expect(retakeLine("IMG_1.jpg", [], rules, "sv")).toBeNull();
  });

  it("ask what an unassigned photo shows", () => {
    expect(unassignedLine("IMG_7.jpg", rules, "sv")).toMatch(/^IMG_7.jpg: Vi kunde inte avgöra vad bilden visar/);
  });
});
