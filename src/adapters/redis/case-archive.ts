/**
 * The archive of closed cases in Redis (core/case/archive.ts). An archived case keeps its hash
 * (store-keys.ts `case`), so matching still finds it, and its summary and list keys stay in the index
 * slot, so that search and lists do; but the hash then holds only
 *   archive   the ArchiveRecord (case, timeline, sent answers) as Brotli-compressed JSON
 *   version   bumped by every archive change, so a commit read before archiving conflicts
 * and its timeline list, outbox hashes and send logs are gone. Other keys, under the prefix P:
 *   P:archive:due      zset  hot closed cases by closing time (written by the case commit)
 *   P:archive:cases    zset  archived cases by time archived
 *   P:archive:blobs    zset  archived cases whose blobs are still kept, by time archived
 *   P:archive:unlink   set   blob ids no case refers to any more, to delete from the blob store
 *   P:blobref:{blob}   set   the cases that refer to a blob (written by the case commit): a blob
 *                            stored once for two cases is deleted only when neither keeps it
 * Each change is a case step and an index step (slot-steps.ts): one script on one Redis, finished by
 * the repair on a Cluster; idempotent: a second run finds nothing to do.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";
import type { Redis } from "ioredis";
import type { ArchiveSource, ArchiveState } from "../../app/ports.js";
import type { ArchiveRecord, ArchivedAnswer } from "../../core/case/archive.js";
import { caseSummary } from "../../core/case/case-summary.js";
import type { OutboxEntry } from "../../core/case/outbox-entry.js";
import type { Case, CaseEvent, CaseId } from "../../core/types.js";
import type { IndexOp, IndexState, SlotSteps } from "./slot-steps.js";
import { stepToken } from "./slot-steps.js";
import type { StoreKeys } from "./store-keys.js";

/**
 * archive's case step: `a` = {case, events, sentCase, sentNoProgress, mails: keys; outbox: the entries'
 * hashes (every key of sent:case); version: read; length: the timeline's length read; next: the new
 * version}; ARGV[3] the record. Returns 1 archived, 0 archived already, -1 the case changed since it
 * was read, -2 an answer is not sent yet.
 */
const ARCHIVE_CASE = `
local function case_step(a)
  if redis.call('HEXISTS', key(a.case), 'archive') == 1 then return 0 end
  if redis.call('HGET', a.case, 'version') ~= a.version then return -1 end
  if redis.call('LLEN', key(a.events)) ~= tonumber(a.length) then return -1 end
  if redis.call('ZCARD', key(a.sentCase)) ~= #a.outbox then return -1 end
  for _, h in ipairs(a.outbox) do
    if redis.call('HGET', key(h), 'status') == 'pending' then return -2 end
  end
  for _, h in ipairs(a.outbox) do redis.call('DEL', h) end
  redis.call('DEL', a.events, a.sentCase, key(a.sentNoProgress), key(a.mails))
  redis.call('HDEL', a.case, 'json', 'summary', 'idx')
  redis.call('HSET', a.case, 'archive', ARGV[3], 'version', a.next)
  return 1, {}
end
`;

/**
 * restore's case step: `a` = {case, events, sentCase: keys; version: read; next: the new version; json:
 * the case; timeline: event JSONs; answers: [{key, hkey, entry, sentAt, response, at}]}. Returns 1
 * restored, 0 not archived (restored already), -1 the record changed since it was read.
 */
const RESTORE_CASE = `
local function case_step(a)
  if redis.call('HEXISTS', key(a.case), 'archive') == 0 then return 0 end
  if redis.call('HGET', a.case, 'version') ~= a.version then return -1 end
  redis.call('DEL', key(a.events))
  for _, e in ipairs(a.timeline) do redis.call('RPUSH', a.events, e) end
  for _, o in ipairs(a.answers) do
    redis.call('HSET', key(o.hkey), 'entry', o.entry, 'status', 'sent', 'sentAt', o.sentAt, 'response', o.response)
    redis.call('ZADD', key(a.sentCase), o.at, o.key)
  end
  redis.call('HDEL', a.case, 'archive')
  redis.call('HSET', a.case, 'json', a.json, 'version', a.next)
  return 1, {}
end
`;

/**
 * dropBlobs' case step: `a` = {case; version: read; next}; ARGV[3] the record without blobs. The index
 * step takes the case off each blob's reference set (a blob left with none goes to archive:unlink).
 * Returns 1, or -1 when the record changed (or was restored).
 */
const DROP_BLOBS_CASE = `
local function case_step(a)
  if redis.call('HEXISTS', key(a.case), 'archive') == 0 then return -1 end
  if redis.call('HGET', a.case, 'version') ~= a.version then return -1 end
  redis.call('HSET', a.case, 'archive', ARGV[3], 'version', a.next)
  return 1, {}
end
`;

