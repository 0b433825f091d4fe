// Checklist items named by their titles in the desk member's language, not by their ids: every code
// whose words name an item (the compiler asks for an example of each), in Swedish and English, with
// the rules' own titles (templates/<locale>/items.yaml); an item of older rules keeps its id; the
// English the CLI and the API send keeps the ids.
import { describe, expect, it } from "vitest";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import type { WorkPage } from "../../src/app/work-queue.js";
import { englishText } from "../../src/core/words/english.js";
import type { ItemCode } from "../../src/core/words/item-titles.js";
import { withItemTitles } from "../../src/core/words/item-titles.js";
import type { WordParams, Words } from "../../src/core/words/words.js";
import { words } from "../../src/core/words/words.js";
import { wordsText } from "../../src/http/pages/core-words.js";
import type { UiLanguage } from "../../src/http/pages/ui-language.js";
import type { FlaggedView } from "../../src/http/queue-view.js";
import { itemTitles, titledFlaggedView, titledWorkPage } from "../../src/http/titled-views.js";

const NM = "nina@kund.se";
/** Item ids of the rules (rules/stages.yaml), as the examples name them. */
const IDS = ["account.contacts", "account.flex_billing", "config.pricing", "account.verified", "shipping.received"];

const unclear: Words = words("unclear_answer", { sender: NM, items: [{ item: "account.contacts", text: "vet inte ännu" }] });

/** One example per code that names items: typed, so a code with items in its parameters needs one here. */
const EXAMPLES: { [K in ItemCode]: WordParams[K] } = {
  unclear_answer: { sender: NM, items: [{ item: "account.contacts", text: "vet inte" }, { item: "config.pricing", text: "kanske" }] },
  item_conflict: { item: "config.pricing", requires: "account.flex_billing" },
  team_step_overdue: { items: ["account.verified"], days: 3, since: "2026-12-01T08:00:00.000Z" },
  team_step_waiting: { item: "account.verified" },
  not_a_checklist_item: { item: "config.pricing", caseId: "ACT-100001", items: ["account.contacts", "account.flex_billing"] },
  not_a_team_step: { item: "account.contacts", stage: "open", steps: [{ item: "account.verified", stage: "open" }] },
  no_override_to_undo: { item: "account.contacts" },
  not_an_item_of: { item: "account.contacts", caseId: "ACT-100001" },
  team_own_step: { item: "account.verified" },
  stage_advanced: { from: "open", to: "site_readiness", after: "confirmed", item: "account.verified" },
  flagged: { code: "unclear_answer", reason: "…", words: unclear },
  flag_resolved: { code: "unclear_answer", how: "…", howWords: words("resolved_fixed", { fixes: [{ kind: "answer", from: NM, item: "account.contacts", text: "Nina" }] }) },
  flag_narrowed: {
    code: "unclear_answer",
    fixes: [
      { kind: "answer", from: NM, item: "account.contacts", text: "Nina, 070-123" },
      { kind: "stage_photos_in", item: "account.flex_billing" },
    ],
    still: "…",
    stillWords: words("unclear_answer", { sender: NM, items: [{ item: "config.pricing", text: "kanske" }] }),
  },
  resolved_fixed: { fixes: [{ kind: "answer", from: NM, item: "account.contacts", text: "Nina" }, { kind: "stage_photos_in", item: "account.flex_billing" }] },
  item_failed: { item: "account.flex_billing", reason: "nej", words: words("item_conflict", { item: "config.pricing", requires: "account.flex_billing" }) },
  item_state: { item: "account.contacts", from: "missing", to: "ok" },
  item_confirmed: { item: "account.verified", by: "maja" },
  item_sent_back: { item: "account.verified", by: "maja", reason: "saknar org.nr" },
  another_receipt: { item: "shipping.received", text: "låda 2 av 2 kom i dag" },
  answer_unclear: { item: "account.contacts", text: "kanske" },
  item_overridden: { item: "account.contacts", why: "bekräftat per telefon" },
  override_undone: { item: "account.contacts", by: "maja", why: "fel ärende" },
  asked_again: { items: ["account.contacts", "config.pricing"], to: [NM], note: "" },
};

const renderer = await loadTemplates("templates");
const LANGS: UiLanguage[] = ["sv", "en"];

