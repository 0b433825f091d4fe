/**
 * Every route checks its role: the registered routes are walked (fastify's own route table, so a route
 * added later is walked too) with a viewer's login, and every POST/PUT/PATCH/DELETE, page and API
 * alike, is refused with 403 before it runs; the admin's Users page answers an admin only.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeskSpeech } from "../../src/app/desk-speech.js";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { loadRules } from "../../src/adapters/files/load-rules.js";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { createLogins, hashPassword, parseUsersFile } from "../../src/http/logins.js";
import { createHttpServer, SELF_ROUTES } from "../../src/http/server.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { basicAuth } from "../support/http.js";
import { randomPrefix, redisUrl } from "../support/services.js";

const PASSWORD = "correct horse battery";
const acted: string[] = [];

/** The speak routes exist only with a DeskSpeech; a refused request never reaches it, and if one did, the test names the route. */
const unreachableSpeech = new Proxy({} as DeskSpeech, {
  get: (_target, name) => () => {
    acted.push(String(name));
    throw new Error(`DeskSpeech.${String(name)} was reached: the role check let a request through`);
  },
});

let redis: Redis;
let store: CaseStore;
let app: FastifyInstance;
let blobDir: string;

beforeAll(async () => {
  redis = new Redis(redisUrl());
  store = new CaseStore(redis, randomPrefix("roles"));
  blobDir = await mkdtemp(join(tmpdir(), "roles-blobs-"));
  const hash = await hashPassword(PASSWORD);
  app = createHttpServer({
    store,
    blobs: createFileBlobStore(blobDir),
    rules: await loadRules("rules"),
    renderer: await loadTemplates("templates"),
    metrics: createMetrics(),
    teamCommand: async () => {
      acted.push("teamCommand");
      return { kind: "refused", reason: "reached" };
    },
    settleLooseFlag: async () => {
      acted.push("settleLooseFlag");
      return { kind: "refused", reason: "reached" };
    },
    readiness: async () => ({ ok: true, checks: {} }),
    speech: unreachableSpeech,
    logins: createLogins(parseUsersFile(`vera:${hash}:viewer:sv\nanna:${hash}:agent:en\nolof:${hash}:admin\n`)),
  });
  await app.ready();
});

