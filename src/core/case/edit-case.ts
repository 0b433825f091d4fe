/**
 * A team member edits a case's facts (issue 18 §7): the site, the station count, the MACs shipped, the
 * installation service, the language, and the participants (a name or an address changed, a person
 * added). The edit is one event naming the member and every fact from → to; the MAC evidence is judged
 * again against the MACs now shipped, a `fact_mismatch` flag the new facts settle is resolved, and the
 * checklist is evaluated again, so a case whose stage is now complete moves on (and its next stage's
 * request goes out, as after an override). An added participant may be sent the case's last mail
 * again (`resend`, as for a replaced address). Pure.
 */
import { refusal, summarised } from "../words/english.js";
import type { FactChangeWords } from "../words/timeline-words.js";
import { words } from "../words/words.js";
import { macIdentity } from "../evidence/mac.js";
import type { Rules } from "../rules/rules.js";
import type { Case, CaseEvent, JsonValue, Locale, MacEvidence, Participant, Role } from "../types.js";
import { mismatchSettled } from "./case-facts.js";
import type { FieldProblem } from "./case-fields.js";
import { checkEmail, checkLocale, checkMacList, checkPersonName, checkSite, checkStations, PARTICIPANT_ROLES, problemsText } from "./case-fields.js";
import { evaluateChecklist } from "./checklist.js";
import type { OutboxIntent } from "./outbox-intent.js";
import { stageRequests } from "./stage-requests.js";
import { autoAdvance } from "./stages.js";
import type { TeamResult } from "./team-actions.js";
import type { ResendSource } from "./team-mail.js";
import { resendIntent } from "./team-mail.js";

/** Participants one edit changes or adds at most: a case has a handful. */
export const MAX_EDITED_PARTICIPANTS = 20;

/** What to change; an absent field stays as it is. */
export interface CaseEdit {
  site?: string;
  stations?: number;
  /** The whole list as it should be (any notation; kept canonical). */
  macsShipped?: string[];
  /** MACs to add to the list (as given in `macsShipped`, else as the case has it). */
  addMacs?: string[];
  installService?: boolean;
  locale?: Locale;
  /** Participants by their present address: a new address, a new name ("" removes it). */
  participants?: { email: string; newEmail?: string; name?: string }[];
  /** People added to the case, with their role. */
  add?: { email: string; name?: string; role: Role }[];
}

/** One fact from → to, as the event's data keeps it. */
export interface FactChange {
  fact: string;
  from: JsonValue;
  to: JsonValue;
}

export type EditResult = TeamResult | { kind: "invalid"; problems: FieldProblem[] };

/**
 * `resend`: the mail to send again to each added participant and the slot that names this edit (so a
 * retry sends once); null sends nothing.
 */
