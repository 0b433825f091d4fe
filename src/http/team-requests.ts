/**
 * Team actions over HTTP: the request bodies of the JSON API and of the review UI's forms, validated
 * with zod and turned into one `TeamCommand`, and the outcome mapped to an HTTP status. Both the API
 * and the form endpoints go through `runTeamRequest`, so they accept and refuse the same things.
 */
import { z } from "zod";
import type { CommandResult, TeamCommand } from "../app/case-commands.js";
import type { CaseRepository } from "../app/ports.js";
import { MAX_NOTE_CHARS, MAX_OWNER_CHARS } from "../core/case/team-actions.js";
import { MAX_EDITED_PARTICIPANTS } from "../core/case/edit-case.js";
import { MAX_EMAIL_CHARS, MAX_MACS, MAX_PERSON_NAME_CHARS, MAX_SITE_CHARS, PARTICIPANT_ROLES } from "../core/case/case-fields.js";
import type { Locale, Role } from "../core/types.js";
import { LOCALES } from "../core/types.js";
import { parseCaseId } from "./case-views.js";
import type { UiLanguage } from "./pages/ui-language.js";
import { englishText } from "../core/words/english.js";
import type { Words } from "../core/words/words.js";
import { words } from "../core/words/words.js";

/** Bound on free text a team member types (reasons): long enough for a paragraph, not a document. */
export const MAX_REASON_CHARS = 2000;
/** Bound on a team member's name from X-Team-Member or a form. */
export const MAX_MEMBER_CHARS = 80;
export const DEFAULT_MEMBER = "team";

/** What a refused form says, in the member's desk language (the JSON API speaks English). */
const TEXT = {
  en: {
    reason: "a reason is required",
    item: "item is required",
    note: "a note needs some text",
    owner: "owner is a team member's name",
    assign: "give owner (a name, or null to unassign) or me: true",
    how: "how the flag was resolved is required",
    tooLong: (max: number) => `at most ${max} characters`,
  },
  sv: {
    reason: "ett skäl krävs",
    item: "välj en punkt i checklistan",
    note: "anteckningen behöver en text",
    owner: "ägaren är en teammedlems namn",
    assign: "ange en ägare, eller ta bort ägaren",
    how: "skriv hur flaggan löstes",
    tooLong: (max: number) => `högst ${max} tecken`,
  },
} satisfies Record<UiLanguage, unknown>;

function bodies(t: (typeof TEXT)[UiLanguage]) {
  const Reason = z.string().trim().min(1, t.reason).max(MAX_REASON_CHARS, t.tooLong(MAX_REASON_CHARS));
  const OptionalReason = z.string().trim().max(MAX_REASON_CHARS, t.tooLong(MAX_REASON_CHARS)).optional();
  const ItemId = z.string().trim().min(1, t.item).max(100);
  const OverrideBody = z.object({ item: ItemId, reason: Reason });
  return {
    OverrideBody,
    ActionBody: z.object({ reason: OptionalReason, force: z.boolean().optional() }),
    NoteBody: z.object({ text: z.string().trim().min(1, t.note).max(MAX_NOTE_CHARS, t.tooLong(MAX_NOTE_CHARS)) }),
    ConfirmBody: z.object({ item: ItemId }),
    SendBackBody: z.object({ item: ItemId, reason: Reason }),
    /** `{"owner":"maja"}`, `{"owner":null}` to unassign, or `{"me":true}`: to the member acting. */
    AssignBody: z
      .object({ owner: z.string().trim().min(1, t.owner).max(MAX_OWNER_CHARS, t.tooLong(MAX_OWNER_CHARS)).nullable().optional(), me: z.boolean().optional() })
      .refine((b) => b.me === true || b.owner !== undefined, t.assign),
    ReopenBody: z.object({ reason: Reason }),
    ResolveBody: z.object({ how: z.string().trim().min(1, t.how).max(MAX_REASON_CHARS, t.tooLong(MAX_REASON_CHARS)) }),
  };
}

