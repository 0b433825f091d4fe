/**
 * What a token endpoint's or mail server's refusal means, in words a desk operator can act on.
 * Entra puts an `AADSTS<n>` code in its error descriptions; plain OAuth2 endpoints answer with the
 * RFC 6749 `error` values.
 */
const ENTRA_HINTS: Record<string, string> = {
  "700016": "the application (ENTRA_CLIENT_ID) is not found in this tenant: check the client id and ENTRA_TENANT_ID",
  "7000215": "the client secret is wrong: copy the secret's value (not its id) into ENTRA_CLIENT_SECRET",
  "7000222": "the client secret has expired: create a new one in the app registration and update ENTRA_CLIENT_SECRET",
  "700027": "the certificate is not the one registered on the app, or its thumbprint is wrong",
  "65001": "the application has no admin consent: grant admin consent for IMAP.AccessAsApp and SMTP.SendAsApp",
  "90002": "the tenant is not found: check ENTRA_TENANT_ID",
  "900023": "the tenant id is malformed: check ENTRA_TENANT_ID",
  "7000112": "the application is disabled in the tenant",
};

const OAUTH_HINTS: Record<string, string> = {
  invalid_client: "the client id or secret is wrong, or the client was revoked: check OAUTH_CLIENT_ID / OAUTH_CLIENT_SECRET",
  invalid_grant: "the refresh token is expired or revoked: obtain a new one and update OAUTH_REFRESH_TOKEN",
  unauthorized_client: "the client may not use this grant: allow client_credentials (or refresh_token) for it",
  invalid_scope: "the scope or resource is not allowed for this client: check OAUTH_SCOPE / OAUTH_RESOURCE",
  invalid_target: "the resource is not known to the authorisation server: check OAUTH_RESOURCE",
};

/** msal could not read the tenant's metadata from the login host, and does not say why. */
export const ENTRA_AUTHORITY_HINT =
  "check ENTRA_TENANT_ID (the directory (tenant) id of the app registration), that this machine reaches ENTRA_AUTHORITY_HOST, and that its certificate is trusted (a private CA in front of it: TLS_CA_FILE)";

/** The `AADSTS…` code in an Entra message, or null. */
export function entraCode(message: string): string | null {
  return /AADSTS(\d+)/.exec(message)?.[1] ?? null;
}

export function entraHint(code: string | null): string {
  return (code && ENTRA_HINTS[code]) ?? "see https://login.microsoftonline.com/error?code=<n> for the AADSTS code in the message";
}

export function oauthHint(error: string): string {
  return OAUTH_HINTS[error] ?? "the token endpoint refused the request: check the OAuth2 settings";
}

/** What a mail server's refusal of a token login means. */
export const MAILBOX_LOGIN_HINT =
  "the server refused the token: the application lacks permission on this mailbox (Exchange: New-ServicePrincipal and Add-MailboxPermission; Google: domain-wide delegation with scope https://mail.google.com/), or the user is not the mailbox address";
