/**
 * Supervised mode's drafts over ports (core/case/drafts.ts): what the desk shows of a case's drafts,
 * and a team member's send, edit and discard, each one atomic commit of the case, its event and the
 * outbox entry's state. Sending hands the entry to the outbox as it is stored (its Message-ID and
 * threading headers were fixed when it was composed); an edit renders the member's text as the
 * templates render theirs. A second press of a button finds no draft and is refused in words.
 */
import type { Draft } from "../core/case/drafts.js";
import { MAX_DRAFT_TEXT_CHARS, discardDraft, editDraft, sendDraft } from "../core/case/drafts.js";
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import type { Case, CaseEvent, CaseId } from "../core/types.js";
import type { CaseCommandDeps, CommandResult } from "./case-commands.js";
import type { CaseRepository, DraftChanges } from "./ports.js";
import { refusal } from "../core/words/english.js";
import type { Refused } from "../core/words/words.js";
import { words } from "../core/words/words.js";

/** Commits retried when the case changed between reading and writing (another worker, another member). */
const MAX_ATTEMPTS = 5;

/** One draft as the desk shows it: the case's record of it and the mail as it would go out. */
export interface DraftView extends Draft {
  subject: string;
  cc: string[];
  inReplyTo?: string;
  text: string;
  attachments: string[];
  /** Set when the outbox entry is gone (an erasure deleted it): the draft can only be discarded. */
  missing?: true;
}

export async function draftViews(store: Pick<CaseRepository, "outboxEntry">, c: Pick<Case, "drafts">): Promise<DraftView[]> {
  return Promise.all(
    (c.drafts ?? []).map(async (d): Promise<DraftView> => {
      const e = await store.outboxEntry(d.key);
      if (!e) return { ...d, subject: "", cc: [], text: "", attachments: [], missing: true };
      return { ...d, subject: e.subject, cc: e.cc, ...(e.inReplyTo ? { inReplyTo: e.inReplyTo } : {}), text: e.text, attachments: e.attachments.map((a) => a.filename) };
    }),
  );
}

/** The draft's key in a form or URL: an outbox key, `ACT-123456.<16 hex>`. */
export const DRAFT_KEY_PATTERN = /^ACT-\d{6}\.[a-f0-9]{16}$/;

/** One change of a case's drafts, decided on the case as read; `outbox`: what goes out once committed. */
type Change = (c: Case, now: string) => Promise<{ kind: "ok"; case: Case; events: CaseEvent[]; drafts: DraftChanges; outbox: OutboxEntry[] } | Refused>;

async function commitDraftChange(deps: CaseCommandDeps, caseId: CaseId, change: Change): Promise<CommandResult> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const c = await deps.store.getCase(caseId);
    if (!c) return refusal(words("no_case", { caseId }));
    const now = deps.clock.now().toISOString();
    const r = await change(c, now);
    if (r.kind === "refused") return r;
    const result = await deps.store.commit({ before: c, case: r.case, events: r.events, outbox: [], messageIds: [], looseFlags: [], drafts: r.drafts });
    if (result === "committed") return { kind: "ok", case: r.case, outbox: r.outbox };
  }
  return refusal(words("case_kept_changing", { caseId }));
}

/** Sends a draft: the returned outbox entry is the caller's to dispatch, as after any team command. */
export function sendDraftCommand(deps: CaseCommandDeps, caseId: CaseId, key: string, by: string): Promise<CommandResult> {
  return commitDraftChange(deps, caseId, async (c, now) => {
    const entry = await deps.store.outboxEntry(key);
    if (!entry || entry.caseId !== c.id) return refusal(words("draft_mail_gone", {}));
    const r = sendDraft(c, key, by, now);
    if (r.kind === "refused") return r;
    return { kind: "ok", case: r.case, events: r.events, drafts: { release: [key] }, outbox: [entry] };
  });
}

/** Changes a draft's text: the member's text goes out in place of the rendered one, as both parts. */
export function editDraftCommand(deps: CaseCommandDeps, caseId: CaseId, key: string, text: string, by: string): Promise<CommandResult> {
  if (text.trim() === "") return Promise.resolve(refusal(words("draft_text_empty", {})));
  if (text.length > MAX_DRAFT_TEXT_CHARS) return Promise.resolve(refusal(words("draft_text_too_long", { max: MAX_DRAFT_TEXT_CHARS })));
  return commitDraftChange(deps, caseId, async (c, now) => {
    const entry = await deps.store.outboxEntry(key);
    if (!entry || entry.caseId !== c.id || entry.status !== "draft") return refusal(words("no_draft", { caseId: c.id, key }));
    const r = editDraft(c, key, by, now);
    if (r.kind === "refused") return r;
    const { status: _s, ...stored } = entry;
    const edited: OutboxEntry = { ...stored, ...deps.compose.renderer.renderEdited(text) };
    return { kind: "ok", case: r.case, events: r.events, drafts: { edit: [edited] }, outbox: [] };
  });
}

/** Discards a draft: nothing is sent; the case carries on as if it had not been composed. */
export function discardDraftCommand(deps: CaseCommandDeps, caseId: CaseId, key: string, why: string, by: string): Promise<CommandResult> {
  return commitDraftChange(deps, caseId, async (c, now) => {
    const r = discardDraft(c, key, by, why, now);
    if (r.kind === "refused") return r;
    return { kind: "ok", case: r.case, events: r.events, drafts: { discard: [key] }, outbox: [] };
  });
}

/** What the desk (pages and JSON API) does with drafts; each commit is dispatched like any team command. */
export interface DeskDrafts {
  send(caseId: CaseId, key: string, by: string): Promise<CommandResult>;
  edit(caseId: CaseId, key: string, text: string, by: string): Promise<CommandResult>;
  discard(caseId: CaseId, key: string, why: string, by: string): Promise<CommandResult>;
}

export function deskDrafts(deps: CaseCommandDeps, dispatch: (c: Case, outboxKeys: string[]) => Promise<void>): DeskDrafts {
  const dispatched = async (r: CommandResult): Promise<CommandResult> => {
    if (r.kind === "ok") await dispatch(r.case, r.outbox.map((e) => e.key));
    return r;
  };
  return {
    send: async (caseId, key, by) => dispatched(await sendDraftCommand(deps, caseId, key, by)),
    edit: async (caseId, key, text, by) => dispatched(await editDraftCommand(deps, caseId, key, text, by)),
    discard: async (caseId, key, why, by) => dispatched(await discardDraftCommand(deps, caseId, key, why, by)),
  };
}
