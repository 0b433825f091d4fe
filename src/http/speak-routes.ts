/**
 * The team speaks in the thread and triages held mail (issue 18 §6–8), from the desk's pages and the
 * JSON API alike: preview then send a retake request, a question asked again, the reminder now or a
 * message; pause the reminders; replace a bounced address (sending the last mail again); read a held or
 * loose mail with its suggested cases; reject a loose mail; release a mail held for a DMARC failure.
 * Pages follow Post/Redirect/Get with a notice, except the preview, which is a page of its own (it
 * changes nothing). Who acts is the login or the proxy's member, as for every team action.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { CommandResult } from "../app/case-commands.js";
import { DRAFT_PATTERN } from "../app/team-mail.js";
import type { SpeakCommand } from "../app/team-mail.js";
import type { TeamMail } from "../core/case/team-mail.js";
import { MAX_NAMED, MAX_TEAM_MAIL_CHARS } from "../core/case/team-mail.js";
import { parseCaseId } from "./case-views.js";
import { redirectWithNotice, takeNotice } from "./flash-notice.js";
import type { HttpDeps } from "./http-deps.js";
import { errorPage } from "./pages/error-page.js";
import { heldMailPage } from "./pages/held-mail-page.js";
import { mailPreviewPage } from "./pages/mail-preview-page.js";
import { caseUrl } from "./pages/urls.js";
import { deskSessionOf, uiLanguageOf } from "./desk-session-of.js";
import type { UiLanguage } from "./pages/ui-language.js";
import { uiText } from "./pages/ui-language.js";
import { MAX_REASON_CHARS, teamMember } from "./team-requests.js";
import type { FormFields } from "./ui-routes.js";
import { sendHtml } from "./ui-routes.js";
import { reasonText, wordsText } from "./pages/core-words.js";
import { itemTitles, titledWords } from "./titled-views.js";
import type { Words } from "../core/words/words.js";

/** A refusal as the desk shows it: its words in the member's language, else its English reason. */
type Said = { reason: string; words?: Words | undefined };

const Text = z.string().max(MAX_TEAM_MAIL_CHARS).default("");
const Names = (max: number) => z.array(z.string().trim().min(1).max(max)).max(MAX_NAMED);
export const TeamMailBody = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("retake"), photos: Names(300), reason: Text }),
  z.object({ kind: z.literal("ask_again"), items: Names(100), note: Text }),
  z.object({ kind: z.literal("remind"), note: Text }),
  z.object({ kind: z.literal("message"), to: Names(254), text: Text }),
]);
const Draft = z.string().regex(DRAFT_PATTERN, "draft: the id a preview gave").optional();
const PauseBody = z.object({ until: z.string().trim().max(10), reason: z.string().max(MAX_REASON_CHARS).default("") });
const ReplaceBody = z.object({
  old: z.string().trim().min(1).max(254),
  email: z.string().trim().min(1).max(254),
  name: z.string().trim().max(80).optional(),
  resend: z.boolean().default(true),
});
const RejectBody = z.object({ reason: z.string().trim().min(1, "say why the mail is rejected").max(MAX_REASON_CHARS) });

