/**
 * Opening a case (SPEC §6 `case open`): the case record, its first event and the first activation mail
 * (stage 1, to the network manager). Pure: the id and the time are passed in.
 */
import type { Rules } from "../rules/rules.js";
import type { Case, CaseId, Locale, Participant } from "../types.js";
import { makeFromMacs, makeSummary } from "../rules/makes.js";
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
  /** The stations' make, an id of rules/makes.yaml (the app resolves what was written); absent, the
   *  shipped MACs' vendor prefixes may tell it. */
  make?: string;
}

export function openCase(id: CaseId, req: OpenCaseRequest, rules: Rules, now: string, by: string, nonce?: string): Decision {
  const participants: Participant[] = [
    { email: req.nmEmail.toLowerCase(), role: "network_manager", ...(req.nmName ? { name: req.nmName } : {}) },
  ];
  if (req.contractorEmail) participants.push({ email: req.contractorEmail.toLowerCase(), role: "contractor" });
  if (req.installerEmail) participants.push({ email: req.installerEmail.toLowerCase(), role: "installer" });
  const told = req.make ? undefined : makeFromMacs(rules.makes, req.macsShipped);
  const make = req.make ?? told?.make;
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
    ...(make ? { make } : {}),
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
    events: [
      { at: now, kind: "case_opened", by, summary: `case opened for ${req.site}`, stage: "open" },
      ...(told ? [{ at: now, kind: "item_changed" as const, by: "bot", summary: makeSummary(rules.makes, told) }] : []),
    ],
    outbox: stageRequests(c, checklist, rules, [], "open"),
    checklist,
  };
}

