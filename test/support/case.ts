import type { OutboxEntry } from "../../src/core/case/outbox-entry.js";
import type { Case } from "../../src/core/types.js";

/** A case in its first stage, as `case open` makes it; `over` sets any field. */
export function makeCase(id: string, over: Partial<Case> = {}): Case {
  return {
    id,
    site: "Laddgatan 1, Solna",
    locale: "sv",
    stage: "open",
    openedAt: "2026-11-20T08:00:00.000Z",
    activityAt: "2026-11-20T08:00:00.000Z",
    participants: [
      { email: "nm@customer.example", name: "Nina Manager", role: "network_manager" },
      { email: "el@installer.example", role: "installer" },
    ],
    stations: 2,
    macsShipped: [],
    installService: false,
    flags: [],
    evidence: [],
    overrides: [],
    messageIds: [],
    subject: "Aktivering Laddgatan 1",
    rulesVersion: "test",
    version: 0,
    ...over,
  };
}

/** Answer number `n` of a case, made at `at` (ms); `over` sets any field. */
export function makeOutboxEntry(caseId: string, n: number, at: number, over: Partial<OutboxEntry> = {}): OutboxEntry {
  return {
    key: `${caseId}.answer${n}`,
    caseId,
    kind: "progress",
    from: "desk@vendor.example",
    replyTo: "desk@vendor.example",
    to: ["nm@customer.example"],
    cc: [],
    subject: `[${caseId}] Aktivering`,
    messageId: `<${caseId}.${n}@vendor.example>`,
    references: [],
    text: "text",
    html: "<p>html</p>",
    attachments: [],
    autoSubmitted: "auto-replied",
    progress: false,
    createdAt: new Date(at).toISOString(),
    ...over,
  };
}
