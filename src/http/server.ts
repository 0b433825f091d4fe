/**
 * The HTTP side of the bot (SPEC §6 Web): health, readiness and metrics for operators, the JSON API
 * and the server-rendered review UI for the commissioning team, and the photo thumbnails they show.
 * Everything it needs is passed in (`HttpDeps`); it opens no connection of its own.
 *
 * Safety (SPEC §7): pages are built with the one escaping template (html.ts) and served under a strict
 * Content-Security-Policy whose only script is the desk's own keyboard file (pages/keys-script.ts,
 * `script-src 'self'`, nothing inline). A POST is refused when the browser says it comes from
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
import { UI_CSP } from "./security/csp.js";
import { readSession } from "./security/session-cookie.js";
import { csrfUser } from "./security/csrf-user.js";
import type { Role } from "./security/roles.js";
import { DEFAULT_ROLE, isRole, mayAct, refusalForRole } from "./security/roles.js";
import type { FormFields } from "./ui-routes.js";
import { registerMailDownloadRoute } from "./mail-download-route.js";
import { registerOverviewRoute } from "./overview-route.js";
import { registerThumbnailRoute } from "./thumbnail-route.js";
import { registerPhotoRoutes } from "./photo-routes.js";
import { registerFormRoutes } from "./form-routes.js";
import { registerMailHtmlRoutes } from "./mail-html-routes.js";
import { registerUiRoutes, sendHtml } from "./ui-routes.js";
import { registerSpeakRoutes } from "./speak-routes.js";
import { registerLanguageRoute, LANGUAGE_ROUTE } from "./actions/language-route.js";
import { registerKeysScriptRoute } from "./keys-script-route.js";
import { registerUsersPage } from "./users-route.js";
import { KEYS_SCRIPT_URL } from "./pages/keys-script.js";
import type { UiLanguage } from "./pages/ui-language.js";
import { uiLanguageOfAcceptLanguage, uiText } from "./pages/ui-language.js";
import { uiLanguageOf } from "./desk-session-of.js";
import { registerDraftRoutes } from "./actions/draft-routes.js";
import { registerSettingsRoutes } from "./actions/settings-routes.js";
import { registerOpenCaseRoutes } from "./actions/open-case-routes.js";
import { registerEditCaseRoutes } from "./actions/edit-case-routes.js";
import { registerWorkBulkRoutes } from "./actions/work-bulk-routes.js";
import { warmPages } from "./warm-pages.js";

export type { HttpDeps } from "./http-deps.js";

/** Requests carry a reason or a form, never a file: anything bigger is not the UI talking. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A form older than a working day is refused (the page says to reload it): tokens do not live forever. */
export const FORM_VALIDITY_MS = 12 * 3600_000;

/** Routes for operators and their probes, and the keyboard script (no data), open without a login. */
const OPEN_ROUTES = new Set(["/healthz", "/readyz", "/metrics", KEYS_SCRIPT_URL]);
/** POSTs about the member herself, not about cases: a viewer may sign out and pick her language. */
export const SELF_ROUTES: ReadonlySet<string> = new Set(["/logout", LANGUAGE_ROUTE]);

