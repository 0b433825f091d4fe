/**
 * Checks package-lock.json against security/dependency-floors.json: every installed copy of a package
 * (hoisted or nested) must be at or above its floor. Pure; the test reads the files.
 */
export interface Floor {
  min: string;
  advisories: string[];
  why: string;
}

export interface FloorViolation {
  name: string;
  path: string;
  version: string;
  floor: Floor;
}

interface LockPackage {
  version?: string;
  link?: boolean;
}

/** `1.2.3-rc.1` → [1, 2, 3] and whether it is a pre-release (which sorts below the release). */
function parseVersion(v: string): { parts: number[]; pre: boolean } | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) return undefined;
  return { parts: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] !== undefined };
}

/** True when `version` is below `min`; an unparsable version counts as below (cannot prove it safe). */
export function below(version: string, min: string): boolean {
  const a = parseVersion(version);
  const b = parseVersion(min);
  if (!b) throw new Error(`floor "${min}" is not a version`);
  if (!a) return true;
  for (let i = 0; i < 3; i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d !== 0) return d < 0;
  }
  return a.pre && !b.pre;
}

/** `node_modules/a/node_modules/@s/b` → `@s/b`. */
function packageName(path: string): string | undefined {
  const at = path.lastIndexOf("node_modules/");
  return at < 0 ? undefined : path.slice(at + "node_modules/".length);
}

export function floorViolations(lock: { packages?: Record<string, LockPackage> }, floors: Record<string, Floor>): FloorViolation[] {
  const out: FloorViolation[] = [];
  for (const [path, pkg] of Object.entries(lock.packages ?? {})) {
    const name = packageName(path);
    const floor = name ? floors[name] : undefined;
    if (!name || !floor || pkg.link) continue;
    const version = pkg.version ?? "";
    if (below(version, floor.min)) out.push({ name, path, version, floor });
  }
  return out;
}
