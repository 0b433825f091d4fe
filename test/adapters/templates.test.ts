/**
 * Loading the mail templates: every locale's templates are compiled when they are loaded, so a broken
 * one stops the start-up with its file's name rather than failing the first mail that needs it.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadTemplates } from "../../src/adapters/files/templates.js";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function templatesCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "ab-templates-"));
  dirs.push(dir);
  await cp(path.resolve("templates"), dir, { recursive: true });
  return dir;
}

describe("loadTemplates", () => {
  it("loads the shipped templates of every locale", async () => {
    const renderer = await loadTemplates(path.resolve("templates"));
    expect(renderer.itemTitle("sv", "account.organisation")).not.toBe("account.organisation");
    expect(renderer.itemTitle("en", "account.organisation")).not.toBe("account.organisation");
  });

  it("names the template that does not parse", async () => {
    const dir = await templatesCopy();
    await writeFile(path.join(dir, "en", "progress.md"), "Hello {{#if open}}\nno closing block\n");
    await expect(loadTemplates(dir)).rejects.toThrow(path.join(dir, "en", "progress.md"));
  });

  it("names the template whose partial is missing", async () => {
    const dir = await templatesCopy();
    await writeFile(path.join(dir, "sv", "reminder.md"), "Hej\n{{> no-such-partial}}\n");
    await expect(loadTemplates(dir)).rejects.toThrow(/sv.reminder\.md: .*no-such-partial/);
  });

  it("names a subject line that does not parse", async () => {
    const dir = await templatesCopy();
    const strings = path.join(dir, "sv", "strings.yaml");
    await writeFile(strings, (await readFile(strings, "utf8")).replace(/^subject: .*$/m, 'subject: "Aktivering {{#each site}}"'));
    await expect(loadTemplates(dir)).rejects.toThrow(/strings\.yaml \(subject\)/);
  });
});
