/**
 * `BENCH_ONLY=scale` (or `npx tsx bench/scale.ts`): what a page, a list and a reply cost against the
 * number of cases ever opened (issue 19's figures, and the desk's in issue 18). For each size a store of
 * its own is filled through the product's use cases (bench/scale-fill.ts: 95 % closed and archived,
 * 5 % open, 0.5 % flagged); once all are filled, each is measured:
 * - server time p95 of the queue page, search (page and API), a case page, the API list and the work
 *   queue, through the HTTP server (inject: server time, no socket), every size's store asked in turn,
 *   request by request (so the ratio of sizes is not the load of the minutes between them), and each
 *   page's HTML size;
 * - the longest event-loop stall while 10 clients load the queue page over loopback for
 *   SCALE_STALL_S seconds (default 30), `/healthz` beside them, and whether the watcher lock, renewed in
 *   the same process, was lost (bench/scale-load.ts);
 * - `activation-bot cases list` as a process of its own: wall time, CPU time and peak RSS (/usr/bin/time);
 * - reply time: a network manager's reply to a fresh case through processMail (parse, decide, one
 *   commit; SMTP and IMAP short-circuited), alternately on this store and on an empty one;
 * - Redis bytes of an archived and of an open case's own keys, and of the whole store per case.
 * Sizes: SCALE_SIZES=1000,100000 (default 1000,10000); SCALE_FILL_MAX_S bounds each fill, and the
 * size reached is measured (`cases`, beside `size_asked`). SCALE_KEEP=1 keeps each size's store (prefix
 * `bench-scale-keep-<n>:`, blobs under /var/tmp) and reuses it in the next run instead of filling it
 * again; without it each store is deleted at the end.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { openCaseCommand } from "../src/app/case-commands.js";
import { processMail } from "../src/app/process-mail.js";
import { connectRedis } from "../src/adapters/redis/connect.js";
import { loadConfig } from "../src/config.js";
import { caseCommandDeps, processMailDeps, type Context } from "../src/main.js";
import { type FillFigures, fillStore } from "./scale-fill.js";
import { loadWindow } from "./scale-load.js";
import { type BenchStore, openBenchStore, readOnlyDesk, timePagesInTurn } from "./desk-pages.js";
import { botCommand, buildReply, log, round1, summary } from "./lib.js";

const SIZES = (process.env.SCALE_SIZES ?? "1000,10000").split(",").map(Number);
const STALL_S = Number(process.env.SCALE_STALL_S ?? 30);
const KEEP = process.env.SCALE_KEEP === "1";
/** A bound on each fill (seconds): past it no case is begun, and the size reached is measured. */
const FILL_MAX_S = Number(process.env.SCALE_FILL_MAX_S ?? Infinity);
/** Requests per timed route. */
const SAMPLES = 60;
/** Replies timed on each store (after 3 untimed). */
const REPLIES = 200;
const NM_TEXT = "Hej!\nOrganisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.\n\nMvh Nina";

/** A size's store with the fill's figures, or null when a kept store was reused. */
type Store = BenchStore & { fill: FillFigures | null };

async function openStore(name: string, keep: boolean): Promise<Store> {
  if (!keep) return { ...(await openBenchStore("scale")), fill: null };
  const prefix = `bench-scale-keep-${name}:`;
  const storage = join("/var/tmp", `bench-scale-keep-${name}`);
  await mkdir(storage, { recursive: true });
  // A kept store keeps its tag secret beside its keys, so its mails still verify in the next run.
  const secretKey = `${prefix}bench:secret`;
  let secret = randomBytes(16).toString("hex");
  const redis = connectRedis(loadConfig({ ...process.env, TAG_SECRET: secret }));
  secret = (await redis.get(secretKey)) ?? secret;
  await redis.set(secretKey, secret);
  await redis.quit();
  return { ...(await openBenchStore("scale", { prefix, storage, secret })), fill: null };
}

/**
 * Fills a store to `n` cases (fewer if SCALE_FILL_MAX_S runs out first), unless it is a kept store
 * already filled: then it is measured as it is. Returns the store and how many cases it holds.
 */
async function filled(store: Store, n: number): Promise<{ store: Store; cases: number }> {
  const marker = `${store.prefix}bench:filled`;
  const before = await store.ctx.redis.get(marker);
  if (before !== null) {
    const cases = (JSON.parse(before) as FillFigures).cases;
    log(`scale: reusing the kept store of ${cases} cases (${store.prefix})`);
    return { store, cases };
  }
  // An unfinished fill (a kept store whose run was stopped) is resumed, with case numbers of its own.
  const there = await store.ctx.store.countList({ kind: "all" });
  if (there > 0) log(`scale: resuming the fill of ${store.prefix} at ${there} cases`);
  const fill = await fillStore(store.ctx, n, FILL_MAX_S, there > 0 ? there + 1000 : 0);
  if (KEEP) await store.ctx.redis.set(marker, JSON.stringify(fill));
  return { store: { ...store, fill }, cases: fill.cases };
}

