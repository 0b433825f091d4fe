/**
 * Google Workspace: a service account with domain-wide delegation acts as the mailbox (`subject`),
 * scope `https://mail.google.com/`, for Gmail's IMAP and SMTP XOAUTH2.
 */
import { JWT } from "google-auth-library";
import type { CredentialSource } from "./credential.js";
import { AuthError } from "./credential.js";
import { cachedTokenSource } from "./token-cache.js";

export const GMAIL_SCOPE = "https://mail.google.com/";

export interface GoogleSettings {
  /** The service account's `client_email` and `private_key` (its JSON key file). */
  clientEmail: string;
  privateKey: string;
  user: string;
  marginMs: number;
}

export function googleSource(s: GoogleSettings): CredentialSource {
  const jwt = new JWT({ email: s.clientEmail, key: s.privateKey, scopes: [GMAIL_SCOPE], subject: s.user });
  return cachedTokenSource(
    "google",
    s.user,
    async () => {
      try {
        const c = await jwt.authorize();
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