/** Success notices (fixed texts by what was sent) and refusals, in the member's desk language. */
const TEXT = {
  en: {
    sent: {
      retake: "Retake request sent in the thread.",
      ask_again: "Question sent in the thread.",
      remind: "Reminder sent; the bot's own reminders now count from today.",
      message: "Message sent in the thread.",
    } satisfies Record<TeamMail["kind"], string>,
    notFound: "Not found",
    noLooseFlag: "There is no such flag tied to no case.",
    noFlagOn: (id: string) => `Case ${id} has no such flag.`,
    notMail: "Not done: that is not a mail the desk sends.",
    notSent: (r: Said) => `Not sent: ${reasonText(r, "en")}`,
    previewFirst: "Not sent: preview the mail first.",
    alreadySent: "Already sent: that preview's mail went out before.",
    caseNotFound: "Case not found",
    noCase: (id: string) => `There is no case ${id}.`,
    paused: (until: string) => `Reminders paused until ${until}; the plan starts again then.`,
    notDone: (r: Said) => `Not done: ${reasonText(r, "en")}`,
    replacedResent: (email: string) => `Address replaced; the last mail was sent again to ${email}.`,
    replaced: "Address replaced.",
    released: "Mail released; it was processed as the sender's.",
    giveCaseId: "Not done: give a case id like ACT-123456.",
    assignedAccepted: "The mail was assigned to this case, its sender accepted, and the mail processed.",
    rejected: "Mail rejected; it stays in the mailbox folder, nothing was deleted.",
  },
  sv: {
    sent: {
      retake: "Begäran om nya foton skickad i tråden.",
      ask_again: "Frågan skickad i tråden.",
      remind: "Påminnelsen skickad; botens egna påminnelser räknas nu från i dag.",
      message: "Meddelandet skickat i tråden.",
    } satisfies Record<TeamMail["kind"], string>,
    notFound: "Hittades inte",
    noLooseFlag: "Det finns ingen sådan flagga utan ärende.",
    noFlagOn: (id: string) => `Ärende ${id} har ingen sådan flagga.`,
    notMail: "Inte gjort: det är inget mejl som desken skickar.",
    notSent: (r: Said) => `Inte skickat: ${reasonText(r, "sv")}`,
    previewFirst: "Inte skickat: förhandsgranska mejlet först.",
    alreadySent: "Redan skickat: mejlet från den förhandsgranskningen har gått iväg tidigare.",
    caseNotFound: "Ärendet hittades inte",
    noCase: (id: string) => `Det finns inget ärende ${id}.`,
    paused: (until: string) => `Påminnelserna är pausade till ${until}; planen börjar om då.`,
    notDone: (r: Said) => `Inte gjort: ${reasonText(r, "sv")}`,
    replacedResent: (email: string) => `Adressen är ersatt; det senaste mejlet skickades igen till ${email}.`,
    replaced: "Adressen är ersatt.",
    released: "Mejlet är släppt; det behandlades som avsändarens.",
    giveCaseId: "Inte gjort: ange ett ärendenummer som ACT-123456.",
    assignedAccepted: "Mejlet kopplades till det här ärendet, avsändaren godkändes och mejlet behandlades.",
    rejected: "Mejlet är avvisat; det ligger kvar i brevlådans mapp, inget raderades.",
  },
} satisfies Record<UiLanguage, unknown>;

type Req = FastifyRequest<{ Params: { id?: string; flagId?: string }; Body: FormFields | undefined }>;