export function editCase(c: Case, edit: CaseEdit, by: string, rules: Rules, now: string, resend: { source: ResendSource; slot: string } | null = null): EditResult {
  const problems: FieldProblem[] = [];
  const push = (p: FieldProblem | null) => p && problems.push(p);
  if (edit.site !== undefined) push(checkSite("site", edit.site));
  if (edit.stations !== undefined) push(checkStations("stations", edit.stations));
  if (edit.locale !== undefined) push(checkLocale("locale", edit.locale));
  const macList = edit.addMacs === undefined ? edit.macsShipped : [...(edit.macsShipped ?? c.macsShipped), ...edit.addMacs];
  const macs = macList === undefined ? undefined : checkMacList("macsShipped", macList);
  if (macs) problems.push(...macs.problems);
  const changed = edit.participants ?? [];
  const added = edit.add ?? [];
  if (changed.length + added.length > MAX_EDITED_PARTICIPANTS) push({ field: "participants", code: "too_many", message: `at most ${MAX_EDITED_PARTICIPANTS} participants in one edit` });
  changed.forEach((p, i) => {
    if (!c.participants.some((x) => x.email === p.email.trim().toLowerCase())) push({ field: `participants.${i}.email`, code: "not_participant", message: `${p.email} is not a participant of ${c.id}`, value: p.email });
    if (p.newEmail !== undefined) push(checkEmail(`participants.${i}.newEmail`, p.newEmail, true));
    push(checkPersonName(`participants.${i}.name`, p.name));
  });
  added.forEach((p, i) => {
    push(checkEmail(`add.${i}.email`, p.email, true));
    push(checkPersonName(`add.${i}.name`, p.name));
    if (!PARTICIPANT_ROLES.includes(p.role)) push({ field: `add.${i}.role`, code: "required", message: `one of ${PARTICIPANT_ROLES.join(", ")}` });
  });
  if (problems.length) return { kind: "invalid", problems };

  const changes: FactChange[] = [];
  /** The changes in words (timeline-words.ts), beside `changes` as the event's data keeps them. */
  const said: FactChangeWords[] = [];
  type Fact = "site" | "stations" | "macs_shipped" | "install_service" | "locale";
  const note = <T extends JsonValue>(fact: Fact, from: T, to: T | undefined, same: (a: T, b: T) => boolean = (a, b) => a === b): to is T => {
    if (to === undefined || same(from, to)) return false;
    changes.push({ fact, from, to });
    said.push({ fact, from, to });
    return true;
  };
  const notePerson = (email: string, what: "address" | "name", from: string, to: string | undefined): to is string => {
    if (to === undefined || from === to) return false;
    changes.push({ fact: `participant ${email} ${what}`, from, to });
    said.push({ fact: what === "address" ? "participant_address" : "participant_name", email, from, to });
    return true;
  };
  let next: Case = { ...c };
  const site = edit.site?.trim();
  if (note("site", c.site, site)) next.site = site as string;
  if (note("stations", c.stations, edit.stations)) next.stations = edit.stations as number;
  const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((m, i) => m === b[i]);
  if (macs && note("macs_shipped", c.macsShipped, macs.macs, sameList)) next.macsShipped = macs.macs;
  if (note("install_service", c.installService, edit.installService)) next.installService = edit.installService as boolean;
  if (note("locale", c.locale, edit.locale)) next.locale = edit.locale as Locale;

  // Participants: each change keeps the person's role; a new address is a new mailbox, so its bounce mark goes.
  const taken = new Set(c.participants.map((p) => p.email));
  let participants: Participant[] = c.participants;
  for (const [i, ch] of changed.entries()) {
    const email = ch.email.trim().toLowerCase();
    const person = participants.find((p) => p.email === email);
    if (!person) continue;
    const newEmail = ch.newEmail?.trim().toLowerCase();
    const name = ch.name?.trim();
    if (newEmail !== undefined && newEmail !== email && taken.has(newEmail)) {
      return { kind: "invalid", problems: [{ field: `participants.${i}.newEmail`, code: "taken", message: `${newEmail} is a participant of ${c.id} already`, value: newEmail }] };
    }
    let updated: Participant = person;
    if (newEmail !== undefined && notePerson(email, "address", email, newEmail)) {
      const { undeliverable: _gone, ...rest } = updated;
      updated = { ...rest, email: newEmail };
      taken.add(newEmail);
    }
    if (name !== undefined && notePerson(email, "name", person.name ?? "", name)) {
      const { name: _old, ...rest } = updated;
      updated = name ? { ...rest, name } : rest;
    }
    participants = participants.map((p) => (p === person ? updated : p));
  }
  const newcomers: string[] = [];
  for (const [i, a] of added.entries()) {
    const email = a.email.trim().toLowerCase();
    if (taken.has(email)) return { kind: "invalid", problems: [{ field: `add.${i}.email`, code: "taken", message: `${email} is a participant of ${c.id} already`, value: email }] };
    taken.add(email);
    const name = a.name?.trim();
    participants = [...participants, { email, role: a.role, ...(name ? { name } : {}) }];
    changes.push({ fact: "participant added", from: null, to: `${name ? `${name} ` : ""}<${email}> (${a.role.replaceAll("_", " ")})` });
    said.push({ fact: "participant_added", email, ...(name ? { name } : {}), role: a.role });
    newcomers.push(email);
  }
  next.participants = participants;
  if (changes.length === 0) return refusal(words("nothing_to_change", {}));
  if (c.stage === "closed" && newcomers.length > 0 && resend) return refusal(words("closed_sends_nothing", { caseId: c.id }));

  next = { ...next, evidence: c.evidence.map((e) => ({ ...e, macs: e.macs.map((m) => judgedAgainst(m, next.macsShipped)) })) };
  const events: CaseEvent[] = [
    {
      at: now,
      kind: "facts_changed",
      by,
      ...summarised(words("facts_changed", { by, changes: said })),
      stage: c.stage,
      data: { changes: changes.map((ch) => ({ fact: ch.fact, from: ch.from, to: ch.to })) },
    },
  ];
  next = {
    ...next,
    flags: next.flags.map((f) => {
      if (f.resolved || f.code !== "fact_mismatch" || !mismatchSettled(f.reason, next)) return f;
      const how = summarised(words("resolved_facts_agree", {}));
      events.push({ at: now, kind: "flag_resolved", by, ...summarised(words("flag_resolved", { code: "fact_mismatch", how: how.summary, howWords: how.words })) });
      return { ...f, resolved: { by, at: now, how: how.summary, words: how.words } };
    }),
  };

  const checklist = evaluateChecklist(next, rules);
  if (next.stage !== "closed") {
    for (const stage of autoAdvance(next, checklist, rules)) {
      events.push({ at: now, kind: "stage_changed", by, ...summarised(words("stage_advanced", { from: next.stage, to: stage, after: "facts" })), stage });
      next = { ...next, stage, activityAt: now };
    }
  }
  const outbox: OutboxIntent[] = next.stage !== c.stage ? stageRequests(next, checklist, rules, [], `edit:${now}`) : [];
  if (resend) {
    for (const email of newcomers) {
      outbox.push(resendIntent(next, checklist, rules, resend.source, email, `${resend.slot}:${email}`));
      events.push({ at: now, kind: "team_mail", by, ...summarised(words("last_mail_resent", { mailKind: resend.source.kind, email })), stage: next.stage });
    }
  }
  return { kind: "ok", decision: { case: next, events, outbox, checklist } };
}

/** A MAC's verdict with `not_shipped` judged again against the MACs shipped now; its other faults stay. */
function judgedAgainst(m: MacEvidence, shipped: readonly string[]): MacEvidence {
  if (!m.mac) return m;
  const ids = new Set(shipped.map((s) => macIdentity(s)));
  const notShipped = ids.size > 0 && !ids.has(macIdentity(m.mac));
  const others = m.reasons.filter((r) => r !== "not_shipped");
  const reasons = notShipped ? [...others, "not_shipped"] : others;
  if (reasons.length === m.reasons.length && reasons.every((r, i) => r === m.reasons[i])) return m;
  return { ...m, reasons, status: reasons.length ? "failed" : "ok" };
}

/** The problems of an invalid edit as one refusal line. */
export function editRefusal(r: Extract<EditResult, { kind: "invalid" }>): string {
  return problemsText(r.problems);
}
