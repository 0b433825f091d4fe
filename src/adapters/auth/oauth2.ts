/**
 * A generic OAuth2 token endpoint (RFC 6749): the client-credentials grant, or a refresh token when one
 * is configured. Client authentication is HTTP Basic (client_secret_basic).
 */
import type { CredentialSource } from "./credential.js";
import { AuthError } from "./credential.js";
import { oauthHint } from "./hints.js";
import type { FetchedToken } from "./token-cache.js";
import { cachedTokenSource } from "./token-cache.js";

/** A token response larger than this is not a token response. */
const MAX_TOKEN_RESPONSE_BYTES = 64 * 1024;
const TOKEN_REQUEST_TIMEOUT_MS = 15_000;

export interface OAuth2Settings {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken?: string | undefined;
  scope?: string | undefined;
  /** RFC 8707 resource indicator, for servers that issue JWT access tokens per resource. */
  resource?: string | undefined;
  user: string;
  marginMs: number;
}

export function oauth2Source(s: OAuth2Settings): CredentialSource {
  return cachedTokenSource("oauth2", s.user, () => requestToken(s), s.marginMs);
}

async function requestToken(s: OAuth2Settings): Promise<FetchedToken> {
  const form = new URLSearchParams(s.refreshToken ? { grant_type: "refresh_token", refresh_token: s.refreshToken } : { grant_type: "client_credentials" });
  if (s.scope) form.set("scope", s.scope);
  if (s.resource) form.set("resource", s.resource);
  const basic = Buffer.from(`${encodeURIComponent(s.clientId)}:${encodeURIComponent(s.clientSecret)}`).toString("base64");
  let res: Response;
  try {
    res = await fetch(s.tokenUrl, {
      method: "POST",
      headers: { authorization: `Basic ${basic}`, "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: form,
      signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new AuthError("oauth2", "token_endpoint_unreachable", `token endpoint ${s.tokenUrl} unreachable: ${(err as Error).message}`, "check OAUTH_TOKEN_URL and that this machine reaches it");
  }
  const text = await res.text();
  if (text.length > MAX_TOKEN_RESPONSE_BYTES) throw new AuthError("oauth2", "token_response_too_large", `token endpoint ${s.tokenUrl} answered ${text.length} bytes`, "check OAUTH_TOKEN_URL");
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported below with the status
  }
  const token = body.access_token;
  if (!res.ok || typeof token !== "string") {
    const code = typeof body.error === "string" ? body.error : `http_${res.status}`;
    const description = typeof body.error_description === "string" ? `: ${body.error_description}` : "";
    throw new AuthError("oauth2", code, `token endpoint refused (${code}${description})`, oauthHint(code));
  }
  const expiresIn = typeof body.expires_in === "number" ? body.expires_in : Number(body.expires_in ?? 3600);
  return { accessToken: token, expiresAt: Date.now() + expiresIn * 1000 };
}