const BODIES: Record<UiLanguage, ReturnType<typeof bodies>> = { en: bodies(TEXT.en), sv: bodies(TEXT.sv) };

export const { OverrideBody, ActionBody, NoteBody, ConfirmBody, SendBackBody, AssignBody, ReopenBody, ResolveBody } = BODIES.en;

/**
 * A case's facts to change (absent: unchanged), participants by their present address, people to
 * add; `resend`: the case's last mail goes again to each one added. The core checks each value.
 */
export const EditBody = z
  .object({
    site: z.string().max(MAX_SITE_CHARS * 2).optional(),
    stations: z.number().optional(),
    macsShipped: z.array(z.string().max(64)).max(MAX_MACS).optional(),
    addMacs: z.array(z.string().max(64)).max(MAX_MACS).optional(),
    installService: z.boolean().optional(),
    locale: z.enum(LOCALES as [string, ...string[]]).optional(),
    participants: z
      .array(z.object({ email: z.string().max(MAX_EMAIL_CHARS), newEmail: z.string().max(MAX_EMAIL_CHARS).optional(), name: z.string().max(MAX_PERSON_NAME_CHARS * 2).optional() }).strict())
      .max(MAX_EDITED_PARTICIPANTS)
      .optional(),
    add: z
      .array(z.object({ email: z.string().max(MAX_EMAIL_CHARS), name: z.string().max(MAX_PERSON_NAME_CHARS * 2).optional(), role: z.enum(PARTICIPANT_ROLES as [Role, ...Role[]]).default("team_added") }).strict())
      .max(MAX_EDITED_PARTICIPANTS)
      .optional(),
    resend: z.boolean().default(false),
  })
  .strict();

export type TeamRequest =
  | { kind: "override"; body: unknown }
  | { kind: "confirm"; body: unknown }
  | { kind: "send_back"; body: unknown }
  | { kind: "activate"; body: unknown }
  | { kind: "close"; body: unknown }
  | { kind: "resolve"; flagId: string; body: unknown }
  | { kind: "accept"; flagId: string; body: unknown }
  | { kind: "note"; body: unknown }
  | { kind: "undo_override"; body: unknown }
  | { kind: "assign"; body: unknown }
  | { kind: "reopen"; body: unknown }
  | { kind: "edit"; body: unknown };

export type TeamRequestKind = TeamRequest["kind"];

export type TeamOutcome =
  | { status: 200; result: Extract<CommandResult, { kind: "ok" }> }
  | { status: 400; message: string }
  | { status: 404; message: string }
  /** `words`: the refusal for the desk's language (core/words); the API sends `reason` only. */
  | { status: 409; reason: string; words?: Words };

