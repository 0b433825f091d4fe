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
