/**
 * The desk's HTTP server as the API and page tests build it (inject, no socket): over the product's
 * own context (`buildContext`: real Redis under a random prefix, the file blob store in a temp folder,
 * rules, templates), with the team's commands as the CLI runs them. `close` stops the server and
 * deletes the prefix and the folder.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { teamCommand } from "../../src/app/case-commands.js";
import type { Clock } from "../../src/app/ports.js";
import { loadConfig } from "../../src/config.js";
import type { HttpDeps } from "../../src/http/http-deps.js";
import { createHttpServer } from "../../src/http/server.js";
import { buildContext, caseCommandDeps, createLogger, type Context } from "../../src/main.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { randomPrefix, redisUrl } from "./services.js";

export interface DeskApp {
  ctx: Context;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** What a test's server needs of the desk beyond its store: routes it does not exercise refuse. */
export function deskServer(deps: Pick<HttpDeps, "store" | "blobs" | "rules" | "renderer"> & Partial<HttpDeps>): FastifyInstance {
  return createHttpServer({
    metrics: createMetrics(),
    teamCommand: async () => ({ kind: "refused", reason: "not in this test" }),
    settleLooseFlag: async () => ({ kind: "refused", reason: "not in this test" }),
    readiness: async () => ({ ok: true, checks: {} }),
    ...deps,
  });
}

/**
 * A desk on a context of its own (`name` names the Redis prefix and temp folder). `http` adds to or
 * replaces the server's deps (an overview, a clock, the desk's language).
 */
export async function startDeskApp(
  name: string,
  opts: { mailFrom?: string; clock?: Clock; http?: (ctx: Context) => Partial<HttpDeps> } = {},
): Promise<DeskApp> {
  const storage = await mkdtemp(join(tmpdir(), `${name}-`));
  const config = loadConfig({
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: randomPrefix(name),
    MAIL_FROM: opts.mailFrom ?? "Aktiveringar <activations@desk.example>",
    TAG_SECRET: randomBytes(16).toString("hex"),
    STORAGE_DIR: storage,
    LOG_LEVEL: "silent",
  });
  const ctx = await buildContext(config, { log: createLogger("silent"), ...(opts.clock ? { clock: opts.clock } : {}) });
  const commands = caseCommandDeps(ctx);
  const app = deskServer({
    store: ctx.store,
    blobs: ctx.blobs,
    rules: ctx.rules,
    renderer: ctx.renderer,
    teamCommand: (caseId, cmd, by) => teamCommand(commands, caseId, cmd, by),
    ...opts.http?.(ctx),
  });
  await app.ready();
  return {
    ctx,
    app,
    async close() {
      await app.close();
      const keys = await ctx.redis.keys(`${config.REDIS_PREFIX}*`);
      if (keys.length) await ctx.redis.del(...keys);
      await ctx.close();
      await rm(storage, { recursive: true, force: true });
    },
  };
}
