/**
 * The dependency floor: no copy of a package in package-lock.json may resolve below the minimum that
 * security/dependency-floors.json lists for it, with the advisories each minimum answers. npm audit
 * cannot be used here (the registry answers 405), so this test is the check that runs in `npm test`.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface Floor {
  package: string;
  /** One minimum per major line; a copy on a major line below all of them is refused. */
  minimum: string[];
  advisories: string[];
  why: string;
}

type Version = [number, number, number, boolean];

function parseVersion(text: string): Version {
  const m = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(\+.*)?$/.exec(text);
  if (!m) throw new Error(`not a version: ${text}`);
  return [Number(m[1]), Number(m[2]), Number(m[3]), m[4] !== undefined];
}

/** -1, 0, 1; a prerelease sorts before its release (1.2.3-rc.1 < 1.2.3). */
function compare(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  if (a[3] === b[3]) return 0;
  return a[3] ? -1 : 1;
}

/** Whether `version` meets a floor: judged against the minimum of the highest major line at or below its own. */
function meetsFloor(version: string, minimum: readonly string[]): boolean {
  const v = parseVersion(version);
  const lines = minimum.map(parseVersion).sort(compare);
  const line = lines.filter((m) => m[0] <= v[0]).at(-1);
  if (!line) return false;
  return line[0] < v[0] || compare(v, line) >= 0;
}

/** Every installed copy of a package: lockfile v2/v3 `packages` keys end in `node_modules/<name>`. */
function installedCopies(lock: { packages: Record<string, { version?: string; link?: boolean }> }): Map<string, { where: string; version: string }[]> {
  const copies = new Map<string, { where: string; version: string }[]>();
  for (const [where, entry] of Object.entries(lock.packages)) {
    const at = where.lastIndexOf("node_modules/");
    if (at < 0 || !entry.version || entry.link) continue;
    const name = where.slice(at + "node_modules/".length);
    copies.set(name, [...(copies.get(name) ?? []), { where, version: entry.version }]);
  }
  return copies;
}

describe("meetsFloor", () => {
  it("passes versions at or above the minimum of their major line, refuses those below", () => {
    expect(meetsFloor("0.35.0", ["0.35.0"])).toBe(true);
    expect(meetsFloor("0.35.6", ["0.35.0"])).toBe(true);
    expect(meetsFloor("1.0.0", ["0.35.0"])).toBe(true);
    expect(meetsFloor("0.34.5", ["0.35.0"])).toBe(false);
    expect(meetsFloor("0.35.0-rc.1", ["0.35.0"])).toBe(false);
  });

  it("judges a backported fix by its own major line, and refuses majors older than every line", () => {
    const semverFloor = ["5.7.2", "6.3.1", "7.5.2"];
    expect(meetsFloor("6.3.1", semverFloor)).toBe(true);
    expect(meetsFloor("6.3.0", semverFloor)).toBe(false);
    expect(meetsFloor("7.5.1", semverFloor)).toBe(false);
    expect(meetsFloor("7.8.6", semverFloor)).toBe(true);
    expect(meetsFloor("4.3.6", semverFloor)).toBe(false);
  });
});

describe("package-lock.json against security/dependency-floors.json", () => {
  const floors = JSON.parse(readFileSync(path.join(ROOT, "security/dependency-floors.json"), "utf8")) as { floors: Floor[]; required: string[] };
  const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as Parameters<typeof installedCopies>[0];
  const copies = installedCopies(lock);

  it("names at least one advisory for every floor", () => {
    for (const floor of floors.floors) expect(floor.advisories.length, floor.package).toBeGreaterThan(0);
  });

  it("finds the packages the bot cannot run without, so a renamed lockfile key cannot pass unseen", () => {
    for (const name of floors.required) expect(copies.get(name)?.length ?? 0, name).toBeGreaterThan(0);
  });

  it("resolves no copy of a listed package below its floor", () => {
    const below = floors.floors.flatMap((floor) =>
      (copies.get(floor.package) ?? [])
        .filter((copy) => !meetsFloor(copy.version, floor.minimum))
        .map((copy) => `${copy.where}@${copy.version} is below ${floor.minimum.join(" / ")} (${floor.advisories.join(", ")})`),
    );
    expect(below).toEqual([]);
  });
});
