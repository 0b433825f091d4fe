/**
 * recover-blobs (issue 20): instances that do not share STORAGE_DIR can still read every blob an
 * outbox entry or a held mail needs, because the mailbox, which every instance shares, holds the
 * mails they came from. Blob ids are digests of the bytes, so a part stored again from its mail gets
 * the id it had.
 * - A held mail (unknown sender, unmatched): the raw mail, found by its Message-ID in INBOX,
 *   Processed or Quarantine.
 * - An outbox entry's attachment: the mail whose evidence it is (the case's evidence record names
 *   it), else a copy in Sent of one of the case's earlier mails that carried it (a blank form, a
 *   forwarded photo), else, for a blank form, a new rendering (the same bytes: it is deterministic).
 * A blob still missing is an error that says so, never a quarantine: the job is tried again later.
 */
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import type { Case, Flag } from "../core/types.js";
import type { BlobStore } from "./ports.js";

/** Sent copies of one case read when looking for an attachment: its earlier mails, newest first. */
export const MAX_SENT_COPIES_READ = 20;

export interface BlobRecoveryDeps {
  blobs: Pick<BlobStore, "has" | "put">;
  /** A mail's bytes found by Message-ID (angle brackets included) in INBOX, Processed or Quarantine. */
  receivedMail(messageId: string): Promise<Buffer | null>;
  /** The Sent folder's copies of one case's mails, newest first, at most `max`. */
  sentCopies(caseId: string, max: number): Promise<Buffer[]>;
  /** Reads a mail and stores its attachments in the blob store (the parser does so as it reads). */
  storeParts(raw: Buffer): Promise<void>;
  /** Renders a blank form again for an attachment that is one (named `<form>-<case>.pdf`); false when it is not. */
  renderForm?(attachment: OutboxEntry["attachments"][number], c: Case): Promise<boolean>;
}

export class BlobUnreachableError extends Error {
  readonly code = "blob_unreachable";
}

/** `mid:<id>` ledger keys name the Message-ID; other keys (digests) name no mail that can be looked for. */
function messageIdOfKey(key: string | undefined): string | null {
  const m = /^mid:(.+?)(#.*)?$/.exec(key ?? "");
  return m?.[1] ? `<${m[1]}>` : null;
}

/** Makes a held mail's blob present here. Throws BlobUnreachableError when the mailbox no longer has it. */
export async function recoverHeldMail(deps: BlobRecoveryDeps, flag: Pick<Flag, "id" | "blob" | "mail">): Promise<void> {
  if (!flag.blob || (await deps.blobs.has(flag.blob))) return;
  const messageId = messageIdOfKey(flag.mail);
  const raw = messageId ? await deps.receivedMail(messageId) : null;
  if (raw) {
    const stored = await deps.blobs.put(raw);
    if (stored.id === flag.blob) return;
  }
  throw new BlobUnreachableError(
    `blob_unreachable: the mail held by ${flag.id} (blob ${flag.blob}) is not in this STORAGE_DIR, ` +
      (raw ? "and the mailbox's copy differs from it" : `and no mail ${messageId ?? "(without Message-ID)"} was found in the mailbox`) +
      ": share STORAGE_DIR between instances, or act on it from the instance that received it",
  );
}

/**
 * Makes an outbox entry's attachments present here. Throws BlobUnreachableError naming those that
 * could not be found; returns how many were missing (0: all were here, nothing was read).
 */
export async function recoverOutboxBlobs(
  deps: BlobRecoveryDeps,
  entry: Pick<OutboxEntry, "key" | "caseId" | "attachments">,
  loadCase: () => Promise<Case | null>,
): Promise<number> {
  const missing = async () => {
    const out: OutboxEntry["attachments"] = [];
    for (const a of entry.attachments) if (!(await deps.blobs.has(a.blob))) out.push(a);
    return out;
  };
  let lacking = await missing();
  if (!lacking.length) return 0;
  const before = lacking.length;
  const c = await loadCase();
  // The mails whose evidence they are.
  const sources = new Set<string>();
  for (const r of c?.evidence ?? []) {
    const blobs = [...r.forms.map((f) => f.blob), ...r.photos.map((p) => p.blob)];
    if (lacking.some((a) => blobs.includes(a.blob))) {
      const id = messageIdOfKey(r.mail);
      if (id) sources.add(id);
    }
  }
  for (const id of sources) {
    const raw = await deps.receivedMail(id);
    if (raw) await deps.storeParts(raw);
  }
  lacking = await missing();
  // Earlier mails of the case that carried them.
  if (lacking.length) {
    for (const raw of await deps.sentCopies(entry.caseId, MAX_SENT_COPIES_READ)) {
      await deps.storeParts(raw);
      lacking = await missing();
      if (!lacking.length) break;
    }
  }
  // A blank form, rendered again.
  if (lacking.length && c && deps.renderForm) {
    for (const a of lacking) await deps.renderForm(a, c);
    lacking = await missing();
  }
  if (lacking.length) {
    throw new BlobUnreachableError(
      `blob_unreachable: attachments of ${entry.key} are not in this STORAGE_DIR and were not found in the mailbox: ` +
        `${lacking.map((a) => `${a.filename} (${a.blob})`).join(", ")}; share STORAGE_DIR between instances`,
    );
  }
  return before;
}
