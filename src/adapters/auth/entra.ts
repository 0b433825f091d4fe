/**
 * Microsoft Entra app-only login (client credentials) with msal-node, for Exchange Online's IMAP and
 * SMTP: scope `https://outlook.office365.com/.default`, the token's user being the mailbox address.
 */
import { ConfidentialClientApplication } from "@azure/msal-node";
import type { CredentialSource } from "./credential.js";
import { AuthError } from "./credential.js";
import { entraCode, entraHint } from "./hints.js";
import { cachedTokenSource } from "./token-cache.js";

export const EXCHANGE_SCOPE = "https://outlook.office365.com/.default";

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
}

export function entraSource(s: EntraSettings): CredentialSource {
  const app = new ConfidentialClientApplication({
    auth: {
      clientId: s.clientId,
      authority: `${s.authorityHost.replace(/\/$/, "")}/${s.tenantId}`,
      ...(s.certificate ? { clientCertificate: s.certificate } : { clientSecret: s.clientSecret ?? "" }),
    },
  });
  return cachedTokenSource(
    "entra",
    s.user,
    async () => {
      try {
        // skipCache: msal's own cache renews 5 minutes ahead; ours decides (TOKEN_REFRESH_MARGIN_MS).
        const r = await app.acquireTokenByClientCredential({ scopes: [EXCHANGE_SCOPE], skipCache: true });
        if (!r?.accessToken) throw new Error("no access token in the answer");
        return { accessToken: r.accessToken, expiresAt: r.expiresOn?.getTime() ?? Date.now() + 3_600_000 };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const code = entraCode(message);
        throw new AuthError("entra", code ? `AADSTS${code}` : "entra_token_failed", `Entra refused a token: ${message.split("\n")[0]}`, entraHint(code));
      }
    },
    s.marginMs,
  );
}
