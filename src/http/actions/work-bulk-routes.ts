/**
 * The work queue's actions (pages/work-bulk.ts): `POST /work/assign-me` assigns one row's case to the
 * member acting; `POST /work/bulk` takes the selected rows and assigns them to her or to a colleague,
 * or resolves their flags with one reason; `POST /api/work/bulk` is the same as JSON. Each case is its
 * own team command and event (app/bulk-commands.ts); the notice says how many were done and names each
 * one refused with why. Back to the queue as it was filtered (Post/Redirect/Get).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { BulkAction, BulkOutcome, BulkRow } from "../../app/bulk-commands.js";
import { bulkCommand, MAX_BULK_ROWS } from "../../app/bulk-commands.js";
import { MAX_OWNER_CHARS } from "../../core/case/team-actions.js";
import type { FlagCode } from "../../core/types.js";
import { FLAG_CODES } from "../../core/types.js";
import { parseCaseId } from "../case-views.js";
import { uiLanguageOf } from "../desk-session-of.js";
import { redirectWithNotice } from "../flash-notice.js";
import type { HttpDeps } from "../http-deps.js";
import type { Notice } from "../pages/layout.js";
import type { UiLanguage } from "../pages/ui-language.js";
import { uiText } from "../pages/ui-language.js";
import { MAX_REASON_CHARS, teamMember } from "../team-requests.js";
import type { FormFields } from "../ui-routes.js";
import { wordsText } from "../pages/core-words.js";
import { withoutWords } from "../../core/words/words.js";

const TEXT = {
  en: {
    assigned: (id: string) => `${id} assigned to you.`,
    notDone: (why: string) => `Not done: ${why}`,
    noCase: "Not done: that row names no case.",
    noAction: "Not done: choose Assign to me, Assign to … or Resolve flags.",
    done: (n: number, ids: string[]) => (n === 0 ? "None done." : `${n} ${n === 1 ? "case" : "cases"} done: ${ids.join(", ")}.`),
    refused: (items: string[]) => ` Refused: ${items.join("; ")}.`,
  },
  sv: {
    assigned: (id: string) => `${id} tilldelat dig.`,
    notDone: (why: string) => `Inte gjort: ${why}`,
    noCase: "Inte gjort: raden anger inget ärende.",
    noAction: "Inte gjort: välj Tilldela mig, Tilldela … eller Lös flaggor.",
    done: (n: number, ids: string[]) => (n === 0 ? "Inget gjort." : `${n} ${n === 1 ? "ärende" : "ärenden"} klara: ${ids.join(", ")}.`),
    refused: (items: string[]) => ` Inte gjort: ${items.join("; ")}.`,
  },
};

/** Where an action returns: the queue, with its filters; anything else is not ours to follow. */
function backOf(fields: FormFields): string {
  const back = fields.back ?? "";
  return /^\/work(\?[\w=&%.+\-:]{0,400})?$/.test(back) ? back : "/work";
}

/** The selected rows (`row_<n>` = `ACT-123456` or `ACT-123456:<flag code>`), in order. */
export function selectedRows(fields: FormFields): BulkRow[] {
  return Object.keys(fields)
    .filter((k) => /^row_\d{1,3}$/.test(k))
    .sort((a, b) => Number(a.slice(4)) - Number(b.slice(4)))
    .flatMap((k) => {
      const [id, code] = (fields[k] ?? "").split(":");
      const caseId = parseCaseId(id ?? "");
      if (!caseId) return [];
      const flag = FLAG_CODES.find((f) => f === code);
      return [{ caseId, ...(flag ? { flag } : {}) }];
    });
}

function outcomeNotice(r: BulkOutcome, t: (typeof TEXT)["en"], lang: UiLanguage): Notice {
  const refused = r.refused.map((x) => `${x.caseId} — ${wordsText(x.words, x.reason, lang)}`);
  return { kind: r.refused.length ? "bad" : "good", text: t.done(r.done.length, r.done) + (refused.length ? t.refused(refused) : "") };
}