export function registerSpeakRoutes(app: FastifyInstance, deps: HttpDeps): void {
  const speech = deps.speech;
  if (!speech) return;
  const timeZone = deps.rules.reminders.time_zone;
  const session = deskSessionOf;
  // A refusal names checklist items by their titles in the member's language.
  const textOf = (request: FastifyRequest) => {
    const lang = uiLanguageOf(request);
    const t = uiText(TEXT, lang);
    const titled = (r: Said): Said => ({ reason: r.reason, words: titledWords(r.words, itemTitles(deps.renderer, lang)) });
    return { ...t, notSent: (r: Said) => t.notSent(titled(r)), notDone: (r: Said) => t.notDone(titled(r)) };
  };

  // ---- pages ----
  app.get<{ Params: { flagId: string } }>("/flags/:flagId", async (request, reply) => {
    const view = await speech.looseMail(request.params.flagId);
    const t = textOf(request);
    if (!view) return sendHtml(reply, 404, errorPage(t.notFound, t.noLooseFlag, uiLanguageOf(request)));
    return sendHtml(reply, 200, heldMailPage(view, timeZone, session(request, reply), takeNotice(request, reply)));
  });

  app.get<{ Params: { id: string; flagId: string } }>("/cases/:id/flags/:flagId", async (request, reply) => {
    const id = parseCaseId(request.params.id);
    const view = id ? await speech.heldMail(id, request.params.flagId) : null;
    const t = textOf(request);
    if (!view) return sendHtml(reply, 404, errorPage(t.notFound, t.noFlagOn(request.params.id), uiLanguageOf(request)));
    return sendHtml(reply, 200, heldMailPage(view, timeZone, session(request, reply), takeNotice(request, reply)));
  });

  const form = (handle: (request: Req, reply: FastifyReply, by: string, fields: FormFields) => Promise<FastifyReply>) => async (request: Req, reply: FastifyReply) => {
    const member = teamMember(request);
    const back = request.params.id ? caseUrl(request.params.id) : "/";
    if (member.kind === "invalid") return redirectWithNotice(reply, back, { kind: "bad", text: wordsText(member.words, member.message, uiLanguageOf(request)) });
    return handle(request, reply, member.by, request.body ?? {});
  };

  app.post(
    "/cases/:id/speak/preview",
    form(async (request, reply, by, fields) => {
      const { id, back } = caseOf(request);
      const mail = mailOfFields(fields);
      const t = textOf(request);
      if (!id || !mail) return redirectWithNotice(reply, back, { kind: "bad", text: t.notMail });
      const p = await speech.preview(id, mail, by);
      if (p.kind === "refused") return redirectWithNotice(reply, `${back}#speak`, { kind: "bad", text: t.notSent(p) });
      return sendHtml(reply, 200, mailPreviewPage({ caseId: id, draft: p.draft, mails: p.mails, fields: fieldsOf(mail), session: session(request, reply) }));
    }),
  );

  app.post(
    "/cases/:id/speak/send",
    form(async (request, reply, by, fields) => {
      const { id, back } = caseOf(request);
      const mail = mailOfFields(fields);
      const draft = fields.draft ?? "";
      const t = textOf(request);
      if (!id || !mail || !DRAFT_PATTERN.test(draft)) return redirectWithNotice(reply, back, { kind: "bad", text: t.previewFirst });
      const r = await speech.command(id, { kind: "mail", mail }, by, draft);
      if (r.kind === "refused") return redirectWithNotice(reply, `${back}#speak`, { kind: "bad", text: t.notSent(r) });
      const text = r.outbox.length === 0 ? t.alreadySent : t.sent[mail.kind];
      return redirectWithNotice(reply, back, { kind: "good", text });
    }),
  );

  app.post(
    "/cases/:id/reminders/pause",
    form(async (request, reply, by, fields) => {
      const { id, back } = caseOf(request);
      const t = textOf(request);
      if (!id) return sendHtml(reply, 404, errorPage(t.caseNotFound, t.noCase(request.params.id ?? ""), uiLanguageOf(request)));
      const until = (fields.until ?? "").trim();
      const r = await speech.command(id, { kind: "pause", until, why: fields.reason ?? "" }, by);
      return redirectWithNotice(reply, back, r.kind === "ok" ? { kind: "good", text: t.paused(until) } : { kind: "bad", text: t.notDone(r) });
    }),
  );

  app.post(
    "/cases/:id/participants/replace",
    form(async (request, reply, by, fields) => {
      const { id, back } = caseOf(request);
      const t = textOf(request);
      if (!id) return sendHtml(reply, 404, errorPage(t.caseNotFound, t.noCase(request.params.id ?? ""), uiLanguageOf(request)));
      const cmd: SpeakCommand = {
        kind: "replace_address",
        old: fields.old ?? "",
        email: fields.email ?? "",
        ...(fields.name?.trim() ? { name: fields.name.trim() } : {}),
        resend: fields.resend !== undefined,
      };
      const r = await speech.command(id, cmd, by);
      if (r.kind === "refused") return redirectWithNotice(reply, back, { kind: "bad", text: t.notDone(r) });
      const text = r.outbox.length > 0 ? t.replacedResent(cmd.email.trim().toLowerCase()) : t.replaced;
      return redirectWithNotice(reply, back, { kind: "good", text });
    }),
  );

  app.post(
    "/cases/:id/flags/:flagId/release",
    form(async (request, reply, by) => {
      const { id, back } = caseOf(request);
      const t = textOf(request);
      if (!id) return sendHtml(reply, 404, errorPage(t.caseNotFound, t.noCase(request.params.id ?? ""), uiLanguageOf(request)));
      const r = await speech.release(id, request.params.flagId ?? "", by);
      return redirectWithNotice(reply, back, r.kind === "ok" ? { kind: "good", text: t.released } : { kind: "bad", text: t.notDone(r) });
    }),
  );

  app.post(
    "/flags/:flagId/assign-accept",
    form(async (request, reply, by, fields) => {
      const flagId = request.params.flagId ?? "";
      const caseId = parseCaseId((fields.case ?? "").trim());
      const t = textOf(request);
      if (!caseId) return redirectWithNotice(reply, `/flags/${encodeURIComponent(flagId)}`, { kind: "bad", text: t.giveCaseId });
      const r = await speech.assignAccepting(flagId, caseId, by);
      if (r.kind === "refused") return redirectWithNotice(reply, `/flags/${encodeURIComponent(flagId)}`, { kind: "bad", text: t.notDone(r) });
      return redirectWithNotice(reply, caseUrl(caseId), { kind: "good", text: t.assignedAccepted });
    }),
  );

  app.post(
    "/flags/:flagId/reject",
    form(async (request, reply, by, fields) => {
      const flagId = request.params.flagId ?? "";
      const r = await speech.rejectLoose(flagId, fields.reason ?? "", by);
      const t = textOf(request);
      if (r.kind === "refused") return redirectWithNotice(reply, `/flags/${encodeURIComponent(flagId)}`, { kind: "bad", text: t.notDone(r) });
      return redirectWithNotice(reply, "/", { kind: "good", text: t.rejected });
    }),
  );

  // ---- JSON API ----
  const api = <B>(schema: z.ZodType<B>, run: (id: string, body: B, by: string, request: FastifyRequest<{ Params: { id: string; flagId?: string } }>) => Promise<ApiOut>) =>
    async (request: FastifyRequest<{ Params: { id: string; flagId?: string } }>, reply: FastifyReply) => {
      const member = teamMember(request);
      if (member.kind === "invalid") return reply.code(400).send({ error: "bad_request", message: member.message });
      const id = parseCaseId(request.params.id);
      if (!id || !(await deps.store.caseExists(id))) return reply.code(404).send({ error: "not_found", message: `no case ${request.params.id}` });
      const body = schema.safeParse(request.body ?? {});
      if (!body.success) return reply.code(400).send({ error: "bad_request", message: problem(body.error) });
      const out = await run(id, body.data, member.by, request);
      return out.kind === "refused" ? reply.code(409).send({ error: "refused", reason: out.reason }) : out.body;
    };

  app.post(
    "/api/cases/:id/messages/preview",
    api(z.object({ mail: TeamMailBody }), async (id, b, by) => {
      const p = await speech.preview(id, toMail(b.mail), by);
      return p.kind === "ok" ? { kind: "json", body: { draft: p.draft, mails: p.mails } } : p;
    }),
  );
  app.post(
    "/api/cases/:id/messages",
    api(z.object({ mail: TeamMailBody, draft: Draft }), async (id, b, by) => done(await speech.command(id, { kind: "mail", mail: toMail(b.mail) }, by, b.draft))),
  );
  app.post(
    "/api/cases/:id/reminders/pause",
    api(PauseBody, async (id, b, by) => done(await speech.command(id, { kind: "pause", until: b.until, why: b.reason }, by))),
  );
  app.post(
    "/api/cases/:id/participants/replace",
    api(ReplaceBody, async (id, b, by) =>
      done(await speech.command(id, { kind: "replace_address", old: b.old, email: b.email, ...(b.name ? { name: b.name } : {}), resend: b.resend }, by)),
    ),
  );
  app.post(
    "/api/cases/:id/flags/:flagId/release",
    api(z.object({}), async (id, _b, by, request) => {
      const r = await speech.release(id, request.params.flagId ?? "", by);
      return r.kind === "ok" ? { kind: "json", body: { ok: true } } : r;
    }),
  );
  app.get<{ Params: { id: string; flagId: string } }>("/api/cases/:id/flags/:flagId/mail", async (request, reply) => {
    const id = parseCaseId(request.params.id);
    const view = id ? await speech.heldMail(id, request.params.flagId) : null;
    return view ?? reply.code(404).send({ error: "not_found", message: `no flag ${request.params.flagId} on ${request.params.id}` });
  });
  app.get<{ Params: { flagId: string } }>("/api/flags/:flagId/mail", async (request, reply) => {
    const view = await speech.looseMail(request.params.flagId);
    return view ?? reply.code(404).send({ error: "not_found", message: `no flag ${request.params.flagId} tied to no case` });
  });
  app.post<{ Params: { flagId: string }; Body: unknown }>("/api/flags/:flagId/assign-accept", async (request, reply) => {
    const member = teamMember(request);
    if (member.kind === "invalid") return reply.code(400).send({ error: "bad_request", message: member.message });
    const body = z.object({ case: z.string().trim().regex(/^ACT-\d{6}$/i) }).safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: "bad_request", message: "case: a case id like ACT-123456" });
    const r = await speech.assignAccepting(request.params.flagId, body.data.case.toUpperCase(), member.by);
    return r.kind === "ok" ? { ok: true } : reply.code(409).send({ error: "refused", reason: r.reason });
  });
  app.post<{ Params: { flagId: string }; Body: unknown }>("/api/flags/:flagId/reject", async (request, reply) => {
    const member = teamMember(request);
    if (member.kind === "invalid") return reply.code(400).send({ error: "bad_request", message: member.message });
    const body = RejectBody.safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: "bad_request", message: problem(body.error) });
    const r = await speech.rejectLoose(request.params.flagId, body.data.reason, member.by);
    return r.kind === "ok" ? { ok: true } : reply.code(409).send({ error: "refused", reason: r.reason });
  });
}

