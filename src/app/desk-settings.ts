/**
 * The desk's run-time settings as one port for the Settings page (http/actions/settings-routes.ts):
 * supervised mode's stages, and the log of who changed what when. Who may change them is the HTTP
 * side's to check (an admin); this records who did.
 */
import type { SettingChange } from "./ports.js";
import type { SupervisionChange, SupervisionDeps, SupervisionState } from "./supervision.js";
import { changeSupervision, supervisionState } from "./supervision.js";
import type { Clock } from "./ports.js";

/** Changes the Settings page lists. */
export const SETTINGS_LOG_SHOWN = 20;

export interface DeskSettings {
  supervision(): Promise<SupervisionState>;
  changeSupervision(value: string, by: string): Promise<SupervisionChange>;
  log(): Promise<SettingChange[]>;
}

export function deskSettings(deps: SupervisionDeps & { clock: Clock; onChange?: (change: SettingChange) => void }): DeskSettings {
  return {
    supervision: () => supervisionState(deps),
    async changeSupervision(value, by) {
      const r = await changeSupervision(deps, value, by, deps.clock.now().toISOString());
      if (r.kind === "ok" && r.state.change) deps.onChange?.(r.state.change);
      return r;
    },
    log: () => deps.settings.log(SETTINGS_LOG_SHOWN),
  };
}
