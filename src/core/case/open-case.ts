/**
 * Opening a case (SPEC §6 `case open`): the case record, its first event and the first activation mail
 * (stage 1, to the network manager). Pure: the id and the time are passed in.
 */
import type { Rules } from "../rules/rules.js";
import type { Case, CaseId, Locale, Participant } from "../types.js";
import { evaluateChecklist } from "./checklist.js";
import type { Decision } from "./decide.js";
import { stageRequests } from "./stage-requests.js";

export interface OpenCaseRequest {
  site: string;
  nmEmail: string;
  nmName?: string;
  installerEmail?: string;
  contractorEmail?: string;
  stations: number;
  macsShipped: string[];
  installService: boolean;
  locale: Locale;
}

export function openCase(id: CaseId, req: OpenCaseRequest, rules: Rules, now: string, by: string, nonce?: string): Decision {
  const participants: Participant[] = [
    { email: req.nmEmail.toLowerCase(), role: "network_manager", ...(req.nmName ? { name: req.nmName } : {}) },
  ];
  if (req.contractorEmail) participants.push({ email: req.contractorEmail.toLowerCase(), role: "contractor" });
  if (req.installerEmail) participants.push({ email: req.installerEmail.toLowerCase(), role: "installer" });
  const c: Case = {
    id,
    site: req.site,
    locale: req.locale,
    stage: "open",
    openedAt: now,
    participants,
    stations: req.stations,
    macsShipped: req.macsShipped,
    installService: req.installService,
    flags: [],
    evidence: [],
    overrides: [],
    messageIds: [],
    subject: req.site,
    rulesVersion: rules.version,
    activityAt: now,
    version: 0,
    ...(nonce ? { nonce } : {}),
  };
  const checklist = evaluateChecklist(c, rules);
  return {
    case: c,
    events: [{ at: now, kind: "case_opened", by, summary: `case opened for ${req.site}`, stage: "open" }],
    outbox: stageRequests(c, checklist, rules, [], "open"),
    checklist,
  };
}
