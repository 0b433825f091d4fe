/**
 * The review desk's browser tests start the same way: the bot on Dovecot, Redis and SMTP (harness.ts)
 * with the desk's own logins, and Debian's Chromium to press its buttons.
 */
import type { Browser } from "playwright-core";
import { chromium } from "playwright-core";
import type { DeskLogin } from "../support/desk-browser.js";
import { CHROMIUM, deskUsersFile } from "../support/desk-browser.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";

export interface DeskHarness {
  h: Harness;
  browser: Browser;
  /** The desk's base URL. */
  desk: string;
  /** Closes the browser and the bot, and deletes the logins file. */
  close(): Promise<void>;
}

/** The bot as `name` with `logins` as UI_USERS_FILE (and `env`), and a Chromium. */
export async function startDeskHarness(name: string, logins: DeskLogin[], env: Record<string, string> = {}): Promise<DeskHarness> {
  const users = await deskUsersFile(logins);
  const h = await startHarness(name, { env: { UI_USERS_FILE: users.file, ...env } });
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  return {
    h,
    browser,
    desk: `http://127.0.0.1:${h.bot.httpPort}`,
    async close() {
      await browser.close();
      await h.close();
      await users.remove();
    },
  };
}
