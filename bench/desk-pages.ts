/**
 * The desk's pages timed on a store of a bench's own (overview.ts, work-queue.ts, scale.ts): the store
 * (a Redis prefix and a STORAGE_DIR), the cases written into it, the HTTP server over it read-only,
 * and a page's server time through inject (no socket).
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type { FastifyInstance } from "fastify";
import { loadConfig } from "../src/config.js";
import type { Case } from "../src/core/types.js";
import type { HttpDeps } from "../src/http/http-deps.js";
import { createHttpServer } from "../src/http/server.js";
import { buildContext, type Context } from "../src/main.js";
import { createMetrics } from "../src/runtime/metrics.js";
import { makeCase } from "../test/support/case.js";
import { deleteRedisPrefix, summary } from "./lib.js";

/**
 * A case as the page benches write it straight into the store: one station, one network manager, in
 * Swedish, nothing shipped, no evidence; `over` sets the rest (site, stage, times, flags, owner).
 */
export function benchCase(id: string, over: Partial<Case>): Case {
  return makeCase(id, { locale: "sv", participants: [{ email: `nm-${id}@kund.bench`, role: "network_manager" }], stations: 1, subject: "Aktivering", rulesVersion: "bench", ...over });
}

export interface BenchStore {
  ctx: Context;
  prefix: string;
  storage: string;
  /** Deletes the prefix and the folder, unless the store is a kept one. */
  drop(): Promise<void>;
}

/**
 * A store of its own, `bench:<name>:<random>:` in a temp folder; or `kept`, one a run before left
 * (its prefix, folder and tag secret), which `drop` leaves as it is.
 */
export async function openBenchStore(name: string, kept?: { prefix: string; storage: string; secret: string }): Promise<BenchStore> {
  const prefix = kept?.prefix ?? `bench:${name}:${randomBytes(4).toString("hex")}:`;
  const storage = kept?.storage ?? (await mkdtemp(join(tmpdir(), `bench-${name}-`)));
  const secret = kept?.secret ?? randomBytes(16).toString("hex");
  const ctx = await buildContext(loadConfig({ ...process.env, REDIS_PREFIX: prefix, STORAGE_DIR: storage, TAG_SECRET: secret, LOG_LEVEL: "silent" }));
  return {
    ctx,
    prefix,
    storage,
    async drop() {
      if (!kept) await deleteRedisPrefix(ctx, prefix);
      await ctx.close();
      if (!kept) await rm(storage, { recursive: true, force: true });
    },
  };
}

/** The desk's server over the store, for reading: a team action or a loose flag's settling throws. */
export async function readOnlyDesk(ctx: Context, extra: Partial<HttpDeps> = {}): Promise<FastifyInstance> {
  const app = createHttpServer({
    store: ctx.store,
    blobs: ctx.blobs,
    rules: ctx.rules,
    renderer: ctx.renderer,
    metrics: createMetrics(),
    teamCommand: () => Promise.reject(new Error("bench: read only")),
    settleLooseFlag: () => Promise.reject(new Error("bench: read only")),
    readiness: async () => ({ ok: true, checks: {} }),
    ...extra,
  });
  await app.ready();
  return app;
}

/**
 * Server time of GET `url()` as maja: 10 untimed requests first (the first of a size would time the
 * JIT, not the store), then `samples` timed; an answer other than 200 throws. With the largest body.
 */
export async function timePage(app: FastifyInstance, url: () => string, samples: number): Promise<{ ms: ReturnType<typeof summary>; maxBytes: number }> {
  const [only] = await timePagesInTurn([{ app, url }], samples);
  if (!only) throw new Error("bench: no page timed");
  return only;
}

/**
 * A page's server time on several desks (one per store size), asked in turn request by request after
 * `warmup` untimed requests each: the machine's load, which moves on a shared 2-core machine, falls on
 * every desk alike, so their ratio is the store's doing. Which desk goes first alternates too, so that
 * neither always follows the other's garbage. Per desk, in order: the summary, the largest body, and
 * the process's CPU time per page (requests go one at a time).
 */
export async function timePagesInTurn(
  desks: { app: FastifyInstance; url: () => string }[],
  samples: number,
  warmup = 10,
): Promise<{ ms: ReturnType<typeof summary>; maxBytes: number; cpuMsPerPage: number }[]> {
  const get = async (d: { app: FastifyInstance; url: () => string }) => {
    const url = d.url();
    const cpu = process.cpuUsage();
    const t = performance.now();
    const res = await d.app.inject({ method: "GET", url, headers: { "x-team-member": "maja" } });
    const ms = performance.now() - t;
    const used = process.cpuUsage(cpu);
    if (res.statusCode !== 200) throw new Error(`bench: ${url} answered ${res.statusCode}`);
    return { ms, cpuMs: (used.user + used.system) / 1000, bytes: res.body.length };
  };
  for (let i = 0; i < warmup; i++) for (const d of desks) await get(d);
  const ms = desks.map((): number[] => []);
  const cpu = desks.map(() => 0);
  const maxBytes = desks.map(() => 0);
  for (let i = 0; i < samples; i++) {
    const order = i % 2 === 0 ? [...desks.keys()] : [...desks.keys()].reverse();
    for (const j of order) {
      const r = await get(desks[j] as (typeof desks)[number]);
      ms[j]?.push(r.ms);
      cpu[j] = (cpu[j] ?? 0) + r.cpuMs;
      maxBytes[j] = Math.max(maxBytes[j] ?? 0, r.bytes);
    }
  }
  return desks.map((_, j) => ({ ms: summary(ms[j] ?? []), maxBytes: maxBytes[j] ?? 0, cpuMsPerPage: Math.round(((cpu[j] ?? 0) / Math.max(samples, 1)) * 1000) / 1000 }));
}
