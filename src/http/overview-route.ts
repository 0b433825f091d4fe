/**
 * `GET /overview` (pages/overview-page.ts) and `GET /api/overview` (the same figures as JSON): read
 * through the overview use case (app/overview.ts) from the store's indexes — the same cost at 100 000
 * cases as at 100.
 */
import type { FastifyInstance } from "fastify";
import { readOverview } from "../app/overview.js";
import type { HttpDeps } from "./http-deps.js";
import { deskSessionOf } from "./desk-session-of.js";
import { errorPage } from "./pages/error-page.js";
import { overviewPage } from "./pages/overview-page.js";
import { sendHtml } from "./ui-routes.js";

export function registerOverviewRoute(app: FastifyInstance, deps: Pick<HttpDeps, "overview" | "rules" | "now">): void {
  const now = deps.now ?? Date.now;
  app.get("/overview", async (request, reply) => {
    if (!deps.overview) return sendHtml(reply, 404, errorPage("Not found", "This desk has no overview: the bot was started without its store's figures."));
    const figures = await readOverview(deps.overview, deps.rules.stages.map((s) => s.id), now());
    return sendHtml(reply, 200, overviewPage(figures, deps.rules.reminders.time_zone, deskSessionOf(request, reply)));
  });
  app.get("/api/overview", async (_request, reply) => {
    if (!deps.overview) return reply.code(404).send({ error: "not_found", message: "this desk has no overview: the bot was started without its store's figures" });
    return reply.header("Cache-Control", "no-store").send(await readOverview(deps.overview, deps.rules.stages.map((s) => s.id), now()));
  });
}