const TEXT = {
  en: {
    refused: "Refused",
    crossSite: "this request came from another web site, so it was refused: act from the desk's own pages",
    sessionEnded: "Your session has ended: sign in again.",
    tooMany: "Too many wrong logins",
    tooManyText: (minutes: number) => `too many wrong passwords for this name from this address: try again in ${minutes} minutes`,
    logIn: "Log in",
    logInText: "This page is for the commissioning team: log in with your name and password.",
    notAllowed: "Not allowed",
    notFound: "Not found",
    noSuchPage: "There is no such page.",
    formExpired: "Form expired",
    formExpiredText: "this form is out of date or was not sent from the desk's own page: reload the page and send the form again",
    badRequest: "Bad request",
    wentWrong: "Something went wrong",
    internal: "internal error",
  },
  sv: {
    refused: "Nekad",
    crossSite: "begäran kom från en annan webbplats och nekades: gör det från deskens egna sidor",
    sessionEnded: "Din session har gått ut: logga in igen.",
    tooMany: "För många felaktiga inloggningar",
    tooManyText: (minutes: number) => `för många felaktiga lösenord för det här namnet från den här adressen: försök igen om ${minutes} minuter`,
    logIn: "Logga in",
    logInText: "Sidan är till för driftsättningsteamet: logga in med ditt namn och lösenord.",
    notAllowed: "Inte tillåtet",
    notFound: "Hittades inte",
    noSuchPage: "Det finns ingen sådan sida.",
    formExpired: "Formuläret har gått ut",
    formExpiredText: "formuläret är för gammalt eller skickades inte från deskens egen sida: ladda om sidan och skicka formuläret igen",
    badRequest: "Felaktig begäran",
    wentWrong: "Något gick fel",
    internal: "internt fel",
  },
} satisfies Record<UiLanguage, unknown>;
/** Signing in needs no session (the sign-in form checks the password itself). */
const SIGN_IN_ROUTES = new Set(["/login"]);
/** The language switch works before signing in too (the sign-in page has it): a session is used when there is one. */
const LOGIN_OPTIONAL_ROUTES = new Set([LANGUAGE_ROUTE]);

declare module "fastify" {
  interface FastifyRequest {
    /** The login name when HttpDeps.logins checked the request (see there), else null. */
    login: string | null;
    /** What the login may do; with a proxy in front, its X-Team-Role header, else agent. */
    role: Role;
    /**
     * The desk's language when the member has not picked one (desk-session-of.ts): her login's line,
     * else her browser's Accept-Language, else UI_DEFAULT_LANGUAGE.
     */
    uiLanguage: UiLanguage;
  }
}

