/** Addresses of the desk's pages, shared by the pages and the routes behind their forms. */
export const caseUrl = (id: string, action = ""): string => `/cases/${encodeURIComponent(id)}${action}`;

/** A case's attachments on the desk: the photo viewer and its image, a returned form, a mail's HTML. */
export const photoUrl = (id: string, blob: string, action = ""): string => caseUrl(id, `/photos/${encodeURIComponent(blob)}${action}`);
export const formUrl = (id: string, blob: string, action = ""): string => caseUrl(id, `/forms/${encodeURIComponent(blob)}${action}`);
export const mailHtmlUrl = (id: string, blob: string, action = ""): string => caseUrl(id, `/mails/${encodeURIComponent(blob)}/html${action}`);