/** Turns a request body into a command, or says in one line what is wrong with it. */
export function toCommand(req: TeamRequest, lang: UiLanguage = "en"): { kind: "ok"; cmd: TeamCommand } | { kind: "invalid"; message: string } {
  // A bodiless POST (close, activate) arrives as undefined: it means "no options".
  const body = req.body ?? {};
  const { OverrideBody, ActionBody, NoteBody, ConfirmBody, SendBackBody, AssignBody, ReopenBody, ResolveBody } = BODIES[lang];
  const invalid = (error: z.ZodError) => invalidIn(error, lang);
  switch (req.kind) {
    case "override": {
      const p = OverrideBody.safeParse(body);
      return p.success ? ok({ kind: "override", item: p.data.item, why: p.data.reason }) : invalid(p.error);
    }
    case "confirm": {
      const p = ConfirmBody.safeParse(body);
      return p.success ? ok({ kind: "team_step", item: p.data.item, verdict: { kind: "confirm" } }) : invalid(p.error);
    }
    case "send_back": {
      const p = SendBackBody.safeParse(body);
      return p.success
        ? ok({ kind: "team_step", item: p.data.item, verdict: { kind: "send_back", reason: p.data.reason } })
        : invalid(p.error);
    }
    case "activate":
    case "close": {
      const p = ActionBody.safeParse(body);
      return p.success
        ? ok({ kind: "action", action: req.kind, why: p.data.reason ?? "", force: p.data.force ?? false })
        : invalid(p.error);
    }
    case "resolve": {
      const p = ResolveBody.safeParse(body);
      return p.success ? ok({ kind: "resolve_flag", flag: req.flagId, how: p.data.how }) : invalid(p.error);
    }
    case "accept":
      return ok({ kind: "accept_sender", flag: req.flagId });
    case "undo_override": {
      const p = OverrideBody.safeParse(body);
      return p.success ? ok({ kind: "undo_override", item: p.data.item, why: p.data.reason }) : invalid(p.error);
    }
    case "assign": {
      const p = AssignBody.safeParse(body);
      return p.success ? ok({ kind: "assign", owner: p.data.owner ?? null, ...(p.data.me ? { toSelf: true } : {}) }) : invalid(p.error);
    }
    case "reopen": {
      const p = ReopenBody.safeParse(body);
      return p.success ? ok({ kind: "reopen", why: p.data.reason }) : invalid(p.error);
    }
    case "edit": {
      const p = EditBody.safeParse(body);
      if (!p.success) return invalid(p.error);
      const { resend, locale, ...facts } = p.data;
      return ok({ kind: "edit", edit: { ...facts, ...(locale ? { locale: locale as Locale } : {}) }, resend });
    }
    case "note": {
      const p = NoteBody.safeParse(body);
      return p.success ? ok({ kind: "note", text: p.data.text }) : invalid(p.error);
    }
  }
}

const ok = (cmd: TeamCommand) => ({ kind: "ok" as const, cmd });

/** The API names the field (`reason: a reason is required`); the desk's form shows only the words. */
function invalidIn(error: z.ZodError, lang: UiLanguage): { kind: "invalid"; message: string } {
  const message = error.issues
    .map((i) => (i.path.length > 0 && lang === "en" ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
  return { kind: "invalid", message };
}

/**
 * Who acts: the login name when the UI has its own logins (server.ts); else the X-Team-Member header
 * (set by the desk's proxy); "team" when none is given. Never a name typed in a form.
 * Control characters are refused rather than stored in the timeline.
 */
export function teamMember(
  request: { login: string | null; headers: Record<string, string | string[] | undefined> },
): { kind: "ok"; by: string } | { kind: "invalid"; message: string; words: Words } {
  if (request.login !== null) return { kind: "ok", by: request.login };
  const header = request.headers["x-team-member"];
  const value = (Array.isArray(header) ? header[0] : header)?.trim() || DEFAULT_MEMBER;
  // eslint-disable-next-line no-control-regex -- the point is to find control characters
  if (value.length > MAX_MEMBER_CHARS || /[\u0000-\u001f\u007f]/.test(value)) {
    const w = words("bad_team_member", { max: MAX_MEMBER_CHARS });
    return { kind: "invalid", message: englishText(w), words: w };
  }
  return { kind: "ok", by: value };
}

export interface TeamRequestDeps {
  store: CaseRepository;
  teamCommand(caseId: string, cmd: TeamCommand, by: string): Promise<CommandResult>;
}

/** `lang`: the language of a refused form's words (the desk's member's; English for the API). */
export async function runTeamRequest(deps: TeamRequestDeps, rawId: string, req: TeamRequest, by: string, lang: UiLanguage = "en"): Promise<TeamOutcome> {
  const id = parseCaseId(rawId);
  if (!id || !(await deps.store.caseExists(id))) return { status: 404, message: `no case ${rawId}` };
  const parsed = toCommand(req, lang);
  if (parsed.kind === "invalid") return { status: 400, message: parsed.message };
  const result = await deps.teamCommand(id, parsed.cmd, by);
  return result.kind === "ok" ? { status: 200, result } : { status: 409, reason: result.reason, ...(result.words ? { words: result.words } : {}) };
}
