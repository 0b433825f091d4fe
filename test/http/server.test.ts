// The HTTP layer against real Redis (a random key prefix per test), the real CaseStore, blob store,
// templates and rules. teamCommand is a recording fake: these tests pin the HTTP layer's contract
// (what it passes in, how it maps the result), not the use case behind it.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import sharp from "sharp";
import { parse as parseYaml } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CommandResult, TeamCommand } from "../../src/app/case-commands.js";
import type { BlobStore } from "../../src/app/ports.js";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { loadRules } from "../../src/adapters/files/load-rules.js";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import type { Rules } from "../../src/core/rules/rules.js";
import { LimitsFileSchema, RemindersFileSchema, StagesFileSchema } from "../../src/core/rules/schema.js";
import type { Case, CaseEvent, Flag } from "../../src/core/types.js";
import { html, raw } from "../../src/http/html.js";
import { createLogins, hashPassword, parseUsersFile } from "../../src/http/logins.js";
import { UI_CSP, createHttpServer, type HttpDeps } from "../../src/http/server.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { makeCase } from "../support/case.js";
import { randomPrefix, redisUrl } from "../support/services.js";
import { basicAuth } from "../support/http.js";

const CHROMIUM = "/usr/bin/chromium";
const HOSTILE = "<script>alert(1)</script>";
const OWN_SCRIPT = /<script src="\/assets\/desk-keys\.js" defer(="")?><\/script>/;
const HOSTILE_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;";

/** The real rules; while rules/ is still incomplete, the stages from it with the rest left empty. */
async function testRules(): Promise<Rules> {
  try {
    return await loadRules("rules");
  } catch {
    const yaml = async (name: string): Promise<unknown> => parseYaml(await readFile(join("rules", name), "utf8"));
    const partial = {
      version: "test",
      stages: StagesFileSchema.parse(await yaml("stages.yaml")).stages,
      reminders: RemindersFileSchema.parse(await yaml("reminders.yaml")),
      limits: LimitsFileSchema.parse(await yaml("limits.yaml")),
      answers: {},
      noise: {},
      forms: { version: 1, forms: [], field_messages: {}, mac_messages: {} },
      photos: { stages: {} },
    };
    // The one cast: the vocabularies, forms and photos are not read by the pages, so empty stands in.
    return partial as unknown as Rules;
  }
}

const flag = (id: string, at: string, over: Partial<Flag> = {}): Flag => ({
  id,
  code: "unclear_answer",
  reason: "could not tell the answer",
  at,
  ...over,
});

type Headers = Record<string, string>;

/** The cookies a response sets, as one Cookie header for the next request. */
function cookiesOf(res: { headers: Record<string, string | string[] | number | undefined> }): string {
  const set = res.headers["set-cookie"];
  const lines = Array.isArray(set) ? set : typeof set === "string" ? [set] : [];
  return lines.map((l) => l.split(";")[0]).join("; ");
}

/** A browser's cookie jar in one line: later values win. */
function mergeCookies(...headers: string[]): string {
  const jar = new Map<string, string>();
  for (const pair of headers.flatMap((h) => h.split("; ")).filter(Boolean)) jar.set(pair.split("=")[0] ?? "", pair);
  return [...jar.values()].join("; ");
}

/** Loads `page` as a browser would and posts a form from it: with its CSRF token and cookie. */
async function postForm(server: FastifyInstance, page: string, url: string, payload: string, headers: Headers = {}) {
  const shown = await server.inject({ method: "GET", url: page, headers });
  const token = /name="_csrf" value="([^"]+)"/.exec(shown.body)?.[1];
  if (!token) throw new Error(`no CSRF token on ${page} (${shown.statusCode})`);
  const cookie = mergeCookies(headers.cookie ?? "", cookiesOf(shown));
  const res = await server.inject({
    method: "POST",
    url,
    headers: { ...headers, cookie, "content-type": "application/x-www-form-urlencoded" },
    payload: `${payload}&_csrf=${encodeURIComponent(token)}`,
  });
  return { res, cookie };
}

describe("the html template", () => {
  it("escapes every interpolation, in text and in attributes, unless it is wrapped by raw", () => {
    const value = `"><img src=x onerror=alert(1)> & '`;
    const out = html`<a title="${value}">${value}</a>${raw("<br>")}${[html`<i>${"<b>"}</i>`, "<u>"]}${false}${null}${undefined}${0}`;
    expect(out.toString()).toBe(
      '<a title="&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;">&quot;&gt;&lt;img src=x onerror=alert(1)&gt; &amp; &#39;</a><br><i>&lt;b&gt;</i>&lt;u&gt;0',
    );
  });
});

