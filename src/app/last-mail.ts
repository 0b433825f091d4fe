/** The last mail a case sent (to one address, or to anyone): what a new or replaced address is sent again. */
import type { ResendSource } from "../core/case/team-mail.js";
import type { CaseId, JsonValue } from "../core/types.js";
import type { CaseRepository } from "./ports.js";

/** The newest mails looked at for the last one sent to an address. */
const RESEND_LOOKBACK = 50;

/**
 * The last mail the case sent to `email` (newest sent first), to send again to a replaced address;
 * without `email`, the last mail the case sent to anyone (for a participant the team added).
 * None found: the stage's request goes (core replaceAddress), so the new address hears what is open.
 */
export async function lastMailTo(deps: { store: Pick<CaseRepository, "events" | "outboxEntry"> }, caseId: CaseId, email?: string): Promise<ResendSource> {
  const events = await deps.store.events(caseId);
  const sent = events.filter((e) => e.kind === "mail_out").slice(-RESEND_LOOKBACK).reverse();
  for (const e of sent) {
    const key = outboxKeyOf(e.data);
    const entry = key ? await deps.store.outboxEntry(key) : null;
    if (!entry || (email !== undefined && ![...entry.to, ...entry.cc].some((a) => a.toLowerCase() === email))) continue;
    return { kind: entry.kind, ...(entry.content ? { content: entry.content } : {}), attachments: entry.attachments };
  }
  return { kind: "stage_request", attachments: [] };
}

function outboxKeyOf(data: JsonValue | undefined): string | undefined {
  if (typeof data !== "object" || data === null || Array.isArray(data)) return undefined;
  const v = data.outbox;
  return typeof v === "string" ? v : undefined;
}
