/**
 * The HTTP side of the bot (SPEC §6 Web): health, readiness and metrics for operators, the JSON API
 * and the server-rendered review UI for the commissioning team, and the photo thumbnails they show.
 * Everything it needs is passed in (`HttpDeps`); it opens no connection of its own.
 *
 * Safety (SPEC §7): pages are built with the one escaping template (html.ts) and served under a strict
 * Content-Security-Policy with no script at all. A POST is refused when the browser says it comes from
 * another site (security/cross-site.ts); every form also carries a CSRF token bound to the login
 * (@fastify/csrf-protection, its secret in a SameSite=Strict cookie), and the JSON API takes only
 * JSON, which no cross-site form can send. A viewer's login may read but not POST (security/roles.ts).
 */
import { randomBytes } from "node:crypto";
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import type { FastifyInstance, FastifyRequest } from "fastify";
import Fastify from "fastify";
import { registerApiRoutes } from "./api-routes.js";
import type { HttpDeps } from "./http-deps.js";
import { errorPage } from "./pages/error-page.js";
import { withAlertBanner } from "./pages/alert-banner.js";
import { registerLoginRoutes } from "./actions/login-routes.js";
import { redirectWithNotice } from "./flash-notice.js";
import { isCrossSite } from "./security/cross-site.js";
import { readSession } from "./security/session-cookie.js";
import { csrfUser } from "./security/csrf-user.js";
import type { Role } from "./security/roles.js";
import { DEFAULT_ROLE, isRole, mayAct, refusalForRole } from "./security/roles.js";
import type { FormFields } from "./ui-routes.js";
import { registerMailDownloadRoute } from "./mail-download-route.js";
import { registerThumbnailRoute } from "./thumbnail-route.js";
import { registerUiRoutes, sendHtml } from "./ui-routes.js";
import { registerSpeakRoutes } from "./speak-routes.js";
import { registerOpenCaseRoutes } from "./actions/open-case-routes.js";
import { registerEditCaseRoutes } from "./actions/edit-case-routes.js";
import { registerWorkBulkRoutes } from "./actions/work-bulk-routes.js";

export type { HttpDeps } from "./http-deps.js";

/** Requests carry a reason or a form, never a file: anything bigger is not the UI talking. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A form older than a working day is refused (the page says to reload it): tokens do not live forever. */
export const FORM_VALIDITY_MS = 12 * 3600_000;

/** Routes for operators and their probes, open without a login. */
const OPEN_ROUTES = new Set(["/healthz", "/readyz", "/metrics"]);
/** Signing in needs no session (the sign-in form checks the password itself). */
const SIGN_IN_ROUTES = new Set(["/login"]);

declare module "fastify" {
  interface FastifyRequest {
    /** The login name when HttpDeps.logins checked the request (see there), else null. */
    login: string | null;
    /** What the login may do; with a proxy in front, its X-Team-Role header, else agent. */
    role: Role;
  }
}

