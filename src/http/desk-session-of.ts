/** The page's view of who is looking (pages/desk-session.ts), made once per request for UI and speak routes alike. */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DeskSession } from "./pages/desk-session.js";
import type { UiLanguage } from "./pages/ui-language.js";
import { isUiLanguage } from "./pages/ui-language.js";
import { csrfUser } from "./security/csrf-user.js";
import { mayAct } from "./security/roles.js";

/** The cookie that keeps a team member's choice of desk language. */
export const UI_LANGUAGE_COOKIE = "desk_lang";

export function uiLanguageOf(request: FastifyRequest): UiLanguage {
  const chosen = request.cookies[UI_LANGUAGE_COOKIE];
  return isUiLanguage(chosen) ? chosen : "en";
}

/** The CSRF token is made (and its secret cookie set) here. */
export function deskSessionOf(request: FastifyRequest, reply: FastifyReply): DeskSession {
  return {
    login: request.login,
    mayAct: mayAct(request.role),
    csrf: reply.generateCsrf({ userInfo: csrfUser(request) }),
    lang: uiLanguageOf(request),
  };
}
