/**
 * Signing in to the review desk in Chromium (playwright-core), for the browser tests: a fresh context
 * at 1400 px, the sign-in form filled and sent, the desk's language cookie set when asked.
 */
import type { Browser, BrowserContext, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";

export interface DeskLogin {
  username: string;
  password: string;
}

export async function signInToDesk(browser: Browser, desk: string, who: DeskLogin, opts: { lang?: "sv" | "en" } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
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
