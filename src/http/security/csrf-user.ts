import type { FastifyRequest } from "fastify";

/**
 * Whom a form's CSRF token is bound to: the login, or with a proxy in front the member it names, so
 * a token shown to one team member is worth nothing in another's session.
 */
export function csrfUser(request: FastifyRequest): string {
  if (request.login !== null) return `login:${request.login}`;
  const header = request.headers["x-team-member"];
  return `member:${(Array.isArray(header) ? header[0] : header)?.trim() || "team"}`;
}
