/**
 * Shared by the desk's browser tests (Chromium through playwright-core): the sign-in of a team member
 * through the desk's own form, in a fresh browser profile, and a file of UI logins with their roles.
 */
import { writeFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { hashPassword } from "../../src/http/logins.js";

/** Debian's Chromium, which the browser tests drive. */
export const CHROMIUM = "/usr/bin/chromium";

export interface DeskLogin {
  username: string;
  password: string;
  /** Absent: an agent, as UI_USERS_FILE reads a line without a role. */
  role?: "viewer" | "agent" | "admin";
}

/** Writes UI_USERS_FILE lines (`name:scrypt$…[:role]`) for these logins. */
export async function writeUiUsers(file: string, logins: DeskLogin[]): Promise<void> {
  const lines = await Promise.all(logins.map(async (l) => `${l.username}:${await hashPassword(l.password)}${l.role ? `:${l.role}` : ""}`));
  await writeFile(file, `${lines.join("\n")}\n`);
}

/** A fresh browser profile signed in through the desk's sign-in form; lands on the flagged queue. */
export async function signedIn(browser: Browser, desk: string, who: DeskLogin): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  await page.goto(`${desk}/`);
  await page.waitForURL(`${desk}/login`);
  await page.getByLabel("Name").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${desk}/`);
  return { context, page };
}
