/**
 * Issue 5, end to end on a real Dovecot, Redis and SMTP relay: the evidence people mail in. A
 * contractor's construction completion form with five photos, one of them blurred, gets exactly one
 * answer asking for that photo again, and the retaken photo moves the case on; a "PDF" that is not
 * one gets a clear reason and the worker carries on; an installer's form with a MAC address that was
 * not shipped for the case gets the mismatch explained, and the corrected form moves the case on.
 * The rejected evidence puts the case in the work queue; the mail that fixes it has the bot resolve
 * the flag (the timeline and the case page say so), and the queue drops the row.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseWorkQuery, workQueue } from "../../src/app/work-queue.js";
import type { MailActor, ReceivedMail } from "../../src/demo/actor.js";
import { commissioningFormValues, commissioningPhotos, constructionFormValues, demoPhoto, fillForm, sitePhotos } from "../../src/demo/documents.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";
import type { DeskLogin } from "../support/desk-browser.js";
import { deskUsersFile, MAJA } from "../support/desk-browser.js";
import { basicAuth } from "../support/http.js";
import { COMMISSIONING, HEADINGS, body, confirmTeamStep, expectOpenItems, ofCase, outboxDrained, sectionLines, stageOf } from "./helpers.js";

const MACS = ["00:1A:2B:3C:4D:01", "00:1A:2B:3C:4D:02"];
const NOT_SHIPPED = "00:1A:2B:3C:4D:99";
/** Maja reads the desk in Swedish, Olle in English. */
const OLLE: DeskLogin = { username: "olle", password: "correct horse battery", lang: "en" };

function pdfOf(m: ReceivedMail): Buffer {
  const pdf = m.parsed.attachments.find((a) => a.filename?.endsWith(".pdf"));
  if (!pdf) throw new Error(`no form attached to “${m.subject}”`);
  return pdf.content;
}