/** Brotli at this quality: ~3.7× smaller than the JSON of a small case, in about a millisecond. */
const BROTLI_QUALITY = 9;
/**
 * The window fitted to the record (2^16 … 2^22 bytes): Brotli's default 4 MB window made one small
 * record cost 64 ms (measured: 1.3 ms with 2^16, same size within 1 %).
 */
const windowBits = (bytes: number) => Math.min(22, Math.max(16, Math.ceil(Math.log2(bytes + 1))));

export function packRecord(record: ArchiveRecord): Buffer {
  const json = Buffer.from(JSON.stringify(record));
  return brotliCompressSync(json, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: json.length,
      [constants.BROTLI_PARAM_LGWIN]: windowBits(json.length),
    },
  });
}

export function unpackRecord(bytes: Buffer): ArchiveRecord {
  return JSON.parse(brotliDecompressSync(bytes).toString("utf8")) as ArchiveRecord;
}

export class CaseArchive {
  constructor(
    readonly redis: Redis,
    private readonly keys: StoreKeys,
    private readonly steps: SlotSteps,
    /** A case's place in the lists (case-store.ts indexState). */
    private readonly indexState: (c: Case, v: number) => IndexState,
  ) {
    steps.define("Archive", ARCHIVE_CASE);
    steps.define("Restore", RESTORE_CASE);
    steps.define("DropBlobs", DROP_BLOBS_CASE);
  }

  private k(key: string): string {
    return this.keys.index(key);
  }

  async due(closedBefore: number, max: number): Promise<CaseId[]> {
    return this.redis.zrangebyscore(this.k("archive:due"), "-inf", closedBefore, "LIMIT", 0, max);
  }

  async source(id: CaseId): Promise<ArchiveSource | null> {
    const key = this.keys.case(id);
    const [[json, version], events, keys] = await Promise.all([
      this.redis.hmget(key, "json", "version"),
      this.redis.lrange(this.keys.events(id), 0, -1),
      this.redis.zrange(this.keys.sentCase(id), 0, -1),
    ]);
    if (!json) return null;
    // The entries in their case's slot, whether each is still unfiled in the index slot's list.
    const [rows, unfiled] = await Promise.all([Promise.all(keys.map((k) => this.redis.hgetall(this.keys.outbox(k)))), keys.length ? this.redis.zmscore(this.k("outbox:unfiled"), ...keys) : Promise.resolve([])]);
    const outbox: ArchivedAnswer[] = [];
    let unsettled = false;
    rows.forEach((row, i) => {
      if (!row.entry) return;
      if (row.status !== "sent" || unfiled[i] !== null) unsettled = true;
      const entry = JSON.parse(row.entry) as OutboxEntry;
      outbox.push({ ...entry, status: "sent", at: row.sentAt ?? "", response: row.response ?? "" });
    });
    return {
      case: JSON.parse(json) as Case,
      version: Number(version ?? 0),
      events: events.map((e) => JSON.parse(e) as CaseEvent),
      outbox,
      outboxKeys: keys,
      unsettled,
    };
  }

  async archive(record: ArchiveRecord, read: ArchiveSource): Promise<"archived" | "already" | "changed" | "unsettled"> {
    const id = record.case.id;
    const next = read.version + 1;
    const state = this.indexState(record.case, next);
    const archivedAt = String(Date.parse(record.archivedAt));
    const ops: IndexOp[] = [
      ...read.outbox.flatMap((o) => o.to.map((rcpt): IndexOp => ({ op: "zrem", key: this.k(`sent:rcpt:${rcpt}`), member: o.key }))),
      { op: "zadd", key: this.k("archive:cases"), score: archivedAt, member: id },
      { op: "zadd", key: this.k("archive:blobs"), score: archivedAt, member: id },
    ];
    const a = {
      case: this.keys.case(id),
      events: this.keys.events(id),
      sentCase: this.keys.sentCase(id),
      sentNoProgress: this.keys.sentNoProgress(id),
      mails: this.keys.mails(id),
      outbox: read.outboxKeys.map((k) => this.keys.outbox(k)),
      version: String(read.version),
      length: String(read.events.length),
      next: String(next),
    };
    const r = await this.steps.run(
      "Archive",
      { caseId: id, args: a, keys: [a.case, a.events, a.sentCase, a.sentNoProgress, a.mails, ...a.outbox], extra: [packRecord(record)] },
      { token: stepToken(id), prefix: this.keys.prefix, ops, state: { ...state, summary: JSON.stringify({ ...caseSummary(record.case), archivedAt: record.archivedAt }), closed: "" }, declare: [], oldIdx: state.idx.map((k) => this.k(k)) },
    );
    return r.status === 1 ? "archived" : r.status === 0 ? "already" : r.status === -2 ? "unsettled" : "changed";
  }

