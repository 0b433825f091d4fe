/**
 * Shared steps of the desk's browser tests (Chromium through playwright-core): a file of UI logins
 * with their roles, signing in through the desk's own form in whichever language its page speaks,
 * and the checks every page must pass — every control labelled, nothing wider than the window.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { hashPassword } from "../../src/http/logins.js";

/** Debian's Chromium, which the browser tests drive. */
export const CHROMIUM = "/usr/bin/chromium";

export interface DeskLogin {
  username: string;
  password: string;
  /** Absent: an agent, as UI_USERS_FILE reads a line without a role. */
  role?: "viewer" | "agent" | "admin";
  /** The login's desk language on its UI_USERS_FILE line; absent: the browser's Accept-Language decides. */
  lang?: "sv" | "en";
}

/** Writes UI_USERS_FILE lines (`name:scrypt$…[:role][:lang]`) for these logins. */
export async function writeUiUsers(file: string, logins: DeskLogin[]): Promise<void> {
  const lines = await Promise.all(logins.map(async (l) => `${l.username}:${await hashPassword(l.password)}${l.role ? `:${l.role}` : ""}${l.lang ? `:${l.lang}` : ""}`));
  await writeFile(file, `${lines.join("\n")}\n`);
}

/** The team member most browser tests sign in as. */
export const MAJA: DeskLogin = { username: "maja", password: "staple in the tray" };

/** A UI_USERS_FILE holding `who` in a folder of its own; `remove` deletes it with its folder. */
export async function deskUsersFile(who: DeskLogin | DeskLogin[] = MAJA): Promise<{ file: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "desk-users-"));
  const file = join(dir, "ui-users");
  await writeUiUsers(file, Array.isArray(who) ? who : [who]);
  return { file, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A fresh browser profile signed in through the desk's sign-in form (in English); lands on the flagged queue. */
export async function signedIn(browser: Browser, desk: string, who: DeskLogin = MAJA, viewport = { width: 1400, height: 1000 }): Promise<{ context: BrowserContext; page: Page }> {
  return signInAt(browser, desk, who, viewport);
}

/**
 * A fresh browser profile whose browser asks for `locale` (Accept-Language), signed in at `desk`
 * through the sign-in form; the form's labels are read in either language. `lang`: the desk language
 * cookie to start with (the language switch's choice).
 */
export async function signInAt(
  browser: Browser,
  desk: string,
  who: DeskLogin,
  opts: { locale?: string; width?: number; height?: number; lang?: "sv" | "en" } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1400, height: opts.height ?? 1000 }, locale: opts.locale ?? "en-US", acceptDownloads: true });
  if (opts.lang) await context.addCookies([{ name: "desk_lang", value: opts.lang, url: desk }]);
  const page = await context.newPage();
  await page.goto(`${desk}/`);
  await page.waitForURL(`${desk}/login`);
  await page.getByLabel(/^\s*(Name|Namn)\s*$/).fill(who.username);
  await page.getByLabel(/^\s*(Password|Lösenord)\s*$/).fill(who.password);
  await page.getByRole("button", { name: /^(Sign in|Logga in)$/ }).click();
  await page.waitForURL(`${desk}/`);
  return { context, page };
}

/** The page's controls with no accessible name (no label, aria-label, aria-labelledby or title; a button without text). */
export async function unlabelledControls(page: Page): Promise<string[]> {
  // A string, run in the page: the project's TypeScript has no DOM types.
  return page.evaluate<string[]>(`(() => {
    const out = [];
    for (const el of document.querySelectorAll("input, select, textarea, button")) {
      if (el.tagName === "INPUT" && el.type === "hidden") continue;
      const aria = (el.getAttribute("aria-label") || "").trim() || el.getAttribute("aria-labelledby") || (el.getAttribute("title") || "").trim();
      const labelled = el.labels && el.labels.length > 0;
      const text = el.tagName === "BUTTON" ? (el.textContent || "").trim() : "";
      if (!aria && !labelled && !text) out.push(el.outerHTML.slice(0, 160));
    }
    return out;
  })()`);
}

/** How wide the page is laid out: more than the window means a horizontal scroll. */
export async function layoutWidth(page: Page): Promise<number> {
  return page.evaluate<number>("document.documentElement.scrollWidth");
}
