/**
 * The one port the mail adapters ask on every connect: "a credential for this mailbox now". A password
 * is returned as it is; a token source returns an access token it refreshes itself before expiry.
 * The IMAP and SMTP adapters know nothing of Entra, Google or token endpoints.
 */
export type MailCredential =
  | { user: string; pass: string }
  | { user: string; accessToken: string; /** ms since epoch */ expiresAt: number };

export type AuthProvider = "password" | "entra" | "google" | "oauth2";

export interface CredentialSource {
  readonly provider: AuthProvider;
  /** A credential valid for at least the refresh margin; rejects with an AuthError. */
  get(): Promise<MailCredential>;
}

/** A failure to get a credential or to log in with it: a stable code and what to do about it. */
export class AuthError extends Error {
  constructor(
    readonly provider: AuthProvider,
    /** The provider's own code where it gives one (AADSTS7000215, invalid_client), else ours. */
    readonly code: string,
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "AuthError";
  }
}

export function isTokenCredential(c: MailCredential): c is Extract<MailCredential, { accessToken: string }> {
  return "accessToken" in c;
}