const BulkBody = z
  .object({
    action: z.enum(["assign_me", "assign", "resolve_flags"]),
    owner: z.string().trim().min(1).max(MAX_OWNER_CHARS).optional(),
    how: z.string().trim().max(MAX_REASON_CHARS).optional(),
    rows: z.array(z.object({ case: z.string().regex(/^ACT-\d{6}$/i), flag: z.enum(FLAG_CODES as unknown as [FlagCode, ...FlagCode[]]).optional() }).strict()).min(1).max(MAX_BULK_ROWS),
  })
  .strict();

type Req = FastifyRequest<{ Body: FormFields | undefined }>;

export function registerWorkBulkRoutes(app: FastifyInstance, deps: HttpDeps): void {
  app.post("/work/assign-me", async (request: Req, reply: FastifyReply) => {
    const lang = uiLanguageOf(request);
    const t = uiText(TEXT, lang);
    const fields = request.body ?? {};
    const back = backOf(fields);
    const member = teamMember(request);
    if (member.kind === "invalid") return redirectWithNotice(reply, back, { kind: "bad", text: wordsText(member.words, member.message, uiLanguageOf(request)) });
    const caseId = parseCaseId(fields.case ?? "");
    if (!caseId) return redirectWithNotice(reply, back, { kind: "bad", text: t.noCase });
    const r = await deps.teamCommand(caseId, { kind: "assign", owner: null, toSelf: true }, member.by);
    return redirectWithNotice(reply, back, r.kind === "ok" ? { kind: "good", text: t.assigned(caseId) } : { kind: "bad", text: t.notDone(wordsText(r.words, r.reason, lang)) });
  });

  app.post("/work/bulk", async (request: Req, reply: FastifyReply) => {
    const lang = uiLanguageOf(request);
    const t = uiText(TEXT, lang);
    const fields = request.body ?? {};
    const back = backOf(fields);
    const member = teamMember(request);
    if (member.kind === "invalid") return redirectWithNotice(reply, back, { kind: "bad", text: wordsText(member.words, member.message, uiLanguageOf(request)) });
    const action: BulkAction | null =
      fields.action === "assign_me"
        ? { kind: "assign", owner: member.by, toSelf: true }
        : fields.action === "assign_to"
          ? { kind: "assign", owner: (fields.owner ?? "").trim() }
          : fields.action === "resolve"
            ? { kind: "resolve_flags", how: fields.how ?? "" }
            : null;
    if (!action) return redirectWithNotice(reply, back, { kind: "bad", text: t.noAction });
    const r = await bulkCommand(deps, selectedRows(fields), action, member.by);
    if ("kind" in r) return redirectWithNotice(reply, back, { kind: "bad", text: t.notDone(r.message) });
    return redirectWithNotice(reply, back, outcomeNotice(r, t, lang));
  });

  app.post<{ Body: unknown }>("/api/work/bulk", async (request, reply) => {
    const member = teamMember(request);
    if (member.kind === "invalid") return reply.code(400).send({ error: "bad_request", message: member.message });
    const body = BulkBody.safeParse(request.body ?? {});
    if (!body.success) return reply.code(400).send({ error: "bad_request", message: body.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ") });
    const b = body.data;
    if (b.action === "assign" && !b.owner) return reply.code(400).send({ error: "bad_request", message: "owner: the team member to assign the cases to" });
    const action: BulkAction =
      b.action === "assign_me" ? { kind: "assign", owner: member.by, toSelf: true } : b.action === "assign" ? { kind: "assign", owner: b.owner ?? "" } : { kind: "resolve_flags", how: b.how ?? "" };
    const rows = b.rows.map((x) => ({ caseId: x.case.toUpperCase(), ...(x.flag ? { flag: x.flag } : {}) }));
    const r = await bulkCommand(deps, rows, action, member.by);
    if ("kind" in r) return reply.code(400).send({ error: "bad_request", message: r.message });
    // The API speaks English: each refusal's `reason`, without the desk's words.
    return { ...r, refused: r.refused.map(withoutWords) };
  });
}
