/**
 * Microsoft Entra app-only login (client credentials) with msal-node, for Exchange Online's IMAP and
 * SMTP: scope `https://outlook.office365.com/.default`, the token's user being the mailbox address.
 */
import type { ConfidentialClientApplication } from "@azure/msal-node";
import type { CredentialSource } from "./credential.js";
import { AuthError } from "./credential.js";
import { ENTRA_AUTHORITY_HINT, entraCode, entraHint } from "./hints.js";
import { httpsNetwork } from "./https-network.js";
import type { TlsTrust } from "../tls/tls-trust.js";
import { cachedTokenSource } from "./token-cache.js";

export const EXCHANGE_SCOPE = "https://outlook.office365.com/.default";

/** Login hosts msal knows (public and national clouds): any other host must be named as known, or msal asks Microsoft about it. */
const MICROSOFT_LOGIN_HOSTS = /^login\.(microsoftonline\.(com|us|de)|chinacloudapi\.cn|partner\.microsoftonline\.cn|microsoft\.com)$/i;

export interface EntraSettings {
  tenantId: string;
  clientId: string;
  /** One of the two: a client secret, or a certificate (PEM private key and its SHA-256 thumbprint). */
  clientSecret?: string | undefined;
  certificate?: { privateKey: string; thumbprintSha256: string } | undefined;
  /** The login host, https://login.microsoftonline.com unless a national cloud. */
  authorityHost: string;
  user: string;
  marginMs: number;
  /** Extra CAs for the login host (TLS_CA_FILE): a private CA in front of it. */
  tls?: TlsTrust | undefined;
}

export function entraSource(s: EntraSettings): CredentialSource {
  const host = new URL(s.authorityHost).host;
  // msal-node loads with the first token, not when the bot starts (issue 20); a client it refuses to
  // build is thrown from get() as it was from here, not as a refused login.
  let app: Promise<ConfidentialClientApplication> | null = null;
  const client = () =>
    (app ??= import("@azure/msal-node").then(
      ({ ConfidentialClientApplication }) =>
        new ConfidentialClientApplication({
          auth: {
            clientId: s.clientId,
            authority: `${s.authorityHost.replace(/\/$/, "")}/${s.tenantId}`,
            ...(s.certificate ? { clientCertificate: s.certificate } : { clientSecret: s.clientSecret ?? "" }),
            // A login host of its own (ENTRA_AUTHORITY_HOST): trusted as named, its metadata read from it.
            ...(MICROSOFT_LOGIN_HOSTS.test(new URL(s.authorityHost).hostname) ? {} : { knownAuthorities: [host] }),
          },
          ...(s.tls?.ca || s.tls?.rejectUnauthorized === false ? { system: { networkClient: httpsNetwork(s.tls) } } : {}),
        }),
    ));
  return cachedTokenSource(
    "entra",
    s.user,
    async () => {
      const msal = await client();
      try {
        // skipCache: msal's own cache renews 5 minutes ahead; ours decides (TOKEN_REFRESH_MARGIN_MS).
        const r = await msal.acquireTokenByClientCredential({ scopes: [EXCHANGE_SCOPE], skipCache: true });
        if (!r?.accessToken) throw new Error("no access token in the answer");
        return { accessToken: r.accessToken, expiresAt: r.expiresOn?.getTime() ?? Date.now() + 3_600_000 };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const code = entraCode(message);
        // msal reports a login host it could not read (unreachable, an untrusted certificate, a tenant
        // it does not know) without the cause: say where to look.
        if (!code && /endpoints_resolution_error/.test(message)) {
          throw new AuthError("entra", "entra_authority_unreachable", `Entra's login host ${s.authorityHost} did not give the tenant's metadata (${message.split("\n")[0]})`, ENTRA_AUTHORITY_HINT);
        }
        throw new AuthError("entra", code ? `AADSTS${code}` : "entra_token_failed", `Entra refused a token: ${message.split("\n")[0]}`, entraHint(code));
      }
    },
    s.marginMs,
  );
}
