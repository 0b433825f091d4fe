// Vitest globalSetup: bring up Redis and the private Dovecot once per run (idempotent).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  if (process.env.SKIP_SERVICES === "1") return;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  execFileSync("bash", [path.join(root, "scripts/services.sh"), "up"], { stdio: "inherit", cwd: root });
}