/** A filled store and the number of cases it holds. */
interface Sized {
  store: Store;
  n: number;
}

/**
 * Each page's server time on every size's store, asked in turn request by request
 * (desk-pages.ts timePagesInTurn): the ratio of the largest to the smallest is then the store's doing,
 * not the machine's load between two measurements minutes apart. Then, one size at a time, the
 * event-loop stall while clients load the queue page. Per size, in the order given.
 */
async function measurePages(sized: Sized[]) {
  const desks = await Promise.all(
    sized.map(async ({ store, n }) => {
      const { openIds } = await sampleIds(store.ctx);
      return { app: await readOnlyDesk(store.ctx), n, openIds };
    }),
  );
  // Site words of a random case of the store (every fill's sites are "Storgatan <n>").
  const words = (n: number) => encodeURIComponent(`storgatan ${1 + Math.floor(Math.random() * n)}`);
  const routes: Record<string, (d: (typeof desks)[number]) => () => string> = {
    queue: () => () => "/",
    api_search: ({ n }) => () => `/api/cases?q=${words(n)}`,
    search: ({ n }) => () => `/search?q=${words(n)}`,
    case: ({ n }) => () => `/cases/ACT-${100001 + Math.floor(Math.random() * n)}`,
    open_case: ({ openIds }) => () => `/cases/${pick(openIds)}`,
    api_list: () => () => "/api/cases?stage=open",
    work: () => () => "/work",
  };
  const timed: Record<string, { ms: ReturnType<typeof summary>; maxBytes: number }[]> = {};
  for (const [name, url] of Object.entries(routes)) timed[name] = await timePagesInTurn(desks.map((d) => ({ app: d.app, url: url(d) })), SAMPLES);
  const results = [];
  for (const [i, { store }] of sized.entries()) {
    const of = (name: string) => timed[name]?.[i] ?? { ms: summary([]), maxBytes: 0 };
    const app = desks[i]?.app;
    if (!app) throw new Error("bench: no desk");
    const base = await app.listen({ host: "127.0.0.1", port: 0 });
    const load = await loadWindow(base, "/", STALL_S, store.ctx.redis, `${store.ctx.config.REDIS_PREFIX}bench:watcher-lock`);
    await app.close();
    results.push({
      queue_page_ms: of("queue").ms,
      search_ms: of("api_search").ms,
      search_page_ms: of("search").ms,
      case_page_ms: of("case").ms,
      open_case_page_ms: of("open_case").ms,
      api_list_ms: of("api_list").ms,
      work_page_ms: of("work").ms,
      html_kb_max: Object.fromEntries(Object.keys(routes).map((name) => [name, round1(of(name).maxBytes / 1024)])),
      ...load,
    });
  }
  return results;
}

/** `activation-bot cases list` as the team runs it: a process of its own, SCALE_CLI_RUNS times (3); the slowest. */
async function cliList(store: Store): Promise<{ cli_list_wall_ms: number; cli_list_cpu_ms: number; cli_list_rss_mb: number; cli_form: string } | null> {
  const script = botCommand().args.slice(0, -1);
  const out = join(store.storage, "cli-time.txt");
  let wall = 0;
  let cpu = 0;
  let rss = 0;
  for (let i = 0; i < Number(process.env.SCALE_CLI_RUNS ?? 3); i++) {
    const t = performance.now();
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn("/usr/bin/time", ["-f", "%M %U %S", "-o", out, process.execPath, ...script, "cases", "list"], {
        env: { ...process.env, REDIS_PREFIX: store.prefix, STORAGE_DIR: store.storage, TAG_SECRET: store.ctx.config.TAG_SECRET, LOG_LEVEL: "silent" },
        stdio: ["ignore", "ignore", "inherit"],
      });
      child.once("error", () => resolve(null));
      child.once("exit", resolve);
    });
    if (code !== 0) return null;
    wall = Math.max(wall, performance.now() - t);
    // Peak RSS in KB, then user and system CPU seconds: the CPU is what the machine's load changes least.
    const [kb, user, system] = ((await readFile(out, "utf8")).trim().split("\n").pop() ?? "").split(" ").map(Number);
    rss = Math.max(rss, (kb ?? 0) * 1024);
    cpu = Math.max(cpu, ((user ?? 0) + (system ?? 0)) * 1000);
  }
  return { cli_list_wall_ms: round1(wall), cli_list_cpu_ms: round1(cpu), cli_list_rss_mb: round1(rss / (1024 * 1024)), cli_form: botCommand().label.replace(/ run\b/, " cases list") };
}

