/**
 * What a team member may do in the desk. A viewer reads cases (a manager, a colleague from sales); an
 * agent also acts in them (the commissioning coordinators); an admin also changes settings and users.
 * Logins without a role in UI_USERS_FILE are agents, as every login was before roles existed.
 */
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

export function refusalForRole(role: Role): string {
  return `your login has the role ${role}, which may read cases but not act in them: ask an admin to give you the agent role`;
}

/** Administering: the desk's settings (supervised mode) and, later, its users. */
export function mayAdminister(role: Role): boolean {
  return role === "admin";
}

export function refusalForAdmin(role: Role): string {
  return `your login has the role ${role}, and only an admin may change the desk's settings: ask an admin to change it, or to give you the admin role`;
}
