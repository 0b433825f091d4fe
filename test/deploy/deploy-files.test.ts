// The shipped deployment files against the code: alert rules through promtool, every metric a dashboard
// panel or alert names is one the bot registers, every variable compose and the chart set is one
// src/config.ts reads. Helm itself is not installable here: the chart is parsed, not rendered.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_VARIABLES } from "../../src/config.js";
import { Redis } from "ioredis";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { STAGES } from "../../src/core/types.js";
import { createMetrics } from "../../src/runtime/metrics.js";
import { registerStoreMetrics } from "../../src/runtime/store-metrics.js";
import { randomPrefix, redisUrl } from "../support/services.js";

const root = join(import.meta.dirname, "../..");
const read = (p: string) => readFileSync(join(root, p), "utf8");
// Series Prometheus adds itself, not the bot.
const PROMETHEUS_OWN = new Set(["up"]);

async function registeredSeries(): Promise<Set<string>> {
  const { registry } = createMetrics();
  // The gauges `run` adds over the store (read from a real, empty Redis prefix here).
  const redis = new Redis(redisUrl());
  registerStoreMetrics(registry, { store: new CaseStore(redis, randomPrefix("deploy-metrics")), stages: [...STAGES], queues: {} });
  const metrics = await registry.getMetricsAsJSON().finally(() => redis.disconnect());
  const names = new Set<string>();
  for (const m of metrics) {
    names.add(m.name);
    if (String(m.type) === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(m.name + s);
  }
  return names;
}

/** Metric names in a PromQL expression: identifiers followed by `{`, `[`, `)` or space that are not functions or labels. */
function metricNames(expr: string): string[] {
  const noStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, "{}").replace(/\[[^\]]*\]/g, "[]");
  const words = noStrings.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return words.filter((w) => w.startsWith("activation_bot_") || PROMETHEUS_OWN.has(w));
}

describe("alert rules", () => {
  const hasPromtool = spawnSync("promtool", ["--version"]).status === 0;
  it.skipIf(!hasPromtool)("pass promtool check rules", () => {
    const r = spawnSync("promtool", ["check", "rules", join(root, "deploy/prometheus/alerts.yml")], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toMatch(/SUCCESS/);
    expect(r.status).toBe(0);
  });
  if (!hasPromtool) it.skip("promtool is missing: apt-get install prometheus (scripts/test.sh does as root)", () => {});

  it("name only metrics the bot registers", async () => {
    const series = await registeredSeries();
    const rules = (parse(read("deploy/prometheus/alerts.yml")) as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((g) => g.rules);
    expect(rules.length).toBeGreaterThan(0);
    for (const r of rules) {
      const names = metricNames(r.expr);
      expect(names.length, r.expr).toBeGreaterThan(0);
      for (const n of names) expect(PROMETHEUS_OWN.has(n) || series.has(n), `${n} in ${r.expr}`).toBe(true);
    }
  });
});

describe("Grafana dashboard", () => {
  it("is JSON whose every panel queries metrics the bot registers", async () => {
    const series = await registeredSeries();
    const dash = JSON.parse(read("deploy/grafana/activation-bot.json")) as { panels: { title: string; targets: { expr: string }[] }[] };
    expect(dash.panels.length).toBeGreaterThan(0);
    for (const p of dash.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) {
        const names = metricNames(t.expr);
        expect(names.length, t.expr).toBeGreaterThan(0);
        for (const n of names) expect(PROMETHEUS_OWN.has(n) || series.has(n), `${n} in panel "${p.title}"`).toBe(true);
      }
    }
  });
});

describe("docker-compose", () => {
  type Service = { environment?: Record<string, string>; command?: string[] | string; build?: string; image?: string };
  const base = parse(read("docker-compose.yml"), { merge: true }) as { services: Record<string, Service> };
  const sentinel = parse(read("deploy/compose.sentinel.yml"), { merge: true }) as { services: Record<string, Service> };

  it("runs two bots, Redis with AOF and noeviction, and a Dovecot built from Debian", () => {
    const bots = Object.entries(base.services).filter(([, s]) => s.build === ".");
    expect(bots).toHaveLength(2);
    const redis = (base.services.redis?.command as string[]).join(" ");
    expect(redis).toMatch(/--appendonly yes/);
    expect(redis).toMatch(/--maxmemory-policy noeviction/);
    expect(base.services.dovecot?.build).toBe("deploy/dovecot");
    expect(read("deploy/dovecot/Dockerfile")).toMatch(/FROM debian:.*[\s\S]*dovecot-imapd/);
  });

  it("sets only variables src/config.ts reads, and the ones run needs", () => {
    for (const file of [base, sentinel]) {
      for (const [name, s] of Object.entries(file.services)) {
        if (!name.startsWith("bot-")) continue;
        for (const key of Object.keys(s.environment ?? {})) expect(CONFIG_VARIABLES, `${name}: ${key}`).toContain(key);
      }
    }
    for (const key of ["REDIS_URL", "IMAP_URL", "SMTP_URL", "TAG_SECRET", "STORAGE_DIR"]) expect(Object.keys(base.services["bot-1"]?.environment ?? {})).toContain(key);
    for (const bot of ["bot-1", "bot-2"]) expect(sentinel.services[bot]?.environment?.REDIS_SENTINELS).toMatch(/^([\w-]+:\d+,){2}[\w-]+:\d+$/);
  });
});

describe("Helm chart (parsed, not rendered: helm cannot be installed here)", () => {
  const dir = "charts/activation-bot";
  it("has chart metadata, values for Redis or Sentinel, and the templates a deployment on many hosts needs", () => {
    expect(parse(read(`${dir}/Chart.yaml`))).toMatchObject({ apiVersion: "v2", name: "activation-bot" });
    const values = parse(read(`${dir}/values.yaml`)) as { replicaCount: number; redis: Record<string, string>; config: Record<string, string> };
    expect(values.replicaCount).toBeGreaterThan(1);
    expect(Object.keys(values.redis)).toEqual(expect.arrayContaining(["url", "sentinels", "sentinelName"]));
    for (const key of Object.keys(values.config)) expect(CONFIG_VARIABLES).toContain(key);
    const templates = readdirSync(join(root, dir, "templates"));
    expect(templates).toEqual(expect.arrayContaining(["deployment.yaml", "configmap.yaml", "secret.yaml", "pdb.yaml"]));
    const deployment = read(`${dir}/templates/deployment.yaml`);
    expect(deployment).toMatch(/livenessProbe:\s*\n\s*httpGet: \{ path: \/healthz/);
    expect(deployment).toMatch(/readinessProbe:\s*\n\s*httpGet: \{ path: \/readyz/);
    // Every variable the ConfigMap sets by name is one the bot reads.
    const set = [...read(`${dir}/templates/configmap.yaml`).matchAll(/^\s+([A-Z_]+):/gm)].map((m) => m[1]);
    for (const key of set) expect(CONFIG_VARIABLES).toContain(key);
  });
});
