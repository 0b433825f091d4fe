/**
 * Post/Redirect/Get with a message: an action that was refused redirects back to the page it came from
 * and the reason travels in a short-lived signed cookie, read once by the next page. The address bar
 * then never holds a POST URL, a reload never posts again, and nothing the URL says is shown.
 */
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Notice } from "./pages/layout.js";

const COOKIE = "desk_notice";
/** A notice is a sentence or two; a longer reason is cut rather than overflowing the cookie. */
export const MAX_NOTICE_CHARS = 600;
const NOTICE_MAX_AGE_S = 60;

export function redirectWithNotice(reply: FastifyReply, to: string, notice: Notice): FastifyReply {
  const text = notice.text.length > MAX_NOTICE_CHARS ? `${notice.text.slice(0, MAX_NOTICE_CHARS - 1)}…` : notice.text;
  reply.setCookie(COOKIE, JSON.stringify({ kind: notice.kind, text }), {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    signed: true,
    maxAge: NOTICE_MAX_AGE_S,
  });
  return reply.redirect(to, 303);
}

/** The notice left by the previous request, once: the cookie is cleared as it is read. */
export function takeNotice(request: FastifyRequest, reply: FastifyReply): Notice | undefined {
  const value = request.cookies[COOKIE];
  if (value === undefined) return undefined;
  reply.clearCookie(COOKIE, { path: "/" });
  const unsigned = request.unsignCookie(value);
  if (!unsigned.valid || unsigned.value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(unsigned.value);
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { kind, text } = parsed as Record<string, unknown>;
    return (kind === "good" || kind === "bad") && typeof text === "string" ? { kind, text } : undefined;
  } catch {
    return undefined;
  }
}