describe("HTTP layer", () => {
  let redis: Redis;
  let store: CaseStore;
  let blobDir: string;
  let blobs: BlobStore;
  let app: FastifyInstance;
  let deps: HttpDeps;
  let calls: { caseId: string; cmd: TeamCommand; by: string }[];
  let settled: { flagId: string; action: unknown; by: string }[] = [];
  let nextResult: CommandResult | null;
  let ready: { ok: boolean; checks: Record<string, string> };

  async function seed(c: Case, events: CaseEvent[] = [], looseFlags: Flag[] = []): Promise<void> {
    const result = await store.commit({ before: null, case: c, events, outbox: [], messageIds: [], looseFlags });
    expect(result).toBe("committed");
  }

  /** A case touching every part of the case page, with hostile text wherever mail can put text. */
  async function seedHostileCase(id: string): Promise<void> {
    await seed(
      makeCase(id, {
        site: HOSTILE,
        subject: `Re: ${HOSTILE}`,
        participants: [{ email: "nm@customer.example", name: HOSTILE, role: "network_manager" }],
        flags: [flag("f1", "2026-11-21T09:00:00.000Z", { code: "unknown_sender", reason: `stranger ${HOSTILE}` })],
        overrides: [{ item: "account.contacts", by: "anna", why: "agreed on the phone", at: "2026-11-21T10:00:00.000Z" }],
        evidence: [
          {
            mail: "<m1@customer.example>",
            at: "2026-11-21T09:00:00.000Z",
            from: "nm@customer.example",
            answers: {
              "account.organisation": { status: "ok", value: true, text: "Ja" },
              "account.flex_billing": { status: "negative", value: false, text: `Nej ${HOSTILE}` },
            },
            forms: [
              {
                form: "site_commissioning",
                file: `${HOSTILE}.pdf`,
                status: "failed",
                reason: "1 field failed",
                source: "acroform",
                fields: [{ name: "station_1_mac", value: HOSTILE, verdict: "failed", reason: "invalid_mac" }],
              },
            ],
            photos: [
              {
                file: "overview.jpg",
                thumbnail: `sha256-${"a".repeat(64)}`,
                category: "site_overview",
                status: "failed",
                reasons: ["blurred"],
                measures: { sharpness: 0.12345 },
              },
            ],
            macs: [{ raw: "00:1A:2B:3C:4D:5E", mac: "001A2B3C4D5E", station: 1, status: "ok", reasons: [] }],
          },
        ],
      }),
      [{ at: "2026-11-21T09:00:00.000Z", kind: "mail_in", by: "nm@customer.example", summary: HOSTILE, mail: "<m1@customer.example>" }],
    );
  }

  beforeEach(async () => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("http"));
    blobDir = await mkdtemp(join(tmpdir(), "http-blobs-"));
    blobs = createFileBlobStore(blobDir);
    calls = [];
    settled = [];
    nextResult = null;
    ready = { ok: true, checks: { redis: "ok" } };
    deps = {
      store,
      blobs,
      rules: await testRules(),
      renderer: await loadTemplates("templates"),
      metrics: createMetrics(),
      async teamCommand(caseId, cmd, by) {
        calls.push({ caseId, cmd, by });
        const c = await store.getCase(caseId);
        return nextResult ?? { kind: "ok", case: c ?? makeCase(caseId), outbox: [] };
      },
      async settleLooseFlag(flagId, action, by) {
        settled.push({ flagId, action, by });
        return flagId === "missing" ? { kind: "refused", reason: "no open flag missing without a case" } : { kind: "ok" };
      },
      readiness: async () => ready,
      // These tests read the desk's English; the Swedish default is tested in ui-language.test.ts.
      uiDefaultLanguage: "en",
    };
    app = createHttpServer(deps);
    await app.ready();
  });

  afterEach(async () => {
    await app.close();
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await rm(blobDir, { recursive: true, force: true });
  });

  it("answers /healthz with ok while the process is alive", async () => {
    const res = await app.inject({ method: "GET", url: "/healthz" });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ ok: true });
  });

  it("answers /readyz with the checks, and 503 when a dependency is not ready", async () => {
    expect((await app.inject({ method: "GET", url: "/readyz" })).statusCode).toBe(200);
    ready = { ok: false, checks: { redis: "connection refused" } };
    const res = await app.inject({ method: "GET", url: "/readyz" });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ok: false, checks: { redis: "connection refused" } });
  });

  it("serves the metrics registry as Prometheus text", async () => {
    const res = await app.inject({ method: "GET", url: "/metrics" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/plain/);
    expect(res.body).toContain("# TYPE activation_bot_mails_ingested_total counter");
  });

  it("lists cases with open flag counts and roles, and only the flagged ones with flagged=1", async () => {
    await seed(makeCase("ACT-100001"));
    await seed(
      makeCase("ACT-100002", {
        openedAt: "2026-11-21T08:00:00.000Z",
        flags: [flag("f1", "2026-11-21T09:00:00.000Z"), flag("f2", "2026-11-21T09:00:00.000Z", { resolved: { by: "anna", at: "2026-11-21T10:00:00.000Z", how: "called" } })],
      }),
    );
    const all = await app.inject({ method: "GET", url: "/api/cases" });
    expect(all.statusCode).toBe(200);
    expect(all.json()).toEqual({
      cases: [
        { id: "ACT-100002", site: "Laddgatan 1, Solna", stage: "open", openFlags: 1, openedAt: "2026-11-21T08:00:00.000Z", roles: ["network_manager", "installer"] },
        { id: "ACT-100001", site: "Laddgatan 1, Solna", stage: "open", openFlags: 0, openedAt: "2026-11-20T08:00:00.000Z", roles: ["network_manager", "installer"] },
      ],
      cursor: null,
    });
    const flagged = await app.inject({ method: "GET", url: "/api/cases?flagged=1" });
    expect(flagged.json<{ cases: { id: string }[] }>().cases.map((c) => c.id)).toEqual(["ACT-100002"]);
  });

  it("answers 400 for a flagged filter that is neither 1 nor 0", async () => {
    const res = await app.inject({ method: "GET", url: "/api/cases?flagged=maybe" });
    expect(res.statusCode).toBe(400);
    expect(res.json<{ message: string }>().message).toMatch(/flagged/);
  });

  it("answers 400 for an unknown query parameter, naming it, and for a cursor that is not one of its own", async () => {
    const unknown = await app.inject({ method: "GET", url: "/api/cases?stgae=open" });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<{ message: string }>().message).toMatch(/unknown query parameter stgae/);
    expect((await app.inject({ method: "GET", url: "/api/cases?cursor=x" })).statusCode).toBe(400);
    expect((await app.inject({ method: "GET", url: "/?foo=1" })).statusCode).toBe(400);
  });

  it("pages the case list with a cursor, filters by stage, and searches", async () => {
    for (let n = 1; n <= 3; n++) await seed(makeCase(`ACT-10002${n}`, { site: `Hamngatan ${n}, Ystad`, stage: n === 2 ? "configuration" : "open" }));
    const first = (await app.inject({ method: "GET", url: "/api/cases?limit=2" })).json<{ cases: { id: string }[]; cursor: string }>();
    expect(first.cases.map((c) => c.id)).toEqual(["ACT-100023", "ACT-100022"]);
    const rest = (await app.inject({ method: "GET", url: `/api/cases?limit=2&cursor=${first.cursor}` })).json<{ cases: { id: string }[]; cursor: null }>();
    expect(rest).toEqual({ cases: [expect.objectContaining({ id: "ACT-100021" })], cursor: null });
    const staged = (await app.inject({ method: "GET", url: "/api/cases?stage=configuration" })).json<{ cases: { id: string }[] }>();
    expect(staged.cases.map((c) => c.id)).toEqual(["ACT-100022"]);
    const found = (await app.inject({ method: "GET", url: "/api/cases?q=hamngatan%203" })).json<{ cases: { id: string }[] }>();
    expect(found.cases.map((c) => c.id)).toEqual(["ACT-100023"]);
  });

  it("returns one case with its checklist titled in the case's language, its events, flags and evidence", async () => {
    await seed(
      makeCase("ACT-100003", {
        flags: [flag("f1", "2026-11-21T09:00:00.000Z")],
        evidence: [
          {
            mail: "<m1@customer.example>",
            at: "2026-11-21T09:00:00.000Z",
            from: "nm@customer.example",
            answers: { "account.organisation": { status: "ok", value: true, text: "Ja, bekräftat" } },
            forms: [],
            photos: [{ file: "panel.jpg", category: "electrical_panel", status: "ok", reasons: [], measures: { width: 4000, sharpness: 0.82 } }],
            macs: [],
          },
        ],
      }),
      [{ at: "2026-11-20T08:00:00.000Z", kind: "case_opened", by: "team", summary: "case opened" }],
    );
    const res = await app.inject({ method: "GET", url: "/api/cases/act-100003" });
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      case: { id: string; flags?: unknown };
      checklist: { items: { id: string; title: string; state: { status: string } }[] };
      events: CaseEvent[];
      flags: Flag[];
      evidence: { photos: { measures: Record<string, unknown> }[] }[];
    }>();
    expect(body.case.id).toBe("ACT-100003");
    expect(body.case.flags).toBeUndefined();
    const organisation = body.checklist.items.find((i) => i.id === "account.organisation");
    expect(organisation?.state.status).toBe("ok");
    expect(organisation?.title).not.toBe("account.organisation");
    expect(body.events.map((e) => e.kind)).toEqual(["case_opened"]);
    expect(body.flags.map((f) => f.id)).toEqual(["f1"]);
    expect(body.evidence[0]?.photos[0]?.measures).toEqual({ width: 4000, sharpness: 0.82 });
  });

  it("answers 404 for an unknown case in the API, the form endpoints and the UI", async () => {
    expect((await app.inject({ method: "GET", url: "/api/cases/ACT-999999" })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: "/api/cases/not-a-case" })).statusCode).toBe(404);
    const post = await app.inject({ method: "POST", url: "/api/cases/ACT-999999/close", payload: {} });
    expect(post.statusCode).toBe(404);
    const page = await app.inject({ method: "GET", url: "/cases/ACT-999999" });
    expect(page.statusCode).toBe(404);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(calls).toEqual([]);
  });

  it("lists the open flags of cases and the loose flags, newest first", async () => {
    await seed(
      makeCase("ACT-100004", { flags: [flag("f-old", "2026-11-20T09:00:00.000Z"), flag("f-done", "2026-11-23T09:00:00.000Z", { resolved: { by: "a", at: "x", how: "y" } })] }),
      [],
      [flag("loose-1", "2026-11-22T09:00:00.000Z", { code: "unmatched", reason: "no case for this mail" })],
    );
    const res = await app.inject({ method: "GET", url: "/api/flags" });
    expect(res.statusCode).toBe(200);
    const flags = res.json<{ flags: { id: string; caseId: string | null }[] }>().flags;
    expect(flags.map((f) => [f.id, f.caseId])).toEqual([
      ["loose-1", null],
      ["f-old", "ACT-100004"],
    ]);
  });

  it("passes an override to teamCommand with the team member from X-Team-Member", async () => {
    await seed(makeCase("ACT-100005"));
    const res = await app.inject({
      method: "POST",
      url: "/api/cases/ACT-100005/override",
      headers: { "x-team-member": "anna" },
      payload: { item: "account.flex_billing", reason: "confirmed by phone" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ ok: true, case: { id: "ACT-100005" } });
    expect(calls).toEqual([{ caseId: "ACT-100005", cmd: { kind: "override", item: "account.flex_billing", why: "confirmed by phone" }, by: "anna" }]);
    const badMember = await app.inject({
      method: "POST",
      url: "/api/cases/ACT-100005/override",
      headers: { "x-team-member": "x".repeat(81) },
      payload: { item: "account.flex_billing", reason: "confirmed by phone" },
    });
    expect(badMember.statusCode).toBe(400);
    expect(calls).toHaveLength(1);
  });

  it("maps activate, close and resolve to their commands, acting as team when no member is named", async () => {
    await seed(makeCase("ACT-100006"));
    await app.inject({ method: "POST", url: "/api/cases/ACT-100006/activate", payload: { force: true } });
    await app.inject({ method: "POST", url: "/api/cases/ACT-100006/close" });
    await app.inject({ method: "POST", url: "/api/cases/ACT-100006/flags/f1/resolve", payload: { how: "sender is the new NM" } });
    expect(calls).toEqual([
      { caseId: "ACT-100006", cmd: { kind: "action", action: "activate", why: "", force: true }, by: "team" },
      { caseId: "ACT-100006", cmd: { kind: "action", action: "close", why: "", force: false }, by: "team" },
      { caseId: "ACT-100006", cmd: { kind: "resolve_flag", flag: "f1", how: "sender is the new NM" }, by: "team" },
    ]);
  });

  it("answers 400 with a clear message for an override without a reason, a bad body or malformed JSON", async () => {
    await seed(makeCase("ACT-100007"));
    const noReason = await app.inject({ method: "POST", url: "/api/cases/ACT-100007/override", payload: { item: "account.contacts", reason: "  " } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json<{ message: string }>().message).toBe("reason: a reason is required");
    const badForce = await app.inject({ method: "POST", url: "/api/cases/ACT-100007/activate", payload: { force: "yes" } });
    expect(badForce.statusCode).toBe(400);
    expect(badForce.json<{ message: string }>().message).toMatch(/^force:/);
    const malformed = await app.inject({
      method: "POST",
      url: "/api/cases/ACT-100007/override",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<{ error: string }>().error).toBe("bad_request");
    expect(calls).toEqual([]);
  });

  it("answers 409 with the reason when the team command is refused", async () => {
    await seed(makeCase("ACT-100008"));
    nextResult = { kind: "refused", reason: "case is in stage open, not ready_for_activation" };
    const res = await app.inject({ method: "POST", url: "/api/cases/ACT-100008/activate", payload: {} });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: "refused", reason: "case is in stage open, not ready_for_activation" });
  });

  it("renders the case page with every checklist state and escapes hostile text from mail", async () => {
    await seedHostileCase("ACT-100009");
    const res = await app.inject({ method: "GET", url: "/cases/ACT-100009" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(res.headers["content-security-policy"]).toBe(UI_CSP);
    const page = res.body;
    expect(page).not.toContain(HOSTILE);
    // The one script is the desk's own keyboard file, allowed by script-src 'self'; none is inline.
    expect(UI_CSP).toContain("script-src 'self'");
    expect(page.replace(OWN_SCRIPT, "")).not.toMatch(/<script/i);
    expect(page).toContain(HOSTILE_ESCAPED);
    for (const status of ["missing", "ok", "failed", "overridden"]) expect(page).toContain(`class="badge ${status}">${status}<`);
    expect(page).toContain("agreed on the phone");
    expect(page).toContain(`Nej ${HOSTILE_ESCAPED}`);
    expect(page).toContain(`src="/cases/ACT-100009/photos/sha256-${"a".repeat(64)}/thumbnail"`);
    expect(page).toContain("0.12");
    expect(page).toContain('action="/cases/ACT-100009/override"');
    expect(page).toContain('action="/cases/ACT-100009/flags/f1/resolve"');
  });

  it("renders the flagged queue with flagged cases, loose flags and all cases by stage", async () => {
    await seed(makeCase("ACT-100010", { stage: "commissioning", flags: [flag("f1", "2026-11-21T09:00:00.000Z", { code: "evidence_rejected" })] }));
    await seed(makeCase("ACT-100011", { stage: "configuration" }), [], [flag("l1", "2026-11-22T09:00:00.000Z", { code: "unmatched", reason: HOSTILE })]);
    const res = await app.inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(200);
    const page = res.body;
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain(HOSTILE_ESCAPED);
    expect(page.indexOf("unmatched")).toBeLessThan(page.indexOf("evidence_rejected"));
    expect(page).toContain('href="/cases/ACT-100010"');
    expect(page).toContain('href="/cases/ACT-100011"');
    expect(page.indexOf(">commissioning (1)<")).toBeLessThan(page.indexOf(">configuration (1)<"));
  });

  it("runs a form action through teamCommand and redirects back to the case page", async () => {
    await seed(makeCase("ACT-100012"));
    const { res } = await postForm(app, "/cases/ACT-100012", "/cases/ACT-100012/override", "item=account.contacts&reason=listed+in+the+order&by=Olle", {
      "x-team-member": "Anna",
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/cases/ACT-100012?done=override");
    // Who acts comes from the login or the proxy, never from a field in the form.
    expect(calls).toEqual([{ caseId: "ACT-100012", cmd: { kind: "override", item: "account.contacts", why: "listed in the order" }, by: "Anna" }]);
    const after = await app.inject({ method: "GET", url: res.headers.location });
    expect(after.body).toContain("Checklist item overridden.");
  });

  it("redirects a refused form action back to the case page, which shows its reason once, escaped", async () => {
    await seed(makeCase("ACT-100013"));
    nextResult = { kind: "refused", reason: `no open flag ${HOSTILE}` };
    const { res } = await postForm(app, "/cases/ACT-100013", "/cases/ACT-100013/activate", "reason=&force=1");
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe("/cases/ACT-100013");
    const shown = await app.inject({ method: "GET", url: "/cases/ACT-100013", headers: { cookie: cookiesOf(res) } });
    expect(shown.body).toContain(`Not done: no open flag ${HOSTILE_ESCAPED}`);
    expect(shown.body).not.toContain(HOSTILE);
    expect(calls[0]?.cmd).toEqual({ kind: "action", action: "activate", why: "", force: true });
  });

  it("refuses a form without the session's CSRF token, and an API POST that is not JSON", async () => {
    await seed(makeCase("ACT-100015"));
    const noToken = await app.inject({
      method: "POST",
      url: "/cases/ACT-100015/close",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "force=1",
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.body).toContain("reload the page and send the form again");
    const formToApi = await app.inject({
      method: "POST",
      url: "/api/cases/ACT-100015/close",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "force=1",
    });
    expect(formToApi.statusCode).toBe(415);
    expect(calls).toEqual([]);
  });

  it("refuses a POST from another site", async () => {
    await seed(makeCase("ACT-100014"));
    const res = await app.inject({
      method: "POST",
      url: "/cases/ACT-100014/close",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example", host: "desk.local" },
      payload: "force=1",
    });
    expect(res.statusCode).toBe(403);
    const fetchSite = await app.inject({
      method: "POST",
      url: "/api/cases/ACT-100014/close",
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(fetchSite.statusCode).toBe(403);
    expect(calls).toEqual([]);
  });

  it("serves a case's thumbnail as a JPEG with nosniff and a closed CSP, and no blob the case does not name", async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 0xff, 0xd9]);
    const { id } = await blobs.put(bytes);
    const { id: foreign } = await blobs.put(Buffer.from("<html>another case's mail</html>"));
    const photo = { file: "panel.jpg", thumbnail: id, category: "electrical_panel", status: "ok" as const, reasons: [], measures: {} };
    const record = { mail: "<m@x>", at: "2026-11-21T09:00:00.000Z", from: "nm@customer.example", answers: {}, forms: [], photos: [photo], macs: [] };
    await seed(makeCase("ACT-100016", { evidence: [record] }));
    const res = await app.inject({ method: "GET", url: `/cases/ACT-100016/photos/${id}/thumbnail` });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("image/jpeg");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["content-security-policy"]).toBe("default-src 'none'");
    expect(res.rawPayload.equals(bytes)).toBe(true);
    expect((await app.inject({ method: "GET", url: `/cases/ACT-100016/photos/${foreign}/thumbnail` })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: `/cases/ACT-100017/photos/${id}/thumbnail` })).statusCode).toBe(404);
  });

  it("rejects thumbnail ids that are not sha256 blob ids", async () => {
    for (const bad of ["..%2F..%2Fetc%2Fpasswd", `sha256-${"A".repeat(64)}`, "sha256-abc", `sha256-${"a".repeat(64)}.jpg`]) {
      const res = await app.inject({ method: "GET", url: `/cases/ACT-100016/photos/${bad}/thumbnail` });
      expect(res.statusCode, bad).toBe(400);
    }
  });

  // scripts/test.sh installs Chromium and sets REQUIRE_BROWSER, so in `npm test` this cannot skip.
  it.skipIf(!existsSync(CHROMIUM) && !process.env.REQUIRE_BROWSER)("shows a case page in a headless browser: hostile text stays text, the page is drawn", async () => {
    await seedHostileCase("ACT-100015");
    const port = await app.listen({ port: 0, host: "127.0.0.1" }).then((url) => new URL(url).port);
    const page = `http://127.0.0.1:${port}/cases/ACT-100015`;
    const chromium = (...args: string[]) =>
      promisify(execFile)(
        CHROMIUM,
        ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--hide-scrollbars", ...args, page],
        { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
      );

    // The DOM as the browser built it: the hostile site name is a text node, never an element.
    const { stdout: dom } = await chromium("--dump-dom");
    expect(dom).toContain("ACT-100015");
    expect(dom).toContain(HOSTILE_ESCAPED);
    expect(dom.replace(OWN_SCRIPT, "")).not.toMatch(/<script/i);
    expect(dom).toContain('action="/cases/ACT-100015/override"');

    const png = join(blobDir, "case-page.png");
    await chromium("--window-size=1280,2400", `--screenshot=${png}`);
    const image = sharp(png);
    const { width, height } = await image.metadata();
    expect([width, height]).toEqual([1280, 2400]);
    // Drawn: a blank (all white) page has no spread in any channel.
    const { channels } = await image.stats();
    expect(Math.max(...channels.map((c) => c.stdev))).toBeGreaterThan(10);
  });

  describe("with its own logins (UI_USERS_FILE)", () => {
    let secured: FastifyInstance;

    beforeEach(async () => {
      const file = `# the desk\nanna:${await hashPassword("correct horse battery")}\n\nmaja:${await hashPassword("staple in the tray")}\nvera:${await hashPassword("viewer only here")}:viewer\n`;
      secured = createHttpServer({ ...deps, logins: createLogins(parseUsersFile(file)) });
      await secured.ready();
    });

    afterEach(async () => {
      await secured.close();
    });

    it("asks for a login on pages and the API, and leaves health, readiness and metrics open", async () => {
      await seed(makeCase("ACT-100020"));
      for (const url of ["/", "/cases/ACT-100020", "/nowhere"]) {
        const res = await secured.inject({ method: "GET", url });
        expect(res.statusCode, url).toBe(303);
        expect(res.headers.location).toBe("/login");
      }
      const api = await secured.inject({ method: "GET", url: "/api/cases" });
      expect(api.statusCode).toBe(401);
      expect(api.headers["www-authenticate"]).toBe('Basic realm="Activation desk", charset="UTF-8"');
      expect(api.body).not.toContain("ACT-100020");
      expect((await secured.inject({ method: "GET", url: "/api/cases" })).json()).toMatchObject({ error: "unauthorized" });
      for (const url of ["/healthz", "/readyz", "/metrics"]) expect((await secured.inject({ method: "GET", url })).statusCode, url).toBe(200);
      const page = await secured.inject({ method: "GET", url: "/cases/ACT-100020", headers: { authorization: basicAuth("anna", "correct horse battery") } });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain("ACT-100020");
      // The login is who acts: the page says so and asks for no name.
      expect(page.body).toContain("Signed in as anna");
      expect(page.body).toContain("You act as <strong>anna</strong>");
      expect(page.body).not.toContain('name="by"');
      const queue = await secured.inject({ method: "GET", url: "/", headers: { authorization: basicAuth("anna", "correct horse battery") } });
      expect(queue.body).toContain("Signed in as anna");
      const open = await app.inject({ method: "GET", url: "/cases/ACT-100020" });
      expect(open.body).not.toContain("Signed in as");
    });

    it("refuses a wrong password, an unknown name and a malformed header, and stops checking a name after ten wrong passwords", async () => {
      const wrong = [basicAuth("anna", "staple in the tray"), basicAuth("olle", "correct horse battery"), "Basic !!!", "Bearer abc", basicAuth("", "x")];
      for (const authorization of wrong) {
        expect((await secured.inject({ method: "GET", url: "/api/cases", headers: { authorization } })).statusCode, authorization).toBe(401);
      }
      for (let i = 0; i < 9; i++) await secured.inject({ method: "GET", url: "/", headers: { authorization: basicAuth("anna", `guess ${i}`) } });
      const throttled = await secured.inject({ method: "GET", url: "/", headers: { authorization: basicAuth("anna", "correct horse battery") } });
      expect(throttled.statusCode).toBe(429);
      expect(Number(throttled.headers["retry-after"])).toBeGreaterThan(500);
      expect(throttled.body).toContain("Too many wrong logins");
      const colleague = await secured.inject({ method: "GET", url: "/", headers: { authorization: basicAuth("maja", "staple in the tray") } });
      expect(colleague.statusCode).toBe(200);
      const metrics = (await secured.inject({ method: "GET", url: "/metrics" })).body;
      expect(metrics).toContain('activation_bot_ui_logins_refused_total{reason="refused"} 14');
      expect(metrics).toContain('activation_bot_ui_logins_refused_total{reason="throttled"} 1');
    });

    it("signs in with the form, keeps the session while used, ends it after two idle hours and at sign-out", async () => {
      await seed(makeCase("ACT-100024"));
      let clock = Date.parse("2026-12-01T08:00:00.000Z");
      const timed = createHttpServer({ ...deps, logins: createLogins(parseUsersFile(`anna:${await hashPassword("correct horse battery")}\n`)), now: () => clock });
      try {
        const wrong = await postForm(timed, "/login", "/login", "name=anna&password=wrong+horse");
        expect(wrong.res.headers.location).toBe("/login");
        expect((await timed.inject({ method: "GET", url: "/login", headers: { cookie: cookiesOf(wrong.res) } })).body).toContain("Wrong name or password");
        const { res } = await postForm(timed, "/login", "/login", "name=anna&password=correct+horse+battery");
        expect(res.statusCode).toBe(303);
        expect(res.headers.location).toBe("/");
        const session = cookiesOf(res);
        clock += 90 * 60_000;
        const page = await timed.inject({ method: "GET", url: "/cases/ACT-100024", headers: { cookie: session } });
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain("Signed in as anna");
        const slid = cookiesOf(page).split("; ").find((c) => c.startsWith("desk_session=")) ?? "";
        expect(slid).not.toBe("");
        clock += 90 * 60_000; // idle 90 minutes since the last request: still in
        expect((await timed.inject({ method: "GET", url: "/", headers: { cookie: slid } })).statusCode).toBe(200);
        clock += 121 * 60_000;
        const expired = await timed.inject({ method: "GET", url: "/", headers: { cookie: slid } });
        expect(expired.statusCode).toBe(303);
        expect((await timed.inject({ method: "GET", url: "/login", headers: { cookie: cookiesOf(expired) } })).body).toContain("Your session has ended");

        // A session cookie written by hand (not signed by the desk) is no session.
        const forged = `desk_session=${encodeURIComponent(JSON.stringify({ n: "anna", s: clock, t: clock }))}`;
        expect((await timed.inject({ method: "GET", url: "/", headers: { cookie: forged } })).headers.location).toBe("/login");

        clock = Date.parse("2026-12-02T08:00:00.000Z");
        const signIn = await postForm(timed, "/login", "/login", "name=anna&password=correct+horse+battery");
        const again = mergeCookies(signIn.cookie, cookiesOf(signIn.res));
        const signedOut = await postForm(timed, "/", "/logout", "x=1", { cookie: again });
        expect(signedOut.res.headers.location).toBe("/login");
        expect(signedOut.res.headers["set-cookie"]?.toString()).toMatch(/desk_session=;/);
      } finally {
        await timed.close();
      }
    });

    it("shows a viewer no forms and refuses her every POST, page and API alike", async () => {
      await seed(makeCase("ACT-100023", { flags: [flag("f1", "2026-11-21T09:00:00.000Z")] }));
      const authorization = basicAuth("vera", "viewer only here");
      const page = await secured.inject({ method: "GET", url: "/cases/ACT-100023", headers: { authorization } });
      expect(page.statusCode).toBe(200);
      expect(page.body.match(/<form[^>]*method="post"/g)?.length).toBe(2); // only the language switch and Sign out
      expect(page.body).not.toContain(`action="/cases/`);
      const api = await secured.inject({ method: "POST", url: "/api/cases/ACT-100023/close", headers: { authorization }, payload: { force: true } });
      expect(api.statusCode).toBe(403);
      expect(api.json()).toMatchObject({ error: "forbidden_role" });
      const form = await secured.inject({
        method: "POST",
        url: "/cases/ACT-100023/flags/f1/resolve",
        headers: { authorization, "content-type": "application/x-www-form-urlencoded" },
        payload: "how=x",
      });
      expect(form.statusCode).toBe(403);
      expect(form.body).toContain("may read cases but not act");
      expect(calls).toEqual([]);
    });

    it("records the login name as who acted, whatever X-Team-Member or the form says", async () => {
      await seed(makeCase("ACT-100021"));
      const res = await secured.inject({
        method: "POST",
        url: "/api/cases/ACT-100021/override",
        headers: { authorization: basicAuth("maja", "staple in the tray"), "x-team-member": "anna" },
        payload: { item: "account.flex_billing", reason: "confirmed by phone" },
      });
      expect(res.statusCode).toBe(200);
      const { res: form } = await postForm(secured, "/cases/ACT-100021", "/cases/ACT-100021/override", "item=account.flex_billing&reason=phone&by=anna", {
        authorization: basicAuth("maja", "staple in the tray"),
      });
      expect(form.statusCode).toBe(303);
      expect(calls.map((c) => c.by)).toEqual(["maja", "maja"]);
    });
  });

  it("settles a flag tied to no case from the queue page and through the API", async () => {
    await seed(makeCase("ACT-100022"), [], [flag("unmatched:mid:x", "2026-11-21T09:00:00.000Z", { code: "unmatched" })]);
    const { res: form } = await postForm(app, "/", "/flags/unmatched%3Amid%3Ax/resolve", "how=spam", { "x-team-member": "Maja" });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe("/?done=loose_resolve");
    expect(settled).toEqual([{ flagId: "unmatched:mid:x", action: { kind: "resolve", how: "spam" }, by: "Maja" }]);
    const bad = await app.inject({ method: "POST", url: "/api/flags/f1/assign", payload: { case: "nope" } });
    expect(bad.statusCode).toBe(400);
    const assigned = await app.inject({ method: "POST", url: "/api/flags/f1/assign", payload: { case: "act-100001" } });
    expect(assigned.statusCode).toBe(200);
    expect(settled[1]).toMatchObject({ flagId: "f1", action: { kind: "assign", caseId: "ACT-100001" } });
    const refused = await app.inject({ method: "POST", url: "/api/flags/missing/resolve", payload: { how: "x" } });
    expect(refused.statusCode).toBe(409);
  });
});
