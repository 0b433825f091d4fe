/** The repository's own rules/, loaded once per test file (pure tests use real rules as data). */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadRules } from "../../src/adapters/files/load-rules.js";
import type { Rules } from "../../src/core/rules/rules.js";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let cached: Promise<Rules> | undefined;
export function repoRules(): Promise<Rules> {
  cached ??= loadRules(path.join(REPO_ROOT, "rules"));
  return cached;
}
