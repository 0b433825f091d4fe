/** Addresses of the desk's pages, shared by the pages and the routes behind their forms. */
export const caseUrl = (id: string, action = ""): string => `/cases/${encodeURIComponent(id)}${action}`;
