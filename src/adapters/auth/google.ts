/**
 * Google Workspace: a service account with domain-wide delegation acts as the mailbox (`subject`),
 * scope `https://mail.google.com/`, for Gmail's IMAP and SMTP XOAUTH2.
 */
import type { JWT } from "google-auth-library";
import type { CredentialSource } from "./credential.js";
import { AuthError } from "./credential.js";
import { cachedTokenSource } from "./token-cache.js";

export const GMAIL_SCOPE = "https://mail.google.com/";
/** Where google-auth-library posts the signed JWT (its audience stays this URL wherever it is posted). */
export const GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token";

export interface GoogleSettings {
  /** The service account's `client_email` and `private_key` (its JSON key file). */
  clientEmail: string;
  privateKey: string;
  user: string;
  marginMs: number;
  /**
   * GOOGLE_TOKEN_URL: the token endpoint, when not Google's public one (a Private Service Connect
   * endpoint, `https://oauth2-<name>.p.googleapis.com/token`). google-auth-library has the public URL
   * built in; its requests there are sent here instead.
   */
  tokenUrl?: string | undefined;
}

export function googleSource(s: GoogleSettings): CredentialSource {
  const tokenUrl = s.tokenUrl && s.tokenUrl !== GOOGLE_TOKEN_URL ? s.tokenUrl : undefined;
  const fetchImplementation: typeof fetch | undefined = tokenUrl
    ? (input, init) => {
        const url = input instanceof Request ? input.url : String(input);
        return fetch(url.startsWith(GOOGLE_TOKEN_URL) ? tokenUrl : input, init);
      }
    : undefined;
  // google-auth-library loads with the first token, not when the bot starts (issue 20).
  let jwt: Promise<JWT> | null = null;
  const client = () =>
    (jwt ??= import("google-auth-library").then(
      ({ JWT }) =>
        new JWT({
          email: s.clientEmail,
          key: s.privateKey,
          scopes: [GMAIL_SCOPE],
          subject: s.user,
          ...(fetchImplementation ? { transporterOptions: { fetchImplementation } } : {}),
        }),
    ));
  return cachedTokenSource(
    "google",
    s.user,
    async () => {
      const signer = await client();
      try {
        const c = await signer.authorize();
        if (!c.access_token) throw new Error("no access token in the answer");
        return { accessToken: c.access_token, expiresAt: c.expiry_date ?? Date.now() + 3_600_000 };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const code = /unauthorized_client|invalid_grant|access_denied/.exec(message)?.[0] ?? "google_token_failed";
        throw new AuthError(
          "google",
          code,
          `Google refused a token: ${message}`,
          code === "unauthorized_client"
            ? "domain-wide delegation is missing: in the Admin console allow the service account's client id the scope https://mail.google.com/"
            : "check GOOGLE_SERVICE_ACCOUNT_FILE and that the mailbox (MAIL_USER) is a user of the domain",
        );
      }
    },
    s.marginMs,
  );
}
