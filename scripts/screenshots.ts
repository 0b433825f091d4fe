/**
 * The README's pictures of the review desk: `npx tsx scripts/screenshots.ts` (SERVICES_DIR as for the
 * demo) starts the bot on the local servers like the demo does, fills the desk through the product's
 * use cases and real mail (cases opened with `openCaseCommand`, network managers answering through the
 * relay, the bot flagging unclear answers), and has Debian's Chromium (playwright-core) take the work
 * queue and a case page at 1400 px (the whole page) and 400 px wide (the first screen), in Swedish (the
 * desk's default) and English, into docs/screenshots/.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { openCaseCommand } from "../src/app/case-commands.js";
import { loadConfig } from "../src/config.js";
import { MailActor } from "../src/demo/actor.js";
import { createMailUser, imapUrl, PACKAGE_DIR, startLocalRelay } from "../src/demo/local-mail.js";
import { buildContext, caseCommandDeps, createLogger } from "../src/main.js";
import { runBot } from "../src/runtime/run.js";

const CHROMIUM = "/usr/bin/chromium";
const OUT = path.join(PACKAGE_DIR, "docs/screenshots");
const WAIT_MS = 30_000;

async function main(): Promise<void> {
  const script = path.join(PACKAGE_DIR, "scripts/services.sh");
  if (!process.env.SERVICES_DIR && existsSync(script)) execFileSync("bash", [script, "up"], { stdio: "inherit" });
  const desk = await createMailUser("activations", { domain: "shots.local" });
  const relay = await startLocalRelay();
  relay.addMailbox(desk);
  const storage = await mkdtemp(path.join(tmpdir(), "activation-bot-shots-"));
  const config = loadConfig({
    ...process.env,
    REDIS_PREFIX: `shots:${randomBytes(3).toString("hex")}:`,
    IMAP_URL: imapUrl(desk),
    SMTP_URL: relay.url,
    MAIL_FROM: `Aktiveringar <${desk.address}>`,
    TAG_SECRET: randomBytes(16).toString("hex"),
    STORAGE_DIR: storage,
    HTTP_PORT: "0",
    LOG_LEVEL: "warn",
    UI_DEFAULT_LANGUAGE: "sv",
  });
  const ctx = await buildContext(config, { log: createLogger(config.LOG_LEVEL) });
  const bot = await runBot(ctx);
  const actors: MailActor[] = [];
  const browser = await chromium.launch({ executablePath: CHROMIUM });
  try {
    const sites = [
      // An unclear answer (a flag) and a "no" (a failed checklist item, with her words as its reason).
      { site: "Storgatan 1, Malmö", name: "Nina Nätansvarig", answer: "Kontaktpersoner: vet inte ännu. Vi har inte konfigurerat Flex-fakturering ännu." },
      { site: "Kungsgatan 12, Lund", name: "Olle Ägare", answer: "Organisationen stämmer nog, men jag vet inte vem som sköter faktureringen." },
      { site: "Hamngatan 3, Helsingborg", name: "Hanna Hansson", answer: "" },
    ];
    const ids: string[] = [];
    for (const [i, s] of sites.entries()) {
      const nm = new MailActor(await createMailUser(`nm${i}`, { domain: "kund.shots" }), s.name, relay);
      actors.push(nm);
      const opened = await openCaseCommand(caseCommandDeps(ctx), {
        site: s.site,
        nmEmail: nm.address,
        nmName: s.name.split(" ")[0] ?? s.name,
        stations: 2,
        macsShipped: [`00:1A:2B:3C:4${i}:01`, `00:1A:2B:3C:4${i}:02`],
        installService: i !== 2,
        locale: "sv",
      });
      if (opened.kind !== "ok") throw new Error(`case not opened: ${opened.reason}`);
      await bot.dispatch(opened.case, opened.outbox.map((e) => e.key));
      ids.push(opened.case.id);
      const first = await nm.next(WAIT_MS);
      if (s.answer) {
        await nm.reply(first, s.answer);
        await nm.next(WAIT_MS);
      }
    }
    // The bot's flags are in once each answer has been read.
    const deadline = Date.now() + WAIT_MS;
    while (Date.now() < deadline && (await ctx.store.getCase(ids[0] as string))?.flags.length === 0) await new Promise((r) => setTimeout(r, 200));

    const base = `http://${config.HTTP_HOST}:${bot.httpPort}`;
    await mkdir(OUT, { recursive: true });
    for (const lang of ["sv", "en"] as const) {
      for (const width of [1400, 400]) {
        const context = await browser.newContext({ viewport: { width, height: width === 1400 ? 800 : 900 }, locale: lang === "sv" ? "sv-SE" : "en-GB" });
        const page = await context.newPage();
        await page.goto(`${base}/work`);
        await page.screenshot({ path: path.join(OUT, `work-${lang}-${width}.png`), fullPage: width === 1400 });
        await page.goto(`${base}/cases/${ids[0]}`);
        // At 1400 px the whole page: the checklist with its reasons and the timeline are below the fold.
        await page.screenshot({ path: path.join(OUT, `case-${lang}-${width}.png`), fullPage: width === 1400 });
        await context.close();
      }
    }
    console.log(`screenshots of ${ids.join(", ")} in ${OUT}`);
  } finally {
    await browser.close();
    await bot.stop();
    for (const a of actors) a.close();
    await relay.settled();
    await relay.close();
    // The store was the pictures' alone: it leaves the shared Redis with them taken.
    const keys = await ctx.redis.keys(`${config.REDIS_PREFIX}*`);
    for (let i = 0; i < keys.length; i += 500) await ctx.redis.del(...keys.slice(i, i + 500));
    await ctx.close();
    await rm(storage, { recursive: true, force: true });
  }
}

await main();
