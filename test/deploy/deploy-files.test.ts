// The shipped deployment files against the code: alert rules through promtool, every metric a dashboard
// panel or alert names is one the bot registers, every variable compose and the chart's values set is one
// src/config.ts reads. The Helm chart is rendered and schema-checked in helm-chart.test.ts.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_VARIABLES, loadConfig } from "../../src/config.js";
import { Redis } from "ioredis";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import { OverviewStore } from "../../src/adapters/redis/overview-store.js";
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
  const prefix = randomPrefix("deploy-metrics");
  registerStoreMetrics(registry, { store: new CaseStore(redis, prefix), overview: new OverviewStore(redis, prefix), stages: [...STAGES], queues: {} });
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
  const cluster = parse(read("deploy/compose.cluster.yml"), { merge: true }) as { services: Record<string, Service> };
  /** Compose's `${VAR:-default}` with nothing set in the shell: the default ("" when none). */
  const substituted = (env: Record<string, string>) =>
    Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v).replace(/\$\{[A-Z_]+(?::?[-?]([^}]*))?\}/g, (_, d: string | undefined) => d ?? "")]));

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
    for (const file of [base, sentinel, cluster]) {
      for (const [name, s] of Object.entries(file.services)) {
        if (!name.startsWith("bot-")) continue;
        for (const key of Object.keys(s.environment ?? {})) expect(CONFIG_VARIABLES, `${name}: ${key}`).toContain(key);
      }
    }
    for (const key of ["REDIS_URL", "IMAP_URL", "SMTP_URL", "TAG_SECRET", "STORAGE_DIR"]) expect(Object.keys(base.services["bot-1"]?.environment ?? {})).toContain(key);
    for (const bot of ["bot-1", "bot-2"]) expect(sentinel.services[bot]?.environment?.REDIS_SENTINELS).toMatch(/^([\w-]+:\d+,){2}[\w-]+:\d+$/);
    for (const bot of ["bot-1", "bot-2"]) expect(cluster.services[bot]?.environment?.REDIS_CLUSTER_NODES).toMatch(/^([\w-]+:\d+,){2}[\w-]+:\d+$/);
  });

  it("sets the retention, watchdog, recipient budget and alert settings, and its defaults pass the config schema", () => {
    const env = base.services["bot-1"]?.environment ?? {};
    for (const key of ["ARCHIVE_AFTER_DAYS", "BLOB_RETENTION_DAYS", "JOB_DEADLINE_MS", "WATCHER_LOCK_TTL_MS", "SMTP_DAILY_RECIPIENTS", "ALERT_EMAIL", "ALERT_SMTP_URL", "ALERT_INTERVAL_MS", "ALERT_LOCALE"]) {
      expect(Object.keys(env), key).toContain(key);
    }
    const config = loadConfig(substituted({ ...env, TAG_SECRET: "a-secret-of-16-chars" }));
    expect(config).toMatchObject({ ARCHIVE_AFTER_DAYS: 90, BLOB_RETENTION_DAYS: 365, JOB_DEADLINE_MS: 120_000, ALERT_LOCALE: "sv" });
    // Empty means unset: no alert mail, the recipient budget of MAIL_AUTH.
    expect(config.ALERT_EMAIL).toBeUndefined();
    expect(config.SMTP_DAILY_RECIPIENTS).toBeUndefined();
    expect(loadConfig(substituted({ ...env, ...cluster.services["bot-1"]?.environment, TAG_SECRET: "a-secret-of-16-chars" })).REDIS_CLUSTER_NODES).toBe("redis-c1:6379,redis-c2:6379,redis-c3:6379");
  });

  it("runs every Redis of every variant with AOF, fsync always and noeviction", () => {
    const commands = [base.services.redis, sentinel.services["redis-replica"], cluster.services["redis-c1"]].map((s) => [s?.command].flat().join(" "));
    for (const c of commands) expect(c).toMatch(/--appendonly yes[\s\S]*--appendfsync always[\s\S]*--maxmemory-policy noeviction/);
    expect([cluster.services["redis-cluster-init"]?.command].flat().join(" ")).toMatch(/redis-cli --cluster create/);
  });
});

describe("Helm chart values", () => {
  const dir = "charts/activation-bot";
  it("have chart metadata, Redis or Sentinel or Cluster, and settings the bot reads, valid as the ConfigMap hands them over", () => {
    expect(parse(read(`${dir}/Chart.yaml`))).toMatchObject({ apiVersion: "v2", name: "activation-bot" });
    const values = parse(read(`${dir}/values.yaml`)) as { replicaCount: number; redis: Record<string, string>; config: Record<string, string> };
    expect(values.replicaCount).toBeGreaterThan(1);
    expect(Object.keys(values.redis)).toEqual(expect.arrayContaining(["url", "sentinels", "sentinelName", "clusterNodes"]));
    for (const key of Object.keys(values.config)) expect(CONFIG_VARIABLES).toContain(key);
    for (const key of ["ARCHIVE_AFTER_DAYS", "BLOB_RETENTION_DAYS", "JOB_DEADLINE_MS", "SMTP_DAILY_RECIPIENTS", "ALERT_EMAIL"]) expect(Object.keys(values.config), key).toContain(key);
    // The values as the ConfigMap hands them over (all strings, "" for unset) are a valid configuration.
    expect(() => loadConfig({ ...values.config, REDIS_URL: values.redis.url, TAG_SECRET: "a-secret-of-16-chars" })).not.toThrow();
  });
});
