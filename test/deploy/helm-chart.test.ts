// The Helm chart (charts/activation-bot) rendered and schema-checked. helm itself cannot be had here (it is
// in neither Debian's nor npm's registries, and npm's wrappers download it), so helm-render
// (test/deploy/helm-render/main.go: Go's text/template with sprig and helm's own functions, built from
// Debian's Go packages; its header lists what it leaves out) stands in for `helm template`. The chart is
// rendered with its default values and with each variant in test/deploy/helm-values/; every object must
// pass the Kubernetes schema kubernetes-models has for its apiVersion and kind (an unknown kind fails),
// and the objects together must make what a deployment on many hosts needs. The defaults alone do not
// render: the mail logins and the tag secret have no default, and the chart names them.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_VARIABLES, loadConfig, requireConfig } from "../../src/config.js";

const chartDir = join(import.meta.dirname, "../../charts/activation-bot");
const rendererDir = join(import.meta.dirname, "helm-render");
const hasGo = spawnSync("go", ["version"]).status === 0;

interface Meta { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface K8sObject { apiVersion: string; kind: string; metadata: Meta; [field: string]: unknown }
interface Rendered { source: string; object: K8sObject }
type Port = number | string;
interface Container {
  name: string;
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: { name: string; value?: string }[];
  livenessProbe?: { httpGet?: { path: string; port: Port } };
  readinessProbe?: { httpGet?: { path: string; port: Port } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: { fsGroup?: number; runAsNonRoot?: boolean };
  volumes?: { name: string; persistentVolumeClaim?: { claimName: string } }[];
}
interface Deployment extends K8sObject {
  spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { metadata: Meta; spec: PodSpec } };
}
type ModelClass = new (data: unknown) => { validate(): void };

/** helm-render built once per version of its source; the binary is kept in the temp directory under its source's hash. */
function buildRenderer(): string {
  const source = readFileSync(join(rendererDir, "main.go"));
  const dir = join(tmpdir(), `activation-bot-helm-render-${createHash("sha256").update(source).digest("hex").slice(0, 16)}`);
  const bin = join(dir, "helm-render");
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const building = `${bin}.${process.pid}`;
  // GOPATH mode against Debian's packages in /usr/share/gocode: no module download, no network.
  const env = {
    ...process.env,
    GO111MODULE: "off",
    GOPATH: [process.env.GOPATH, "/usr/share/gocode"].filter(Boolean).join(":"),
    GOPROXY: "off",
    GOFLAGS: "",
    GOCACHE: process.env.GOCACHE ?? join(tmpdir(), "activation-bot-go-cache"),
  };
  const r = spawnSync("go", ["build", "-o", building, "."], { cwd: rendererDir, env, encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`go build of test/deploy/helm-render failed; it needs Debian's golang-github-masterminds-sprig-dev and golang-k8s-sigs-yaml-dev (scripts/test.sh installs them as root):\n${r.stderr}`);
  }
  // Another worker that built the same source meanwhile is overwritten by an identical binary.
  renameSync(building, bin);
  return bin;
}

function renderRun(bin: string, valueFiles: string[]) {
  const args = valueFiles.flatMap((f) => ["-f", join(import.meta.dirname, "helm-values", f)]);
  return { args, ...spawnSync(bin, [...args, "desk", chartDir], { encoding: "utf8" }) };
}

function render(bin: string, valueFiles: string[]): Rendered[] {
  const r = renderRun(bin, valueFiles);
  if (r.status !== 0) throw new Error(`helm-render ${r.args.join(" ")} failed:\n${r.stderr}`);
  return documents(r.stdout);
}

function documents(output: string): Rendered[] {
  return output
    .split(/^---\n/m)
    .filter((doc) => doc.trim() !== "")
    // YAML 1.1 as Kubernetes reads it: an unquoted `yes` or `0755` is then no string, as in the cluster.
    .map((doc) => ({ source: /^# Source: (.+)$/m.exec(doc)?.[1] ?? "?", object: parse(doc, { version: "1.1" }) as K8sObject }));
}

/** The schema's complaint about an object, or undefined when it passes; an apiVersion/kind kubernetes-models lacks is one. */
async function schemaErrors(o: K8sObject): Promise<string | undefined> {
  const version = /^(?:([a-z0-9.-]+)\/)?(v\d+(?:(?:alpha|beta)\d+)?)$/.exec(String(o.apiVersion));
  if (!version || !/^[A-Z][A-Za-z]+$/.test(String(o.kind))) return `no Kubernetes kind: apiVersion ${o.apiVersion}, kind ${o.kind}`;
  const module = ["kubernetes-models", version[1], version[2], o.kind].filter(Boolean).join("/");
  let Model: ModelClass | undefined;
  try {
    Model = ((await import(module)) as Record<string, ModelClass | undefined>)[o.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return `unknown kind ${o.kind} in ${o.apiVersion} (no ${module})`;
  try {
    new Model(o).validate();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const VARIANTS: Record<string, string[]> = {
  "default values and the mail logins": ["logins.yaml"],
  Sentinel: ["sentinel.yaml"],
  "Cluster, existing Secret": ["cluster.yaml"],
  "external Redis, password in the Secret": ["external-redis.yaml"],
};

describe.skipIf(!hasGo)("Helm chart, rendered by helm-render (a stand-in for helm template)", () => {
  const rendered: Record<string, Rendered[]> = {};
  let bin = "";
  // A first build compiles sprig and x/crypto: tens of seconds on a loaded machine.
  beforeAll(() => {
    bin = buildRenderer();
    for (const [name, files] of Object.entries(VARIANTS)) rendered[name] = render(bin, files);
  }, 300_000);

  it("helm-render prints a chart as helm template does for the features it claims (testdata/chart)", () => {
    const testdata = join(rendererDir, "testdata");
    const run = (...files: string[]) =>
      spawnSync(bin, ["-n", "desk-ns", ...files.flatMap((f) => ["-f", join(testdata, f)]), "desk", join(testdata, "chart")], { encoding: "utf8" });
    const ok = run("override.yaml");
    expect(ok.stderr).toBe("");
    // -f merges maps and a null removes a default; numbers are float64 (1e+06) and `y` is true, as helm
    // reads values; "<no value>" prints as nothing; _helpers.tpl and a template rendering to blanks print nothing.
    expect(ok.stdout).toBe(
      [
        "---",
        "# Source: probe/templates/all.yaml",
        "keep:",
        "  a: 1",
        "  b: three",
        "labels:",
        "  chart: probe-1.2.3",
        '  app: "4.5"',
        "greeting: hello base",
        'missing: ""',
        "drop: false",
        "name: base",
        "release: desk/desk-ns/Helm/probe/templates/all.yaml",
        "big: 1e+06",
        'list: ["x",true]',
        "---",
        "# Source: probe/templates/all.yaml",
        "second: 2",
        "",
      ].join("\n"),
    );
    const failed = run("override.yaml", "unset-name.yaml");
    expect(failed.status).toBe(1);
    expect(failed.stdout).toBe("");
    expect(failed.stderr).toMatch(/^Error: template: probe\/templates\/all\.yaml:6:\d+: .*error calling required: name is required$/m);
  });

  const objects = (variant: string) => (rendered[variant] ?? []).map((r) => r.object);
  const ofKind = (variant: string, kind: string) => objects(variant).filter((o) => o.kind === kind);
  const named = (variant: string, kind: string, name: string) => ofKind(variant, kind).find((o) => o.metadata.name === name);
  const deployment = (variant: string) => {
    const all = ofKind(variant, "Deployment") as Deployment[];
    expect(all).toHaveLength(1);
    return all[0] as Deployment;
  };
  const bot = (variant: string) => {
    const c = deployment(variant).spec.template.spec.containers.find((x) => x.name === "bot");
    if (!c) throw new Error("no container named bot");
    return c;
  };
  /** The bot container's environment as the kubelet builds it: envFrom in order (later wins), then env. */
  const botEnv = (variant: string): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const from of bot(variant).envFrom ?? []) {
      if (from.configMapRef) Object.assign(env, named(variant, "ConfigMap", from.configMapRef.name)?.data);
      if (from.secretRef) Object.assign(env, named(variant, "Secret", from.secretRef.name)?.stringData);
    }
    for (const e of bot(variant).env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    return env;
  };
  const matches = (selector: Record<string, string>, labels: Record<string, string> | undefined) =>
    Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);

  for (const variant of Object.keys(VARIANTS)) {
    describe(variant, () => {
      it("renders objects that each pass the Kubernetes schema of their apiVersion and kind", async () => {
        expect(rendered[variant]?.length).toBeGreaterThan(0);
        for (const { source, object } of rendered[variant] ?? []) {
          expect(await schemaErrors(object), `${source}: ${object.kind} ${object.metadata?.name}`).toBeUndefined();
          expect(object.metadata.name, source).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        }
        const ids = objects(variant).map((o) => `${o.kind}/${o.metadata.name}`);
        expect(new Set(ids).size, ids.join(", ")).toBe(ids.length);
      });

      it("runs the bot in a Deployment of two or more replicas, probed on /healthz and /readyz at the port it listens on", () => {
        const d = deployment(variant);
        expect(d.spec.replicas).toBeGreaterThanOrEqual(2);
        expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
        const c = bot(variant);
        const env = loadConfig(botEnv(variant));
        // The kubelet probes the pod's address: the bot must listen on every interface, at the probed port.
        expect(env.HTTP_HOST).toBe("0.0.0.0");
        const portOf = (p: Port | undefined) => (typeof p === "number" ? p : c.ports?.find((x) => x.name === p)?.containerPort);
        expect(c.livenessProbe?.httpGet?.path).toBe("/healthz");
        expect(c.readinessProbe?.httpGet?.path).toBe("/readyz");
        expect(portOf(c.livenessProbe?.httpGet?.port)).toBe(env.HTTP_PORT);
        expect(portOf(c.readinessProbe?.httpGet?.port)).toBe(env.HTTP_PORT);
      });

      it("sets through its ConfigMap and Secret only settings src/config.ts reads, which make a valid configuration", () => {
        const maps = ofKind(variant, "ConfigMap");
        expect(maps.length).toBeGreaterThan(0);
        for (const o of [...maps, ...ofKind(variant, "Secret")]) {
          const data = (o.data ?? o.stringData ?? {}) as Record<string, string>;
          for (const key of Object.keys(data)) expect(CONFIG_VARIABLES, `${o.kind} ${o.metadata.name}: ${key}`).toContain(key);
        }
        // A URL with a password is a secret: never in a ConfigMap.
        for (const o of maps) for (const [k, v] of Object.entries(o.data as Record<string, string>)) expect(v, k).not.toMatch(/:\/\/[^/@]*:[^/@]+@/);
        const refs = bot(variant).envFrom ?? [];
        for (const r of refs) if (r.configMapRef) expect(named(variant, "ConfigMap", r.configMapRef.name), r.configMapRef.name).toBeDefined();
        expect(refs.filter((r) => r.secretRef)).toHaveLength(1);
        const config = loadConfig(botEnv(variant));
        expect(config.STORAGE_DIR).toBe(bot(variant).volumeMounts?.find((m) => m.name === "data")?.mountPath);
        // With the Secret's values given, `run` has what it needs.
        if (named(variant, "Secret", refs.find((r) => r.secretRef)?.secretRef?.name ?? "")?.stringData) {
          expect(() => requireConfig(config, ["IMAP_URL", "SMTP_URL", "TAG_SECRET"])).not.toThrow();
        }
      });

      it("gives the pods one Secret: the chart's, holding what `run` needs, or the operator's by name", () => {
        const ref = bot(variant).envFrom?.find((r) => r.secretRef)?.secretRef?.name ?? "";
        const secrets = ofKind(variant, "Secret");
        if (secrets.length === 0) {
          // The operator's Secret: the chart cannot see it, and makes none beside it.
          expect(ref).toBe("desk-mail-logins");
          return;
        }
        expect(secrets).toHaveLength(1);
        expect(secrets[0]?.metadata.name).toBe(ref);
        const data = (secrets[0]?.stringData ?? {}) as Record<string, string>;
        for (const key of ["IMAP_URL", "SMTP_URL", "TAG_SECRET"]) expect(data[key], key).toBeTruthy();
      });

      it("keeps one pod through a voluntary disruption and serves HTTP from the Deployment's pods", () => {
        const d = deployment(variant);
        const pdbs = ofKind(variant, "PodDisruptionBudget") as (K8sObject & { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } })[];
        expect(pdbs).toHaveLength(1);
        const pdb = pdbs[0]?.spec;
        expect(matches(pdb?.selector.matchLabels ?? {}, d.spec.template.metadata.labels)).toBe(true);
        // At least one pod stays, and a node drain can still evict one.
        expect(pdb?.minAvailable).toBeGreaterThanOrEqual(1);
        expect(pdb?.minAvailable).toBeLessThan(d.spec.replicas);
        const services = ofKind(variant, "Service") as (K8sObject & { spec: { selector: Record<string, string>; ports: { targetPort: Port }[] } })[];
        expect(services).toHaveLength(1);
        expect(matches(services[0]?.spec.selector ?? {}, d.spec.template.metadata.labels)).toBe(true);
        for (const p of services[0]?.spec.ports ?? []) expect(bot(variant).ports?.map((x) => x.name)).toContain(p.targetPort);
      });

      it("mounts blob storage every replica shares, writable by the image's user", () => {
        const pod = deployment(variant).spec.template.spec;
        const claim = pod.volumes?.find((v) => v.name === "data")?.persistentVolumeClaim?.claimName;
        expect(claim).toBeDefined();
        const pvc = named(variant, "PersistentVolumeClaim", claim ?? "") as (K8sObject & { spec: { accessModes: string[] } }) | undefined;
        // A claim the chart makes is ReadWriteMany; an existing one is the operator's (external-redis.yaml names one).
        if (pvc) expect(pvc.spec.accessModes).toEqual(["ReadWriteMany"]);
        else expect(claim).toBe("desk-blobs");
        // The image runs as `node` (uid 1000, Dockerfile): the volume's group must let it write.
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, fsGroup: 1000 });
      });
    });
  }

  it("default values alone: no render and no empty Secret, but an error naming what to set and the existing-Secret way", () => {
    const r = renderRun(bin, []);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("the bot needs IMAP_URL, SMTP_URL, TAG_SECRET: set secret.values.IMAP_URL, secret.values.SMTP_URL, secret.values.TAG_SECRET, or secret.existingSecret");
  });

  it("names only what is missing, takes a password-less URL from config, and refuses a short TAG_SECRET", () => {
    const dir = mkdtempSync(join(tmpdir(), "helm-values-"));
    const run = (values: string) => {
      const file = join(dir, `v${createHash("sha256").update(values).digest("hex").slice(0, 8)}.yaml`);
      writeFileSync(file, values);
      return spawnSync(bin, ["-f", file, "desk", chartDir], { encoding: "utf8" });
    };
    try {
      const noSmtp = run('secret:\n  values:\n    IMAP_URL: "imaps://u:p@imap.example.com"\n    TAG_SECRET: "a-tag-secret-of-32-characters-00"\n');
      expect(noSmtp.status).toBe(1);
      expect(noSmtp.stderr).toContain("the bot needs SMTP_URL: set secret.values.SMTP_URL, or secret.existingSecret");
      const oauth = run(
        'config:\n  MAIL_AUTH: entra\n  IMAP_URL: "imaps://imap.example.com"\n  SMTP_URL: "smtps://smtp.example.com"\nsecret:\n  values:\n    TAG_SECRET: "a-tag-secret-of-32-characters-00"\n',
      );
      expect(oauth.stderr).toBe("");
      expect(documents(oauth.stdout).find((d) => d.object.kind === "Secret")?.object.stringData).toEqual({ TAG_SECRET: "a-tag-secret-of-32-characters-00" });
      const short = run('secret:\n  values:\n    IMAP_URL: "imaps://u:p@imap.example.com"\n    SMTP_URL: "smtps://u:p@smtp.example.com"\n    TAG_SECRET: "too-short"\n');
      expect(short.status).toBe(1);
      expect(short.stderr).toContain("secret.values.TAG_SECRET must be at least 16 characters");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("default values and the mail logins: REDIS_URL from values.yaml, neither Sentinel nor Cluster", () => {
    const config = loadConfig(botEnv("default values and the mail logins"));
    expect(config.REDIS_URL).toBe("redis://redis:6379");
    expect(config.REDIS_SENTINELS).toBeUndefined();
    expect(config.REDIS_CLUSTER_NODES).toBeUndefined();
  });

  it("Sentinel: the sentinels, the master's name and the sentinels' password reach the bot's environment", () => {
    const config = loadConfig(botEnv("Sentinel"));
    expect(config.REDIS_SENTINELS).toBe("redis-sentinel-0.redis:26379,redis-sentinel-1.redis:26379,redis-sentinel-2.redis:26379");
    expect(config.REDIS_SENTINEL_NAME).toBe("desk");
    expect(config.REDIS_SENTINEL_PASSWORD).toBe("sentinel-pass");
    expect(config.REDIS_CLUSTER_NODES).toBeUndefined();
  });

  it("Cluster: the nodes reach the environment, keys get a hash tag, and the operator's Secret is used, none rendered", () => {
    const config = loadConfig(botEnv("Cluster, existing Secret"));
    expect(config.REDIS_CLUSTER_NODES).toBe("redis-cluster-0.redis-cluster:6379,redis-cluster-1.redis-cluster:6379,redis-cluster-2.redis-cluster:6379");
    expect(config.REDIS_PREFIX).toBe("{ab:}");
    expect(ofKind("Cluster, existing Secret", "Secret")).toHaveLength(0);
    expect(bot("Cluster, existing Secret").envFrom?.find((r) => r.secretRef)?.secretRef?.name).toBe("desk-mail-logins");
  });

  it("external Redis: REDIS_URL with its password comes from the Secret alone; config values reach the ConfigMap", () => {
    const variant = "external Redis, password in the Secret";
    expect(loadConfig(botEnv(variant))).toMatchObject({ REDIS_URL: "rediss://:redis-pass@redis.example.net:6380/2", LOG_LEVEL: "debug" });
    for (const o of ofKind(variant, "ConfigMap")) expect(Object.keys(o.data as object)).not.toContain("REDIS_URL");
    expect(deployment(variant).spec.replicas).toBe(3);
  });

  it("rolls the pods when the ConfigMap or the Secret changes (their checksums annotate the pod template)", () => {
    const annotations = (variant: string) => deployment(variant).spec.template.metadata.annotations ?? {};
    const base = annotations("default values and the mail logins");
    expect(base["checksum/config"]).toMatch(/^[0-9a-f]{64}$/);
    expect(base["checksum/secret"]).toMatch(/^[0-9a-f]{64}$/);
    expect(render(bin, ["logins.yaml"]).map((r) => r.object).find((o) => o.kind === "Deployment")?.spec).toEqual(deployment("default values and the mail logins").spec);
    expect(annotations("Sentinel")["checksum/config"]).not.toBe(base["checksum/config"]);
    expect(annotations("Sentinel")["checksum/secret"]).not.toBe(base["checksum/secret"]);
  });
});

if (!hasGo) {
  describe("Helm chart", () => {
    it.skip("go is missing: apt-get install golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev (scripts/test.sh does as root)", () => {});
  });
}
