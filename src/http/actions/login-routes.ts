/**
 * Sign in and out of the desk (only when it has its own logins): the form's name and password go
 * through the same check as HTTP Basic (throttling included), and a pass starts a session cookie
 * (security/session-cookie.ts). Both redirect (Post/Redirect/Get) with a notice.
 */
import type { FastifyInstance } from "fastify";
import { redirectWithNotice, takeNotice } from "../flash-notice.js";
import type { Logins } from "../logins.js";
import { loginPage } from "../pages/login-page.js";
import { deskSessionOf, uiLanguageOf } from "../desk-session-of.js";
import type { UiLanguage } from "../pages/ui-language.js";
import { uiText } from "../pages/ui-language.js";
import { endSession, startSession } from "../security/session-cookie.js";
import { sendHtml, type FormFields } from "../ui-routes.js";

const TEXT = {
  en: {
    throttled: (name: string, minutes: number) => `Too many wrong passwords for ${name} from this address: try again in ${minutes} minutes.`,
    wrong: "Wrong name or password: check both and try again.",
    signedOut: "Signed out.",
  },
  sv: {
    throttled: (name: string, minutes: number) => `För många felaktiga lösenord för ${name} från den här adressen: försök igen om ${minutes} minuter.`,
    wrong: "Fel namn eller lösenord: kontrollera båda och försök igen.",
    signedOut: "Du är utloggad.",
  },
} satisfies Record<UiLanguage, unknown>;

export function registerLoginRoutes(app: FastifyInstance, logins: Logins, now: () => number): void {
  app.get("/login", async (request, reply) => {
    const notice = takeNotice(request, reply);
    return sendHtml(reply, 200, loginPage(deskSessionOf(request, reply), notice));
  });

  app.post<{ Body: FormFields | undefined }>("/login", async (request, reply) => {
    const name = (request.body?.name ?? "").trim();
    const password = request.body?.password ?? "";
    const basic = `Basic ${Buffer.from(`${name}:${password}`, "utf8").toString("base64")}`;
    const check = await logins.check(basic, request.ip);
    const t = uiText(TEXT, uiLanguageOf(request));
    if (check.kind === "throttled") {
      const minutes = Math.ceil(check.retryAfterS / 60);
      return redirectWithNotice(reply, "/login", { kind: "bad", text: t.throttled(name, minutes) });
    }
    if (check.kind !== "ok") return redirectWithNotice(reply, "/login", { kind: "bad", text: t.wrong });
    startSession(reply, check.name, now());
    return reply.redirect("/", 303);
  });

  app.post("/logout", async (request, reply) => {
    endSession(reply);
    return redirectWithNotice(reply, "/login", { kind: "good", text: uiText(TEXT, uiLanguageOf(request)).signedOut });
  });
}