/** One reply to a fresh case through processMail, timed (the case opened and its mail filed untimed). */
async function oneReply(ctx: Context): Promise<number> {
  const nm = `nm-reply-${randomBytes(4).toString("hex")}@kund.bench`;
  const opened = await openCaseCommand(
    caseCommandDeps(ctx),
    { site: "Repliksgatan 1, Malmö", nmEmail: nm, nmName: "Nina", stations: 2, macsShipped: [], installService: false, locale: "sv" },
    "bench",
  );
  if (opened.kind !== "ok") throw new Error(opened.reason);
  const first = opened.outbox[0];
  if (!first) throw new Error("bench: no first mail");
  for (const e of opened.outbox) await ctx.store.markSent(e, "250 bench", new Date().toISOString());
  await ctx.store.markFiled(opened.outbox.map((e) => e.key));
  const reply = await buildReply(first, { name: "Nina", address: nm }, NM_TEXT);
  const t = performance.now();
  const r = await processMail(processMailDeps(ctx), reply.raw);
  const ms = performance.now() - t;
  if (r.kind !== "case") throw new Error(`bench: the reply was ${r.kind}`);
  return ms;
}

/** Replies alternately on the full and on the empty store, so both see the same machine. */
async function replies(full: Context, empty: Context) {
  for (let i = 0; i < 3; i++) await Promise.all([oneReply(full), oneReply(empty)]);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < REPLIES; i++) {
    a.push(await oneReply(full));
    b.push(await oneReply(empty));
  }
  const f = summary(a);
  const e = summary(b);
  return { reply_ms_full: f, reply_ms_empty: e, reply_p95_full_to_empty: round1((f.p95 / e.p95) * 100) / 100 };
}

/** Ids of open and of archived cases to sample (cases are numbered in the order the fill's threads made them). */
async function sampleIds(ctx: Context): Promise<{ openIds: string[]; archivedIds: string[] }> {
  const openIds = (await ctx.store.listPage({ kind: "stage", stage: "open" }, null, 200)).items.filter((s) => !s.archivedAt).map((s) => s.id);
  // The archive takes the oldest closed cases first: archived ones are found below the middle.
  const closedTotal = await ctx.store.countList({ kind: "all" });
  const archivedIds = (await ctx.store.listPage({ kind: "stage", stage: "closed" }, 100001 + Math.floor(closedTotal / 2), 200)).items.filter((s) => s.archivedAt).map((s) => s.id);
  if (!openIds.length || !archivedIds.length) throw new Error("bench: no open or no archived case to sample");
  return { openIds, archivedIds };
}

function pick(ids: string[]): string {
  return ids[Math.floor(Math.random() * ids.length)] ?? "";
}

/**
 * Bytes of an archived and of an open case's own keys and its fields in the index slot's summaries and
 * list keys, and of the whole prefix per case, by kind of key.
 * One SCAN over the prefix finds both: KEYS would block the shared Redis for seconds per call.
 */
async function perCaseMemory(ctx: Context, n: number) {
  const prefix = ctx.config.REDIS_PREFIX;
  const usage = async (keys: string[]) => {
    const pipe = ctx.redis.pipeline();
    for (const k of keys) pipe.call("MEMORY", "USAGE", k, "SAMPLES", "0");
    return ((await pipe.exec()) ?? []).map(([, v]) => Number(v ?? 0));
  };
  const { archivedIds, openIds } = await sampleIds(ctx);
  const picks = { archived: Array.from({ length: 40 }, () => pick(archivedIds)), open: Array.from({ length: 40 }, () => pick(openIds)) };
  const sampled = new Set([...picks.archived, ...picks.open]);
  // The case a key belongs to, if it is one of the sampled cases' own keys (case, events, outbox entries).
  const ownerOf = (key: string): string | null => {
    const m = /^(?:case|outbox):(ACT-\d+)/.exec(key.slice(prefix.length));
    const id = m?.[1];
    if (!id || !sampled.has(id)) return null;
    const rest = key.slice(prefix.length).replace(/^case:ACT-\d+/, "");
    return key.slice(prefix.length).startsWith("outbox:") || rest === "" || rest === ":events" ? id : null;
  };
  const ofCase = new Map<string, number>();
  let total = 0;
  const families = new Map<string, number>();
  let cursor = "0";
  do {
    const [next, keys] = await ctx.redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    const bytes = await usage(keys);
    keys.forEach((k, i) => {
      const b = bytes[i] ?? 0;
      total += b;
      const family = k.slice(prefix.length).split(":")[0] ?? "";
      families.set(family, (families.get(family) ?? 0) + b);
      const id = ownerOf(k);
      if (id) ofCase.set(id, (ofCase.get(id) ?? 0) + b);
    });
  } while (cursor !== "0");
  // Its summary and list keys, fields of two hashes of the index slot: their values, plus a hash
  // entry's own cost (the field name and about 48 bytes of bookkeeping) each.
  const fieldPipe = ctx.redis.pipeline();
  const ids = [...sampled];
  for (const id of ids) fieldPipe.hstrlen(`${prefix}summaries`, id).hstrlen(`${prefix}caseidx`, id);
  const lengths = ((await fieldPipe.exec()) ?? []).map(([, v]) => Number(v ?? 0));
  ids.forEach((id, i) => ofCase.set(id, (ofCase.get(id) ?? 0) + (lengths[2 * i] ?? 0) + (lengths[2 * i + 1] ?? 0) + 2 * (id.length + 48)));
  const avg = (ids: string[]) => Math.round(ids.reduce((a, id) => a + (ofCase.get(id) ?? 0), 0) / ids.length);
  const perCase = Object.fromEntries([...families].sort((a, b) => b[1] - a[1]).map(([f, b]) => [f, Math.round(b / n)]));
  return { archived_case_bytes: avg(picks.archived), open_case_bytes: avg(picks.open), store_bytes_per_case: Math.round(total / n), store_bytes_per_case_by_key: perCase };
}

