/**
 * The Entra and Google credential sources against real token endpoints on loopback (HTTPS for the
 * Entra authority, with the fixture CA in TLS_CA_FILE): msal-node's client-credentials flow with a
 * secret or a certificate, and google-auth-library's JWT-bearer flow with a service-account key;
 * tokens are RS256 JWTs that the endpoint's introspection (what Dovecot asks) accepts.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthError } from "../../../src/adapters/auth/credential.js";
import { entraSource } from "../../../src/adapters/auth/entra.js";
import { googleSource } from "../../../src/adapters/auth/google.js";
import { readCaFile } from "../../../src/adapters/tls/tls-trust.js";
import { loadConfig } from "../../../src/config.js";
import { credentialSource } from "../../../src/runtime/credentials.js";
import type { TokenEndpoints } from "../../support/token-endpoints.js";
import { FIXTURE_CA_FILE, newKeyPair, startTokenEndpoints } from "../../support/token-endpoints.js";

const TENANT = "3f1c2a9e-0d4b-4c57-9a43-8e2b5d7c1f00";
const secretApp = { tenantId: TENANT, clientId: "0a1b2c3d-1111-4222-8333-444455556666", clientSecret: "Qx8~secret-value-not-its-id", mailbox: "aktiveringar@vendor.example" };
const certKeys = newKeyPair();
const certApp = { tenantId: TENANT, clientId: "0a1b2c3d-2222-4222-8333-444455556666", certificate: { publicKey: certKeys.publicKey, thumbprintSha256: certKeys.thumbprintSha256 }, mailbox: "aktiveringar@vendor.example" };
const unconsented = { tenantId: TENANT, clientId: "0a1b2c3d-3333-4222-8333-444455556666", clientSecret: "s3cret", mailbox: "x@vendor.example", consented: false };
const saKeys = newKeyPair();
const serviceAccount = { clientEmail: "activation-bot@vendor-desk.iam.gserviceaccount.com", publicKey: saKeys.publicKey, delegated: ["aktiveringar@vendor.example"] };

let endpoints: TokenEndpoints;
let dir: string;
const tls = { rejectUnauthorized: true, ca: readCaFile(FIXTURE_CA_FILE, "TLS_CA_FILE") };

beforeAll(async () => {
  endpoints = await startTokenEndpoints({ apps: [secretApp, certApp, unconsented], serviceAccounts: [serviceAccount], tokenTtlSeconds: 3600 });
  dir = await mkdtemp(join(tmpdir(), "ab-google-key-"));
});
afterAll(async () => {
  await endpoints.close();
  await rm(dir, { recursive: true, force: true });
});

const entra = (over: Partial<Parameters<typeof entraSource>[0]> = {}) =>
  entraSource({ tenantId: TENANT, clientId: secretApp.clientId, clientSecret: secretApp.clientSecret, authorityHost: endpoints.entraHost, user: secretApp.mailbox, marginMs: 60_000, tls, ...over });

describe("Entra (msal-node, client credentials)", () => {
  it("gets a token with the client secret, scope outlook.office365.com/.default, for the mailbox the app may use", async () => {
    const c = await entra().get();
    expect(c).toMatchObject({ user: secretApp.mailbox, accessToken: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/) });
    expect("expiresAt" in c && c.expiresAt - Date.now()).toBeGreaterThan(3500_000);
    expect(await endpoints.introspect("accessToken" in c ? c.accessToken : "")).toMatchObject({ active: true, email: secretApp.mailbox });
    const req = endpoints.requests.filter((r) => r.flow === "entra" && r.ok).at(-1);
    expect(req?.form).toMatchObject({ grant_type: "client_credentials", client_id: secretApp.clientId, client_secret: secretApp.clientSecret, scope: "https://outlook.office365.com/.default" });
  });

  it("gets a token with a certificate (a client assertion signed with its key, named by its SHA-256 thumbprint)", async () => {
    const c = await entra({ clientId: certApp.clientId, clientSecret: undefined, certificate: { privateKey: certKeys.privateKeyPem, thumbprintSha256: certKeys.thumbprintSha256 } }).get();
    expect(await endpoints.introspect("accessToken" in c ? c.accessToken : "")).toMatchObject({ active: true });
    expect(endpoints.requests.filter((r) => r.flow === "entra" && r.ok).at(-1)?.form).toMatchObject({
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_id: certApp.clientId,
    });
    // Another key with the same thumbprint claimed: the signature does not verify.
    const other = newKeyPair();
    const err = await entra({ clientId: certApp.clientId, clientSecret: undefined, certificate: { privateKey: other.privateKeyPem, thumbprintSha256: certKeys.thumbprintSha256 } }).get().catch((e: unknown) => e);
    expect(err).toMatchObject({ provider: "entra", code: "AADSTS700027" });
  });

  it.each([
    ["a wrong secret", { clientSecret: "the-secret-id-not-its-value" }, "AADSTS7000215", "copy the secret's value"],
    ["a wrong tenant", { tenantId: "00000000-0000-4000-8000-000000000000" }, "entra_authority_unreachable", "ENTRA_TENANT_ID"],
    ["an app not in the tenant", { clientId: "99999999-9999-4999-8999-999999999999" }, "AADSTS700016", "ENTRA_CLIENT_ID"],
    ["an app without admin consent", { clientId: unconsented.clientId, clientSecret: unconsented.clientSecret }, "AADSTS65001", "admin consent"],
  ])("%s is an AuthError with Entra's code and a hint in words", async (_what, over, code, hint) => {
    const err = await entra(over).get().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ provider: "entra", code });
    expect((err as AuthError).hint).toContain(hint);
  });

  it("a login host whose CA is not trusted is refused, and the hint names TLS_CA_FILE", async () => {
    const err = await entra({ tls: undefined }).get().catch((e: unknown) => e);
    expect(err).toMatchObject({ provider: "entra", code: "entra_authority_unreachable" });
    expect((err as AuthError).hint).toContain("TLS_CA_FILE");
  });

  it("is composed from the configuration (ENTRA_AUTHORITY_HOST, TLS_CA_FILE)", async () => {
    const config = loadConfig({
      MAIL_AUTH: "entra",
      MAIL_USER: secretApp.mailbox,
      ENTRA_TENANT_ID: TENANT,
      ENTRA_CLIENT_ID: secretApp.clientId,
      ENTRA_CLIENT_SECRET: secretApp.clientSecret,
      ENTRA_AUTHORITY_HOST: endpoints.entraHost,
      TLS_CA_FILE: FIXTURE_CA_FILE,
    });
    const c = await credentialSource(config)?.get();
    expect(c).toMatchObject({ user: secretApp.mailbox, accessToken: expect.any(String) });
  });
});

describe("Google (google-auth-library, service account with domain-wide delegation)", () => {
  const google = (user = "aktiveringar@vendor.example", privateKey = saKeys.privateKeyPem) =>
    googleSource({ clientEmail: serviceAccount.clientEmail, privateKey, user, marginMs: 60_000, tokenUrl: endpoints.googleTokenUrl });

  it("gets a token for the mailbox by a JWT-bearer assertion signed with the service account's key", async () => {
    const c = await google().get();
    expect(c).toMatchObject({ user: "aktiveringar@vendor.example", accessToken: expect.any(String) });
    expect(await endpoints.introspect("accessToken" in c ? c.accessToken : "")).toMatchObject({ active: true, email: "aktiveringar@vendor.example" });
    expect(endpoints.requests.filter((r) => r.flow === "google" && r.ok).at(-1)?.form.grant_type).toBe("urn:ietf:params:oauth:grant-type:jwt-bearer");
  });

  it("a mailbox without delegation is unauthorized_client, with the Admin console step as the hint", async () => {
    const err = await google("someone.else@vendor.example").get().catch((e: unknown) => e);
    expect(err).toMatchObject({ provider: "google", code: "unauthorized_client" });
    expect((err as AuthError).hint).toContain("domain-wide delegation");
  });

  it("a key that is not the service account's is refused (invalid_grant)", async () => {
    const err = await google(undefined, newKeyPair().privateKeyPem).get().catch((e: unknown) => e);
    expect(err).toMatchObject({ provider: "google", code: "invalid_grant" });
  });

  it("is composed from the configuration (GOOGLE_SERVICE_ACCOUNT_FILE, GOOGLE_TOKEN_URL)", async () => {
    const file = join(dir, "sa.json");
    await writeFile(file, JSON.stringify({ type: "service_account", client_email: serviceAccount.clientEmail, private_key: saKeys.privateKeyPem, token_uri: "https://oauth2.googleapis.com/token" }));
    const config = loadConfig({ MAIL_AUTH: "google", MAIL_USER: "aktiveringar@vendor.example", GOOGLE_SERVICE_ACCOUNT_FILE: file, GOOGLE_TOKEN_URL: endpoints.googleTokenUrl });
    expect(await credentialSource(config)?.get()).toMatchObject({ user: "aktiveringar@vendor.example", accessToken: expect.any(String) });
  });
});
