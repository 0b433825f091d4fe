/**
 * The first mail of a stage: to the stage's audience, naming its open items, with the blank forms it
 * asks for and the evidence an earlier stage passes on (site preparation → installer). Pure.
 */
import type { Rules } from "../rules/rules.js";
import { stageRule } from "../rules/rules.js";
import type { Case, StageId } from "../types.js";
import type { Checklist } from "./checklist.js";
import { awaitingTeam, openItems, participantOpenItems } from "./checklist.js";
import type { OutboxIntent, ReplyContent } from "./outbox-intent.js";

/** The first mail of a stage, to its audience, unless they already get the progress reply. */
export function stageRequests(
  c: Case,
  checklist: Checklist,
  rules: Rules,
  alreadyTold: string[],
  slot: string,
): OutboxIntent[] {
  const stage = stageRule(rules, c.stage);
  if (stage.audience === "team" || stage.items.length === 0 && c.stage !== "activated") return [];
  const to = audienceOf(c, stage.audience).filter((a) => !alreadyTold.includes(a));
  if (to.length === 0) return [];
  const forwarded = stage.forward_evidence_from ? forwardedEvidence(c, stage.forward_evidence_from, rules) : [];
  return [
    {
      kind: c.stage === "activated" ? "case_activated" : "stage_request",
      slot: `${slot}:${c.stage}`,
      to,
      cc: [],
      content: {
        stage: c.stage,
        received: [],
        open: openFor(checklist, c.stage, rules),
        unclear: [],
        problems: [],
        teamPending: teamPendingFor(checklist, c.stage, rules),
      },
      attachForms: formsAskedFor(c.stage, checklist, rules),
      ...(forwarded.length ? { attachEvidence: forwarded } : {}),
    },
  ];
}

/** The accepted forms and photos of an earlier stage, to pass on (site preparation → installer). */
function forwardedEvidence(c: Case, from: StageId, rules: Rules): NonNullable<OutboxIntent["attachEvidence"]> {
  const forms = new Set(stageRule(rules, from).items.flatMap((i) => (i.form ? [i.form] : [])));
  const records = c.evidence;
  const latestForm = records.flatMap((r) => r.forms).filter((f) => f.form && forms.has(f.form) && f.status === "ok" && f.blob).at(-1);
  const photos = records.flatMap((r) => r.photos).filter((p) => p.stage === from && p.status === "ok" && p.blob);
  return [
    ...(latestForm?.blob ? [{ filename: latestForm.file, blob: latestForm.blob, contentType: "application/pdf" }] : []),
    ...photos.map((p) => ({ filename: p.file, blob: p.blob as string, contentType: contentTypeOf(p.file) })),
  ];
}

function contentTypeOf(file: string): string {
  const ext = file.toLowerCase().split(".").at(-1) ?? "";
  return { jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", webp: "image/webp", heic: "image/heic", heif: "image/heif" }[ext] ?? "application/octet-stream";
}

/** Addresses of a stage's audience; the network manager stands in where the role has nobody. */
export function audienceOf(c: Case, audience: string): string[] {
  const deliverable = c.participants.filter((p) => !p.undeliverable);
  const of = (role: string) => deliverable.filter((p) => p.role === role).map((p) => p.email);
  const chosen = audience === "installer" ? [...of("installer"), ...of("contractor")] : of(audience);
  return chosen.length ? [...new Set(chosen)] : of("network_manager");
}

export function openFor(checklist: Checklist, stage: StageId, rules: Rules): ReplyContent["open"] {
  return participantOpenItems(checklist, stage, rules).map((i) =>
    i.state.status === "failed" ? { id: i.id, failed: i.state.reason } : { id: i.id },
  );
}

/** The team steps still to come in the stage, so the mail can say the team is on it. */
export function teamPendingFor(checklist: Checklist, stage: StageId, rules: Rules): ReplyContent["teamPending"] {
  return awaitingTeam(checklist, stage, rules).map((i) => ({ id: i.id }));
}

export function formsAskedFor(stage: StageId, checklist: Checklist, rules: Rules): string[] {
  const open = new Set(openItems(checklist, stage, rules).map((i) => i.id));
  return stageRule(rules, stage)
    .items.filter((i) => i.evidence === "form" && i.form && open.has(i.id))
    .map((i) => i.form as string);
}

