/**
 * Keeps one access token and fetches a new one when the held one is within `marginMs` of expiry, so a
 * connection is never opened with a token about to lapse. Concurrent callers share one fetch.
 */
import type { AuthProvider, CredentialSource, MailCredential } from "./credential.js";

export interface FetchedToken {
  accessToken: string;
  /** ms since epoch */
  expiresAt: number;
}

export function cachedTokenSource(
  provider: AuthProvider,
  user: string,
  fetchToken: () => Promise<FetchedToken>,
  marginMs: number,
  now: () => number = Date.now,
): CredentialSource {
  let held: FetchedToken | null = null;
  let fetching: Promise<FetchedToken> | null = null;
  return {
    provider,
    async get(): Promise<MailCredential> {
      if (!held || held.expiresAt - marginMs <= now()) {
        fetching ??= fetchToken().finally(() => (fetching = null));
        held = await fetching;
      }
      return { user, accessToken: held.accessToken, expiresAt: held.expiresAt };
    },
  };
}
