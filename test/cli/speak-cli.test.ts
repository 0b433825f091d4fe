/** The team speaks in the thread from the command line (through tsx, on the real Redis). */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { beginStore, randomPrefix } from "../support/services.js";


describe("activation-bot case replace-address | pause-reminders", () => {
  let storage: string;
  let env: Record<string, string>;
  const cli = (args: string[]) => runCli(args, env);
  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), "ab-speak-cli-"));
    env = { REDIS_PREFIX: randomPrefix("speak-cli"), TAG_SECRET: "cli-test-secret-0123456789", STORAGE_DIR: storage, MAIL_FROM: "Aktiveringar <activations@desk.test>" };
    await beginStore(env.REDIS_PREFIX ?? "");
  });
  afterAll(async () => {
    await rm(storage, { recursive: true, force: true });
  });

  it("replaces an address, sending the last mail again to the new one, and pauses the reminders, each under the name given", async () => {
    const opened = await cli(["case", "open", "--site", "Storgatan 1, Malmö", "--nm-email", "nina@kund.se", "--nm-name", "Nina", "--stations", "1"]);
    expect(opened.code, opened.stderr).toBe(0);
    const id = opened.stdout.trim();

    const replaced = await cli(["case", "replace-address", id, "nina@kund.se", "nina.n@kund.se", "--by", "Maja", "--json"]);
    expect(replaced.code, replaced.stderr).toBe(0);
    const out = JSON.parse(replaced.stdout) as { outbox: { to: string[]; subject: string }[] };
    expect(out.outbox).toEqual([expect.objectContaining({ to: ["nina.n@kund.se"] })]);
    expect(out.outbox[0]?.subject).toContain(id);

    const day = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
    expect((await cli(["case", "pause-reminders", id, "--until", day, "--reason", "semester", "--by", "Maja"])).code).toBe(0);

    const shown = JSON.parse((await cli(["case", "show", id, "--json"])).stdout) as { case: { participants: { email: string }[] }; events: { kind: string; by: string; summary: string }[] };
    expect(shown.case.participants.map((p) => p.email)).toEqual(["nina.n@kund.se"]);
    expect(shown.events.filter((e) => e.by === "Maja").map((e) => e.kind)).toEqual(["participant_changed", "team_mail", "reminder"]);
    expect(shown.events.find((e) => e.kind === "team_mail" && e.by === "Maja")?.summary).toContain("nina@kund.se");
  }, 240_000);
});