describe("evidence mailed in by the contractor and the installer", () => {
  let h: Harness;
  let nm: MailActor;
  let contractor: MailActor;
  let installer: MailActor;
  let id: string;
  const inCase = (m: ReceivedMail) => m.subject.includes(`[${id}]`);
  let toContractor: ReceivedMail;
  let toInstaller: ReceivedMail;
  let blankCommissioning: Buffer;
  let users: Awaited<ReturnType<typeof deskUsersFile>>;
  const rejectedRows = async () =>
    (await workQueue({ store: h.ctx.store, rules: h.ctx.rules }, parseWorkQuery({ cause: "evidence_rejected" }), h.ctx.clock.now().toISOString())).rows.map((r) => r.caseId);
  /** The case page's HTML as the desk serves it to `who`. */
  const casePage = async (who: DeskLogin) => {
    const res = await fetch(`http://127.0.0.1:${h.bot.httpPort}/cases/${id}`, { headers: { authorization: basicAuth(who.username, who.password) } });
    expect(res.status).toBe(200);
    return res.text();
  };

  beforeAll(async () => {
    users = await deskUsersFile([{ ...MAJA, lang: "sv" }, OLLE]);
    h = await startHarness("evidence", { env: { UI_USERS_FILE: users.file } });
    nm = await h.actor("nm", "Nina Nätansvarig");
    contractor = await h.actor("contractor", "Carl Entreprenör");
    installer = await h.actor("installer", "Ivar Installatör");
    const opened = await h.openCase({
      nmEmail: nm.address,
      nmName: "Nina",
      contractorEmail: contractor.address,
      installerEmail: installer.address,
      stations: 2,
      macsShipped: MACS,
      installService: true,
    });
    id = opened.case.id;
    const first = await nm.next(15_000, inCase);
    await nm.reply(first, "Ja, allt stämmer: organisationen, Flex-fakturering är klar och operativa kontakter är utsedda i kontot.");
    await nm.next(15_000, inCase);
    await confirmTeamStep(h, id, "account.verified");
    toContractor = await contractor.next(15_000, inCase);
    await stageOf(h, id, "site_readiness");
  });
  afterAll(async () => {
    await h?.close();
    await users?.remove();
  });

  it("asks for exactly the blurred photo again, and moves on when it comes", async () => {
    const photos = await sitePhotos({ blurred: "elcentral.jpg" });
    const form = await fillForm(pdfOf(toContractor), constructionFormValues(contractor.address));
    const sent = await contractor.reply(toContractor, "Hej, platsen är förberedd. Formuläret och bilderna bifogas.\n\n/Carl", [
      { filename: "konstruktionsavslutning.pdf", content: form },
      ...photos,
    ]);
    const answer = await contractor.next(15_000, inCase);
    expect(answer.parsed.inReplyTo).toBe(sent);

    // Exactly one answer, to the contractor alone.
    await outboxDrained(h, id);
    expect(ofCase(await contractor.all(), id)).toHaveLength(2);
    // The network manager's: the first mail, the answer, and the word that the account is verified.
    expect(ofCase(await nm.all(), id)).toHaveLength(3);
    expect(ofCase(await installer.all(), id)).toHaveLength(0);

    // It asks for the blurred photo again, in the words of rules/photos.yaml, and for nothing else.
    const retake = h.ctx.rules.photos.retake_advice.blurred.sv.replace("{file}", "elcentral.jpg");
    expect(sectionLines(answer, HEADINGS.sv.problems)).toEqual([retake]);
    for (const p of photos.filter((x) => x.filename !== "elcentral.jpg")) expect(answer.text).not.toContain(p.filename);
    // The form was fine: recorded, not asked for again.
    expect(body(answer)).toContain("- Formulär för konstruktionsavslutning: konstruktionsavslutning.pdf");
    const open = expectOpenItems(h, answer, "sv", ["site.photos"]);
    expect(open[0]).toContain("Elcentral 0/1");
    const c = await h.ctx.store.getCase(id);
    expect(c?.stage).toBe("site_readiness");
    // The team sees it too: an open evidence_rejected flag naming the photo, a row in the work queue.
    const raised = c?.flags.find((f) => f.code === "evidence_rejected");
    expect(raised?.resolved).toBeUndefined();
    expect(raised?.reason).toContain("photo “elcentral.jpg” blurred");
    expect(await rejectedRows()).toEqual([id]);
    const verdicts = Object.fromEntries(c?.evidence.flatMap((e) => e.photos).map((p) => [p.file, p.status]) ?? []);
    expect(verdicts).toEqual({
      "betongplatta.jpg": "ok",
      "kabeldragning.jpg": "ok",
      "elcentral.jpg": "failed",
      "signalstyrka.jpg": "ok",
      "oversikt-parkering.jpg": "ok",
    });

    // The retaken photo completes site preparation: site ready; on to commissioning when the team confirms.
    await contractor.reply(answer, "Här är en ny bild på elcentralen.", [{ filename: "elcentral-ny.jpg", content: await demoPhoto(6) }]);
    const next = await contractor.next(15_000, inCase);
    await stageOf(h, id, "site_ready");
    await confirmTeamStep(h, id, "site.confirmed");
    await stageOf(h, id, "commissioning");
    expect(sectionLines(next, HEADINGS.sv.problems)).toEqual([]);
    expect(next.text).not.toContain(retake);
    expect(body(next)).toContain("Steget Platsförberedelse är klart");
    // The retake fixed what the flag named: the bot resolved it in that mail's commit, said so in the
    // timeline and on the case page, and the work queue dropped the row.
    const fixed = (await h.ctx.store.getCase(id))?.flags.find((f) => f.id === raised?.id);
    expect(fixed?.resolved?.by).toBe("bot");
    const how = `${contractor.address} sent a new photo for “Electrical panel” that passed (“elcentral-ny.jpg”)`;
    expect(fixed?.resolved?.how).toBe(how);
    const resolvedEvents = (await h.ctx.store.events(id)).filter((e) => e.kind === "flag_resolved");
    expect(resolvedEvents.map((e) => [e.by, e.summary])).toEqual([["bot", `evidence_rejected resolved: ${how}`]]);
    expect(await rejectedRows()).toEqual([]);
    expect(await casePage({ ...MAJA, lang: "sv" })).toContain(">flagga löst av boten</span>");
    expect(await casePage(OLLE)).toContain(">flag resolved by the bot</span>");
    const stages = (await h.ctx.store.events(id)).filter((e) => e.kind === "stage_changed").map((e) => e.summary);
    expect(stages).toEqual([
      "open → site_readiness: account.verified confirmed",
      "site_readiness → site_ready: checklist complete",
      "site_ready → commissioning: site.confirmed confirmed",
    ]);
    toInstaller = await installer.next(15_000, inCase);
    blankCommissioning = pdfOf(toInstaller);
    expectOpenItems(h, toInstaller, "sv", COMMISSIONING);
  });

  it("gives a clear reason for a PDF that is not one, and carries on", async () => {
    const random = randomBytes(48 * 1024);
    const fakePdfHeader = Buffer.concat([Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R"), randomBytes(16 * 1024)]);
    await installer.reply(toInstaller, "Här kommer formuläret.", [
      { filename: "form.pdf", content: random, contentType: "application/pdf" },
      { filename: "driftsattning.pdf", content: fakePdfHeader, contentType: "application/pdf" },
    ]);
    const answer = await installer.next(15_000, inCase);
    const problems = sectionLines(answer, HEADINGS.sv.problems);
    expect(problems).toHaveLength(2);
    const corrupt = h.ctx.rules.forms.document_messages.corrupt.sv.replace("{file}", "form.pdf");
    expect(problems[0]).toBe(corrupt);
    expect(problems[1]).toMatch(/^”driftsattning\.pdf” (är skadad|är inte något av våra formulär|gick inte att läsa)/);
    expectOpenItems(h, answer, "sv", COMMISSIONING);

    const c = await h.ctx.store.getCase(id);
    expect(c?.stage).toBe("commissioning");
    expect(c?.flags.filter((f) => f.code === "processing_error")).toEqual([]);
    const forms = c?.evidence.flatMap((e) => e.forms).filter((f) => f.file.endsWith(".pdf") && f.file !== "konstruktionsavslutning.pdf");
    expect(forms?.map((f) => [f.file, f.status, f.form])).toEqual([
      ["form.pdf", "failed", null],
      ["driftsattning.pdf", "failed", null],
    ]);
    toInstaller = answer;
  });

  it("explains a MAC address that was not shipped for the case, and accepts the corrected form", async () => {
    const values = commissioningFormValues(installer.address, ["00:1A:2B:3C:4D:01", "001A.2B3C.4D99"]);
    const blank = blankCommissioning;
    const photos = await commissioningPhotos(2, 20);
    await installer.reply(toInstaller, "Båda stationerna är installerade och online. Formulär och foton bifogas.\n\nJag är certifierad och har gått utbildningen, installatörskontot är skapat och MAC-etiketterna är överlämnade till ägaren.", [
      { filename: "driftsattning.pdf", content: await fillForm(blank, values) },
      ...photos,
    ]);
    const answer = await installer.next(15_000, inCase);
    const notShipped = h.ctx.rules.forms.mac_messages.not_shipped.sv.replace("{mac}", NOT_SHIPPED);
    expect(sectionLines(answer, HEADINGS.sv.problems)).toEqual([notShipped]);
    const open = expectOpenItems(h, answer, "sv", ["commissioning.macs"]);
    expect(open[0]).toContain("1/2");
    let c = await h.ctx.store.getCase(id);
    expect(c?.stage).toBe("commissioning");
    // A form that could be read replaces the damaged one: the bot resolved that flag (the MAC not
    // shipped is a contradicted fact, the team's to judge).
    const unreadable = c?.flags.find((f) => f.code === "evidence_rejected" && f.reason.includes("“form.pdf”"));
    expect(unreadable?.resolved?.by).toBe("bot");
    expect(unreadable?.resolved?.how).toContain(`${installer.address} sent a form that could be read (“driftsattning.pdf” for “form.pdf”)`);
    expect(c?.flags.find((f) => f.code === "fact_mismatch")?.resolved).toBeUndefined();
    const macs = c?.evidence.flatMap((e) => e.macs).map((m) => [m.mac, m.status, m.reasons]);
    expect(macs).toEqual([
      ["00:1A:2B:3C:4D:01", "ok", []],
      [NOT_SHIPPED, "failed", ["not_shipped"]],
    ]);

    // The corrected form alone completes commissioning (the photos already came).
    await installer.reply(answer, "Rättat: station 2 har 00:1A:2B:3C:4D:02.", [
      { filename: "driftsattning-rattad.pdf", content: await fillForm(blank, { ...values, station_2_mac: "00:1a:2b:3c:4d:02" }) },
    ]);
    const done = await installer.next(15_000, inCase);
    c = await stageOf(h, id, "configuration");
    expect(sectionLines(done, HEADINGS.sv.problems)).toEqual([]);
    expect(body(done)).toContain("Steget Installation, driftsättning och markering är klart");
    await outboxDrained(h, id);
  });
});
