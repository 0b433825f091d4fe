/** The `activation-bot` command as a person runs it (through tsx, on the real Redis). */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogins, parseUsersFile } from "../../src/http/logins.js";
import { runCli } from "../support/cli.js";
import { REPO_ROOT } from "../support/rules.js";
import { Redis } from "ioredis";
import { randomPrefix, redisUrl } from "../support/services.js";
import { basicAuth } from "../support/http.js";


const cli = runCli;

describe("activation-bot", () => {
  let storage: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), "ab-cli-"));
    env = { REDIS_PREFIX: randomPrefix("cli"), TAG_SECRET: "cli-test-secret-0123456789", STORAGE_DIR: storage, MAIL_FROM: "Aktiveringar <activations@desk.test>" };
  });
  afterAll(async () => {
    await rm(storage, { recursive: true, force: true });
  });

  it("validates the rules folder and names the file and path of a mistake", async () => {
    const good = await cli(["rules", "check", "--json"]);
    expect(good.code).toBe(0);
    expect(JSON.parse(good.stdout)).toMatchObject({ ok: true, stages: 8 });

    const dir = await mkdtemp(join(tmpdir(), "ab-rules-"));
    await cp(join(REPO_ROOT, "rules"), dir, { recursive: true });
    const stages = await readFile(join(dir, "stages.yaml"), "utf8");
    await writeFile(join(dir, "stages.yaml"), stages.replace("evidence: answer }", "evidence: telepathy }"));
    const bad = await cli(["rules", "check", dir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/stages\.yaml: stages\.0\.items\.0\.evidence: /);
    await rm(dir, { recursive: true, force: true });
  });

  it("stops with an error naming a bad configuration variable", async () => {
    const r = await cli(["run"], { ...env, IMAP_URL: "http://not-imap" });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("IMAP_URL");
  });

  it("makes a review-UI login line from a piped password, and refuses a short password or a bad name", async () => {
    const made = await cli(["ui-user", "anna"], {}, "correct horse battery\n");
    expect(made.code).toBe(0);
    expect(made.stdout).not.toContain("correct horse battery");
    const logins = createLogins(parseUsersFile(made.stdout));
    expect(await logins.check(basicAuth("anna", "correct horse battery"), "127.0.0.1")).toEqual({ kind: "ok", name: "anna", role: "agent" });

    const short = await cli(["ui-user", "anna"], {}, "too short\n");
    expect([short.code, short.stdout]).toEqual([2, ""]);
    expect(short.stderr).toContain("at least 12 characters");
    const badName = await cli(["ui-user", "anna berg"], {}, "correct horse battery\n");
    expect(badName.code).toBe(2);
    expect(badName.stderr).toContain("not a login name");
  });

  it("will not start with a users file it cannot use, naming the file and the line", async () => {
    const file = join(storage, "ui-users");
    await writeFile(file, "# the desk\nanna:hunter2\n");
    const servers = { IMAP_URL: "imap://desk:pw@127.0.0.1:1", SMTP_URL: "smtp://127.0.0.1:1" };
    const bad = await cli(["run"], { ...env, ...servers, UI_USERS_FILE: file });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`UI_USERS_FILE ${file}: line 2: expected "name:scrypt$…"`);
    const missing = await cli(["run"], { ...env, ...servers, UI_USERS_FILE: join(storage, "nowhere") });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("UI_USERS_FILE: cannot read");
  });

  it("inspects a mail without acting: an out-of-office reply is an auto_reply", async () => {
    const r = await cli(["inspect", join(REPO_ROOT, "test/fixtures/mail/sv-exchange-ooo.eml"), "--json"], env);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.class).toBe("auto_reply");
    expect(report.answers).toEqual({});
  });

  it("refuses to open a case on a store without its epoch marker and cases (lost, or never begun), naming rebuild and run", async () => {
    const refused = await cli(["case", "open", "--site", "Storgatan 1", "--nm-email", "nina@kund.test"], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("store_lost");
    expect(refused.stderr).toContain("activation-bot rebuild");
    expect(refused.stderr).toContain("activation-bot run");
    const redis = new Redis(redisUrl());
    expect(await redis.exists(`${env.REDIS_PREFIX}seq`)).toBe(0);
    // What `run` does on a store it begins (a new desk): the marker is written.
    await redis.set(`${env.REDIS_PREFIX}epoch`, "2026-12-04T00:00:00.000Z.cli-test");
    await redis.quit();
  });

  it("inspects a parcel question about a digital product (issue 22): the question, the receipt beside it, no other answer", async () => {
    const r = await cli(["inspect", join(REPO_ROOT, "test/fixtures/mail/sv-assure-parcel-question.eml"), "--json"], env);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.digital_delivery).toEqual({ products: ["assure"], text: "Men var är paketet med Assure-abonnemanget? Vi har inget spårningsnummer." });
    expect(Object.keys(report.answers)).toEqual(["shipping.received"]);
    expect(report.answers["shipping.received"]).toMatchObject({ status: "ok", value: { box: 1, of: 2 } });
  });

  it("opens a case of a third-party make (issue 22) and refuses a make the rules do not know", async () => {
    const opened = await cli(["case", "open", "--site", "Hamngatan 2", "--nm-email", "nina@kund.test", "--make", "Alpitronic HYC300", "--json"], env);
    expect(opened.code).toBe(0);
    const id = JSON.parse(opened.stdout).case.id as string;
    const detail = JSON.parse((await cli(["case", "show", id, "--json"], env)).stdout);
    expect(detail.case.make).toBe("alpitronic");
    expect(detail.checklist.items.map((i: { id: string }) => i.id)).toContain("installer.alpitronic_certified");
    expect((await cli(["case", "show", id], env)).stdout).toContain("make: alpitronic");
    const unknown = await cli(["case", "open", "--site", "Hamngatan 2", "--nm-email", "nina@kund.test", "--make", "Kempower"], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown make “Kempower”; rules/makes.yaml knows: chargepoint, alpitronic");
    // Four processes of the CLI, each starting tsx: on a loaded machine that takes its time.
  }, 120_000);

  it("opens a case, shows it and lists it", async () => {
    const opened = await cli(["case", "open", "--site", "Storgatan 1", "--nm-email", "nina@kund.test", "--stations", "2"], env);
    expect(opened.code).toBe(0);
    const id = opened.stdout.trim();
    expect(id).toMatch(/^ACT-\d{6}$/);
    const shown = await cli(["case", "show", id, "--json"], env);
    const detail = JSON.parse(shown.stdout);
    expect(detail.case.stage).toBe("open");
    expect(detail.checklist.items.filter((i: { stage: string }) => i.stage === "open").map((i: { id: string }) => i.id)).toEqual([
      "account.organisation",
      "account.flex_billing",
      "account.contacts",
      "shipping.received",
      "account.verified",
    ]);
    const text = await cli(["case", "show", id], env);
    expect(text.stdout).toContain("account.flex_billing");
    expect(text.stdout).toContain("case_opened");
    const list = await cli(["cases", "list", "--json"], env);
    expect(JSON.parse(list.stdout).cases.map((c: { id: string }) => c.id)).toContain(id);
    const refused = await cli(["case", "activate", id], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("not yet ready for activation");
    expect(refused.stderr).toContain("(--force)");
  });
});