export { UI_CSP } from "./security/csp.js";

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

  app.addHook("onReady", async () => {
    void warmPages(deps).catch((err: unknown) => app.log.warn({ err }, "the desk's pages were not warmed up at start"));
  });

  app.decorateRequest("login", null);
  app.decorateRequest("role", DEFAULT_ROLE);
  const defaultLanguage: UiLanguage = deps.uiDefaultLanguage ?? "sv";
  app.decorateRequest("uiLanguage", defaultLanguage);
  const textOf = (request: FastifyRequest) => uiText(TEXT, uiLanguageOf(request));
  app.addHook("onRequest", async (request, reply) => {
    reply.header("Content-Security-Policy", UI_CSP);
    reply.header("X-Content-Type-Options", "nosniff");
    reply.header("Referrer-Policy", "no-referrer");
    request.uiLanguage = uiLanguageOfAcceptLanguage(request.headers["accept-language"]) ?? defaultLanguage;
    if (request.method === "POST" && isCrossSite(request.headers)) {
      const message = TEXT.en.crossSite;
      if (wantsJson(request)) return reply.code(403).send({ error: "cross_site", message });
      const t = textOf(request);
      return sendHtml(reply, 403, errorPage(t.refused, t.crossSite, uiLanguageOf(request)));
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
      } else if (LOGIN_OPTIONAL_ROUTES.has(route) && !request.headers.authorization) {
        // Not signed in: the switch still sets the cookie (its form's token is bound to no login).
      } else if (!request.headers.authorization && !wantsJson(request)) {
        // A browser without a session: to the sign-in form, saying why when a session just ended.
        if (session.kind === "expired") return redirectWithNotice(reply, "/login", { kind: "bad", text: textOf(request).sessionEnded });
        return reply.redirect("/login", 303);
      }
    }
    const loginOptional = LOGIN_OPTIONAL_ROUTES.has(route) && !request.headers.authorization;
    if (deps.logins && !OPEN_ROUTES.has(route) && !SIGN_IN_ROUTES.has(route) && !loginOptional && request.login === null) {
      const login = await deps.logins.check(request.headers.authorization, request.ip);
      // A browser's first request carries no login: only a login that was tried is counted.
      if (login.kind !== "ok" && request.headers.authorization) deps.metrics.uiLoginsRefused.inc({ reason: login.kind });
      if (login.kind === "throttled") {
        reply.header("Retry-After", String(login.retryAfterS));
        const minutes = Math.ceil(login.retryAfterS / 60);
        if (wantsJson(request)) return reply.code(429).send({ error: "too_many_logins", message: TEXT.en.tooManyText(minutes) });
        const t = textOf(request);
        return sendHtml(reply, 429, errorPage(t.tooMany, t.tooManyText(minutes), uiLanguageOf(request)));
      }
      if (login.kind === "refused") {
        reply.header("WWW-Authenticate", 'Basic realm="Activation desk", charset="UTF-8"');
        if (wantsJson(request)) return reply.code(401).send({ error: "unauthorized", message: "log in with a team member's name and password" });
        const t = textOf(request);
        return sendHtml(reply, 401, errorPage(t.logIn, t.logInText, uiLanguageOf(request)));
      }
      request.login = login.name;
      request.role = login.role;
    } else if (!deps.logins) {
      const header = request.headers["x-team-role"];
      const role = (Array.isArray(header) ? header[0] : header)?.trim();
      if (role && isRole(role)) request.role = role;
    }
    const own = request.login !== null ? deps.logins?.languageOf(request.login) : null;
    if (own) request.uiLanguage = own;
    if (request.method === "POST" && !OPEN_ROUTES.has(route) && !SELF_ROUTES.has(route) && !mayAct(request.role)) {
      if (wantsJson(request)) return reply.code(403).send({ error: "forbidden_role", message: refusalForRole(request.role) });
      const lang = uiLanguageOf(request);
      return sendHtml(reply, 403, errorPage(uiText(TEXT, lang).notAllowed, refusalForRole(request.role, lang), lang));
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
    app.addHook("onSend", async (request, reply, payload) => {
      if (typeof payload !== "string" || !String(reply.getHeader("content-type") ?? "").startsWith("text/html")) return payload;
      return withAlertBanner(payload, alerts(), uiLanguageOf(request));
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
  registerLanguageRoute(app);
  registerKeysScriptRoute(app);
  registerUsersPage(app, deps);
  registerThumbnailRoute(app, deps);
  registerMailDownloadRoute(app, deps);
  registerPhotoRoutes(app, deps);
  registerFormRoutes(app, deps);
  registerMailHtmlRoutes(app, deps);
  registerApiRoutes(app, deps);
  registerOpenCaseRoutes(app, deps);
  registerEditCaseRoutes(app, deps);
  registerWorkBulkRoutes(app, deps);
  registerUiRoutes(app, deps);
  registerOverviewRoute(app, deps);
  registerSpeakRoutes(app, deps);
  registerDraftRoutes(app, deps);
  registerSettingsRoutes(app, deps);

  app.setNotFoundHandler((request, reply) => {
    if (wantsJson(request)) return reply.code(404).send({ error: "not_found", message: `no route ${request.method} ${request.url}` });
    const t = textOf(request);
    return sendHtml(reply, 404, errorPage(t.notFound, t.noSuchPage, uiLanguageOf(request)));
  });

  app.setErrorHandler((error: unknown, request, reply) => {
    const status = statusOf(error);
    const t = textOf(request);
    if (isCsrfError(error)) return sendHtml(reply, 403, errorPage(t.formExpired, t.formExpiredText, uiLanguageOf(request)));
    // Client errors (bad JSON, body too large, wrong content type) are the caller's to fix: say what
    // (the library's words, in English).
    const message = status < 500 && error instanceof Error ? error.message : TEXT.en.internal;
    if (status >= 500) request.log.error({ err: error }, "http request failed");
    if (wantsJson(request)) return reply.code(status).send({ error: status < 500 ? "bad_request" : "internal", message });
    return sendHtml(reply, status, errorPage(status < 500 ? t.badRequest : t.wentWrong, status < 500 ? message : t.internal, uiLanguageOf(request)));
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