  async get(id: CaseId): Promise<ArchiveState | null> {
    const key = this.keys.case(id.toUpperCase());
    const [bytes, version] = await Promise.all([this.redis.hgetBuffer(key, "archive"), this.redis.hget(key, "version")]);
    return bytes ? { record: unpackRecord(bytes), version: Number(version ?? 0) } : null;
  }

  async isArchived(id: CaseId): Promise<boolean> {
    return (await this.redis.hexists(this.keys.case(id.toUpperCase()), "archive")) === 1;
  }

  async restore(state: ArchiveState, restored: { case: Case; events: CaseEvent[] }, closedSince: number | null): Promise<"restored" | "not_archived" | "changed"> {
    const c = { ...restored.case, version: state.version + 1 };
    const id = c.id;
    const answers = state.record.outbox.map((o) => {
      const { status: _s, at, response, ...entry } = o;
      return { key: o.key, hkey: this.keys.outbox(o.key), entry: JSON.stringify(entry), sentAt: at, response, at: String(Date.parse(o.createdAt) || Date.parse(at) || 0), rcpts: o.to };
    });
    const a = {
      case: this.keys.case(id),
      events: this.keys.events(id),
      sentCase: this.keys.sentCase(id),
      version: String(state.version),
      next: String(c.version),
      json: JSON.stringify(c),
      timeline: restored.events.map((e) => JSON.stringify(e)),
      answers: answers.map(({ rcpts: _r, ...o }) => o),
    };
    const ops: IndexOp[] = [
      ...answers.flatMap((o) => o.rcpts.map((rcpt): IndexOp => ({ op: "zadd", key: this.k(`sent:rcpt:${rcpt}`), score: o.at, member: o.key }))),
      { op: "zrem", key: this.k("archive:cases"), member: id },
      { op: "zrem", key: this.k("archive:blobs"), member: id },
    ];
    const indexed = this.indexState(c, c.version);
    const r = await this.steps.run(
      "Restore",
      { caseId: id, args: a, keys: [a.case, a.events, a.sentCase, ...answers.map((o) => o.hkey)] },
      { token: stepToken(id), prefix: this.keys.prefix, ops, state: { ...indexed, closed: closedSince === null ? "" : String(closedSince) }, declare: [], oldIdx: indexed.idx.map((k) => this.k(k)) },
    );
    return r.status === 1 ? "restored" : r.status === 0 ? "not_archived" : "changed";
  }

  async blobsDue(archivedBefore: number, max: number): Promise<CaseId[]> {
    return this.redis.zrangebyscore(this.k("archive:blobs"), "-inf", archivedBefore, "LIMIT", 0, max);
  }

  async dropBlobs(state: ArchiveState, without: ArchiveRecord, blobs: string[]): Promise<{ kind: "dropped"; unreferenced: string[] } | { kind: "changed" }> {
    const id = state.record.case.id;
    const a = { case: this.keys.case(id), version: String(state.version), next: String(state.version + 1) };
    const ops: IndexOp[] = [
      ...blobs.map((b): IndexOp => ({ op: "unref", key: this.k(`blobref:${b}`), member: id, unlink: this.k("archive:unlink"), blob: b })),
      { op: "zrem", key: this.k("archive:blobs"), member: id },
    ];
    const r = await this.steps.run("DropBlobs", { caseId: id, args: a, keys: [a.case], extra: [packRecord(without)] }, { token: stepToken(id), prefix: this.keys.prefix, ops, declare: [], oldIdx: [] });
    return r.status === 1 ? { kind: "dropped", unreferenced: r.out } : { kind: "changed" };
  }

  /** Blob ids no case refers to, not yet deleted from the blob store (a crash between the two). */
  async unlinkPending(max: number): Promise<string[]> {
    return this.redis.srandmember(this.k("archive:unlink"), max);
  }

  /** Whether a case took the blob up again since it was left unreferenced (the same bytes sent anew). */
  async referenced(blob: string): Promise<boolean> {
    return (await this.redis.exists(this.k(`blobref:${blob}`))) === 1;
  }

  async unlinked(blobs: string[]): Promise<void> {
    if (blobs.length) await this.redis.srem(this.k("archive:unlink"), ...blobs);
  }

  async counts(): Promise<{ archivedTotal: number; due: number; keepingBlobs: number }> {
    const [archivedTotal, due, keepingBlobs] = await Promise.all([
      this.redis.zcard(this.k("archive:cases")),
      this.redis.zcard(this.k("archive:due")),
      this.redis.zcard(this.k("archive:blobs")),
    ]);
    return { archivedTotal, due, keepingBlobs };
  }
}
