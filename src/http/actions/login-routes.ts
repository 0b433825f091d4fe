/**
 * Sign in and out of the desk (only when it has its own logins): the form's name and password go
 * through the same check as HTTP Basic (throttling included), and a pass starts a session cookie
 * (security/session-cookie.ts). Both redirect (Post/Redirect/Get) with a notice.
 */
import type { FastifyInstance } from "fastify";
import { redirectWithNotice, takeNotice } from "../flash-notice.js";
import type { Logins } from "../logins.js";
import { loginPage } from "../pages/login-page.js";
import { csrfUser } from "../security/csrf-user.js";
import { endSession, startSession } from "../security/session-cookie.js";
import { sendHtml, type FormFields } from "../ui-routes.js";

export function registerLoginRoutes(app: FastifyInstance, logins: Logins, now: () => number): void {
  app.get("/login", async (request, reply) => {
    const notice = takeNotice(request, reply);
    return sendHtml(reply, 200, loginPage(reply.generateCsrf({ userInfo: csrfUser(request) }), notice));
  });

  app.post<{ Body: FormFields | undefined }>("/login", async (request, reply) => {
    const name = (request.body?.name ?? "").trim();
    const password = request.body?.password ?? "";
    const basic = `Basic ${Buffer.from(`${name}:${password}`, "utf8").toString("base64")}`;
    const check = await logins.check(basic, request.ip);
    if (check.kind === "throttled") {
      const minutes = Math.ceil(check.retryAfterS / 60);
      return redirectWithNotice(reply, "/login", { kind: "bad", text: `Too many wrong passwords for ${name} from this address: try again in ${minutes} minutes.` });
    }
    if (check.kind !== "ok") return redirectWithNotice(reply, "/login", { kind: "bad", text: "Wrong name or password: check both and try again." });
    startSession(reply, check.name, now());
    return reply.redirect("/", 303);
  });

  app.post("/logout", async (_request, reply) => {
    endSession(reply);
    return redirectWithNotice(reply, "/login", { kind: "good", text: "Signed out." });
  });
}
