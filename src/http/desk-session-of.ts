/** The page's view of who is looking (pages/desk-session.ts), made once per request for UI and speak routes alike. */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DeskSession } from "./pages/desk-session.js";
import type { UiLanguage } from "./pages/ui-language.js";
import { isUiLanguage } from "./pages/ui-language.js";
import { csrfUser } from "./security/csrf-user.js";
import { mayAct, mayAdminister } from "./security/roles.js";

/** The cookie that keeps a team member's choice of desk language (the switch in the top bar). */
export const UI_LANGUAGE_COOKIE = "desk_lang";

/** Bound on the address the language switch comes back to. */
const MAX_HERE_CHARS = 2000;

/**
 * The desk's language for this request: the member's choice (the cookie the switch sets), else the
 * language her request was given by server.ts (`request.uiLanguage`: her login's line, else her
 * browser's Accept-Language, else UI_DEFAULT_LANGUAGE).
 */
export function uiLanguageOf(request: FastifyRequest): UiLanguage {
  const chosen = request.cookies[UI_LANGUAGE_COOKIE];
  return isUiLanguage(chosen) ? chosen : request.uiLanguage;
}

/** A same-site path to come back to, or null: never another host (`//x`, `/\\x`) or a scheme. */
export function ownPath(value: string | undefined): string | null {
  if (!value || value.length > MAX_HERE_CHARS) return null;
  return /^\/(?![/\\])[^\s\\]*$/.test(value) ? value : null;
}

/** The CSRF token is made (and its secret cookie set) here. */
export function deskSessionOf(request: FastifyRequest, reply: FastifyReply): DeskSession {
  const here = request.method === "GET" ? ownPath(request.url) : null;
  return {
    login: request.login,
    mayAct: mayAct(request.role),
    csrf: reply.generateCsrf({ userInfo: csrfUser(request) }),
    lang: uiLanguageOf(request),
    ...(mayAdminister(request.role) ? { mayAdminister: true } : {}),
    ...(here ? { here } : {}),
  };
}
