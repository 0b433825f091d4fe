/**
 * The desk's Content-Security-Policies. Pages: scripts only as the desk's own files (the keyboard keys), images and forms from the desk only,
 * never framed. A page that frames one of the desk's own documents (a returned PDF, a mail's cleaned
 * HTML) adds `frame-src 'self'` and nothing else.
 */
export const UI_CSP = "default-src 'none'; script-src 'self'; img-src 'self'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export const UI_FRAMING_CSP = `${UI_CSP}; frame-src 'self'`;