describe("checklist items by their titles in the desk's words", () => {
  it("names no item by its id in any code's words, in Swedish or in English, but by the rules' title", () => {
    for (const [code, params] of Object.entries(EXAMPLES)) {
      const w = { code, params } as Words;
      for (const lang of LANGS) {
        const before = wordsText(w, "", lang);
        const named = IDS.filter((id) => before.includes(id));
        // The example does name items, so the check below has something to catch.
        expect(named.length, `${code} ${lang}`).toBeGreaterThan(0);
        const after = wordsText(withItemTitles(w, itemTitles(renderer, lang)), "", lang);
        for (const id of IDS) expect(after, `${code} ${lang}: ${id} leaked`).not.toContain(id);
        for (const id of named) expect(after, `${code} ${lang}`).toContain(renderer.itemTitle(lang, id));
      }
    }
  });

  it("says the work queue's unclear answer with the Swedish title for a Swedish member and the English title for an English one", () => {
    expect(wordsText(withItemTitles(unclear, itemTitles(renderer, "sv")), "", "sv")).toBe(
      `svaret från ${NM} gick inte att tolka för ${renderer.itemTitle("sv", "account.contacts")} (”vet inte ännu”)`,
    );
    expect(wordsText(withItemTitles(unclear, itemTitles(renderer, "en")), "", "en")).toBe(
      `the answer of ${NM} could not be read for ${renderer.itemTitle("en", "account.contacts")} from “vet inte ännu”`,
    );
    expect(renderer.itemTitle("sv", "account.contacts")).not.toBe(renderer.itemTitle("en", "account.contacts"));
  });

  it("keeps the id of an item the rules no longer have, and words that name no item as they are", () => {
    const old = words("item_confirmed", { item: "account.retired_item", by: "maja" });
    expect(wordsText(withItemTitles(old, itemTitles(renderer, "sv")), "", "sv")).toBe("account.retired_item: bekräftad av maja");
    const bounce = words("bounce", { recipient: NM, diagnostic: "5.1.1 user unknown" });
    expect(withItemTitles(bounce, itemTitles(renderer, "sv"))).toBe(bounce);
  });

  it("leaves the stored words untouched, so that the English of the CLI and the API keeps the ids", () => {
    const w = words("item_failed", EXAMPLES.item_failed);
    const copy = structuredClone(w);
    withItemTitles(w, itemTitles(renderer, "en"));
    expect(w).toEqual(copy);
    expect(englishText(w)).toContain("account.flex_billing");
  });

  it("shows words stored in another shape than this version's as they are, without throwing", () => {
    const odd = { code: "unclear_answer", params: { sender: NM, items: "account.contacts" } } as unknown as Words;
    expect(withItemTitles(odd, itemTitles(renderer, "sv"))).toBe(odd);
  });

  it("titles the flagged queue's and the work queue's words, and keeps the ids a row is keyed by", () => {
    const flag = { id: "unclear_answer:m1", code: "unclear_answer" as const, reason: "…", words: unclear, at: "2026-12-01T08:00:00.000Z" };
    const view: FlaggedView = {
      rows: 25,
      flagged: [{ id: "ACT-100001", site: "Eken", stage: "open", flags: [flag] } as unknown as FlaggedView["flagged"][number]],
      flaggedTotal: 1,
      loose: [],
      looseTotal: 0,
    };
    const titled = titledFlaggedView(view, itemTitles(renderer, "sv"));
    expect(wordsText(titled.flagged[0]?.flags[0]?.words, "", "sv")).toContain(renderer.itemTitle("sv", "account.contacts"));
    expect(view.flagged[0]?.flags[0]?.words).toBe(unclear);

    const row = { caseId: "ACT-100001", cause: "team_step", subject: "account.verified", what: "…", words: words("team_step_waiting", { item: "account.verified" }) };
    const page = { rows: [row], total: 1, next: null } as unknown as WorkPage;
    const out = titledWorkPage(page, itemTitles(renderer, "en"))?.rows[0];
    expect(wordsText(out?.words, "", "en")).toBe(`${renderer.itemTitle("en", "account.verified")} is the team's to confirm or send back: the participants have sent everything else of the stage`);
    expect(out?.subject).toBe("account.verified");
  });
});
