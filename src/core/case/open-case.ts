/**
 * Opening a case (SPEC §6 `case open`): the case record, its first event and the first activation mail
 * (stage 1, to the network manager). Pure: the id and the time are passed in.
 */
import type { Rules } from "../rules/rules.js";
import type { Case, CaseId, Locale, Participant } from "../types.js";
import { makeFromMacs, makeSummary } from "../rules/makes.js";
import { summarised } from "../words/english.js";
import { words } from "../words/words.js";
import { evaluateChecklist } from "./checklist.js";
import type { Decision } from "./decide.js";
import { stageRequests } from "./stage-requests.js";
import type { FieldProblem } from "./case-fields.js";
import { checkEmail, checkLocale, checkMacList, checkPersonName, checkSite, checkStations } from "./case-fields.js";

export interface OpenCaseRequest {
  site: string;
  nmEmail: string;
  nmName?: string;
  installerEmail?: string;
  installerName?: string;
  contractorEmail?: string;
  contractorName?: string;
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
  if (req.contractorEmail) participants.push({ email: req.contractorEmail.toLowerCase(), role: "contractor", ...(req.contractorName ? { name: req.contractorName } : {}) });
  if (req.installerEmail) participants.push({ email: req.installerEmail.toLowerCase(), role: "installer", ...(req.installerName ? { name: req.installerName } : {}) });
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
      { at: now, kind: "case_opened", by, ...summarised(words("case_opened", { site: req.site })), stage: "open" },
      ...(told ? [{ at: now, kind: "item_changed" as const, by: "bot", ...summarised(makeSummary(rules.makes, told)) }] : []),
    ],
    outbox: stageRequests(c, checklist, rules, [], "open"),
    checklist,
  };
}


/**
 * What a team member asked for, checked field by field (the desk's form, the JSON API and the CLI
 * alike): the request with its text trimmed, its addresses lower-cased and its MACs in canonical form,
 * or every problem, each named by its field. The make is the app's to resolve (rules/makes.yaml).
 */
export function checkOpenCase(req: OpenCaseRequest): { kind: "ok"; req: OpenCaseRequest } | { kind: "invalid"; problems: FieldProblem[] } {
  const macs = checkMacList("macsShipped", req.macsShipped);
  const problems = [
    checkSite("site", req.site),
    checkEmail("nmEmail", req.nmEmail, true),
    checkPersonName("nmName", req.nmName),
    checkEmail("installerEmail", req.installerEmail, false),
    checkPersonName("installerName", req.installerName),
    checkEmail("contractorEmail", req.contractorEmail, false),
    checkPersonName("contractorName", req.contractorName),
    checkStations("stations", req.stations),
    checkLocale("locale", req.locale),
    ...macs.problems,
  ].filter((p): p is FieldProblem => p !== null);
  // The second of two fields with one address is the one named: each participant needs their own.
  const seen = new Set<string>();
  for (const field of ["nmEmail", "installerEmail", "contractorEmail"] as const) {
    const e = req[field]?.trim().toLowerCase();
    if (!e) continue;
    if (seen.has(e)) problems.push({ field, code: "taken", message: "each participant needs an address of their own" });
    seen.add(e);
  }
  if (problems.length) return { kind: "invalid", problems };
  const text = (v: string | undefined) => v?.trim() || undefined;
  const optional = <K extends string>(key: K, v: string | undefined) => (text(v) ? ({ [key]: text(v) } as Record<K, string>) : {});
  return {
    kind: "ok",
    req: {
      site: req.site.trim(),
      nmEmail: req.nmEmail.trim().toLowerCase(),
      ...optional("nmName", req.nmName),
      ...optional("installerEmail", req.installerEmail?.toLowerCase()),
      ...optional("installerName", req.installerName),
      ...optional("contractorEmail", req.contractorEmail?.toLowerCase()),
      ...optional("contractorName", req.contractorName),
      stations: req.stations,
      macsShipped: macs.macs,
      installService: req.installService,
      locale: req.locale,
      ...optional("make", req.make),
    },
  };
}
