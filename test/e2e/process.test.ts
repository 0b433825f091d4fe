/**
 * Issue 4, end to end on a real Dovecot, Redis and SMTP relay: one case with the installation service
 * through every stage to `activated` and `closed` (network manager, contractor and installer playing
 * their parts as in the demo, the team activating and closing), and one English case without the
 * installation service, which skips site preparation. After each step the stage is checked, and every
 * mail the bot sends names exactly the open items of the stage the case is in. The team verifies the
 * account and confirms the site through the JSON API (issue 22): before that, no mail reaches the next
 * stage's audience.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandResult, TeamCommand } from "../../src/app/case-commands.js";
import { teamCommand } from "../../src/app/case-commands.js";
import type { MailActor, ReceivedMail } from "../../src/demo/actor.js";
import { commissioningFormValues, commissioningPhotos, constructionFormValues, demoPhoto, fillForm, sitePhotos } from "../../src/demo/documents.js";
import type { Locale } from "../../src/core/types.js";
import { STAGES } from "../../src/core/types.js";
import { caseCommandDeps } from "../../src/main.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";
import { COMMISSIONING, HEADINGS, body, expectOpenItems, mailsOut, outboxDrained, sectionLines, stageOf } from "./helpers.js";

const STAGE1 = ["account.organisation", "account.flex_billing", "account.contacts"];
const SITE = ["site.construction_form", "site.photos"];
const CONFIGURATION = ["config.support_contact", "config.access", "config.opening_hours", "config.pricing", "config.media"];
const MACS = ["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"];

function ok(r: CommandResult): Extract<CommandResult, { kind: "ok" }> {
  if (r.kind !== "ok") throw new Error(r.reason);
  return r;
}

function pdfOf(m: ReceivedMail): Buffer {
  const pdf = m.parsed.attachments.find((a) => a.filename?.endsWith(".pdf"));
  if (!pdf) throw new Error(`no form attached to “${m.subject}”`);
  return pdf.content;
}

const siteForm = (blank: Buffer, contractor: string) => fillForm(blank, constructionFormValues(contractor));
const commissioningForm = (blank: Buffer, installer: string) =>
  fillForm(blank, commissioningFormValues(installer, [MACS[0] ?? "", "00-1A-2B-3C-4D-02"]));

describe("a case through every stage on the real servers", () => {
  let h: Harness;
  let nm: MailActor;
  let contractor: MailActor;
  let installer: MailActor;
  let nmEn: MailActor;
  let installerEn: MailActor;

  beforeAll(async () => {
    h = await startHarness("process");
    nm = await h.actor("nm", "Nina Nätansvarig");
    contractor = await h.actor("contractor", "Carl Entreprenör");
    installer = await h.actor("installer", "Ivar Installatör");
    nmEn = await h.actor("nm-en", "John Smith");
    installerEn = await h.actor("installer-en", "Ian Installer");
  });
  afterAll(async () => {
    await h?.close();
  });

  const api = async (caseId: string, action: "confirm" | "send-back", body: Record<string, string>) => {
    const res = await fetch(`http://127.0.0.1:${h.bot.httpPort}/api/cases/${caseId}/${action}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-team-member": "Maja (driftsättning)" },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as unknown };
  };

  const team = async (caseId: string, cmd: TeamCommand) => {
    const result = ok(await teamCommand(caseCommandDeps(h.ctx), caseId, cmd, "Maja (driftsättning)"));
    await h.bot.dispatch(result.case, result.outbox.map((e) => e.key));
    return result.case;
  };

  it("takes a case with the installation service from the first mail to activated and closed", async () => {
    const locale: Locale = "sv";
    const opened = await h.openCase({
      nmEmail: nm.address,
      nmName: "Nina",
      contractorEmail: contractor.address,
      installerEmail: installer.address,
      stations: 2,
      macsShipped: MACS,
      installService: true,
      locale,
    });
    const id = opened.case.id;
    const inCase = (m: ReceivedMail) => m.subject.includes(`[${id}]`);

    // Stage 1: the network manager's account.
    let m = await nm.next(15_000, inCase);
    expect(m.text).toContain("Konto för nätverksansvarig");
    expectOpenItems(h, m, locale, STAGE1);

    // An unclear answer is asked again, quoting what was read.
    await nm.reply(m, "Hej!\nOrganisation och stationsinformation stämmer. Flex-fakturering: vet inte.\n\nMvh Nina");
    m = await nm.next(15_000, inCase);
    expect((await h.ctx.store.getCase(id))?.stage).toBe("open");
    expectOpenItems(h, m, locale, ["account.flex_billing", "account.contacts"]);
    const unclear = sectionLines(m, HEADINGS.sv.unclear);
    expect(unclear).toHaveLength(1);
    expect(unclear[0]).toContain(h.ctx.renderer.itemTitle(locale, "account.flex_billing"));
    expect(unclear[0]).toContain("du skrev: ”Flex-fakturering: vet inte");
    expect(body(m)).toContain("Vi har registrerat:");
    expect(body(m)).toContain(`- ${h.ctx.renderer.itemTitle(locale, "account.organisation")}`);

    // A negation is not a confirmation: Flex billing stays open, now as not accepted.
    await nm.reply(m, "Flex-fakturering är inte klar än.\n\n/Nina");
    m = await nm.next(15_000, inCase);
    let c = await h.ctx.store.getCase(id);
    expect(c?.stage).toBe("open");
    const open = expectOpenItems(h, m, locale, ["account.flex_billing", "account.contacts"]);
    expect(open.find((l) => l.startsWith(h.ctx.renderer.itemTitle(locale, "account.flex_billing")))).toContain("underkänt: Flex-fakturering är inte klar än");
    expect(sectionLines(m, HEADINGS.sv.unclear)).toEqual([]);
    expect(body(m)).not.toContain("Vi har registrerat:");

    // The rest of stage 1: the network manager is done, but the case waits for the team to verify the
    // account (issue 22): the answer tells so, and nobody else is written to.
    await nm.reply(m, "Nu är Flex-fakturering konfigurerad och operativa kontakter och behörigheter är utsedda i kontot.\n\nMvh Nina");
    m = await nm.next(15_000, inCase);
    expect((await h.ctx.store.getCase(id))?.stage).toBe("open");
    expectOpenItems(h, m, locale, []);
    expect(body(m)).toContain("Driftsättningsteamet gör nu:");
    expect(body(m)).toContain(`- ${h.ctx.renderer.itemTitle(locale, "account.verified")}`);
    await outboxDrained(h, id);
    expect((await mailsOut(h, id)).filter((e) => !e.summary.includes(nm.address))).toEqual([]);

    // The team verifies the account through the JSON API, named in the timeline: site preparation starts.
    const detail = (await (await fetch(`http://127.0.0.1:${h.bot.httpPort}/api/cases/${id}`)).json()) as { toVerify: { id: string }[] };
    expect(detail.toVerify.map((t) => t.id)).toEqual(["account.verified"]);
    expect((await api(id, "confirm", { item: "site.confirmed" })).status).toBe(409);
    const verified = await api(id, "confirm", { item: "account.verified" });
    expect(verified.status).toBe(200);
    c = await stageOf(h, id, "site_readiness");
    expect((await h.ctx.store.events(id)).some((e) => e.by === "Maja (driftsättning)" && e.summary === "account.verified: confirmed by Maja (driftsättning)")).toBe(true);

    // Stage 3: the contractor gets the request with the blank form, and answers with one blurred photo.
    let toContractor = await contractor.next(15_000, inCase);
    expectOpenItems(h, toContractor, locale, SITE);
    const photos = await sitePhotos({ blurred: "elcentral.jpg" });
    const form = await siteForm(pdfOf(toContractor), contractor.address);
    await contractor.reply(toContractor, "Hej, platsen är förberedd. Formuläret och bilderna bifogas.\n\n/Carl", [
      { filename: "konstruktionsavslutning.pdf", content: form },
      ...photos,
    ]);
    toContractor = await contractor.next(15_000, inCase);
    expect((await h.ctx.store.getCase(id))?.stage).toBe("site_readiness");
    expectOpenItems(h, toContractor, locale, ["site.photos"]);
    expect(sectionLines(toContractor, HEADINGS.sv.problems).join("\n")).toContain("elcentral.jpg");

    await contractor.reply(toContractor, "Här är en ny bild på elcentralen.", [{ filename: "elcentral-ny.jpg", content: await demoPhoto(6) }]);
    toContractor = await contractor.next(15_000, inCase);
    c = await stageOf(h, id, "site_ready");
    expectOpenItems(h, toContractor, locale, []);
    expect(body(toContractor)).toContain(`- ${h.ctx.renderer.itemTitle(locale, "site.confirmed")}`);

    // The site is the team's to confirm: sent back first (the reason is mailed to the contractor), then
    // confirmed. Not one mail reaches the installer before the confirmation.
    expect((await api(id, "send-back", { item: "site.confirmed" })).status).toBe(400);
    expect((await api(id, "send-back", { item: "site.confirmed", reason: "Kabeldragningen syns inte på fotona." })).status).toBe(200);
    toContractor = await contractor.next(15_000, inCase);
    expect(body(toContractor)).toContain("Kabeldragningen syns inte på fotona.");
    expect((await h.ctx.store.getCase(id))?.stage).toBe("site_ready");
    await outboxDrained(h, id);
    expect((await mailsOut(h, id)).filter((e) => e.summary.includes(installer.address))).toEqual([]);
    expect((await api(id, "confirm", { item: "site.confirmed" })).status).toBe(200);
    c = await stageOf(h, id, "commissioning");
    const stages = (await h.ctx.store.events(id)).filter((e) => e.kind === "stage_changed").map((e) => e.stage);
    expect(stages).toEqual(["site_readiness", "site_ready", "commissioning"]);

    // Stage 4: the installer commissions both stations.
    let toInstaller = await installer.next(15_000, inCase);
    expect(toInstaller.text).toContain("Installation, driftsättning och markering");
    // The site preparation's form and photos are passed on to the installer (SPEC §2.3).
    expect(toInstaller.parsed.attachments.map((a) => a.filename)).toEqual(
      expect.arrayContaining(["konstruktionsavslutning.pdf", "betongplatta.jpg", "elcentral-ny.jpg"]),
    );
    expectOpenItems(h, toInstaller, locale, COMMISSIONING);
    await installer.reply(
      toInstaller,
      "Båda stationerna är installerade, markerade och online. Formulär och foton bifogas.\nJag är certifierad och har gått utbildningen, installatörskontot är skapat och MAC-etiketterna är överlämnade till ägaren.\n\nIvar",
      [{ filename: "driftsattning.pdf", content: await commissioningForm(pdfOf(toInstaller), installer.address) }, ...(await commissioningPhotos(2, 10))],
    );
    toInstaller = await installer.next(15_000, inCase);
    c = await stageOf(h, id, "configuration");
    expectOpenItems(h, toInstaller, locale, CONFIGURATION);
    expect(c.evidence.flatMap((e) => e.macs).filter((x) => x.status === "ok").map((x) => x.mac).sort()).toEqual(MACS);

    // Stage 5: the network manager answers the configuration questions.
    m = await nm.next(15_000, (x) => inCase(x) && x.text.includes("Aktivering och konfiguration"));
    expectOpenItems(h, m, locale, CONFIGURATION);
    await nm.reply(
      m,
      [
        "Hej! Här kommer uppgifterna:",
        "Supportkontakt: Kalle Drift, kalle@kund.se, 040-12 34 56",
        "Stationerna ska vara publika.",
        "Öppettider: dygnet runt",
        "Pris: 3,50 kr/kWh",
        "Media: inga bilder eller videor.",
        "",
        "Mvh Nina",
      ].join("\n"),
    );
    m = await nm.next(15_000, inCase);
    c = await stageOf(h, id, "ready_for_activation");
    expect(body(m)).toContain("Ärendet är nu i steget Redo för aktivering");
    expectOpenItems(h, m, locale, []);

    // Stage 6: the team activates (the network manager is told), then closes (nobody is).
    c = await team(id, { kind: "action", action: "activate", why: "stationerna aktiverade i nätverket", force: false });
    expect(c.stage).toBe("activated");
    m = await nm.next(15_000, inCase);
    expect(m.text).toContain("Stationerna är aktiverade");
    expectOpenItems(h, m, locale, []);
    c = await team(id, { kind: "action", action: "close", why: "klart", force: false });
    expect(c.stage).toBe("closed");
    expect((await h.ctx.store.getCase(id))?.stage).toBe("closed");

    await outboxDrained(h, id);
    const events = await h.ctx.store.events(id);
    // Every stage after open, in order: none skipped with the installation service bought.
    expect(events.filter((e) => e.kind === "stage_changed").map((e) => e.stage)).toEqual(STAGES.slice(1));
    // Seven mails in (network manager 4, contractor 2, installer 1), exactly one answer to each, plus
    // the first mail, the first mail of each later stage to its audience, the team's send-back, the
    // network manager's word that the account is verified (issue 22) and the activation mail.
    expect(events.filter((e) => e.kind === "mail_in")).toHaveLength(7);
    const out = (await mailsOut(h, id)).map((e) => e.summary.split(" to ")[0]);
    expect(out.filter((k) => k === "progress")).toHaveLength(7);
    expect(out.filter((k) => k === "stage_request")).toHaveLength(4);
    expect(out.filter((k) => k === "sent_back")).toHaveLength(1);
    expect(out.filter((k) => k === "step_confirmed")).toHaveLength(1);
    expect(out.filter((k) => k === "case_activated")).toHaveLength(1);
    expect(out).toHaveLength(14);
  });

  it("skips site preparation without the installation service, in English", async () => {
    const locale: Locale = "en";
    const opened = await h.openCase({
      nmEmail: nmEn.address,
      nmName: "John",
      installerEmail: installerEn.address,
      site: "1 High Street, London",
      stations: 2,
      macsShipped: [],
      installService: false,
      locale,
    });
    const id = opened.case.id;
    const inCase = (m: ReceivedMail) => m.subject.includes(`[${id}]`);

    let m = await nmEn.next(15_000, inCase);
    expect(m.subject).toContain("Station activation – 1 High Street, London");
    expect(m.text).toContain("Hello John,");
    expect(m.text).toContain("Network manager account");
    expectOpenItems(h, m, locale, STAGE1);

    await nmEn.reply(m, "Hi,\n\nThe organisation and station information is correct. Flex billing: not sure yet.\n\nBest regards\nJohn", [], { locale });
    m = await nmEn.next(15_000, inCase);
    expect((await h.ctx.store.getCase(id))?.stage).toBe("open");
    expect(body(m)).toContain("We have recorded:");
    expectOpenItems(h, m, locale, ["account.flex_billing", "account.contacts"]);
    const unclear = sectionLines(m, HEADINGS.en.unclear);
    expect(unclear).toHaveLength(1);
    expect(unclear[0]).toContain("you wrote: “Flex billing: not sure yet");

    await nmEn.reply(m, "Flex billing has been set up and operational contacts and permissions are designated in the account.\n\nJohn", [], { locale });
    m = await nmEn.next(15_000, inCase);
    expect((await h.ctx.store.getCase(id))?.stage).toBe("open");
    expect(body(m)).toContain("The commissioning team now does:");
    expectOpenItems(h, m, locale, []);
    await outboxDrained(h, id);
    expect((await mailsOut(h, id)).filter((e) => e.summary.includes(installerEn.address))).toEqual([]);

    expect((await api(id, "confirm", { item: "account.verified" })).status).toBe(200);
    const c = await stageOf(h, id, "commissioning");
    const changes = (await h.ctx.store.events(id)).filter((e) => e.kind === "stage_changed");
    expect(changes.map((e) => e.summary)).toEqual(["open → commissioning: account.verified confirmed"]);
    expect(c.installService).toBe(false);

    const toInstaller = await installerEn.next(15_000, inCase);
    expect(toInstaller.text).toContain("Installation, commissioning and marking");
    expect(toInstaller.parsed.attachments.map((a) => a.filename)).toEqual([`site_commissioning-${id}.pdf`]);
    expectOpenItems(h, toInstaller, locale, COMMISSIONING);
    // Nothing in Swedish reaches an English case.
    for (const mail of [m, toInstaller]) expect(mail.text).not.toMatch(/saknas|Hej|Med vänliga|Driftsättningsteamet/);
  });
});