export const UI_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function createHttpServer(deps: HttpDeps): FastifyInstance {
  const app: FastifyInstance = deps.logger
    ? Fastify({ loggerInstance: deps.logger, bodyLimit: MAX_BODY_BYTES })
    : Fastify({ logger: false, bodyLimit: MAX_BODY_BYTES });

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) => {
    done(null, parseForm(String(body)));
  });

  // Signs the one-time notices (flash-notice.ts) and keys the CSRF tokens: a process's own secret,
  // unless the composition root passes one that all instances share.
  const secret = deps.cookieSecret ?? randomBytes(32).toString("base64url");
  const now = deps.now ?? Date.now;
  void app.register(fastifyCookie, { secret });
  void app.register(fastifyCsrf, {
    cookieOpts: { path: "/", sameSite: "strict", httpOnly: true },
    getUserInfo: csrfUser,
    csrfOpts: { userInfo: true, hmacKey: secret, validity: FORM_VALIDITY_MS },
  });

  app.decorateRequest("login", null);
  app.decorateRequest("role", DEFAULT_ROLE);
  app.addHook("onRequest", async (request, reply) => {
    reply.header("Content-Security-Policy", UI_CSP);
    reply.header("X-Content-Type-Options", "nosniff");
    reply.header("Referrer-Policy", "no-referrer");
    if (request.method === "POST" && isCrossSite(request.headers)) {
      const message = "this request came from another web site, so it was refused: act from the desk's own pages";
      if (wantsJson(request)) return reply.code(403).send({ error: "cross_site", message });
      return sendHtml(reply, 403, errorPage("Refused", message));
    }
    if (request.method === "POST" && isApi(request) && hasBody(request) && !isJson(request)) {
      return reply.code(415).send({ error: "json_only", message: "the JSON API takes a JSON body (Content-Type: application/json) or none" });
    }
    const route = request.routeOptions.url ?? "";
    if (deps.logins && !OPEN_ROUTES.has(route) && !SIGN_IN_ROUTES.has(route)) {
      const session = readSession(request, reply, now());
      const sessionRole = session.kind === "ok" ? deps.logins.roleOf(session.name) : null;
      if (session.kind === "ok" && sessionRole) {
        request.login = session.name;
        request.role = sessionRole;
      } else if (!request.headers.authorization && !wantsJson(request)) {
        // A browser without a session: to the sign-in form, saying why when a session just ended.
        if (session.kind === "expired") return redirectWithNotice(reply, "/login", { kind: "bad", text: "Your session has ended: sign in again." });
        return reply.redirect("/login", 303);
      }
    }
    if (deps.logins && !OPEN_ROUTES.has(route) && !SIGN_IN_ROUTES.has(route) && request.login === null) {
      const login = await deps.logins.check(request.headers.authorization, request.ip);
      // A browser's first request carries no login: only a login that was tried is counted.
      if (login.kind !== "ok" && request.headers.authorization) deps.metrics.uiLoginsRefused.inc({ reason: login.kind });
      if (login.kind === "throttled") {
        reply.header("Retry-After", String(login.retryAfterS));
        const message = `too many wrong passwords for this name from this address: try again in ${Math.ceil(login.retryAfterS / 60)} minutes`;
        if (wantsJson(request)) return reply.code(429).send({ error: "too_many_logins", message });
        return sendHtml(reply, 429, errorPage("Too many wrong logins", message));
      }
      if (login.kind === "refused") {
        reply.header("WWW-Authenticate", 'Basic realm="Activation desk", charset="UTF-8"');
        if (wantsJson(request)) return reply.code(401).send({ error: "unauthorized", message: "log in with a team member's name and password" });
        return sendHtml(reply, 401, errorPage("Log in", "This page is for the commissioning team: log in with your name and password."));
      }
      request.login = login.name;
      request.role = login.role;
    } else if (!deps.logins) {
      const header = request.headers["x-team-role"];
      const role = (Array.isArray(header) ? header[0] : header)?.trim();
      if (role && isRole(role)) request.role = role;
    }
    if (request.method === "POST" && !OPEN_ROUTES.has(request.routeOptions.url ?? "") && !mayAct(request.role)) {
      const message = refusalForRole(request.role);
      if (wantsJson(request)) return reply.code(403).send({ error: "forbidden_role", message });
      return sendHtml(reply, 403, errorPage("Not allowed", message));
    }
  });

  // Forms carry the token; the JSON API is guarded by taking JSON only (above).
  app.addHook("preHandler", (request, reply, done) => {
    if (request.method !== "POST" || isApi(request)) return done();
    app.csrfProtection(request, reply, done);
  });

  // Every page, whichever route rendered it, carries the operator alerts: one hook instead of a
  // parameter threaded through each page.
  if (deps.alerts) {
    const alerts = deps.alerts;
    app.addHook("onSend", async (_request, reply, payload) => {
      if (typeof payload !== "string" || !String(reply.getHeader("content-type") ?? "").startsWith("text/html")) return payload;
      return withAlertBanner(payload, alerts());
    });
  }

  app.get("/healthz", async () => ({ ok: true }));

  app.get("/readyz", async (_request, reply) => {
    try {
      const r = await deps.readiness();
      return reply.code(r.ok ? 200 : 503).send(r);
    } catch (err) {
      return reply.code(503).send({ ok: false, checks: { readiness: `failed: ${err instanceof Error ? err.message : String(err)}` } });
    }
  });

  app.get("/metrics", async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });

  if (deps.logins) registerLoginRoutes(app, deps.logins, now);
  registerThumbnailRoute(app, deps);
  registerMailDownloadRoute(app, deps);
  registerApiRoutes(app, deps);
  registerOpenCaseRoutes(app, deps);
  registerEditCaseRoutes(app, deps);
  registerWorkBulkRoutes(app, deps);
  registerUiRoutes(app, deps);
  registerSpeakRoutes(app, deps);

  app.setNotFoundHandler((request, reply) => {
    if (wantsJson(request)) return reply.code(404).send({ error: "not_found", message: `no route ${request.method} ${request.url}` });
    return sendHtml(reply, 404, errorPage("Not found", "There is no such page."));
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    const status = statusOf(error);
    if (isCsrfError(error)) {
      const message = "this form is out of date or was not sent from the desk's own page: reload the page and send the form again";
      return sendHtml(reply, 403, errorPage("Form expired", message));
    }
    // Client errors (bad JSON, body too large, wrong content type) are the caller's to fix: say what.
    const message = status < 500 && error instanceof Error ? error.message : "internal error";
    if (status >= 500) request.log.error({ err: error }, "http request failed");
    if (wantsJson(request)) return reply.code(status).send({ error: status < 500 ? "bad_request" : "internal", message });
    return sendHtml(reply, status, errorPage(status < 500 ? "Bad request" : "Something went wrong", message));
  });

  return app;
}

function statusOf(error: unknown): number {
  const code = typeof error === "object" && error !== null && "statusCode" in error ? error.statusCode : undefined;
  return typeof code === "number" && code >= 400 && code < 600 ? code : 500;
}

function isCsrfError(error: unknown): boolean {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
  return typeof code === "string" && code.startsWith("FST_CSRF_");
}

function isApi(request: FastifyRequest): boolean {
  return request.url.startsWith("/api/");
}

function hasBody(request: FastifyRequest): boolean {
  return request.headers["content-type"] !== undefined || Number(request.headers["content-length"] ?? 0) > 0;
}

function isJson(request: FastifyRequest): boolean {
  return /^application\/json\s*(;|$)/i.test(request.headers["content-type"] ?? "");
}

function wantsJson(request: FastifyRequest): boolean {
  return /^\/(api|blobs|healthz|readyz|metrics)(\/|\?|$)/.test(request.url);
}

/** First value of each field; a null-prototype record, so `__proto__` is just a field name. */
function parseForm(body: string): FormFields {
  const fields = Object.create(null) as FormFields;
  for (const [name, value] of new URLSearchParams(body)) {
    if (!Object.hasOwn(fields, name)) fields[name] = value;
  }
  return fields;
}

