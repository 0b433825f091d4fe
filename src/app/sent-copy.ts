/**
 * The copy of an answer filed in the Sent folder: the bytes that went out, with the case record in
 * front (core/case/case-record.ts), so that the mailbox alone can restore the case (`rebuild`). A case
 * no longer in the store (erased, or a lost store) gets no record: the copy is filed as sent.
 */
import { caseRecordHeader, caseRecordOf } from "../core/case/case-record.js";
import type { CaseId } from "../core/types.js";
import type { CaseRepository } from "./ports.js";

export async function sentCopyWithRecord(store: Pick<CaseRepository, "getCase">, secret: string, caseId: CaseId, raw: Buffer): Promise<Buffer> {
  const c = await store.getCase(caseId);
  return c ? Buffer.concat([Buffer.from(caseRecordHeader(caseRecordOf(c), secret)), raw]) : raw;
}
