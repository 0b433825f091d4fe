// Vitest globalSetup: bring up Redis and the private Dovecot once per run (idempotent), and the
// second Dovecot set up like servers that are not Dovecot (`up-other`). Both stay up after the run, as
// the first always has: another run sharing SERVICES_DIR may still be using them.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

export default function setup(): void {
  if (process.env.SKIP_SERVICES === "1") return;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
  // Where the private Dovecot lives, as scripts/test.sh exports it; a bare `npx vitest` gets the same
  // answer, so it never starts a second Dovecot that takes the port from the first.
  process.env.SERVICES_DIR ??= execFileSync("bash", [path.join(root, "scripts/services-dir.sh")], { encoding: "utf8" }).trim();
  const services = (cmd: string) => execFileSync("bash", [path.join(root, "scripts/services.sh"), cmd], { stdio: "inherit", cwd: root });
  services("up");
  services("up-other");
}
