/**
 * The operator-alert banner on every review-desk page, through the real HTTP server (fastify inject)
 * on the real store, rules and templates; and the waiting server that stands in while the mailbox
 * login fails at start-up.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { OperatorAlert } from "../../src/app/ports.js";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { loadRules } from "../../src/adapters/files/load-rules.js";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { createHttpServer } from "../../src/http/server.js";
import { createWaitingServer } from "../../src/http/waiting-server.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { makeCase } from "../support/case.js";
import { randomPrefix, redisUrl } from "../support/services.js";

const login: OperatorAlert = {
  cause: "mailbox_login",
  severity: "critical",
  code: "AADSTS7000222",
  message: "mailbox desk@example.com cannot log in (entra): Entra refused a token <script>alert(1)</script>",
  fix: "the client secret has expired: create a new one in the app registration and update ENTRA_CLIENT_SECRET",
  since: "2026-12-04T10:15:00.000Z",
};
const expiring: OperatorAlert = {
  cause: "secret_expiring:ENTRA_CLIENT_SECRET_EXPIRES",
  severity: "warning",
  code: "secret_expiring",
  message: "the Entra client secret (ENTRA_CLIENT_SECRET) expires on 2026-12-20, in 16 days",
  fix: "create a new client secret",
  since: "2026-12-04T10:00:00.000Z",
};

let redis: Redis;
let store: CaseStore;
let app: FastifyInstance;
let blobDir: string;
let alerts: OperatorAlert[];

beforeEach(async () => {
  redis = new Redis(redisUrl());
  store = new CaseStore(redis, randomPrefix("banner"));
  blobDir = await mkdtemp(join(tmpdir(), "banner-blobs-"));
  alerts = [];
  app = createHttpServer({
    uiDefaultLanguage: "en",
    store,
    blobs: createFileBlobStore(blobDir),
    rules: await loadRules("rules"),
    renderer: await loadTemplates("templates"),
    metrics: createMetrics(),
    teamCommand: async (caseId) => ({ kind: "ok", case: makeCase(caseId), outbox: [] }),
    settleLooseFlag: async () => ({ kind: "ok" }),
    readiness: async () => ({ ok: true, checks: {} }),
    alerts: () => alerts,
  });
  await app.ready();
});

afterEach(async () => {
  await app.close();
  const keys = await redis.keys(`${store.prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await rm(blobDir, { recursive: true, force: true });
});

describe("operator-alert banner", () => {
  it("is on every page while an alert is active, with the cause, code, since and fix, escaped", async () => {
    alerts = [login, expiring];
    for (const url of ["/", "/work", "/search?q=Storgatan", "/no-such-page", "/cases/ACT-999999"]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.headers["content-type"], url).toMatch(/^text\/html/);
      const body = res.body;
      expect(body, url).toContain('<div class="operator-alert critical" data-cause="mailbox_login">');
      expect(body, url).toContain("AADSTS7000222, since 2026-12-04 10:15 UTC");
      expect(body, url).toContain("update ENTRA_CLIENT_SECRET");
      expect(body, url).toContain('<div class="operator-alert warning" data-cause="secret_expiring:ENTRA_CLIENT_SECRET_EXPIRES">');
      expect(body, url).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
      expect(body, url).not.toContain("<script>alert(1)");
      // Placed first in <main>, once.
      expect(body.indexOf('class="operator-alerts"'), url).toBeGreaterThan(body.indexOf("<main>"));
      expect(body.split('class="operator-alerts"').length, url).toBe(2);
    }
  });

  it("is absent when no alert is active, and JSON routes are never touched", async () => {
    const page = await app.inject({ method: "GET", url: "/" });
    expect(page.body).toContain("<main>");
    expect(page.body).not.toContain('class="operator-alerts"');
    alerts = [login];
    const api = await app.inject({ method: "GET", url: "/api/cases" });
    expect(api.headers["content-type"]).toMatch(/^application\/json/);
    expect(api.body).not.toContain('class="operator-alerts"');
    const ready = await app.inject({ method: "GET", url: "/readyz" });
    expect(ready.json()).toEqual({ ok: true, checks: {} });
  });
});

describe("waiting server (start-up held by a failing login)", () => {
  it("answers /readyz 503 with the reason, serves /metrics, and every page is a 503 with the banner", async () => {
    const metrics = createMetrics();
    const waiting = createWaitingServer({
      readiness: () => ({ ok: false, checks: { auth: "failed (invalid_client): token endpoint refused", startup: "waiting for the mailbox login" } }),
      alerts: () => [login],
      metrics,
    });
    try {
      const ready = await waiting.inject({ method: "GET", url: "/readyz" });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ ok: false, checks: { auth: expect.stringContaining("invalid_client") } });
      expect((await waiting.inject({ method: "GET", url: "/healthz" })).statusCode).toBe(200);
      expect((await waiting.inject({ method: "GET", url: "/metrics" })).body).toContain("activation_bot_operator_alert");
      for (const url of ["/", "/work", "/cases/ACT-100001"]) {
        const res = await waiting.inject({ method: "GET", url });
        expect(res.statusCode).toBe(503);
        expect(res.body).toContain('data-cause="mailbox_login"');
        expect(res.body).toContain("The desk is not running");
      }
      const api = await waiting.inject({ method: "GET", url: "/api/cases" });
      expect(api.statusCode).toBe(503);
      expect(api.json()).toMatchObject({ error: "not_started", alerts: [{ cause: "mailbox_login", code: "AADSTS7000222" }] });
    } finally {
      await waiting.close();
    }
  });
});
