/** `case edit` as a person runs it (through tsx, on the real Redis): the same edit rule as the desk and the API. */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/rules.js";
import { beginStore, randomPrefix } from "../support/services.js";

const run = promisify(execFile);

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(join(REPO_ROOT, "node_modules/.bin/tsx"), [join(REPO_ROOT, "src/cli/main.ts"), ...args], { cwd: REPO_ROOT, env: { ...process.env, LOG_LEVEL: "silent", ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("activation-bot case edit", () => {
  let storage: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), "ab-cli-edit-"));
    env = { REDIS_PREFIX: randomPrefix("cliedit"), TAG_SECRET: "cli-test-secret-0123456789", STORAGE_DIR: storage, MAIL_FROM: "Aktiveringar <activations@desk.test>" };
    await beginStore(env.REDIS_PREFIX ?? "");
  });
  afterAll(async () => {
    await rm(storage, { recursive: true, force: true });
  });

  it("changes the station count, adds a MAC and a participant, renames one, under the name given; a bad MAC is refused by name", async () => {
    const id = (await cli(["case", "open", "--site", "Ändragatan 1", "--nm-email", "nina@kund.test", "--stations", "2", "--macs", "00:1A:2B:3C:4D:01"], env)).stdout.trim();
    expect(id).toMatch(/^ACT-\d{6}$/);
    const bad = await cli(["case", "edit", id, "--add-macs", "00:1A:2B:3C:4D:0Z", "--by", "maja"], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("macsShipped: not a MAC address: 00:1A:2B:3C:4D:0Z");
    const ok = await cli(
      ["case", "edit", id, "--stations", "3", "--add-macs", "001a2b3c4d02", "--name", "nina@kund.test=Nina Berg", "--add", "olle@bygg.test", "--add-role", "contractor", "--add-name", "Olle", "--by", "maja"],
      env,
    );
    expect(ok.code).toBe(0);
    const shown = JSON.parse((await cli(["case", "show", id, "--json"], env)).stdout);
    expect(shown.case).toMatchObject({ stations: 3, macsShipped: ["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"] });
    expect(shown.case.participants).toEqual([
      { email: "nina@kund.test", name: "Nina Berg", role: "network_manager" },
      { email: "olle@bygg.test", name: "Olle", role: "contractor" },
    ]);
    const edit = shown.events.find((e: { kind: string }) => e.kind === "facts_changed");
    expect(edit.by).toBe("maja");
    expect(edit.summary).toBe(
      "facts changed by maja: stations 2 → 3; macs shipped 00:1A:2B:3C:4D:01 → 00:1A:2B:3C:4D:01, 00:1A:2B:3C:4D:02; participant nina@kund.test name — → Nina Berg; participant added: Olle <olle@bygg.test> (contractor)",
    );
    // Four processes of tsx on two shared cores: slow when the machine is busy.
  }, 480_000);
});
