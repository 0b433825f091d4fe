/**
 * What the review UI and the JSON API show of cases: one shape for both, so the page never shows
 * something the API does not (and the other way round). Read-only; built from the repository.
 */
import type { ThreadMail } from "../app/case-thread.js";
import { caseThread } from "../app/case-thread.js";
import type { DraftView } from "../app/drafts.js";
import { draftViews } from "../app/drafts.js";
import type { ArchiveState, CaseRepository, Renderer } from "../app/ports.js";
import type { CaseSummary } from "../core/case/case-summary.js";
import { awaitingTeam, evaluateChecklist } from "../core/case/checklist.js";
import type { DeliveryNote } from "../core/case/deliveries.js";
import { deliveryNotes } from "../core/case/deliveries.js";
import { makeOf } from "../core/rules/makes.js";
import type { Rules } from "../core/rules/rules.js";
import type { Case, CaseEvent, CaseId, EvidenceRecord, Flag, ItemState, Locale, MailFacts, Role, StageId } from "../core/types.js";
import { CASE_ID_PATTERN } from "../core/types.js";
import { withoutWords } from "../core/words/words.js";
import type { SpeakView } from "./speak-view.js";
import { speakView } from "./speak-view.js";

export interface CaseRow {
  id: CaseId;
  site: string;
  stage: StageId;
  openFlags: number;
  openedAt: string;
  roles: Role[];
  /** Set when the case is in the archive (GET /api/cases/:id then answers read-only). */
  archivedAt?: string;
}

export interface ChecklistRow {
  id: string;
  stage: StageId;
  title: string;
  state: ItemState;
}

export interface CaseDetail {
  case: Omit<Case, "flags" | "evidence">;
  checklist: { items: ChecklistRow[]; unclear: Record<string, string>; rulesVersion: string };
  /** Team steps holding the case now ("to verify"): confirm or send back (issue 22). */
  toVerify: { id: string; title: string }[];
  events: CaseEvent[];
  flags: Flag[];
  evidence: EvidenceRecord[];
  /** Every mail in and out, oldest first (empty when the deps cannot read stored mail). */
  thread: ThreadMail[];
  /** What the team can say in the thread, and the held mail to read (speak-view.ts). */
  speak: SpeakView;
  /** The stations' make (rules/makes.yaml): the case's own, else the desk's default (issue 22). */
  make: { id: string; name: string; thirdParty: boolean; given: boolean };
  /** Every receipt of stations and parcel question about a digital product, oldest first (issue 22). */
  deliveries: DeliveryNote[];
  /** Set when the case is in the archive: shown read-only, with a way to reopen it. */
  archived?: { at: string; blobsDeletedAt?: string };
  /** Supervised mode: the bot's mails waiting for the team (app/drafts.ts), oldest first. */
  drafts: DraftView[];
}

/** One line of the flagged queue: an open flag of a case, or a flag tied to no case. */
export interface QueueFlag extends Flag {
  caseId: CaseId | null;
  site: string | null;
  stage: StageId | null;
}

/** Upper-cased case id, or null when it cannot be one (the route answers 404). */
export function parseCaseId(raw: string): CaseId | null {
  const id = raw.toUpperCase();
  return CASE_ID_PATTERN.test(id) ? id : null;
}

export function openFlags(c: Pick<Case, "flags">): Flag[] {
  return c.flags.filter((f) => !f.resolved);
}

export function caseRow(c: Case): CaseRow {
  return {
    id: c.id,
    site: c.site,
    stage: c.stage,
    openFlags: openFlags(c).length,
    openedAt: c.openedAt,
    roles: [...new Set(c.participants.map((p) => p.role))],
  };
}

export function summaryRow(s: CaseSummary): CaseRow {
  return { id: s.id, site: s.site, stage: s.stage, openFlags: s.openFlagCount, openedAt: s.openedAt, roles: s.roles, ...(s.archivedAt ? { archivedAt: s.archivedAt } : {}) };
}

type DetailDeps = { store: Pick<CaseRepository, "events" | "outboxEntry">; rules: Rules; renderer: Renderer; readMail?: (blob: string) => Promise<MailFacts> };

/**
 * An archived case, read from its record alone (timeline and answers included): the same detail as a
 * hot case's, marked archived. Its mails in are read from their blobs while the retention keeps them.
 */
export async function archivedDetail(deps: DetailDeps, state: ArchiveState, titleLang?: Locale): Promise<CaseDetail> {
  const { record } = state;
  const answers = new Map(record.outbox.map((o) => [o.key, o]));
  const store = { events: async () => record.events, outboxEntry: async (key: string) => answers.get(key) ?? null };
  const detail = await caseDetail({ ...deps, store }, record.case, titleLang);
  return { ...detail, archived: { at: record.archivedAt, ...(record.blobsDeletedAt ? { blobsDeletedAt: record.blobsDeletedAt } : {}) } };
}

/** `titleLang`: the language of the checklist items' titles (the desk's, on a page); the case's own when absent. */
export async function caseDetail(deps: DetailDeps, c: Case, titleLang: Locale = c.locale): Promise<CaseDetail> {
  const checklist = evaluateChecklist(c, deps.rules);
  const events = await deps.store.events(c.id);
  const readMail = deps.readMail;
  const thread = readMail ? await caseThread({ store: deps.store, readMail }, c.id, events) : [];
  const { flags, evidence, ...rest } = c;
  return {
    case: rest,
    checklist: {
      items: checklist.items.map((i) => ({ ...i, title: deps.renderer.itemTitle(titleLang, i.id) })),
      unclear: checklist.unclear,
      rulesVersion: checklist.rulesVersion,
    },
    toVerify: awaitingTeam(checklist, c.stage, deps.rules).map((i) => ({ id: i.id, title: deps.renderer.itemTitle(titleLang, i.id) })),
    events,
    flags,
    evidence,
    thread,
    speak: speakView(c, checklist, deps.rules),
    make: ((m) => ({ id: m.id, name: m.name, thirdParty: m.third_party, given: c.make !== undefined }))(makeOf(deps.rules.makes, c.make)),
    deliveries: deliveryNotes(c, deps.rules),
    drafts: await draftViews(deps.store, c),
  };
}

/** A flag as the JSON API and the CLI show it: English only (`reason`, `how`), without the desk's words. */
export function englishFlag(f: Flag): Omit<Flag, "words"> {
  const { resolved, ...rest } = withoutWords(f);
  return resolved ? { ...rest, resolved: withoutWords(resolved) } : rest;
}

/** The detail as the JSON API sends it: the English the core keeps beside its words, without them. */
export function englishDetail(d: CaseDetail) {
  return {
    ...d,
    checklist: { ...d.checklist, items: d.checklist.items.map((i) => ({ ...i, state: i.state.status === "failed" ? withoutWords(i.state) : i.state })) },
    events: d.events.map(withoutWords),
    flags: d.flags.map(englishFlag),
  };
}
