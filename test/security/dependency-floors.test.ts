import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { below, floorViolations, type Floor } from "../support/version-floor.js";

const root = new URL("../../", import.meta.url);
const floors = (JSON.parse(readFileSync(new URL("security/dependency-floors.json", root), "utf8")) as { floors: Record<string, Floor> }).floors;
const lock = JSON.parse(readFileSync(new URL("package-lock.json", root), "utf8")) as { packages: Record<string, { version?: string }> };

describe("dependency floors", () => {
  it("every floor names the advisory it answers", () => {
    for (const [name, floor] of Object.entries(floors)) {
      expect(floor.advisories.length, name).toBeGreaterThan(0);
      for (const id of floor.advisories) expect(id, name).toMatch(/^(?:GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d{4,})$/);
    }
  });

  it("no installed copy in package-lock.json resolves below its floor", () => {
    const report = floorViolations(lock, floors).map(
      (v) => `${v.path} is ${v.version}, below ${v.floor.min} (${v.floor.advisories.join(", ")}): ${v.floor.why}. Upgrade it (npm update ${v.name}, or an "overrides" entry for a nested copy).`,
    );
    expect(report).toEqual([]);
  });

  it("sharp is installed at 0.35 or later", () => {
    expect(lock.packages["node_modules/sharp"]?.version).toBeDefined();
    expect(below(lock.packages["node_modules/sharp"]?.version ?? "", "0.35.0")).toBe(false);
  });

  it("finds a nested copy below its floor, and compares versions numerically", () => {
    const fake = {
      packages: {
        "": { version: "0.1.0" },
        "node_modules/sharp": { version: "0.35.6" },
        "node_modules/x/node_modules/sharp": { version: "0.34.5" },
        "node_modules/@s/cookie": { version: "0.1.0" },
        "node_modules/cookie": { version: "0.10.0" },
      },
    };
    expect(floorViolations(fake, floors).map((v) => v.path)).toEqual(["node_modules/x/node_modules/sharp"]);
    expect(below("0.35.0-rc.1", "0.35.0")).toBe(true);
    expect(below("0.35.0", "0.35.0")).toBe(false);
    expect(below("10.0.0", "9.9.9")).toBe(false);
    expect(below("not-a-version", "1.0.0")).toBe(true);
  });
});
