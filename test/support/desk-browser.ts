/**
 * Signing in to the review desk in Debian's Chromium (playwright-core), for the browser tests: a
 * login file with one team member, and a fresh browser context signed in through the sign-in form.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { hashPassword } from "../../src/http/logins.js";

export const CHROMIUM = "/usr/bin/chromium";
export const MAJA = { username: "maja", password: "staple in the tray" };

/** A UI_USERS_FILE holding `who`; `remove` deletes it with its folder. */
export async function deskUsersFile(who: { username: string; password: string } = MAJA): Promise<{ file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "desk-users-"));
  const file = join(dir, "ui-users");
  await writeFile(file, `${who.username}:${await hashPassword(who.password)}\n`);
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A new context of `browser`, signed in at `desk` (its base URL) as `who` with the sign-in form. */
export async function signedIn(
  browser: Browser,
  desk: string,
  who: { username: string; password: string } = MAJA,
  viewport = { width: 1400, height: 1000 },
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  await page.goto(`${desk}/`);
  await page.waitForURL(`${desk}/login`);
  await page.getByLabel("Name").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${desk}/`);
  return { context, page };
}
