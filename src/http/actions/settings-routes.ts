/**
 * The desk's Settings page and its action, and the same in the JSON API: only an admin may read or
 * change settings (security/roles.ts `mayAdminister`); a viewer or an agent gets 403 with the reason
 * and what to do. Every change is logged with who made it (app/desk-settings.ts) and in the process log.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { StageId } from "../../core/types.js";
import { STAGES } from "../../core/types.js";
import { deskSessionOf } from "../desk-session-of.js";
import { redirectWithNotice, takeNotice } from "../flash-notice.js";
import type { HttpDeps } from "../http-deps.js";
import { wordsText } from "../pages/core-words.js";
import { errorPage } from "../pages/error-page.js";
import { stageLabel } from "../pages/format.js";
import { settingsPage } from "../pages/settings-page.js";
import type { UiLanguage } from "../pages/ui-language.js";
import { uiText } from "../pages/ui-language.js";
import { adminRefusal, mayAdminister } from "../security/roles.js";
import { teamMember } from "../team-requests.js";
import type { FormFields } from "../ui-routes.js";
import { sendHtml } from "../ui-routes.js";

const TEXT = {
  en: {
    refused: "Not allowed",
    saved: (what: string) => `Supervised mode saved: ${what}.`,
    off: "off",
    all: "every stage",
    notDone: (reason: string) => `Not saved: ${reason}`,
    pickStage: "pick at least one stage, or choose off",
  },
  sv: {
    refused: "Inte tillåtet",
    saved: (what: string) => `Övervakat läge sparat: ${what}.`,
    off: "av",
    all: "alla steg",
    notDone: (reason: string) => `Inte sparat: ${reason}`,
    pickStage: "välj minst ett steg, eller välj av",
  },
} satisfies Record<UiLanguage, unknown>;

const ApiBody = z.object({ stages: z.string().max(400) });

/** The form's fields as SUPERVISED_STAGES would say it; null when "these stages" has none ticked. */
function valueOf(fields: FormFields): string | null {
  if (fields.mode === "all") return "all";
  if (fields.mode === "some") {
    const stages = STAGES.filter((s) => fields[`stage_${s}`] !== undefined);
    return stages.length ? stages.join(",") : null;
  }
  return "";
}

export function registerSettingsRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const settings = deps.settings;
  if (!settings) return;
  const timeZone = deps.rules.reminders.time_zone;

  /** The role check of every settings route: null when the member is an admin, else the 403 already sent. */
  const refuse = (request: FastifyRequest, reply: FastifyReply, json: boolean): FastifyReply | null => {
    if (mayAdminister(request.role)) return null;
    if (json) return reply.code(403).send({ error: "forbidden_role", message: adminRefusal(request.role) });
    const lang = deskSessionOf(request, reply).lang;
    return sendHtml(reply, 403, errorPage(uiText(TEXT, lang).refused, adminRefusal(request.role, lang), lang));
  };

  app.get("/settings", async (request, reply) => {
    const refused = refuse(request, reply, false);
    if (refused) return refused;
    const [state, log] = await Promise.all([settings.supervision(), settings.log()]);
    return sendHtml(reply, 200, settingsPage(state, log, timeZone, deskSessionOf(request, reply), takeNotice(request, reply)));
  });

  app.post<{ Body: FormFields | undefined }>("/settings/supervision", async (request, reply) => {
    const refused = refuse(request, reply, false);
    if (refused) return refused;
    const lang = deskSessionOf(request, reply).lang;
    const t = uiText(TEXT, lang);
    const member = teamMember(request);
    if (member.kind === "invalid") return redirectWithNotice(reply, "/settings", { kind: "bad", text: t.notDone(wordsText(member.words, member.message, lang)) });
    const value = valueOf(request.body ?? {});
    if (value === null) return redirectWithNotice(reply, "/settings", { kind: "bad", text: t.notDone(t.pickStage) });
    const r = await settings.changeSupervision(value, member.by);
    if (r.kind === "refused") return redirectWithNotice(reply, "/settings", { kind: "bad", text: t.notDone(wordsText(r.words, r.reason, lang)) });
    request.log.info({ setting: "supervised_stages", value, by: member.by }, "setting changed");
    // The stages by their names in the member's language, not as SUPERVISED_STAGES writes them.
    const said = value === "all" ? t.all : value ? value.split(",").map((s) => stageLabel(s as StageId, lang)).join(", ") : t.off;
    return redirectWithNotice(reply, "/settings", { kind: "good", text: t.saved(said) });
  });

  app.get("/api/settings/supervision", async (request, reply) => {
    const refused = refuse(request, reply, true);
    if (refused) return refused;
    return settings.supervision();
  });

  app.post<{ Body: unknown }>("/api/settings/supervision", async (request, reply) => {
    const refused = refuse(request, reply, true);
    if (refused) return refused;
    const member = teamMember(request);
    if (member.kind === "invalid") return reply.code(400).send({ error: "bad_request", message: member.message });
    const body = ApiBody.safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: "bad_request", message: "stages: all, a comma list of stages, or \"\" (off)" });
    const r = await settings.changeSupervision(body.data.stages, member.by);
    if (r.kind === "refused") return reply.code(400).send({ error: "bad_request", message: r.reason });
    request.log.info({ setting: "supervised_stages", value: body.data.stages, by: member.by }, "setting changed");
    return r.state;
  });
}
