/**
 * Is a POST coming from another site? The browser says so in `Sec-Fetch-Site`, which a page cannot
 * forge; when it says `same-origin` that is the answer, even though under our `Referrer-Policy:
 * no-referrer` the same browser sends `Origin: null` on a form POST (Fetch standard). Only without
 * `Sec-Fetch-Site` (older browsers, curl) is the Origin compared with the Host; there "null" is an
 * origin we cannot place, so it is refused. No Origin at all is a client that is not a browser page.
 */
export type RequestHeaders = Record<string, string | string[] | undefined>;

export function isCrossSite(headers: RequestHeaders): boolean {
  const site = first(headers["sec-fetch-site"]);
  if (site === "same-origin" || site === "none") return false;
  if (site === "cross-site" || site === "same-site") return true;
  const origin = first(headers.origin);
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== first(headers.host);
  } catch {
    return true; // "null" and garbage origins
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
