/**
 * The bot as deployed for the fault suite: `npm run build`'s compiler and settings
 * (tsconfig.build.json), emitted into a private directory named after a hash of the sources, so that
 * `node <build>/cli/main.js run` starts in a second or two instead of the 15–22 s tsx took on a loaded
 * machine, and parallel runs (another worktree, `npm run faults` beside `npm test`) neither rebuild
 * each other's output nor start a half-written one.
 *
 * Layout: `.faults-build/<hash>/cli/main.js`, inside the package so that Node finds `node_modules`.
 * The build sits one level deeper than dist/, so the rules and templates are named by RULES_DIR and
 * TEMPLATES_DIR (`botBuildEnv`) rather than found next to it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { REPO_ROOT } from "../support/rules.js";

const BUILDS_DIR = join(REPO_ROOT, ".faults-build");
/** Builds kept besides the current one (other worktrees' or older sources' runs may still use them). */
const BUILDS_KEPT = 3;
/** Builds younger than this are kept beyond BUILDS_KEPT. */
const KEEP_RECENT_MS = 6 * 3_600_000;

export interface BotBuild {
  /** The CLI script: `node <main> run`. */
  main: string;
  /** ms the build took (0 when this process found it built). */
  buildMs: number;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** A hash of every file the build reads: the sources and the compiler settings. */
function sourceHash(): string {
  const h = createHash("sha256");
  for (const f of [join(REPO_ROOT, "tsconfig.json"), join(REPO_ROOT, "tsconfig.build.json"), ...sourceFiles(join(REPO_ROOT, "src"))]) {
    h.update(relative(REPO_ROOT, f)).update("\0").update(readFileSync(f)).update("\0");
  }
  return h.digest("hex").slice(0, 16);
}

function tsc(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", outDir], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.stderr.on("data", (c: Buffer) => (out += c.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the bot's build (tsc -p tsconfig.build.json) failed with ${code}:\n${out}`))));
  });
}

/** When a build was completed (the time `.built` holds), 0 for one that never was. */
function builtAt(dir: string): number {
  try {
    return Number(readFileSync(join(dir, ".built"), "utf8")) || 0;
  } catch {
    return 0;
  }
}

async function pruneOldBuilds(keep: string): Promise<void> {
  const others = readdirSync(BUILDS_DIR, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== keep && !e.name.startsWith("tmp-"))
    .map((e) => ({ name: e.name, at: builtAt(join(BUILDS_DIR, e.name)) }))
    .sort((a, b) => b.at - a.at);
  // A build made in the last hours may still run a campaign started before the sources changed.
  const stale = others.slice(BUILDS_KEPT).filter((b) => b.at < Date.now() - KEEP_RECENT_MS);
  for (const old of stale) await rm(join(BUILDS_DIR, old.name), { recursive: true, force: true });
}

async function build(): Promise<BotBuild> {
  const hash = sourceHash();
  const dir = join(BUILDS_DIR, hash);
  const main = join(dir, "cli/main.js");
  // `.built` is written last, inside the temp dir, before the rename: its presence means complete.
  if (existsSync(join(dir, ".built"))) return { main, buildMs: 0 };
  await mkdir(BUILDS_DIR, { recursive: true });
  const tmp = join(BUILDS_DIR, `tmp-${hash}-${process.pid}`);
  const started = Date.now();
  try {
    await tsc(tmp);
    await writeFile(join(tmp, ".built"), String(Date.now()));
    // Another run that built the same sources meanwhile wins the rename; its output is the same.
    await rename(tmp, dir).catch(() => undefined);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  if (!existsSync(join(dir, ".built"))) throw new Error(`the bot's build did not reach ${dir}`);
  await pruneOldBuilds(hash).catch(() => undefined);
  return { main, buildMs: Date.now() - started };
}

let building: Promise<BotBuild> | null = null;

/** The bot's build for the current sources, made once per process (and reused across processes). */
export function botBuild(): Promise<BotBuild> {
  building ??= build();
  return building;
}

/** What a process started from the build needs besides it: where the rules and templates are. */
export function botBuildEnv(): Record<string, string> {
  return { RULES_DIR: join(REPO_ROOT, "rules"), TEMPLATES_DIR: join(REPO_ROOT, "templates") };
}
