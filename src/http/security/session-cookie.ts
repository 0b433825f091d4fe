/**
 * The desk's sign-in session: after the login form (pages/login-page.ts) a signed, HttpOnly,
 * SameSite=Strict cookie names the team member. It ends after SESSION_IDLE_MS without a request or
 * SESSION_MAX_MS after signing in, whichever comes first, and at "Sign out". Stateless (signed with
 * the desk's cookie secret, so every instance accepts it): signing out clears the browser's cookie;
 * a copy taken before lives at most until it expires. The role is not in the cookie: it is looked up
 * in the logins on every request, so a changed users file takes effect at the next restart.
 */
import type { FastifyReply, FastifyRequest } from "fastify";

const COOKIE = "desk_session";
export const SESSION_IDLE_MS = 2 * 3600_000;
export const SESSION_MAX_MS = 10 * 3600_000;
/** The cookie is re-issued (its idle clock reset) at most this often, not on every thumbnail. */
const REFRESH_AFTER_MS = 60_000;

interface Payload {
  /** Login name. */
  n: string;
  /** Signed in at (ms). */
  s: number;
  /** Last seen at (ms). */
  t: number;
}

export type SessionRead = { kind: "none" } | { kind: "expired" } | { kind: "ok"; name: string };

export function startSession(reply: FastifyReply, name: string, now: number): void {
  write(reply, { n: name, s: now, t: now });
}

export function endSession(reply: FastifyReply): void {
  reply.clearCookie(COOKIE, { path: "/" });
}

/** Reads the session and slides its idle expiry. */
export function readSession(request: FastifyRequest, reply: FastifyReply, now: number): SessionRead {
  const value = request.cookies[COOKIE];
  if (value === undefined) return { kind: "none" };
  const unsigned = request.unsignCookie(value);
  const p = unsigned.valid && unsigned.value !== null ? parse(unsigned.value) : null;
  if (!p) return { kind: "none" };
  if (now - p.t > SESSION_IDLE_MS || now - p.s > SESSION_MAX_MS) {
    endSession(reply);
    return { kind: "expired" };
  }
  if (now - p.t > REFRESH_AFTER_MS) write(reply, { ...p, t: now });
  return { kind: "ok", name: p.n };
}

function write(reply: FastifyReply, p: Payload): void {
  reply.setCookie(COOKIE, JSON.stringify(p), { path: "/", httpOnly: true, sameSite: "strict", signed: true, maxAge: SESSION_MAX_MS / 1000 });
}

function parse(text: string): Payload | null {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== "object" || v === null) return null;
    const { n, s, t } = v as Record<string, unknown>;
    return typeof n === "string" && typeof s === "number" && typeof t === "number" ? { n, s, t } : null;
  } catch {
    return null;
  }
}
