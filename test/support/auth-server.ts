/**
 * A real OAuth2 authorisation server for tests (oidc-provider): the client-credentials grant, JWT
 * access tokens for one resource (RFC 8707; opaque, since oidc-provider introspects only those), token introspection (what Dovecot's oauth2 passdb and the
 * SMTP sink ask) and revocation. The access token carries the mailbox as `email`, the claim Dovecot
 * compares with the login name.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createServer } from "node:http";
import Provider from "oidc-provider";

export interface TestClient {
  clientId: string;
  clientSecret: string;
  /** The mailbox its tokens log in as. */
  email: string;
}

export interface AuthServer {
  issuer: string;
  tokenUrl: string;
  introspectionUrl: string;
  resource: string;
  /** The client the mail servers authenticate introspection with. */
  introspector: TestClient;
  /** Asks the server whether a token is active and for which mailbox. */
  introspect(token: string): Promise<{ active: boolean; email?: string }>;
  close(): Promise<void>;
}

export async function startAuthServer(opts: { clients: TestClient[]; tokenTtlSeconds: number; port?: number }): Promise<AuthServer> {
  const resource = "urn:activation-bot:mail";
  const introspector: TestClient = { clientId: "mail-server", clientSecret: "introspection-secret-0123456789", email: "" };
  const server: Server = createServer();
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const emails = new Map(opts.clients.map((c) => [c.clientId, c.email]));
  const provider = new Provider(issuer, {
    clients: [...opts.clients, introspector].map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      grant_types: ["client_credentials"],
      redirect_uris: [],
      response_types: [],
    })),
    features: {
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: "mail", audience: resource, accessTokenFormat: "opaque", accessTokenTTL: opts.tokenTtlSeconds }),
      },
    },
    extraTokenClaims: (_ctx: unknown, token: { clientId?: string }) => {
      const clientId = token.clientId;
      return { email: (clientId && emails.get(clientId)) ?? "" };
    },
  });
  server.on("request", provider.callback());
  const basic = `Basic ${Buffer.from(`${introspector.clientId}:${introspector.clientSecret}`).toString("base64")}`;
  return {
    issuer,
    tokenUrl: `${issuer}/token`,
    introspectionUrl: `${issuer}/token/introspection`,
    resource,
    introspector,
    async introspect(token) {
      const res = await fetch(`${issuer}/token/introspection`, {
        method: "POST",
        headers: { authorization: basic, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token }),
      });
      return (await res.json()) as { active: boolean; email?: string };
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
