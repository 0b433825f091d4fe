/**
 * `npx tsx bench/page-ratio.ts`: one page's server time at two store sizes, the two measured in turn,
 * request by request, so that the machine's load falls on both alike (desk-pages.ts timePagesInTurn, as
 * bench/scale.ts does), with any paths and more requests.
 * Each size gets a store of its own, filled as the scale bench fills one (bench/scale-fill.ts: 95 %
 * closed and archived, 5 % open, 0.5 % flagged), unless RATIO_PREFIXES names stores a run kept
 * (RATIO_KEEP=1 keeps them, and prints their prefixes on stderr). Then each path of RATIO_PATHS
 * (default `/work,/`) is asked RATIO_SAMPLES times (default 300) of each size, alternating, through the
 * HTTP server (inject: server time, no socket), after 20 untimed requests. Prints one JSON line: per
 * path and size p50 / p95 / max and HTML KB, the process's CPU time per page (user and system, mean:
 * what the page costs, whatever else waits for the cores), the ratios large to small of p50, p95 and
 * CPU per page, and the load averages.
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { loadConfig } from "../src/config.js";
import { buildContext, type Context } from "../src/main.js";
import { readOnlyDesk, timePagesInTurn } from "./desk-pages.js";
import { fillStore } from "./scale-fill.js";
import { deleteRedisPrefix, log, round1, summary } from "./lib.js";

const SIZES = (process.env.RATIO_SIZES ?? "1000,10000").split(",").map(Number);
const PATHS = (process.env.RATIO_PATHS ?? "/work,/").split(",");
const SAMPLES = Number(process.env.RATIO_SAMPLES ?? 300);
const KEEP = process.env.RATIO_KEEP === "1";
const KEPT = process.env.RATIO_PREFIXES?.split(",");
/** A kept store's tag secret: fixed, so that a later run reads its mails' tags as this one wrote them. */
const SECRET = "ratio-bench-secret-0123456789";

interface SizeStore {
  size: number;
  prefix: string;
  storage: string;
  ctx: Context;
  app: FastifyInstance;
}

async function open(size: number, i: number): Promise<SizeStore> {
  const prefix = KEPT?.[i] ?? `bench:ratio-${size}:${randomBytes(3).toString("hex")}:`;
  const storage = join("/var/tmp", prefix.replace(/\W/g, ""));
  await mkdir(storage, { recursive: true });
  const ctx = await buildContext(loadConfig({ ...process.env, REDIS_PREFIX: prefix, STORAGE_DIR: storage, TAG_SECRET: SECRET, LOG_LEVEL: "silent" }));
  const there = await ctx.store.countList({ kind: "all" });
  if (there < size) await fillStore(ctx, size, Infinity, there > 0 ? there + 1000 : 0);
  log(`ratio: ${await ctx.store.countList({ kind: "all" })} cases under ${prefix}`);
  return { size, prefix, storage, ctx, app: await readOnlyDesk(ctx) };
}

async function main(): Promise<void> {
  const stores: SizeStore[] = [];
  try {
    for (const [i, size] of SIZES.entries()) stores.push(await open(size, i));
    const load_before = loadavg().map(round1);
    const paths: Record<string, unknown> = {};
    for (const path of PATHS) {
      const timed = await timePagesInTurn(stores.map((s) => ({ app: s.app, url: () => path })), SAMPLES, 20);
      const per = stores.map((s, k) => ({ cases: s.size, ms: timed[k]?.ms ?? summary([]), cpu_ms_per_page: timed[k]?.cpuMsPerPage ?? 0, html_kb: round1((timed[k]?.maxBytes ?? 0) / 1024) }));
      const [small, large] = [per[0], per[per.length - 1]];
      paths[path] = {
        sizes: per,
        p50_ratio: small && large ? round1(large.ms.p50 / small.ms.p50) : null,
        p95_ratio: small && large ? round1(large.ms.p95 / small.ms.p95) : null,
        cpu_ratio: small && large ? Math.round((large.cpu_ms_per_page / small.cpu_ms_per_page) * 100) / 100 : null,
      };
    }
    process.stdout.write(`${JSON.stringify({ bench: "activation-bot page ratio", samples: SAMPLES, paths, loadavg_before: load_before, loadavg_after: loadavg().map(round1) })}\n`);
  } finally {
    for (const s of stores) {
      await s.app.close();
      if (KEEP || KEPT) log(`ratio: store ${s.prefix} kept`);
      else {
        await deleteRedisPrefix(s.ctx, s.prefix);
        await rm(s.storage, { recursive: true, force: true });
      }
      await s.ctx.close();
    }
  }
}

await main();
