/**
 * `activation-bot demo`: the whole process on the real local servers (Dovecot, Redis, an SMTP relay on
 * loopback). Opens a case with an installation service and two stations, then plays the network
 * manager, the contractor and the installer through every stage to `activated` and `closed`, printing
 * the thread as it happens. The review UI stays reachable while it runs.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CommandResult } from "../app/case-commands.js";
import { openCaseCommand, teamCommand } from "../app/case-commands.js";
import { loadConfig } from "../config.js";
import { caseCommandDeps, buildContext, createLogger } from "../main.js";
import { runBot } from "../runtime/run.js";
import type { ReceivedMail } from "./actor.js";
import { MailActor } from "./actor.js";
import { commissioningFormValues, commissioningPhotos, constructionFormValues, demoPhoto, fillForm, sitePhotos } from "./documents.js";
import { createMailUser, imapUrl, PACKAGE_DIR, startLocalRelay } from "./local-mail.js";

const WAIT_MS = 30_000;

export async function runDemo(opts: { keep: boolean }): Promise<void> {
  const script = path.join(PACKAGE_DIR, "scripts/services.sh");
  if (existsSync(script)) execFileSync("bash", [script, "up"], { stdio: "inherit" });
  const desk = await createMailUser("activations", { domain: "demo.local" });
  const relay = await startLocalRelay();
  relay.addMailbox(desk);
  const storage = await mkdtemp(path.join(tmpdir(), "activation-bot-demo-"));
  const config = loadConfig({
    ...process.env,
    REDIS_PREFIX: process.env.REDIS_PREFIX ?? `demo:${randomBytes(3).toString("hex")}:`,
    IMAP_URL: imapUrl(desk),
    SMTP_URL: relay.url,
    MAIL_FROM: `Aktiveringar <${desk.address}>`,
    TAG_SECRET: process.env.TAG_SECRET ?? randomBytes(16).toString("hex"),
    STORAGE_DIR: storage,
    HTTP_PORT: process.env.HTTP_PORT ?? "0",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  });
  const ctx = await buildContext(config, { log: createLogger(config.LOG_LEVEL) });
  const bot = await runBot(ctx);
  const nm = new MailActor(await createMailUser("nina", { domain: "kund.demo" }), "Nina Nätansvarig", relay);
  const contractor = new MailActor(await createMailUser("carl", { domain: "bygg.demo" }), "Carl Entreprenör", relay);
  const installer = new MailActor(await createMailUser("ivar", { domain: "el.demo" }), "Ivar Installatör", relay);
  const say = (line: string) => console.log(line);
  const show = (who: string, m: ReceivedMail) => {
    say(`\n◀ bot → ${who}: ${m.subject}`);
    const body = m.text.split("\n---")[0] ?? m.text;
    say(body.trim().split("\n").map((l) => `  │ ${l}`).join("\n"));
    const files = m.parsed.attachments.map((a) => a.filename).filter(Boolean);
    if (files.length) say(`  │ 📎 ${files.join(", ")}`);
  };
  const send = (who: string, text: string, files: string[] = []) =>
    say(`\n▶ ${who} → bot:${files.length ? ` (📎 ${files.join(", ")})` : ""}\n${text.split("\n").map((l) => `  │ ${l}`).join("\n")}`);

  /** A team member confirms a team step through the app's use case, as the review desk's action does. */
  const confirmStep = async (id: string, item: string) => {
    const r = ok(await teamCommand(caseCommandDeps(ctx), id, { kind: "team_step", item, verdict: { kind: "confirm" } }, "Maja (driftsättning)"));
    await bot.dispatch(r.case, r.outbox.map((e) => e.key));
    say(`\n✔ team: ${item} confirmed by Maja (driftsättning); ${id} is in stage ${r.case.stage}`);
  };

  try {
    say(`Review UI: http://${config.HTTP_HOST}:${bot.httpPort}/   (desk mailbox ${desk.address})`);
    const opened = await openCaseCommand(
      caseCommandDeps(ctx),
      {
        site: "Storgatan 1, Malmö",
        nmEmail: nm.address,
        nmName: "Nina",
        contractorEmail: contractor.address,
        installerEmail: installer.address,
        stations: 2,
        macsShipped: ["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"],
        installService: true,
        locale: "sv",
        // A third-party make (issue 22): the installer is also asked for the make's own certification.
        make: "Alpitronic",
      },
      "demo",
    );
    const c = ok(opened).case;
    await bot.dispatch(c, ok(opened).outbox.map((e) => e.key));
    say(`Case ${c.id} opened for ${c.site} (installation service bought, 2 Alpitronic stations).`);

    // Stage 1: the network manager confirms, in two goes.
    let m = await nm.next(WAIT_MS);
    show("nätverksansvarig", m);
    let text = "Hej!\nOrganisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.\n\nMvh Nina";
    send("nätverksansvarig", text);
    await nm.reply(m, text);
    m = await nm.next(WAIT_MS);
    show("nätverksansvarig", m);
    text = "Operativa kontakter och behörigheter är utsedda: Kalle Drift (kalle@kund.demo) har admin.\nLåda 1 av 2 har kommit.\n\nMvh Nina";
    send("nätverksansvarig", text);
    await nm.reply(m, text);
    m = await nm.next(WAIT_MS);
    show("nätverksansvarig", m);

    // A parcel question about a product that comes digitally is answered as such (issue 22).
    text = "Tack! En fråga: var är paketet med Assure-abonnemanget? Vi har inget spårningsnummer.\n\n/Nina";
    send("nätverksansvarig", text);
    await nm.reply(m, text);
    m = await nm.next(WAIT_MS);
    show("nätverksansvarig", m);

    // The commissioning team verifies the account before installation goes on (the guide's rule), and
    // the network manager is told.
    await confirmStep(c.id, "account.verified");
    m = await nm.next(WAIT_MS);
    show("nätverksansvarig", m);

    // The second box comes on another day: recorded and thanked for, it holds nothing.
    text = "Nu kom låda 2 av 2.\n\n/Nina";
    send("nätverksansvarig", text);
    await nm.reply(m, text);
    show("nätverksansvarig", await nm.next(WAIT_MS));

    // Stage 3: the contractor sends the construction completion form and photos, one of them blurred.
    m = await contractor.next(WAIT_MS);
    show("entreprenör", m);
    const blank = m.parsed.attachments.find((a) => a.filename?.endsWith(".pdf"));
    if (!blank) throw new Error("the site preparation request came without its form");
    const form = await fillForm(blank.content, constructionFormValues(contractor.address));
    const photos = await sitePhotos({ blurred: "elcentral.jpg" });
    text = "Hej, platsen är förberedd. Formuläret och bilderna bifogas.\n\n/Carl";
    send("entreprenör", text, ["konstruktionsavslutning.pdf", ...photos.map((p) => p.filename)]);
    await contractor.reply(m, text, [{ filename: "konstruktionsavslutning.pdf", content: form }, ...photos]);
    m = await contractor.next(WAIT_MS);
    show("entreprenör", m);
    text = "Här är en ny bild på elcentralen.";
    send("entreprenör", text, ["elcentral-ny.jpg"]);
    await contractor.reply(m, text, [{ filename: "elcentral-ny.jpg", content: await demoPhoto(60) }]);
    show("entreprenör", await contractor.next(WAIT_MS));

    // The team confirms the site is ready: only now is the installer dispatched.
    await confirmStep(c.id, "site.confirmed");

    // Stage 4: the installer commissions both stations.
    m = await installer.next(WAIT_MS);
    show("installatör", m);
    const blank2 = m.parsed.attachments.find((a) => a.filename?.endsWith(".pdf"));
    if (!blank2) throw new Error("the commissioning request came without its form");
    const form2 = await fillForm(blank2.content, commissioningFormValues(installer.address, ["00:1A:2B:3C:4D:01", "00-1A-2B-3C-4D-02"]));
    // Alpitronic's own evidence: a screenshot of the make's commissioning tool (rules/photos.yaml).
    const photos2 = [...(await commissioningPhotos(2)), { filename: "driftsattningsverktyg.jpg", content: await demoPhoto(90) }];
    text = "Båda stationerna är installerade, markerade och online. Formulär och foton bifogas.\nJag är certifierad och har gått utbildningen, installatörskontot är skapat och MAC-etiketterna är överlämnade till ägaren. Alpitronic-certifieringen är också klar.\n\nIvar";
    send("installatör", text, ["driftsattning.pdf", ...photos2.map((p) => p.filename)]);
    await installer.reply(m, text, [{ filename: "driftsattning.pdf", content: form2 }, ...photos2]);
    show("installatör", await installer.next(WAIT_MS));

    // Stage 5: the network manager answers the configuration questions.
    m = await nm.next(WAIT_MS, (x) => x.text.includes("Aktivering och konfiguration"));
    show("nätverksansvarig", m);
    text = [
      "Hej! Här kommer uppgifterna:",
      "Supportkontakt: Kalle Drift, kalle@kund.demo, 040-12 34 56",
      "Stationerna ska vara publika.",
      "Öppettider: dygnet runt",
      "Pris: 3,50 kr/kWh",
      "Media: inga bilder eller videor.",
      "",
      "Mvh Nina",
    ].join("\n");
    send("nätverksansvarig", text);
    await nm.reply(m, text);
    show("nätverksansvarig", await nm.next(WAIT_MS));

    // Stage 6: the team activates and, later, closes.
    const activated = await teamCommand(caseCommandDeps(ctx), c.id, { kind: "action", action: "activate", why: "stationerna aktiverade i nätverket", force: false }, "Maja (driftsättning)");
    await bot.dispatch(ok(activated).case, ok(activated).outbox.map((e) => e.key));
    say(`\n✔ team: ${c.id} activated`);
    show("nätverksansvarig", await nm.next(WAIT_MS));
    const closed = await teamCommand(caseCommandDeps(ctx), c.id, { kind: "action", action: "close", why: "klart", force: false }, "Maja (driftsättning)");
    say(`✔ team: ${c.id} ${ok(closed).case.stage}`);
    const events = await ctx.store.events(c.id);
    say(`\nTimeline of ${c.id}: ${events.length} events; stage ${ok(closed).case.stage}.`);
    if (opts.keep) {
      say(`Keeping the bot running: review UI at http://${config.HTTP_HOST}:${bot.httpPort}/ — Ctrl-C to stop.`);
      await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    }
  } finally {
    await bot.stop();
    for (const a of [nm, contractor, installer]) a.close();
    await relay.settled();
    await relay.close();
    await ctx.close();
    await rm(storage, { recursive: true, force: true });
  }
}

function ok(r: CommandResult): Extract<CommandResult, { kind: "ok" }> {
  if (r.kind !== "ok") throw new Error(r.reason);
  return r;
}
