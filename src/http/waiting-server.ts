/**
 * What the bot serves while it cannot start because the mailbox login fails (src/runtime/login-hold.ts):
 * /healthz (alive), /readyz (503 with the reason), /metrics, and for every page of the review desk a
 * 503 page with the operator-alert banner, so that the team sees why nothing moves and the operator
 * sees what to fix. The full desk replaces it once the login works.
 */
import type { FastifyInstance } from "fastify";
import Fastify from "fastify";
import type { DeskMetrics, OperatorAlert } from "../app/ports.js";
import { withAlertBanner } from "./pages/alert-banner.js";
import { errorPage } from "./pages/error-page.js";
import { UI_CSP } from "./server.js";

export interface WaitingDeps {
  readiness(): { ok: boolean; checks: Record<string, string> };
  alerts(): readonly OperatorAlert[];
  metrics: Pick<DeskMetrics, "registry">;
}

export function createWaitingServer(deps: WaitingDeps): FastifyInstance {
  const app = Fastify({ logger: false });
  app.addHook("onRequest", async (_request, reply) => {
    reply.header("Content-Security-Policy", UI_CSP);
    reply.header("X-Content-Type-Options", "nosniff");
  });
  app.get("/healthz", async () => ({ ok: true }));
  app.get("/readyz", async (_request, reply) => {
    const r = deps.readiness();
    return reply.code(r.ok ? 200 : 503).send(r);
  });
  app.get("/metrics", async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()));
  app.setNotFoundHandler(async (request, reply) => {
    if (/^\/(api|blobs)(\/|\?|$)/.test(request.url)) {
      return reply.code(503).send({ error: "not_started", message: "the bot is waiting for its mailbox login", alerts: deps.alerts() });
    }
    const page = errorPage("The desk is not running", "The activation bot cannot log in to its mailbox, so it has not started. The banner above says why and what to do; this page works again once the login does.");
    return reply.code(503).type("text/html; charset=utf-8").header("Cache-Control", "no-store").header("Retry-After", "30").send(withAlertBanner(page.toString(), deps.alerts()));
  });
  return app;
}
