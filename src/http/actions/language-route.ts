/**
 * `POST /language`: the language switch of the top bar. Keeps the member's choice in a cookie (which
 * wins over her login's language and her browser's) and comes back to the page she was on
 * (Post/Redirect/Get). Any signed-in member may switch, a viewer too (server.ts SELF_ROUTES).
 */
import type { FastifyInstance } from "fastify";
import { ownPath, UI_LANGUAGE_COOKIE } from "../desk-session-of.js";
import { isUiLanguage } from "../pages/ui-language.js";
import type { FormFields } from "../ui-routes.js";

export const LANGUAGE_ROUTE = "/language";
/** A choice of language lasts a year; the cookie is renewed with each switch. */
const LANGUAGE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

export function registerLanguageRoute(app: FastifyInstance): void {
  app.post<{ Body: FormFields | undefined }>(LANGUAGE_ROUTE, async (request, reply) => {
    const lang = request.body?.lang;
    const back = ownPath(request.body?.back) ?? "/";
    if (isUiLanguage(lang)) {
      reply.setCookie(UI_LANGUAGE_COOKIE, lang, { path: "/", httpOnly: true, sameSite: "strict", maxAge: LANGUAGE_COOKIE_MAX_AGE_S });
    }
    return reply.redirect(back, 303);
  });
}
