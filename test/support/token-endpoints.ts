/**
 * Microsoft's and Google's token endpoints as real servers on loopback, speaking the flows msal-node
 * and google-auth-library use, issuing RS256 JWT access tokens signed with a real key:
 * - Entra (HTTPS, the fixture certificate for 127.0.0.1): the tenant's OpenID metadata, and the
 *   client-credentials grant at `/<tenant>/oauth2/v2.0/token` with a client secret (client_secret_post)
 *   or a certificate (a `client_assertion` JWT signed with the certificate's key, `x5t#S256` header),
 *   scope `https://outlook.office365.com/.default`; refusals carry the AADSTS codes Entra sends.
 * - Google (HTTP): the JWT-bearer grant at `/token`, the assertion signed with the service account's
 *   key, `aud` Google's token URL, `sub` the mailbox (domain-wide delegation), scope https://mail.google.com/.
 * - Introspection (HTTP, for Dovecot's oauth2 passdb and the SMTP sink): verifies a token's signature
 *   and lifetime and answers `{active, email}` — for an Entra app-only token, the mailbox the app was
 *   granted (Exchange's Add-MailboxPermission), for a Google token its subject.
 */
import { constants, createHash, createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";

const TLS_DIR = join(import.meta.dirname, "../fixtures/tls");
export const FIXTURE_CA_FILE = join(TLS_DIR, "self-signed-cert.pem");
const GOOGLE_AUD = "https://oauth2.googleapis.com/token";

export interface EntraApp {
  tenantId: string;
  clientId: string;
  /** The secret's value; or a certificate (its public key and SHA-256 thumbprint, hex). */
  clientSecret?: string;
  certificate?: { publicKey: KeyObject; thumbprintSha256: string };
  /** The mailbox Add-MailboxPermission gave the app. */
  mailbox: string;
  /** false: admin consent not granted (AADSTS65001). */
  consented?: boolean;
}

export interface GoogleServiceAccount {
  clientEmail: string;
  publicKey: KeyObject;
  /** Mailboxes domain-wide delegation lets it act as. */
  delegated: string[];
}

export interface TokenEndpoints {
  /** https://127.0.0.1:<port>: ENTRA_AUTHORITY_HOST. */
  entraHost: string;
  /** http://127.0.0.1:<port>/token: GOOGLE_TOKEN_URL. */
  googleTokenUrl: string;
  /** http://127.0.0.1:<port>/introspect (Basic auth as introspector). */
  introspectionUrl: string;
  introspector: { clientId: string; clientSecret: string };
  introspect(token: string): Promise<{ active: boolean; email?: string }>;
  /** Token requests seen, by flow. */
  requests: { flow: "entra" | "google"; ok: boolean; form: Record<string, string> }[];
  /** Revokes an app: its next requests get AADSTS7000215 (a secret deleted) and its tokens are no longer active. */
  revoke(clientId: string): void;
  /** Undoes revoke (a new secret in place). */
  restore(clientId: string): void;
  close(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

function signJwt(header: object, claims: object, key: KeyObject): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${sign("sha256", Buffer.from(input), key).toString("base64url")}`;
}

/** Verifies an RS256 or PS256 (msal's certificate assertions) JWT. */
function readJwt(token: string, key: KeyObject): { header: Record<string, unknown>; claims: Record<string, unknown> } | null {
  const [h, c, s] = token.split(".");
  if (!h || !c || !s) return null;
  const alg = (peekJwt(token)?.header.alg as string | undefined) ?? "";
  if (alg !== "RS256" && alg !== "PS256") return null;
  const padded = alg === "PS256" ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : key;
  if (!verify("sha256", Buffer.from(`${h}.${c}`), padded, Buffer.from(s, "base64url"))) return null;
  return { header: JSON.parse(Buffer.from(h, "base64url").toString()) as Record<string, unknown>, claims: JSON.parse(Buffer.from(c, "base64url").toString()) as Record<string, unknown> };
}

function peekJwt(token: string): { header: Record<string, unknown>; claims: Record<string, unknown> } | null {
  try {
    const [h, c] = token.split(".");
    return { header: JSON.parse(Buffer.from(h ?? "", "base64url").toString()) as Record<string, unknown>, claims: JSON.parse(Buffer.from(c ?? "", "base64url").toString()) as Record<string, unknown> };
  } catch {
    return null;
  }
}

async function form(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
}

function json(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

/** A key pair and the thumbprint Entra shows for a certificate (here: of the public key's DER). */
export function newKeyPair(): { privateKeyPem: string; publicKey: KeyObject; thumbprintSha256: string } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const der = publicKey.export({ type: "spki", format: "der" });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey,
    thumbprintSha256: createHash("sha256").update(der).digest("hex"),
  };
}

export async function startTokenEndpoints(opts: { apps?: EntraApp[]; serviceAccounts?: GoogleServiceAccount[]; tokenTtlSeconds: number }): Promise<TokenEndpoints> {
  const signing = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const issuerKey = signing.privateKey;
  const verifyKey = createPublicKey(signing.publicKey.export({ type: "spki", format: "pem" }));
  const apps = opts.apps ?? [];
  const accounts = opts.serviceAccounts ?? [];
  const revoked = new Set<string>();
  const requests: TokenEndpoints["requests"] = [];
  const introspector = { clientId: "mail-server", clientSecret: "introspection-secret-0123456789" };
  let entraHost = "";

  const entraError = (res: ServerResponse, status: number, error: string, code: string, text: string) =>
    json(res, status, { error, error_description: `AADSTS${code}: ${text} Trace ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`, error_codes: [Number(code)] });

  const https = createHttpsServer({ key: readFileSync(join(TLS_DIR, "self-signed-key.pem")), cert: readFileSync(join(TLS_DIR, "self-signed-cert.pem")) }, (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", entraHost);
      const meta = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
      if (req.method === "GET" && meta) {
        const tenant = meta[1] ?? "";
        if (!apps.some((a) => a.tenantId === tenant)) return entraError(res, 400, "invalid_tenant", "90002", `Tenant '${tenant}' not found.`);
        return json(res, 200, {
          token_endpoint: `${entraHost}/${tenant}/oauth2/v2.0/token`,
          authorization_endpoint: `${entraHost}/${tenant}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${entraHost}/${tenant}/oauth2/v2.0/logout`,
          issuer: `${entraHost}/${tenant}/v2.0`,
          jwks_uri: `${entraHost}/${tenant}/discovery/v2.0/keys`,
          response_types_supported: ["code"],
          token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt"],
        });
      }
      const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
      if (req.method === "POST" && token) {
        const f = await form(req);
        const tenant = token[1] ?? "";
        const app = apps.find((a) => a.tenantId === tenant && a.clientId === f.client_id);
        const refuse = (status: number, error: string, code: string, text: string) => {
          requests.push({ flow: "entra", ok: false, form: f });
          entraError(res, status, error, code, text);
        };
        if (!apps.some((a) => a.tenantId === tenant)) return refuse(400, "invalid_tenant", "90002", `Tenant '${tenant}' not found.`);
        if (!app) return refuse(400, "unauthorized_client", "700016", `Application with identifier '${f.client_id}' was not found in the directory.`);
        if (f.grant_type !== "client_credentials") return refuse(400, "unsupported_grant_type", "70003", "The app requested an unsupported grant type.");
        if (revoked.has(app.clientId)) return refuse(401, "invalid_client", "7000215", "Invalid client secret provided.");
        if (app.clientSecret !== undefined) {
          if (f.client_secret !== app.clientSecret) return refuse(401, "invalid_client", "7000215", "Invalid client secret provided.");
        } else if (app.certificate) {
          const assertion = f.client_assertion_type === "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" ? readJwt(f.client_assertion ?? "", app.certificate.publicKey) : null;
          const x5t = assertion?.header["x5t#S256"];
          const thumb = typeof x5t === "string" ? Buffer.from(x5t, "base64url").toString("hex") : "";
          if (!assertion || thumb !== app.certificate.thumbprintSha256 || assertion.claims.iss !== app.clientId || assertion.claims.sub !== app.clientId) {
            return refuse(401, "invalid_client", "700027", "Client assertion failed signature validation.");
          }
          if (assertion.claims.aud !== `${entraHost}/${tenant}/oauth2/v2.0/token`) return refuse(401, "invalid_client", "700027", "The audience of the client assertion is not the token endpoint.");
        }
        if (f.scope !== "https://outlook.office365.com/.default") return refuse(400, "invalid_scope", "70011", `The provided value for scope ${f.scope ?? ""} is not valid.`);
        if (app.consented === false) return refuse(400, "invalid_grant", "65001", "The user or administrator has not consented to use the application.");
        const now = Math.floor(Date.now() / 1000);
        const access = signJwt(
          { alg: "RS256", typ: "JWT", kid: "loopback" },
          { aud: "https://outlook.office365.com", iss: `https://sts.windows.net/${tenant}/`, tid: tenant, appid: app.clientId, roles: ["IMAP.AccessAsApp", "SMTP.SendAsApp"], iat: now, nbf: now, exp: now + opts.tokenTtlSeconds },
          issuerKey,
        );
        requests.push({ flow: "entra", ok: true, form: f });
        return json(res, 200, { token_type: "Bearer", expires_in: opts.tokenTtlSeconds, ext_expires_in: opts.tokenTtlSeconds, access_token: access });
      }
      json(res, 404, { error: "not_found" });
    })().catch((err: unknown) => json(res, 500, { error: "server_error", error_description: String(err) }));
  });

  const http = createHttpServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      if (req.method === "POST" && url.pathname === "/token") {
        const f = await form(req);
        const refuse = (status: number, error: string, description: string) => {
          requests.push({ flow: "google", ok: false, form: f });
          json(res, status, { error, error_description: description });
        };
        if (f.grant_type !== "urn:ietf:params:oauth:grant-type:jwt-bearer") return refuse(400, "unsupported_grant_type", "Invalid grant_type");
        const claims = peekJwt(f.assertion ?? "")?.claims;
        const account = accounts.find((a) => a.clientEmail === claims?.iss);
        const checked = account ? readJwt(f.assertion ?? "", account.publicKey) : null;
        if (!account || !checked) return refuse(400, "invalid_grant", "Invalid JWT Signature.");
        const c = checked.claims;
        const now = Math.floor(Date.now() / 1000);
        if (c.aud !== GOOGLE_AUD) return refuse(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe");
        if (typeof c.exp !== "number" || typeof c.iat !== "number" || c.exp < now || c.exp - c.iat > 3600) return refuse(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.");
        if (typeof c.scope !== "string" || !c.scope.split(" ").includes("https://mail.google.com/")) return refuse(400, "invalid_scope", "Invalid OAuth scope or ID token audience provided.");
        if (typeof c.sub !== "string" || !account.delegated.includes(c.sub)) {
          return refuse(401, "unauthorized_client", "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.");
        }
        const access = signJwt({ alg: "RS256", typ: "JWT" }, { iss: "https://accounts.google.com", azp: account.clientEmail, email: c.sub, scope: c.scope, iat: now, exp: now + opts.tokenTtlSeconds }, issuerKey);
        requests.push({ flow: "google", ok: true, form: f });
        return json(res, 200, { access_token: access, expires_in: opts.tokenTtlSeconds, token_type: "Bearer" });
      }
      if (req.method === "POST" && url.pathname === "/introspect") {
        const basic = `Basic ${Buffer.from(`${introspector.clientId}:${introspector.clientSecret}`).toString("base64")}`;
        if (req.headers.authorization !== basic) return json(res, 401, { error: "invalid_client" });
        const f = await form(req);
        const t = readJwt(f.token ?? "", verifyKey);
        const claims = t?.claims;
        if (!claims || typeof claims.exp !== "number" || claims.exp <= Date.now() / 1000) return json(res, 200, { active: false });
        if (typeof claims.appid === "string") {
          const app = apps.find((a) => a.clientId === claims.appid);
          if (!app || revoked.has(app.clientId)) return json(res, 200, { active: false });
          return json(res, 200, { active: true, email: app.mailbox, client_id: app.clientId, exp: claims.exp });
        }
        return json(res, 200, { active: true, email: claims.email, exp: claims.exp });
      }
      json(res, 404, { error: "not_found" });
    })().catch((err: unknown) => json(res, 500, { error: "server_error", error_description: String(err) }));
  });

  await new Promise<void>((r) => https.listen(0, "127.0.0.1", r));
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  entraHost = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const basic = `Basic ${Buffer.from(`${introspector.clientId}:${introspector.clientSecret}`).toString("base64")}`;
  return {
    entraHost,
    googleTokenUrl: `${base}/token`,
    introspectionUrl: `${base}/introspect`,
    introspector,
    requests,
    revoke: (clientId) => void revoked.add(clientId),
    restore: (clientId) => void revoked.delete(clientId),
    async introspect(token) {
      const res = await fetch(`${base}/introspect`, { method: "POST", headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token }) });
      return (await res.json()) as { active: boolean; email?: string };
    },
    close: async () => {
      https.closeAllConnections();
      http.closeAllConnections();
      await Promise.all([new Promise<void>((r) => https.close(() => r())), new Promise<void>((r) => http.close(() => r()))]);
    },
  };
}
