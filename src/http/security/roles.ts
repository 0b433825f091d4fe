/**
 * What a team member may do in the desk. A viewer reads cases (a manager, a colleague from sales); an
 * agent also acts in them (the commissioning coordinators); an admin also changes settings and users.
 * Logins without a role in UI_USERS_FILE are agents, as every login was before roles existed.
 */
import type { UiLanguage } from "../pages/ui-language.js";

export const ROLES = ["viewer", "agent", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const DEFAULT_ROLE: Role = "agent";

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Acting: every POST of the UI and of the JSON API. */
export function mayAct(role: Role): boolean {
  return role === "agent" || role === "admin";
}

/** Administering: the desk's settings (supervised mode) and its users. */
export function mayAdminister(role: Role): boolean {
  return role === "admin";
}

const ROLE_NAMES: Record<UiLanguage, Record<Role, string>> = {
  en: { viewer: "viewer", agent: "agent", admin: "admin" },
  sv: { viewer: "läsare", agent: "handläggare", admin: "administratör" },
};

export function refusalForRole(role: Role, lang: UiLanguage = "en"): string {
  const name = ROLE_NAMES[lang][role];
  return lang === "sv"
    ? `din inloggning har rollen ${name} (${role}), som får läsa ärenden men inte agera i dem: be en administratör ge dig rollen handläggare (agent)`
    : `your login has the role ${name}, which may read cases but not act in them: ask an admin to give you the agent role`;
}

/** Why a page for admins (settings, users) is refused: the role the member has and the one she needs. */
export function adminRefusal(role: Role, lang: UiLanguage = "en"): string {
  const name = ROLE_NAMES[lang][role];
  return lang === "sv"
    ? `sidan är bara för administratörer: din inloggning har rollen ${name} (${role}), och sidan kräver rollen administratör (admin); be en administratör om den`
    : `this page is for admins only: your login has the role ${name}, and the page needs the admin role; ask an admin for it`;
}

/** A role in the member's desk language. */
export function roleName(role: Role, lang: UiLanguage): string {
  return ROLE_NAMES[lang][role];
}
