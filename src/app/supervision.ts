/**
 * Supervised mode's setting over ports (core/case/drafts.ts): SUPERVISED_STAGES is the default, and an
 * admin's choice on the desk's Settings page, stored in Redis, takes precedence over it. Read once per
 * decision that composes the bot's own mail (process-mail, remind), so a change applies to the next mail.
 */
import type { SupervisedStages } from "../core/case/drafts.js";
import { formatSupervisedStages, holdDrafts, parseSupervisedStages } from "../core/case/drafts.js";
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import type { Case, CaseEvent } from "../core/types.js";
import type { Refused } from "../core/words/words.js";
import type { SettingChange, SettingsRepository } from "./ports.js";

/** The setting's name in the settings store and its log. */
export const SUPERVISION_SETTING = "supervised_stages";

export interface SupervisionDeps {
  settings: SettingsRepository;
  /** SUPERVISED_STAGES, as config.ts validated it. */
  envDefault: SupervisedStages;
}

export interface SupervisionState {
  stages: SupervisedStages;
  /** `env`: SUPERVISED_STAGES applies; `desk`: an admin's choice does (`change` says whose and when). */
  source: "env" | "desk";
  change?: SettingChange;
  envDefault: SupervisedStages;
}

export async function supervisionState(deps: SupervisionDeps): Promise<SupervisionState> {
  const change = await deps.settings.get(SUPERVISION_SETTING);
  const parsed = change ? parseSupervisedStages(change.value) : null;
  // A stored value the code no longer reads (a stage renamed) falls back to the default, never to "off" unnoticed.
  if (!change || !parsed || parsed.kind !== "ok") return { stages: deps.envDefault, source: "env", envDefault: deps.envDefault };
  return { stages: parsed.stages, source: "desk", change, envDefault: deps.envDefault };
}

/** What the supervised stages are now: the port compose-outbox's callers read before each commit. */
export function supervisedStagesReader(deps: SupervisionDeps): () => Promise<SupervisedStages> {
  return async () => (await supervisionState(deps)).stages;
}

export type SupervisionChange = { kind: "ok"; state: SupervisionState } | Refused;

/** An admin sets the supervised stages (`all`, a comma list, or "" for off); logged with who and when. */
export async function changeSupervision(deps: SupervisionDeps, value: string, by: string, now: string): Promise<SupervisionChange> {
  const parsed = parseSupervisedStages(value);
  if (parsed.kind === "invalid") return { kind: "refused", reason: parsed.reason, words: parsed.words };
  await deps.settings.set({ setting: SUPERVISION_SETTING, value: formatSupervisedStages(parsed.stages), by, at: now });
  return { kind: "ok", state: await supervisionState(deps) };
}

/**
 * The bot's own mails of one decision, held as drafts where their stage is supervised: the case and
 * events to commit, the keys the commit holds, and the entries that go out at once.
 */
export async function holdSupervised(
  supervision: (() => Promise<SupervisedStages>) | undefined,
  c: Case,
  entries: OutboxEntry[],
  now: string,
): Promise<{ case: Case; events: CaseEvent[]; held: string[]; outgoing: OutboxEntry[] }> {
  if (!supervision || entries.length === 0) return { case: c, events: [], held: [], outgoing: entries };
  const r = holdDrafts(c, entries, await supervision(), now);
  const held = new Set(r.held);
  return { case: r.case, events: r.events, held: r.held, outgoing: entries.filter((e) => !held.has(e.key)) };
}
