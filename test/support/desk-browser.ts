/**
 * Shared steps of the desk's browser tests (playwright-core driving Debian's Chromium): where Chromium
 * is, and signing in through the desk's own form as a team member does.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface DeskLogin {
  username: string;
  password: string;
}

/**
 * A new browser context signed in at `desk` (the sign-in form the desk redirects to), on the queue page.
 * `lang`: the desk language cookie to start with (the desk's default when absent).
 */
export async function signInToDesk(browser: Browser, desk: string, who: DeskLogin, opts: { width?: number; height?: number; lang?: "sv" | "en" } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1400, height: opts.height ?? 1000 } });
  if (opts.lang) await context.addCookies([{ name: "desk_lang", value: opts.lang, url: desk }]);
  const page = await context.newPage();
  await page.goto(`${desk}/`);
  await page.waitForURL(`${desk}/login`);
  await page.getByLabel("Name").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${desk}/`);
  return { context, page };
}