afterAll(async () => {
  await app.close();
  const keys = await redis.keys(`${store.prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  await rm(blobDir, { recursive: true, force: true });
});

/** Method and path of every registered route, from fastify's route tree (each level 4 characters deeper, its path relative to its parent). */
function routes(): { method: string; path: string }[] {
  const out: { method: string; path: string }[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split("\n")) {
    const at = line.indexOf("── ");
    if (at < 0) continue;
    const depth = Math.round((at - 1) / 4);
    const m = /^(\S+)(?: \(([A-Z, ]+)\))?/.exec(line.slice(at + 3));
    if (!m?.[1]) continue;
    const path = (depth > 0 ? (stack[depth - 1] ?? "") : "") + m[1];
    stack[depth] = path;
    stack.length = depth + 1;
    for (const method of (m[2] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) out.push({ method, path });
  }
  return out;
}

const concrete = (path: string) => path.replace(":id", "ACT-100001").replace(":flagId", "unknown_sender:mid:x").replace(/:[a-zA-Z]+/g, "x");

describe("roles on every route", () => {
  it("refuses every POST, PUT, PATCH and DELETE of a viewer with 403, pages and API alike, before anything acts", async () => {
    const writes = routes().filter((r) => ["POST", "PUT", "PATCH", "DELETE"].includes(r.method));
    // The walk sees the desk's forms, the speak routes and the JSON API.
    for (const p of ["/cases/:id/override", "/cases/:id/speak/send", "/api/cases/:id/activate", "/flags/:flagId/:action"]) {
      expect(writes.map((w) => w.path)).toContain(p);
    }
    const refused: string[] = [];
    for (const { method, path } of writes) {
      if (SELF_ROUTES.has(path) || path === "/login") continue;
      const api = path.startsWith("/api/");
      const res = await app.inject({
        method: method as "POST",
        url: concrete(path),
        headers: { authorization: basicAuth("vera", PASSWORD), "sec-fetch-site": "same-origin", "content-type": api ? "application/json" : "application/x-www-form-urlencoded" },
        payload: api ? "{}" : "",
      });
      expect(res.statusCode, `${method} ${path}`).toBe(403);
      if (api) expect(res.json(), `${method} ${path}`).toMatchObject({ error: "forbidden_role" });
      else expect(res.body, `${method} ${path}`).toContain("läsare");
      refused.push(`${method} ${path}`);
    }
    expect(refused.length).toBeGreaterThan(25);
    expect(acted).toEqual([]);
  });

  it("shows the Users page to an admin (names, roles, languages, never a hash) and refuses an agent and a viewer, naming the role needed", async () => {
    const asAdmin = await app.inject({ method: "GET", url: "/admin/users", headers: { authorization: basicAuth("olof", PASSWORD), "accept-language": "en" } });
    expect(asAdmin.statusCode).toBe(200);
    expect(asAdmin.body).toMatch(/<tr data-login="vera"><td>vera<\/td><td>viewer/);
    expect(asAdmin.body).toContain("anna");
    expect(asAdmin.body).toContain("Swedish");
    expect(asAdmin.body).not.toContain("scrypt$16384$8$1$");
    expect(asAdmin.body).toContain("activation-bot ui-user NAME");

    const asAgent = await app.inject({ method: "GET", url: "/admin/users", headers: { authorization: basicAuth("anna", PASSWORD) } });
    expect(asAgent.statusCode).toBe(403);
    expect(asAgent.body).toContain("your login has the role agent, and the page needs the admin role");
    const asViewer = await app.inject({ method: "GET", url: "/admin/users", headers: { authorization: basicAuth("vera", PASSWORD) } });
    expect(asViewer.statusCode).toBe(403);
    expect(asViewer.body).toContain("kräver rollen administratör (admin)");
    expect(asViewer.body).toContain('<html lang="sv">');
  });

  it("switches the language on the sign-in page, before anyone signed in: the cookie is set and the page comes back", async () => {
    const login = await app.inject({ method: "GET", url: "/login", headers: { "accept-language": "en-US" } });
    expect(login.body).toContain('<html lang="en">');
    const token = /name="_csrf" value="([^"]+)"/.exec(login.body)?.[1] ?? "";
    const cookies = login.cookies.map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await app.inject({
      method: "POST",
      url: "/language",
      headers: { cookie: cookies, "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
      payload: `_csrf=${encodeURIComponent(token)}&lang=sv&back=%2Flogin`,
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/login");
    expect(res.cookies.find((c) => c.name === "desk_lang")?.value).toBe("sv");
    const again = await app.inject({ method: "GET", url: "/login", headers: { "accept-language": "en-US", cookie: "desk_lang=sv" } });
    expect(again.body).toContain('<html lang="sv">');
    expect(again.body).toContain("Lösenord");
    // No choice, no login yet, a browser asking for neither language: the product's default, Swedish.
    const fallback = await app.inject({ method: "GET", url: "/login", headers: { "accept-language": "de-DE" } });
    expect(fallback.body).toContain('<html lang="sv">');
    expect(fallback.body).toContain("Logga in");
  });

  it("lets a viewer switch her language (a POST about herself), back to the page she was on", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/language",
      headers: { authorization: basicAuth("vera", PASSWORD), "sec-fetch-site": "same-origin", "content-type": "application/x-www-form-urlencoded" },
      payload: "lang=en&back=%2Fwork%3Fowner%3Dmine",
    });
    // The form's CSRF token is missing here: refused as a stale form, not for her role.
    expect(res.statusCode).toBe(403);
    expect(res.body).not.toContain("läsare");
  });
});
