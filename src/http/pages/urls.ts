/** Addresses of the desk's pages, shared by the pages and the routes behind their forms. */
import type { WorkQuery } from "../../app/work-queue.js";

export const caseUrl = (id: string, action = ""): string => `/cases/${encodeURIComponent(id)}${action}`;

/** A case's attachments on the desk: the photo viewer and its image, a returned form, a mail's HTML. */
export const photoUrl = (id: string, blob: string, action = ""): string => caseUrl(id, `/photos/${encodeURIComponent(blob)}${action}`);
export const formUrl = (id: string, blob: string, action = ""): string => caseUrl(id, `/forms/${encodeURIComponent(blob)}${action}`);
export const mailHtmlUrl = (id: string, blob: string, action = ""): string => caseUrl(id, `/mails/${encodeURIComponent(blob)}/html${action}`);

/** The work queue with its filters (and a page's cursor): where its next page and its actions lead. */
export function workUrl(query: WorkQuery, cursor?: string): string {
  const q = new URLSearchParams();
  if (query.cause) q.set("cause", query.cause);
  if (query.stage) q.set("stage", query.stage);
  if (query.waitingOn) q.set("waiting", query.waitingOn);
  if (query.locale) q.set("locale", query.locale);
  if (query.minDays !== undefined) q.set("days", String(query.minDays));
  if (query.owner) q.set("owner", query.owner);
  if (query.sort) q.set("sort", query.sort);
  if (cursor) q.set("cursor", cursor);
  const s = q.toString();
  return s ? `/work?${s}` : "/work";
}
