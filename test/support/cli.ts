/**
 * `activation-bot …` as a person runs it: the CLI through tsx in its own process, on the test's
 * environment (LOG_LEVEL silent unless the test sets it). Never rejects: a failing command gives its
 * exit code and what it printed, which is what the tests look at.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./rules.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const TSX = join(REPO_ROOT, "node_modules/.bin/tsx");
export const CLI_MAIN = join(REPO_ROOT, "src/cli/main.ts");

/** Runs `activation-bot <args>` with `env` over the test process's environment; `input` goes to its stdin. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, input = ""): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(TSX, [CLI_MAIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: "silent", ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}