async function main() {
  const empty = await openStore("empty", false);
  const sized: Sized[] = [];
  const results = [];
  try {
    for (const size of SIZES) {
      const { store, cases: n } = await filled(await openStore(String(size), KEEP), size);
      sized.push({ store, n });
    }
    const load = loadavg().map(round1);
    const pages = await measurePages(sized);
    for (const [i, { store, n }] of sized.entries()) {
      const cli = await cliList(store);
      const reply = await replies(store.ctx, empty.ctx);
      const memory = await perCaseMemory(store.ctx, n);
      const r = { cases: n, size_asked: SIZES[i], fill: store.fill, ...pages[i]!, ...(cli ?? { cli_list_wall_ms: null, cli_list_cpu_ms: null, cli_list_rss_mb: null }), ...reply, ...memory, loadavg_before: load, loadavg_after: loadavg().map(round1) };
      log(`scale: ${JSON.stringify(r)}`);
      results.push(r);
    }
  } finally {
    for (const { store } of sized) await store.drop();
    await empty.drop();
  }
  const [small, large] = [results[0], results[results.length - 1]];
  type R = NonNullable<typeof small>;
  const ratio = (f: (r: R) => number) => (small && large ? round1(f(large) / f(small)) : null);
  const ratios = {
    queue_page: ratio((r) => r.queue_page_ms.p95),
    search: ratio((r) => r.search_ms.p95),
    search_page: ratio((r) => r.search_page_ms.p95),
    case_page: ratio((r) => r.case_page_ms.p95),
    api_list: ratio((r) => r.api_list_ms.p95),
    work_page: ratio((r) => r.work_page_ms.p95),
  };
  const targets = { p95_ms: 100, ratio: 1.5, loop_stall_ms: 50, archived_case_bytes: 6144, open_case_bytes: 61440, cli_list_wall_ms: 1000, cli_list_rss_mb: 200, reply_p95_full_to_empty: 1.1, html_kb: 200 };
  const met = large
    ? {
        p95: [large.queue_page_ms, large.search_ms, large.search_page_ms, large.case_page_ms, large.api_list_ms, large.work_page_ms].every((s) => s.p95 <= targets.p95_ms),
        ratio: Object.values(ratios).every((v) => v !== null && v <= targets.ratio),
        loop_stall: large.loop_stall_ms_max <= targets.loop_stall_ms,
        watcher_lock_kept: !large.watcher_lock_lost,
        archived_case_bytes: large.archived_case_bytes <= targets.archived_case_bytes,
        store_bytes_per_case: large.store_bytes_per_case <= targets.archived_case_bytes,
        open_case_bytes: large.open_case_bytes <= targets.open_case_bytes,
        cli_list: large.cli_list_wall_ms !== null && large.cli_list_wall_ms <= targets.cli_list_wall_ms && large.cli_list_rss_mb !== null && large.cli_list_rss_mb <= targets.cli_list_rss_mb,
        reply: large.reply_p95_full_to_empty <= targets.reply_p95_full_to_empty,
        html: Object.values(large.html_kb_max).every((kb) => kb <= targets.html_kb),
      }
    : {};
  process.stdout.write(`${JSON.stringify({ bench: "activation-bot scale", results, p95_ratio_large_to_small: ratios, targets, met })}\n`);
}

await main();