function caseOf(request: Req): { id: string | null; back: string } {
  const raw = request.params.id ?? "";
  return { id: parseCaseId(raw), back: caseUrl(raw) };
}

type ApiOut = { kind: "json"; body: object } | { kind: "refused"; reason: string };

function done(r: CommandResult): ApiOut {
  return r.kind === "ok" ? { kind: "json", body: { ok: true, case: r.case.id, outbox: r.outbox.map((e) => e.key) } } : r;
}

function toMail(b: z.infer<typeof TeamMailBody>): TeamMail {
  return b;
}

function problem(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ");
}

/** The numbered fields of a list (`photo_0`, `photo_1` …), in order; a form sends one value per name. */
function listField(fields: FormFields, prefix: string): string[] {
  return Object.keys(fields)
    .filter((k) => new RegExp(`^${prefix}_\\d{1,3}$`).test(k))
    .sort((a, b) => Number(a.slice(prefix.length + 1)) - Number(b.slice(prefix.length + 1)))
    .map((k) => fields[k] ?? "")
    .filter(Boolean);
}

/** A form's fields as the mail they ask for; null when `kind` is not one the desk sends. */
export function mailOfFields(fields: FormFields): TeamMail | null {
  const text = fields.text ?? "";
  switch (fields.kind) {
    case "retake":
      return { kind: "retake", photos: listField(fields, "photo"), reason: text };
    case "ask_again":
      return { kind: "ask_again", items: listField(fields, "item"), note: text };
    case "remind":
      return { kind: "remind", note: text };
    case "message":
      return { kind: "message", to: listField(fields, "to"), text };
    default:
      return null;
  }
}

/** The mail back as form fields, for the preview's Send button. */
export function fieldsOf(mail: TeamMail): [string, string][] {
  const list = (prefix: string, values: string[]): [string, string][] => values.map((v, i) => [`${prefix}_${i}`, v]);
  switch (mail.kind) {
    case "retake":
      return [["kind", mail.kind], ["text", mail.reason], ...list("photo", mail.photos)];
    case "ask_again":
      return [["kind", mail.kind], ["text", mail.note], ...list("item", mail.items)];
    case "remind":
      return [["kind", mail.kind], ["text", mail.note]];
    case "message":
      return [["kind", mail.kind], ["text", mail.text], ...list("to", mail.to)];
  }
}
