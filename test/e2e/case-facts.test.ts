/**
 * Issue 21, part 3, end to end on a real Dovecot, Redis and SMTP relay: a network manager's reply
 * that contradicts the order — three stations and three MAC addresses on a case of two, the
 * installation service said included on a case ordered without it — is answered with a question
 * about each, the desk sees one `fact_mismatch` flag naming all three, and the case keeps its facts.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MailActor } from "../../src/demo/actor.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";
import { sectionLines } from "./helpers.js";

describe("a reply that contradicts the case's facts", () => {
  let h: Harness;
  let nm: MailActor;

  beforeAll(async () => {
    h = await startHarness("facts");
    nm = await h.actor("nm", "Nina Nätansvarig");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("is asked back, fact by fact, and flagged for the desk; the case's order stays", async () => {
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", stations: 2, installService: false });
    const id = opened.case.id;
    const first = await nm.next(15_000, (m) => m.subject.includes(`[${id}]`));
    await nm.reply(
      first,
      [
        "Hej!",
        "Vi planerar 3 stationer på parkeringen.",
        "Installationen ingår i vår beställning, era tekniker får gärna ringa innan.",
        "MAC-adresserna är 00:1A:2B:3C:4D:01, 00:1A:2B:3C:4D:02 och 00:1A:2B:3C:4D:03.",
        "",
        "Mvh Nina",
      ].join("\n"),
    );
    const answer = await nm.next(15_000, (m) => m.subject.includes(`[${id}]`));
    expect(sectionLines(answer, "Stämmer det här?")).toEqual([
      "Du skriver 3 stationer (”Vi planerar 3 stationer på parkeringen.”), men ärendet gäller 2 beställda stationer. Svara med rätt antal; ändras beställningen hjälper driftsättningsteamet till.",
      "Du skriver att installationstjänsten är beställd (”Installationen ingår i vår beställning, era tekniker får gärna ringa innan.”), men ärendet är beställt utan installationstjänst (installation och CPaaS). Svara om det stämmer; ändras beställningen hjälper driftsättningsteamet till.",
      "Du anger MAC-adresser för 3 stationer (00:1A:2B:3C:4D:01, 00:1A:2B:3C:4D:02, 00:1A:2B:3C:4D:03), men ärendet gäller 2 stationer. Varje station har en MAC-adress — kontrollera etiketterna och svara med rätt adresser.",
    ]);

    const c = await eventually(async () => {
      const stored = await h.ctx.store.getCase(id);
      return stored?.flags.some((f) => f.code === "fact_mismatch") ? stored : undefined;
    });
    const flags = c.flags.filter((f) => f.code === "fact_mismatch");
    expect(flags).toHaveLength(1);
    expect(flags[0]?.reason).toContain(`${nm.address} writes 3 stations, the case has 2`);
    expect(flags[0]?.reason).toContain("writes the installation service was bought, the case was ordered without it");
    expect(flags[0]?.reason).toContain("gives MACs for 3 stations, the case has 2");
    expect(c.stations).toBe(2);
    expect(c.installService).toBe(false);
  });
});
