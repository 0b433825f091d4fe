/**
 * Where each key of the store lives. Two kinds of key:
 *   - the index slot: every list, term, work-queue and lookup key, the ledger, the outbox's lists,
 *     loose flags, counters: `P` + name, as everywhere in the store's comments;
 *   - a case's own keys: its hash, timeline, outbox entries, per-case send logs, and (on a Cluster)
 *     the mails it handled and its index steps not yet applied (slot-steps.ts).
 * On one Redis (or a Sentinel's master) both kinds sit under the prefix P, as they always have. On a
 * Redis Cluster P is a hash tag (`{ab:}`, config.ts) and a case's own keys get a tag of their own,
 * `ab:{ACT-100001}:…`, so that cases spread over the masters' slots and every key one case script
 * touches is in that case's slot.
 */
export class StoreKeys {
  /** The prefix without its braces: `ab:` for `{ab:}`. */
  private readonly bare: string;

  constructor(
    /** P, the index slot's prefix. */
    readonly prefix: string,
    /** True on a Redis Cluster: each case in a slot of its own. */
    readonly spread: boolean,
  ) {
    this.bare = prefix.replace(/[{}]/g, "");
  }

  /** A key of the index slot. */
  index(name: string): string {
    return this.prefix + name;
  }

  /** What every key of a case starts with. */
  private caseBase(id: string): string {
    return this.spread ? `${this.bare}{${id}}:` : this.prefix;
  }

  case(id: string): string {
    return `${this.caseBase(id)}case:${id}`;
  }

  events(id: string): string {
    return `${this.case(id)}:events`;
  }

  /** The mail keys a case's commits handled (a Cluster only: the ledger's twin in the case's slot). */
  mails(id: string): string {
    return `${this.case(id)}:mails`;
  }

  /** Index steps a case script wrote and the index slot has not yet applied (a Cluster only). */
  indexing(id: string): string {
    return `${this.case(id)}:indexing`;
  }

  sentCase(id: string): string {
    return `${this.caseBase(id)}sent:case:${id}`;
  }

  sentNoProgress(id: string): string {
    return `${this.caseBase(id)}sent:noprog:${id}`;
  }

  /** An outbox entry's hash: in its case's slot (the key starts with the case id, compose-outbox.ts). */
  outbox(key: string): string {
    return `${this.caseBase(caseOfOutboxKey(key))}outbox:${key}`;
  }
}

/** The case an outbox key belongs to: `ACT-100001.3f…` → `ACT-100001`. */
export function caseOfOutboxKey(key: string): string {
  const dot = key.indexOf(".");
  return dot < 0 ? key : key.slice(0, dot);
}
