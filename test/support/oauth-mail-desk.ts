/**
 * A desk mailbox that takes only OAuth2, on loopback: an Entra-style token endpoint for one app
 * (token-endpoints.ts), a Dovecot on `port` whose only passdb is oauth2 introspecting its tokens
 * (oauth-dovecot.ts), and a submission server that accepts only XOAUTH2 (smtp-sink.ts). `env` is what
 * the bot's config needs to use them; `close` stops all three. Used by the OAuth end-to-end test and
 * the OAuth benches (bench/oauth-bench.ts, bench/gap-bench.ts).
 */
import { rm } from "node:fs/promises";
import type { OAuthDovecot } from "./oauth-dovecot.js";
import { startOAuthDovecot } from "./oauth-dovecot.js";
import type { Xoauth2Submission } from "./smtp-sink.js";
import { startXoauth2Submission } from "./smtp-sink.js";
import type { EntraApp, TokenEndpoints } from "./token-endpoints.js";
import { FIXTURE_CA_FILE, startTokenEndpoints } from "./token-endpoints.js";

export interface OAuthMailDesk {
  endpoints: TokenEndpoints;
  dovecot: OAuthDovecot;
  submission: Xoauth2Submission;
  /** IMAP, SMTP, MAIL_FROM and the Entra settings of the app (`app.mailbox` is the desk's address). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startOAuthMailDesk(app: EntraApp, opts: { port: number; tokenTtlSeconds: number }): Promise<OAuthMailDesk> {
  const stops: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const endpoints = await startTokenEndpoints({ apps: [app], tokenTtlSeconds: opts.tokenTtlSeconds });
    stops.push(() => endpoints.close());
    const dovecot = await startOAuthDovecot({ url: endpoints.introspectionUrl, ...endpoints.introspector }, opts.port);
    stops.push(async () => {
      await dovecot.stop();
      await rm(dovecot.dir, { recursive: true, force: true });
    });
    const submission = await startXoauth2Submission((token) => endpoints.introspect(token));
    stops.push(() => submission.close());
    const env = {
      IMAP_URL: `imap://127.0.0.1:${opts.port}`,
      SMTP_URL: submission.url,
      MAIL_FROM: `Aktiveringar <${app.mailbox}>`,
      MAIL_AUTH: "entra",
      ENTRA_TENANT_ID: app.tenantId,
      ENTRA_CLIENT_ID: app.clientId,
      ...(app.clientSecret ? { ENTRA_CLIENT_SECRET: app.clientSecret } : {}),
      ENTRA_AUTHORITY_HOST: endpoints.entraHost,
      TLS_CA_FILE: FIXTURE_CA_FILE,
    };
    return { endpoints, dovecot, submission, env, close };
  } catch (err) {
    await close();
    throw err;
  }
}
