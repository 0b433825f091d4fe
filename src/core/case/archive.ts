/**
 * The archive of closed cases (issue 19, retention): a case closed for ARCHIVE_AFTER_DAYS leaves the
 * hot store for one compact, read-only archive record (the case, its timeline and its sent answers),
 * still found by search through its summary and terms, and restored to the hot store when reopened
 * (by the team, or by a mail that arrives for it). BLOB_RETENTION_DAYS after archiving, the raw
 * mails, photos and returned forms of the case are deleted; the evidence keeps its verdicts.
 * Pure: what is due, what an archive record holds, which blobs a case owns.
 */
import type { OutboxEntry, OutboxStatus } from "./outbox-entry.js";
import type { Case, CaseEvent, JsonValue } from "../types.js";
import { summarised } from "../words/english.js";
import { words } from "../words/words.js";

export const DAY_MS = 86_400_000;

/** A sent answer as the archive keeps it (its text and HTML are gone once filed in Sent). */
export type ArchivedAnswer = OutboxEntry & Extract<OutboxStatus, { status: "sent" }>;

/** One archived case: everything the hot store held of it, read-only. */
export interface ArchiveRecord {
  case: Case;
  /** The whole timeline, the `archived` event last. */
  events: CaseEvent[];
  /** Every outbox entry of the case (all sent: a case with a pending answer is not archived). */
  outbox: ArchivedAnswer[];
  archivedAt: string;
  /** Set once the retention deleted the case's mail and photo blobs (blob ids are then gone from the record). */
  blobsDeletedAt?: string;
}

/** Since when a case counts as closed for the archive (its last activity), or null when it is not closed. */
export function closedSince(c: Pick<Case, "stage" | "activityAt">): number | null {
  if (c.stage !== "closed") return null;
  const t = Date.parse(c.activityAt);
  return Number.isFinite(t) ? t : 0;
}

/** The latest closing time (ms) a case may have to be archived at `now`. */
export function archiveCutoff(now: number, afterDays: number): number {
  return now - afterDays * DAY_MS;
}

export function archiveRecord(c: Case, events: CaseEvent[], outbox: ArchivedAnswer[], at: string, afterDays: number): ArchiveRecord {
  const archived: CaseEvent = { at, kind: "archived", by: "bot", ...summarised(words("archived", { days: afterDays })), stage: c.stage };
  return { case: c, events: [...events, archived], outbox, archivedAt: at };
}

/**
 * The case restored to the hot store: its timeline says by whom and why, and its last activity is
 * now, so that it is not archived again before another ARCHIVE_AFTER_DAYS.
 */
export function restoredCase(record: ArchiveRecord, by: string, why: string, at: string): { case: Case; events: CaseEvent[] } {
  const note: CaseEvent = {
    at,
    kind: "restored",
    by,
    ...summarised(words("restored", { why, filesDeleted: Boolean(record.blobsDeletedAt) })),
    stage: record.case.stage,
  };
  return { case: { ...record.case, activityAt: at }, events: [...record.events, note] };
}

/**
 * The blobs a case owns and the retention deletes: raw mails in (the timeline's `mail_in` events and
 * held mails of flags), photos with their thumbnails, and returned forms. Not the attachments of the
 * bot's own answers (blank forms, shared by every case).
 */
export function ownedBlobs(c: Case, events: CaseEvent[]): string[] {
  const out = new Set<string>();
  for (const e of c.evidence) {
    for (const f of e.forms) if (f.blob) out.add(f.blob);
    for (const p of e.photos) for (const b of [p.blob, p.thumbnail]) if (b) out.add(b);
  }
  for (const f of c.flags) if (f.blob) out.add(f.blob);
  for (const e of events) {
    const b = e.kind === "mail_in" ? dataField(e.data, "blob") : undefined;
    if (b) out.add(b);
  }
  return [...out];
}

/** The record without its blobs: the evidence keeps its verdicts, the timeline its mails, but no file ids. */
export function withoutBlobs(record: ArchiveRecord, at: string): ArchiveRecord {
  const c = record.case;
  return {
    ...record,
    case: {
      ...c,
      evidence: c.evidence.map((e) => ({
        ...e,
        forms: e.forms.map(({ blob: _blob, ...f }) => f),
        photos: e.photos.map(({ blob: _blob, thumbnail: _thumbnail, ...p }) => p),
      })),
      flags: c.flags.map(({ blob: _blob, ...f }) => f),
    },
    events: record.events.map((e) => (e.kind === "mail_in" && dataField(e.data, "blob") ? { ...e, data: withoutField(e.data, "blob") } : e)),
    blobsDeletedAt: at,
  };
}

function dataField(data: JsonValue | undefined, name: string): string | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const v = data[name];
  return typeof v === "string" ? v : undefined;
}

function withoutField(data: JsonValue | undefined, name: string): JsonValue {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return data ?? null;
  const { [name]: _gone, ...rest } = data;
  return rest;
}
