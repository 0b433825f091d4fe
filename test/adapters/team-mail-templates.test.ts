/** The mails the team sends from the desk, rendered from the shipped templates in both languages. */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import type { Renderer } from "../../src/app/ports.js";
import { evaluateChecklist } from "../../src/core/case/checklist.js";
import type { MailKind, OutboxIntent, ReplyContent } from "../../src/core/case/outbox-intent.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Locale } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";
import { repoRules } from "../support/rules.js";

let renderer: Renderer;
let rules: Rules;
beforeAll(async () => {
  renderer = await loadTemplates(path.resolve("templates"));
  rules = await repoRules();
});

function render(kind: MailKind, locale: Locale, content: Partial<ReplyContent>) {
  const c = makeCase("ACT-100001", { locale });
  const intent: OutboxIntent = { kind, slot: "s", to: ["nm@customer.example"], cc: [], attachForms: [], content: { stage: "open", received: [], open: [], unclear: [], problems: [], ...content } };
  return renderer.render(intent, c, evaluateChecklist(c, rules));
}

describe("the team's mails", () => {
  const cases: [MailKind, Locale, Partial<ReplyContent>, string[]][] = [
    ["retake_request", "sv", { problems: ["elcentral.jpg: Bilden är suddig."], teamNote: "Luckan ska vara öppen." }, ["Hej Nina Manager!", "behöver nya av de här", "- elcentral.jpg: Bilden är suddig.", "Luckan ska vara öppen."]],
    ["retake_request", "en", { problems: ["panel.jpg: blurred"], teamNote: "Open the door." }, ["Hello Nina Manager,", "needs new ones of these", "- panel.jpg: blurred", "Open the door."]],
    ["ask_again", "sv", { unclear: [{ id: "account.contacts", text: "vet inte" }], teamNote: "Vem ringer vi?" }, ["fråga en gång till", "Vi kunde inte tolka svaret om:", "”vet inte”", "Vem ringer vi?"]],
    ["ask_again", "en", { open: [{ id: "account.flex_billing" }] }, ["ask once more", "Still missing:"]],
    ["team_message", "sv", { teamNote: "Vi ringer dig i morgon kl 10." }, ["Hej Nina Manager!", "Vi ringer dig i morgon kl 10.", "Driftsättningsteamet"]],
    ["team_message", "en", { teamNote: "We will call tomorrow." }, ["We will call tomorrow.", "The commissioning team"]],
    ["reminder", "sv", { open: [{ id: "account.contacts" }], teamNote: "Hör av dig!" }, ["En påminnelse om ärendet", "Hör av dig!"]],
    ["reminder", "en", { open: [{ id: "account.contacts" }], reminder: 2 }, ["A reminder (2) about the case"]],
  ];
  it.each(cases)("%s in %s says what the member asked for", (kind, locale, content, expected) => {
    const { text, html } = render(kind, locale, content);
    for (const e of expected) expect(text).toContain(e);
    expect(text).toContain("ACT-100001");
    expect(html).toContain("<p>");
  });

  it("escapes a member's words in the HTML part", () => {
    const { html } = render("team_message", "en", { teamNote: "<script>alert(1)</script>" });
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
  });
});
