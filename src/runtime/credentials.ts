/**
 * The composition of the credential port (src/adapters/auth/credential.ts): the provider MAIL_AUTH
 * names, with its secrets read from the environment or their `…_FILE`. IMAP and SMTP share one source,
 * so one token serves both.
 */
import { readFileSync } from "node:fs";
import type { CredentialSource } from "../adapters/auth/credential.js";
import { entraSource } from "../adapters/auth/entra.js";
import { googleSource } from "../adapters/auth/google.js";
import { oauth2Source } from "../adapters/auth/oauth2.js";
import type { TlsTrust } from "../adapters/tls/tls-trust.js";
import { readCaFile } from "../adapters/tls/tls-trust.js";
import type { Config } from "../config.js";
import { ConfigError } from "../config.js";

/** A secret from its variable or, failing that, from the file its `…_FILE` variable names. */
function secret(value: string | undefined, file: string | undefined, name: string): string | undefined {
  if (value) return value;
  if (!file) return undefined;
  try {
    return readFileSync(file, "utf8").trim();
  } catch (err) {
    throw new ConfigError(`invalid configuration:\n  ${name}_FILE: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/** The login host's trust: Node's CAs, plus TLS_CA_FILE when set (a private CA in front of it); TLS_VERIFY as for mail. */
function tokenTls(c: Config): TlsTrust {
  return { rejectUnauthorized: c.TLS_VERIFY, ...(c.TLS_CA_FILE ? { ca: readCaFile(c.TLS_CA_FILE, "TLS_CA_FILE") } : {}) };
}

/** The token source for MAIL_AUTH, or undefined for `password` (the adapters use the URLs' passwords). */
export function credentialSource(c: Config): CredentialSource | undefined {
  const user = c.MAIL_USER ?? c.mailFromAddress;
  const marginMs = c.TOKEN_REFRESH_MARGIN_MS;
  switch (c.MAIL_AUTH) {
    case "password":
      return undefined;
    case "oauth2":
      return oauth2Source({
        tokenUrl: c.OAUTH_TOKEN_URL ?? "",
        clientId: c.OAUTH_CLIENT_ID ?? "",
        clientSecret: secret(c.OAUTH_CLIENT_SECRET, c.OAUTH_CLIENT_SECRET_FILE, "OAUTH_CLIENT_SECRET") ?? "",
        refreshToken: secret(c.OAUTH_REFRESH_TOKEN, c.OAUTH_REFRESH_TOKEN_FILE, "OAUTH_REFRESH_TOKEN"),
        scope: c.OAUTH_SCOPE,
        resource: c.OAUTH_RESOURCE,
        user,
        marginMs,
      });
    case "entra": {
      const privateKey = c.ENTRA_CERTIFICATE_FILE ? secret(undefined, c.ENTRA_CERTIFICATE_FILE, "ENTRA_CERTIFICATE") : undefined;
      return entraSource({
        tenantId: c.ENTRA_TENANT_ID ?? "",
        clientId: c.ENTRA_CLIENT_ID ?? "",
        clientSecret: secret(c.ENTRA_CLIENT_SECRET, c.ENTRA_CLIENT_SECRET_FILE, "ENTRA_CLIENT_SECRET"),
        certificate: privateKey ? { privateKey, thumbprintSha256: c.ENTRA_CERTIFICATE_THUMBPRINT ?? "" } : undefined,
        authorityHost: c.ENTRA_AUTHORITY_HOST,
        user,
        marginMs,
        tls: tokenTls(c),
      });
    }
    case "google": {
      const key = JSON.parse(secret(undefined, c.GOOGLE_SERVICE_ACCOUNT_FILE, "GOOGLE_SERVICE_ACCOUNT") ?? "{}") as { client_email?: string; private_key?: string };
      if (!key.client_email || !key.private_key) {
        throw new ConfigError("invalid configuration:\n  GOOGLE_SERVICE_ACCOUNT_FILE: not a service account key (needs client_email and private_key)");
      }
      return googleSource({ clientEmail: key.client_email, privateKey: key.private_key, user, marginMs, tokenUrl: c.GOOGLE_TOKEN_URL });
    }
  }
}

/** Exchange Online refuses a 4th concurrent SMTP submission per mailbox (4.3.2 STOREDRV.ClientSubmit). */
export const EXCHANGE_SMTP_CONCURRENCY = 3;

export function smtpPoolSize(c: Pick<Config, "MAIL_AUTH" | "SMTP_POOL_SIZE">): number {
  return c.MAIL_AUTH === "entra" ? Math.min(c.SMTP_POOL_SIZE, EXCHANGE_SMTP_CONCURRENCY) : c.SMTP_POOL_SIZE;
}

/** Recipients a day the relay takes from one mailbox: Exchange Online 10 000, Google Workspace 2 000. */
const DAILY_RECIPIENTS: Partial<Record<Config["MAIL_AUTH"], number>> = { entra: 10_000, google: 2_000 };

/** SMTP_DAILY_RECIPIENTS, else the provider's limit; 0: no budget. */
export function smtpDailyRecipients(c: Pick<Config, "MAIL_AUTH" | "SMTP_DAILY_RECIPIENTS">): number {
  return c.SMTP_DAILY_RECIPIENTS ?? DAILY_RECIPIENTS[c.MAIL_AUTH] ?? 0;
}
