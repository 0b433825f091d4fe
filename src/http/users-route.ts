/** `GET /admin/users`: the Users page (pages/users-page.ts), for admins; any other role gets 403 naming the role needed. */
import type { FastifyInstance } from "fastify";
import { deskSessionOf } from "./desk-session-of.js";
import type { HttpDeps } from "./http-deps.js";
import { errorPage } from "./pages/error-page.js";
import type { UiLanguage } from "./pages/ui-language.js";
import { uiText } from "./pages/ui-language.js";
import { usersPage } from "./pages/users-page.js";
import { adminRefusal, mayAdminister } from "./security/roles.js";
import { sendHtml } from "./ui-routes.js";

const TEXT = {
  en: { notAllowed: "Not allowed" },
  sv: { notAllowed: "Inte tillåtet" },
} satisfies Record<UiLanguage, unknown>;

export function registerUsersPage(app: FastifyInstance, deps: Pick<HttpDeps, "logins">): void {
  app.get("/admin/users", async (request, reply) => {
    const session = deskSessionOf(request, reply);
    if (!mayAdminister(request.role)) {
      return sendHtml(reply, 403, errorPage(uiText(TEXT, session.lang).notAllowed, adminRefusal(request.role, session.lang), session.lang));
    }
    return sendHtml(reply, 200, usersPage(deps.logins ? deps.logins.list() : null, session));
  });
}
