/**
 * Issue 22 end to end on a real Dovecot, Redis and SMTP relay: a third-party case (Alpitronic) whose
 * installer is asked for the make's extra certification and the make's own photo beside the usual
 * items; its network manager is told when the team verifies the account, reports the boxes one by
 * one, and asks after a parcel for the Assure subscription (answered: it comes digitally). The desk
 * sees make and deliveries in the case detail. A second case learns its make from the shipped MAC's
 * vendor prefix, from a desk table (a copy of rules/ with one prefix added, a locally administered
 * one that no vendor holds).
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor, ReceivedMail } from "../../src/demo/actor.js";
import { commissioningFormValues, commissioningPhotos, demoPhoto, fillForm } from "../../src/demo/documents.js";
import type { CaseDetail } from "../../src/http/case-views.js";
import type { Harness } from "./harness.js";
import { startHarness } from "./harness.js";
import { COMMISSIONING, HEADINGS, body, expectOpenItems, sectionLines, stageOf } from "./helpers.js";

const MACS = ["02:AB:C0:00:00:01", "02:AB:C0:00:00:02"];
const REPO_RULES = path.resolve("rules");

describe("a third-party make's case on the real servers", () => {
  let h: Harness;
  let rulesDir: string;
  let nm: MailActor;
  let installer: MailActor;

  beforeAll(async () => {
    rulesDir = await mkdtemp(path.join(tmpdir(), "ab-rules-"));
    await cp(REPO_RULES, rulesDir, { recursive: true });
    const makes = path.join(rulesDir, "makes.yaml");
    await writeFile(makes, (await readFile(makes, "utf8")).replace("mac_prefixes: []", 'mac_prefixes:\n  - { prefix: "02:AB:C0", make: alpitronic }'));
    h = await startHarness("third-party", { env: { RULES_DIR: rulesDir } });
    nm = await h.actor("nm", "Nina Nätansvarig");
    installer = await h.actor("installer", "Ivar Installatör");
  });
  afterAll(async () => {
    await h?.close();
    if (rulesDir) await rm(rulesDir, { recursive: true, force: true });
  });

  const post = (caseId: string, action: string, body: Record<string, string>) =>
    fetch(`http://127.0.0.1:${h.bot.httpPort}/api/cases/${caseId}/${action}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-team-member": "Maja" },
      body: JSON.stringify(body),
    });
  const detail = async (caseId: string) => (await (await fetch(`http://127.0.0.1:${h.bot.httpPort}/api/cases/${caseId}`)).json()) as CaseDetail;

  it("asks an Alpitronic case's installer for the make's items, tells the network manager of the verification, and records boxes and a digital product's question", async () => {
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", installerEmail: installer.address, stations: 2, macsShipped: [], make: "Alpitronic" });
    const id = opened.case.id;
    expect(opened.case.make).toBe("alpitronic");
    const inCase = (m: ReceivedMail) => m.subject.includes(`[${id}]`);

    let m = await nm.next(15_000, inCase);
    await nm.reply(m, "Hej!\nOrganisation och stationsinformation stämmer, Flex-fakturering är konfigurerad och operativa kontakter är utsedda.\nLåda 1 av 2 har kommit.\n\nMvh Nina");
    m = await nm.next(15_000, inCase);
    expect(body(m)).toContain("Bekräfta mottagna stationer: låda 1 av 2");
    expectOpenItems(h, m, "sv", []);

    // A parcel question about a product that comes digitally: the digital_delivery mail, no receipt, no flag.
    await nm.reply(m, "En fråga: var är paketet med Assure-abonnemanget? Vi har inget spårningsnummer.\n\n/Nina");
    m = await nm.next(15_000, inCase);
    expect(body(m)).toContain("Molnabonnemang för programvara, Assure-abonnemang och aktiveringstjänster levereras digitalt");
    expect(body(m)).toContain("”En fråga: var är paketet med Assure-abonnemanget? Vi har inget spårningsnummer.”");
    expect((await h.ctx.store.getCase(id))?.flags).toEqual([]);

    // The team verifies the account: the network manager is told, the installer asked for the make's items too.
    expect((await post(id, "confirm", { item: "account.verified" })).status).toBe(200);
    await stageOf(h, id, "commissioning");
    m = await nm.next(15_000, inCase);
    expect(body(m)).toContain("Kontot verifierat av driftsättningsteamet – Storgatan 1, Malmö");
    expect(body(m)).toContain("Driftsättningsteamet har verifierat ditt konto för nätverksansvarig.");
    let toInstaller = await installer.next(15_000, inCase);
    expectOpenItems(h, toInstaller, "sv", [...COMMISSIONING, "installer.alpitronic_certified"]);
    expect(body(toInstaller)).toContain("För Alpitronic-stationer är ytterligare utbildning och certifiering hos tillverkaren obligatorisk.");

    // The second box, days later: thanked for, recorded beside the first.
    await nm.reply(m, "Nu kom låda 2 av 2.\n\n/Nina");
    m = await nm.next(15_000, inCase);
    expect(body(m)).toContain("Bekräfta mottagna stationer: låda 2 av 2");

    // The installer sends everything but the make's certification, which is not done yet.
    const blank = toInstaller.parsed.attachments.find((a) => a.filename?.endsWith(".pdf"));
    if (!blank) throw new Error("no form");
    await installer.reply(
      toInstaller,
      "Båda stationerna är installerade, markerade och online. Jag är certifierad och har gått utbildningen, installatörskontot är skapat och MAC-etiketterna är överlämnade till ägaren.\nAlpitronic-certifieringen har jag inte hunnit än.\n\nIvar",
      [
        { filename: "driftsattning.pdf", content: await fillForm(blank.content, commissioningFormValues(installer.address, ["00:1A:2B:3C:4D:11", "00:1A:2B:3C:4D:12"])) },
        ...(await commissioningPhotos(2, 30)),
        { filename: "driftsattningsverktyg.jpg", content: await demoPhoto(77) },
      ],
    );
    toInstaller = await installer.next(15_000, inCase);
    expect((await h.ctx.store.getCase(id))?.stage).toBe("commissioning");
    const open = expectOpenItems(h, toInstaller, "sv", ["installer.alpitronic_certified"]);
    expect(open[0]).toContain("underkänt: Alpitronic-certifieringen har jag inte hunnit än");
    expect(sectionLines(toInstaller, HEADINGS.sv.problems)).toEqual([]);

    await installer.reply(toInstaller, "Nu är Alpitronic-certifieringen klar.\n\nIvar");
    await stageOf(h, id, "configuration");

    // The desk sees the make and every delivery note (the API's case detail, which the case page shows).
    const d = await detail(id);
    expect(d.make).toEqual({ id: "alpitronic", name: "Alpitronic", thirdParty: true, given: true });
    expect(d.deliveries.map((x) => (x.kind === "receipt" ? [x.kind, x.value] : [x.kind, x.products]))).toEqual([
      ["receipt", { box: 1, of: 2 }],
      ["digital_question", ["assure"]],
      ["receipt", { box: 2, of: 2 }],
    ]);
    expect(d.checklist.items.find((i) => i.id === "installer.alpitronic_certified")?.state.status).toBe("ok");
    const page = await (await fetch(`http://127.0.0.1:${h.bot.httpPort}/cases/${id}`, { headers: { "accept-language": "en" } })).text();
    expect(page).toContain("third-party");
    expect(page).toContain("Deliveries (3)");
    expect(page).toContain("låda 2 av 2");
  });

  it("learns the make from the shipped MACs' vendor prefix when the desk's table lists it", async () => {
    const opened = await h.openCase({ nmEmail: nm.address, installerEmail: installer.address, stations: 2, macsShipped: MACS });
    expect(opened.case.make).toBe("alpitronic");
    const events = await h.ctx.store.events(opened.case.id);
    expect(events.map((e) => e.summary)).toContain("make: Alpitronic, told by the vendor prefix 02ABC0 of 02:AB:C0:00:00:01 (rules/makes.yaml)");
    expect((await detail(opened.case.id)).make).toMatchObject({ id: "alpitronic", thirdParty: true });
  });
});
