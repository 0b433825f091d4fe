/** `case assign` and `case reopen` as a person runs them (through tsx, on the real Redis). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { beginStore, randomPrefix } from "../support/services.js";


const cli = (args: string[], env: Record<string, string>) => runCli(args, env);

describe("activation-bot case assign and case reopen", () => {
  let storage: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), "ab-cli-owner-"));
    env = { REDIS_PREFIX: randomPrefix("cliowner"), TAG_SECRET: "cli-test-secret-0123456789", STORAGE_DIR: storage, MAIL_FROM: "Aktiveringar <activations@desk.test>" };
    await beginStore(env.REDIS_PREFIX ?? "");
  });
  afterAll(async () => {
    await rm(storage, { recursive: true, force: true });
  });

  it("assigns a case to a colleague and reopens it after it was closed, each under the name given", async () => {
    const id = (await cli(["case", "open", "--site", "Ägarvägen 3", "--nm-email", "nina@kund.test"], env)).stdout.trim();
    expect(id).toMatch(/^ACT-\d{6}$/);
    expect((await cli(["case", "assign", id, "--to", "maja", "--by", "olle"], env)).code).toBe(0);
    expect((await cli(["case", "close", id, "--force", "--by", "olle"], env)).code).toBe(0);
    expect((await cli(["case", "reopen", id, "--reason", "kunden återkom", "--by", "maja"], env)).code).toBe(0);
    const shown = JSON.parse((await cli(["case", "show", id, "--json"], env)).stdout);
    expect(shown.case.stage).toBe("open");
    expect(shown.case.owner).toMatchObject({ name: "maja", by: "olle" });
    const events = shown.events.map((e: { by: string; summary: string }) => `${e.by}: ${e.summary}`);
    expect(events).toContain("olle: assigned to maja by olle");
    expect(events).toContain("maja: closed → open: reopened by maja: kunden återkom");
    // Five processes of tsx on two shared cores.
  }, 240_000);
});
