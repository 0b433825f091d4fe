import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { MAX_ANSWER_TEXT, readAnswers, type ReadAnswersOptions } from "../../src/core/answers/read-answers.js";
import { AnswerVocabularySchema } from "../../src/core/answers/vocabulary.js";
import { extractReply } from "../../src/core/mail/reply-text.js";
import type { AnswerStatus, JsonValue } from "../../src/core/types.js";

const vocabulary = AnswerVocabularySchema.parse(
  parse(readFileSync(fileURLToPath(new URL("../../rules/answers.yaml", import.meta.url)), "utf8")),
);

// ---------------------------------------------------------------------------------------------
// Whole replies, as clients write them

/** The desk's stage-1 mail; quoted in replies, its words must never count as answers. */
const DESK_SV = [
  "Hej!",
  "",
  "För att aktivera laddplatsen behöver vi att du:",
  "1. Bekräftar att organisation och stationsinformation stämmer.",
  "2. Konfigurerar Flex-fakturering och svarar när Flex-fakturering är konfigurerad.",
  "3. Utser operativa kontakter och behörigheter.",
  "",
  "Öppettider (t.ex. dygnet runt), pris (t.ex. 3,50 kr/kWh), vem som får ladda och bilder",
  "till skärmarna frågar vi om senare. Stationerna har levererats i 3 lådor.",
  "",
  "Med vänliga hälsningar",
  "Driftsättningsteamet",
].join("\n");

const DESK_EN = [
  "Hello,",
  "",
  "Please confirm that the organisation and station information are correct, that Flex billing is",
  "configured, and designate operational contacts. Also tell us your support contact, who may use",
  "the stations, opening hours (e.g. 24/7), pricing (e.g. €0.35/kWh) and any media to show.",
  "",
  "Best regards",
  "Commissioning team",
].join("\n");

const quote = (text: string) =>
  text
    .split("\n")
    .map((l) => (l === "" ? ">" : `> ${l}`))
    .join("\n");

const outlookSv = (body: string, desk = DESK_SV) =>
  `${body}\n\n________________________________\nFrån: Aktiveringar <activations.eu@example.com>\nSkickat: den 5 november 2026 10:12\nTill: Anna Andersson <anna@brf-solen.se>\nÄmne: [ACT-123456] Aktivering av laddplats\n\n${desk}\n`;

const outlookEn = (body: string, desk = DESK_EN) =>
  `${body}\r\n\r\n-----Original Message-----\r\nFrom: Activations <activations.eu@example.com>\r\nSent: Thursday, November 5, 2026 10:12 AM\r\nTo: John Smith <john@acme.com>\r\nSubject: RE: [ACT-123456] Activation\r\n\r\n${desk.replace(/\n/g, "\r\n")}\r\n`;

const gmailSv = (body: string, desk = DESK_SV) =>
  `${body}\n\nDen tors 5 nov. 2026 kl 10:12 skrev Aktiveringar ChargePoint <\nactivations.eu@example.com>:\n\n${quote(desk)}\n`;

const gmailEn = (body: string, desk = DESK_EN) =>
  `${body}\n\nOn Thu, Nov 5, 2026 at 10:12 AM Activations <activations.eu@example.com> wrote:\n\n${quote(desk)}\n`;

const iphoneSv = (body: string, desk = DESK_SV) =>
  `${body}\n\nSkickat från min iPhone\n\n5 nov. 2026 kl. 10:12 skrev Aktiveringar <activations.eu@example.com>:\n\n${quote(desk)}\n`;

const appleEn = (body: string, desk = DESK_EN) =>
  `${body}\n\nSent from my iPhone\n\nOn 5 Nov 2026, at 10:12, Activations <activations.eu@example.com> wrote:\n\n${quote(desk)}\n`;

type Expected = Record<string, { status: AnswerStatus; value: JsonValue }>;

interface Case {
  name: string;
  mail: string;
  expected: Expected;
  options?: ReadAnswersOptions;
}

const ok = (value: JsonValue = true) => ({ status: "ok" as const, value });
const negative = (value: JsonValue = false) => ({ status: "negative" as const, value });
const unclear = (value: JsonValue = null) => ({ status: "unclear" as const, value });
const stage1 = (status: "ok" | "negative") => {
  const a = status === "ok" ? ok() : negative();
  return { "account.organisation": a, "account.flex_billing": a, "account.contacts": a };
};
const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"];
const ALL_DAYS = [...WEEKDAYS, "sat", "sun"];

const cases: Case[] = [
  // --- Stage 1, Swedish ---------------------------------------------------------------------
  {
    name: "reads organisation and Flex billing from the reference Swedish reply and leaves contacts absent",
    mail: outlookSv("Hej!\n\nOrganisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.\n\nMvh\nAnna"),
    expected: { "account.organisation": ok(), "account.flex_billing": ok() },
  },
  {
    name: "reads a bare Ja, allt stämmer as confirming the three account items",
    mail: gmailSv("Ja, allt stämmer"),
    expected: stage1("ok"),
  },
  {
    name: "reads a bare Ja from an iPhone as confirming the three account items",
    mail: iphoneSv("Ja"),
    expected: stage1("ok"),
  },
  {
    name: "reads a bare Stämmer! above a sign-off as a confirmation",
    mail: outlookSv("Hej,\n\nStämmer!\n\nHälsningar\nPer"),
    expected: stage1("ok"),
  },
  {
    name: "reads a bare OK as a confirmation",
    mail: iphoneSv("OK"),
    expected: stage1("ok"),
  },
  {
    name: "reads a negation of Flex billing beside a confirmed organisation",
    mail: outlookSv("Flex-fakturering är inte klar än. Organisationen stämmer."),
    expected: { "account.flex_billing": negative(), "account.organisation": ok() },
  },
  {
    name: "reads numbered answers on separate lines in the order of the desk's questions",
    mail: gmailSv("1. Ja\n2. Klart\n3. Anna Andersson, anna@brf-solen.se"),
    expected: {
      "account.organisation": ok(),
      "account.flex_billing": ok(),
      "account.contacts": ok([{ name: "Anna Andersson", email: "anna@brf-solen.se" }]),
    },
  },
  {
    name: "reads numbered answers written on one line",
    mail: iphoneSv("1. Ja 2. Klart"),
    expected: { "account.organisation": ok(), "account.flex_billing": ok() },
  },
  {
    name: "reads answers without diacritics and with compounds written together",
    mail: gmailSv("organisationen stammer, flexfakturering klar"),
    expected: { "account.organisation": ok(), "account.flex_billing": ok() },
  },
  {
    name: "reads answers with typos in long words",
    mail: outlookSv("Flexfaktureringen ar konfiguerad och stationsinformatonen ar korrekt."),
    expected: { "account.flex_billing": ok(), "account.organisation": ok() },
  },
  {
    name: "reads we have not configured Flex billing yet as negative",
    mail: outlookSv("Vi har inte konfigurerat Flex-fakturering ännu."),
    expected: { "account.flex_billing": negative() },
  },
  {
    name: "reads a negation in the clause after the topic",
    mail: gmailSv("Flex-fakturering, nej inte än."),
    expected: { "account.flex_billing": negative() },
  },
  {
    name: "reads a hedge as unclear even beside a deferral",
    mail: outlookSv("Vet inte om Flex-fakturering är klar, jag återkommer."),
    expected: { "account.flex_billing": unclear() },
  },
  {
    name: "reads everything done except Flex billing as two confirmations and one negative",
    mail: gmailSv("Allt klart utom Flex-fakturering som vi återkommer om."),
    expected: { "account.organisation": ok(), "account.contacts": ok(), "account.flex_billing": negative() },
  },
  {
    name: "reads yes to everything except the contacts",
    mail: iphoneSv("Ja till allt utom kontakterna, dem återkommer jag om."),
    expected: { "account.organisation": ok(), "account.flex_billing": ok(), "account.contacts": negative() },
  },
  {
    name: "reads a bare Nej, inte än as negative for the three account items",
    mail: outlookSv("Nej, inte än."),
    expected: stage1("negative"),
  },
  {
    name: "reads a bare deferral as no answer at all",
    mail: outlookSv("Jag återkommer."),
    expected: {},
  },
  {
    name: "reads a deferral that checks with someone else as no answer",
    mail: gmailSv("Ok, jag kollar med ekonomi och återkommer."),
    expected: {},
  },
  {
    name: "reads a wrong organisation number as negative",
    mail: outlookSv("Organisationsnumret är fel, det ska vara 769600-1234."),
    expected: { "account.organisation": negative() },
  },
  {
    name: "reads a correct station and a wrong organisation name as negative",
    mail: gmailSv("Stationsinformationen är korrekt men organisationsnamnet är fel."),
    expected: { "account.organisation": negative() },
  },
  {
    name: "reads organisation details that are not correct as negative",
    mail: outlookSv("Organisationsuppgifterna stämmer inte, adressen ska vara Storgatan 1."),
    expected: { "account.organisation": negative() },
  },
  {
    name: "reads a bulleted list of operational contacts under a heading",
    mail: outlookSv(
      "Operativa kontakter:\n- Anna Andersson, anna@brf-solen.se, 070-123 45 67\n- Per Persson, per@brf-solen.se\n\nMvh Anna",
    ),
    expected: {
      "account.contacts": ok([
        { name: "Anna Andersson", email: "anna@brf-solen.se", phone: "070-123 45 67" },
        { name: "Per Persson", email: "per@brf-solen.se" },
      ]),
    },
  },
  {
    name: "reads contacts and permissions designated as a confirmation",
    mail: gmailSv("Kontakter och behörigheter är utsedda."),
    expected: { "account.contacts": ok() },
  },
  {
    name: "reads contacts named without addresses",
    mail: outlookSv("Anna Andersson och Per Persson är operativa kontakter."),
    expected: { "account.contacts": ok([{ name: "Anna Andersson" }, { name: "Per Persson" }]) },
  },
  {
    name: "applies everything-is-right to the items the reply does not answer itself",
    mail: gmailSv("Ja, allt stämmer. Flex-fakturering är dock inte klar än."),
    expected: { "account.organisation": ok(), "account.contacts": ok(), "account.flex_billing": negative() },
  },
  {
    name: "ignores Flex-fakturering är konfigurerad in the quoted desk mail",
    mail: gmailSv("Organisationen stämmer."),
    expected: { "account.organisation": ok() },
  },
  {
    name: "reads nothing from a reply that only thanks",
    mail: outlookSv("Tack för informationen!"),
    expected: {},
  },
  {
    name: "does not apply a bare yes when the reply also asks about an item",
    mail: gmailSv("Ja. Men hur gör man med Flex-fakturering?"),
    expected: { "account.flex_billing": unclear() },
  },
  {
    name: "reads Flex billing activated after a thank-you",
    mail: iphoneSv("Tack för påminnelsen! Flex-fakturering är nu aktiverad."),
    expected: { "account.flex_billing": ok() },
  },
  {
    name: "reads a key and value answer on one line",
    mail: outlookSv("Flex-fakturering: klar\nOrganisation: korrekt\nKontakter: anna@brf-solen.se"),
    expected: {
      "account.flex_billing": ok(),
      "account.organisation": ok(),
      "account.contacts": ok([{ email: "anna@brf-solen.se" }]),
    },
  },
  {
    name: "reads a question heading followed by its answer on the next line",
    mail: gmailSv("Flex-fakturering?\nKlart sedan i måndags."),
    expected: { "account.flex_billing": ok() },
  },

  {
    name: "reads key and value lines with three different statuses",
    mail: outlookSv("Organisationen: stämmer\nFlex: ej klart\nKontakter: återkommer"),
    expected: { "account.organisation": ok(), "account.flex_billing": negative(), "account.contacts": unclear() },
  },
  {
    name: "reads the desk's pasted questions with answers after the colons",
    mail: gmailSv(
      "1. Bekräfta organisation och stationsinformation: Ja\n2. Konfigurera Flex-fakturering: Klart\n3. Utse operativa kontakter: Anna Andersson, anna@brf-solen.se",
    ),
    expected: {
      "account.organisation": ok(),
      "account.flex_billing": ok(),
      "account.contacts": ok([{ name: "Anna Andersson", email: "anna@brf-solen.se" }]),
    },
  },
  {
    name: "reads nothing is done yet as negative for the three account items",
    mail: iphoneSv("Inget är klart än."),
    expected: stage1("negative"),
  },
  {
    name: "keeps all done after an item's name to that item",
    mail: outlookSv("Flex-fakturering: allt klart"),
    expected: { "account.flex_billing": ok() },
  },
  {
    name: "reads an opening blanket statement beside a configuration answer",
    mail: gmailSv("Ja, allt stämmer och öppettiderna är dygnet runt."),
    expected: { ...stage1("ok"), "config.opening_hours": ok("24/7") },
  },
  {
    name: "does not read the word support inside an e-mail address as a topic",
    mail: outlookSv("Kontakter: support@brf-solen.se"),
    expected: { "account.contacts": ok([{ email: "support@brf-solen.se" }]) },
  },

  // --- Stage 1, English and mixed -------------------------------------------------------------
  {
    name: "reads a bare Yes, all done as confirming the three account items",
    mail: gmailEn("Yes, all done."),
    expected: stage1("ok"),
  },
  {
    name: "reads not yet, we haven't configured Flex billing as negative",
    mail: outlookEn("Not yet, we haven't configured Flex billing."),
    expected: { "account.flex_billing": negative() },
  },
  {
    name: "reads I'm not sure as unclear",
    mail: appleEn("I'm not sure the station information is correct, I'll check with my colleague."),
    expected: { "account.organisation": unclear() },
  },
  {
    name: "reads an English Outlook reply with two contacts in parentheses",
    mail: outlookEn(
      "Hi,\n\nThe organisation details are correct and Flex billing has been set up. Operational contacts: John Smith (john@acme.com) and Jane Doe (jane@acme.com).\n\nKind regards\nJohn",
    ),
    expected: {
      "account.organisation": ok(),
      "account.flex_billing": ok(),
      "account.contacts": ok([
        { name: "John Smith", email: "john@acme.com" },
        { name: "Jane Doe", email: "jane@acme.com" },
      ]),
    },
  },
  {
    name: "reads numbered English answers with parentheses",
    mail: gmailEn("1) Correct\n2) Done\n3) Still waiting for IT to add the users"),
    expected: { "account.organisation": ok(), "account.flex_billing": ok(), "account.contacts": negative() },
  },
  {
    name: "reads a coordinated subject sharing one confirmation",
    mail: outlookEn("Flex billing and organisation info are both confirmed."),
    expected: { "account.flex_billing": ok(), "account.organisation": ok() },
  },
  {
    name: "reads a reply mixing Swedish and English",
    mail: gmailSv("Hej, organisation stämmer. Flex billing is done. Contacts: anna@brf-solen.se"),
    expected: {
      "account.organisation": ok(),
      "account.flex_billing": ok(),
      "account.contacts": ok([{ email: "anna@brf-solen.se" }]),
    },
  },
  {
    name: "reads Flex billing written in Swedish and English in one sentence",
    mail: iphoneSv("Hej! Flex billing är klart, kontakterna är tillagda i systemet."),
    expected: { "account.flex_billing": ok(), "account.contacts": ok() },
  },
  {
    name: "reads English typos in the topic and the cue",
    mail: appleEn("Flex biling is configred."),
    expected: { "account.flex_billing": ok() },
  },
  {
    name: "does not read no problem as a negation",
    mail: gmailEn("No problem, Flex billing is done."),
    expected: { "account.flex_billing": ok() },
  },

  // --- Shipping ---------------------------------------------------------------------------------
  {
    name: "reads received boxes with their count",
    mail: outlookSv("Vi har tagit emot 3 lådor idag."),
    expected: { "shipping.received": ok({ boxes: 3 }) },
  },
  {
    name: "reads a partial delivery as received with both counts",
    mail: gmailSv("2 av 3 kartonger har kommit, den sista saknas fortfarande."),
    expected: { "shipping.received": ok({ boxes: 2, of: 3 }) },
  },
  {
    name: "reads a delivery that has not arrived as negative",
    mail: iphoneSv("Leveransen har inte kommit än."),
    expected: { "shipping.received": negative() },
  },
  {
    name: "reads stations not received yet as negative",
    mail: outlookSv("Har inte fått stationerna ännu."),
    expected: { "shipping.received": negative() },
  },
  {
    name: "reads an English receipt with the count written as a word",
    mail: gmailEn("The stations arrived yesterday, all four boxes."),
    expected: { "shipping.received": ok({ boxes: 4 }) },
  },

  {
    name: "reads boxes received with counts written as words",
    mail: gmailSv("Stationerna kom i förrgår, två av tre lådor."),
    expected: { "shipping.received": ok({ boxes: 2, of: 3 }) },
  },
  {
    name: "reads boxes that arrived damaged as received",
    mail: appleEn("Hi, the boxes arrived but one was damaged."),
    expected: { "shipping.received": ok() },
  },

  // --- Configuration, Swedish -------------------------------------------------------------------
  {
    name: "reads a full Swedish configuration answer as a bulleted list",
    mail: outlookSv(
      [
        "Hej!",
        "",
        "Här kommer våra svar:",
        "- Supportkontakt: Anna Andersson, anna@brf-solen.se, 070-123 45 67",
        "- Endast boende i föreningen ska kunna ladda.",
        "- Öppettider: dygnet runt",
        "- Pris: 2,50 kr/kWh",
        "- Inga bilder eller videor.",
        "",
        "Mvh Anna",
      ].join("\n"),
    ),
    expected: {
      "config.support_contact": ok({ name: "Anna Andersson", email: "anna@brf-solen.se", phone: "070-123 45 67" }),
      "config.access": ok({ group: "boende i föreningen" }),
      "config.opening_hours": ok("24/7"),
      "config.pricing": ok({ energy: { amount: 2.5, currency: "SEK", per: "kWh" } }),
      "config.media": ok({ none: true }),
    },
  },
  {
    name: "reads weekday and Saturday hours and leaves the closed Sunday out",
    mail: gmailSv("Öppettider: mån–fre 07–18, lör 10–14, sön stängt."),
    expected: {
      "config.opening_hours": ok([
        { days: WEEKDAYS, open: "07:00", close: "18:00" },
        { days: ["sat"], open: "10:00", close: "14:00" },
      ]),
    },
  },
  {
    name: "reads vardagar 7-18 as weekday hours",
    mail: iphoneSv("Öppettider vardagar 7-18"),
    expected: { "config.opening_hours": ok([{ days: WEEKDAYS, open: "07:00", close: "18:00" }]) },
  },
  {
    name: "reads days written after their hours",
    mail: outlookSv("Öppet 06-22 vardagar, 10-16 helger."),
    expected: {
      "config.opening_hours": ok([
        { days: WEEKDAYS, open: "06:00", close: "22:00" },
        { days: ["sat", "sun"], open: "10:00", close: "16:00" },
      ]),
    },
  },
  {
    name: "reads hours with dotted times and no topic word",
    mail: gmailSv("07.00–19.00 alla dagar"),
    expected: { "config.opening_hours": ok([{ days: ALL_DAYS, open: "07:00", close: "19:00" }]) },
  },
  {
    name: "reads open around the clock for everyone as hours and access",
    mail: iphoneSv("Laddarna ska vara öppna dygnet runt för alla."),
    expected: { "config.opening_hours": ok("24/7"), "config.access": ok("public") },
  },
  {
    name: "reads an energy price plus a time fee after four hours",
    mail: outlookSv("Pris: 2 kr/kWh + 10 kr/tim efter 4 h"),
    expected: {
      "config.pricing": ok({
        energy: { amount: 2, currency: "SEK", per: "kWh" },
        time: { amount: 10, currency: "SEK", per: "h", after_hours: 4 },
      }),
    },
  },
  {
    name: "reads free charging for guests as pricing and access",
    mail: gmailSv("Gratis att ladda för våra gäster."),
    expected: { "config.pricing": ok({ free: true }), "config.access": ok({ group: "gäster" }) },
  },
  {
    name: "reads a pricing answer with no number as unclear",
    mail: outlookSv("Priset vet vi inte än, vi återkommer."),
    expected: { "config.pricing": unclear() },
  },
  {
    name: "reads an undecided price as unclear, not negative",
    mail: gmailSv("Vi vill ta betalt men har inte bestämt pris."),
    expected: { "config.pricing": unclear() },
  },
  {
    name: "reads a price without a unit as unclear and keeps the amount",
    mail: iphoneSv("Priset blir 3 kr."),
    expected: { "config.pricing": unclear({ price: { amount: 3, currency: "SEK" } }) },
  },
  {
    name: "reads öre per minute as SEK",
    mail: outlookSv("Vi tar 50 öre/min."),
    expected: { "config.pricing": ok({ time: { amount: 0.5, currency: "SEK", per: "min" } }) },
  },
  {
    name: "reads the first hour free then an hourly fee",
    mail: gmailSv("Gratis första timmen, därefter 10 kr/tim."),
    expected: { "config.pricing": ok({ time: { amount: 10, currency: "SEK", per: "h", after_hours: 1 } }) },
  },
  {
    name: "reads an attached logo as media attached",
    mail: outlookSv("Bifogar vår logga som ska visas på skärmarna."),
    expected: { "config.media": ok({ attached: true }) },
  },
  {
    name: "reads Media: nej as no media",
    mail: iphoneSv("Media: nej"),
    expected: { "config.media": ok({ none: true }) },
  },
  {
    name: "reads a support contact without address or number as unclear",
    mail: outlookSv("Supportkontakt: Anna Andersson"),
    expected: { "config.support_contact": unclear({ name: "Anna Andersson" }) },
  },
  {
    name: "reads a support contact with a phone number only",
    mail: gmailSv("Supportkontakt är vår fastighetsskötare Per, 08-123 456 78."),
    expected: { "config.support_contact": ok({ name: "Per", phone: "08-123 456 78" }) },
  },
  {
    name: "reads support contact details spread over lines under a heading",
    mail: outlookSv("Supportkontakt:\nAnna Andersson\nanna@brf-solen.se\n070-123 45 67"),
    expected: {
      "config.support_contact": ok({ name: "Anna Andersson", email: "anna@brf-solen.se", phone: "070-123 45 67" }),
    },
  },
  {
    name: "does not read a phone number in the signature as the support contact",
    mail: outlookSv("Supportkontakt blir jag.\n\nMed vänliga hälsningar\nAnna Andersson\n070-123 45 67"),
    expected: { "config.support_contact": unclear() },
  },
  {
    name: "reads not public, only employees as a group",
    mail: gmailSv("Stationerna ska inte vara publika, bara för anställda."),
    expected: { "config.access": ok({ group: "anställda" }) },
  },
  {
    name: "reads a bare Privat as private access",
    mail: iphoneSv("Privat."),
    expected: { "config.access": ok("private") },
  },
  {
    name: "reads a three-clause line as three items",
    mail: outlookSv("Öppet 24/7, gratis laddning, publik."),
    expected: { "config.opening_hours": ok("24/7"), "config.pricing": ok({ free: true }), "config.access": ok("public") },
  },

  {
    name: "takes the excepted day out of every day",
    mail: outlookSv("Öppet 7-22 alla dagar utom söndag."),
    expected: {
      "config.opening_hours": ok([{ days: ["mon", "tue", "wed", "thu", "fri", "sat"], open: "07:00", close: "22:00" }]),
    },
  },
  {
    name: "takes days closed afterwards out of the days before",
    mail: gmailSv("Öppettider: alla dagar 7-22, lör-sön stängt."),
    expected: { "config.opening_hours": ok([{ days: WEEKDAYS, open: "07:00", close: "22:00" }]) },
  },
  {
    name: "reads a time range before a day range with a kl. prefix",
    mail: iphoneSv("Öppettider kl. 7-18 måndag till fredag"),
    expected: { "config.opening_hours": ok([{ days: WEEKDAYS, open: "07:00", close: "18:00" }]) },
  },
  {
    name: "reads a list of short day names",
    mail: outlookSv("Öppet mån, ons, fre 8-16"),
    expected: { "config.opening_hours": ok([{ days: ["mon", "wed", "fri"], open: "08:00", close: "16:00" }]) },
  },
  {
    name: "does not read Fri in free access as Friday",
    mail: gmailSv("Fri tillgång dygnet runt."),
    expected: { "config.access": ok("public"), "config.opening_hours": ok("24/7") },
  },
  {
    name: "reads a start fee beside an energy price",
    mail: iphoneSv("Laddning kostar 5 kr per start och 3 kr/kWh."),
    expected: {
      "config.pricing": ok({
        session: { amount: 5, currency: "SEK", per: "session" },
        energy: { amount: 3, currency: "SEK", per: "kWh" },
      }),
    },
  },

  // --- Configuration, English -------------------------------------------------------------------
  {
    name: "reads a full English configuration answer as key and value lines",
    mail: gmailEn(
      "Support contact: John Smith, john.smith@acme.com, +44 20 7946 0958\nAccess: public\nOpening hours: weekdays 7am-6pm\nPricing: €0.35/kWh\nMedia: none",
    ),
    expected: {
      "config.support_contact": ok({ name: "John Smith", email: "john.smith@acme.com", phone: "+44 20 7946 0958" }),
      "config.access": ok("public"),
      "config.opening_hours": ok([{ days: WEEKDAYS, open: "07:00", close: "18:00" }]),
      "config.pricing": ok({ energy: { amount: 0.35, currency: "EUR", per: "kWh" } }),
      "config.media": ok({ none: true }),
    },
  },
  {
    name: "reads only our employees may charge as a group",
    mail: outlookEn("Only our employees may charge."),
    expected: { "config.access": ok({ group: "employees" }) },
  },
  {
    name: "reads free of charge for everyone around the clock",
    mail: appleEn("The chargers are free of charge for everyone, around the clock."),
    expected: { "config.pricing": ok({ free: true }), "config.access": ok("public"), "config.opening_hours": ok("24/7") },
  },
  {
    name: "reads a euro energy price plus a per-minute fee after two hours",
    mail: gmailEn("Pricing: 0.30 EUR per kWh plus 0.05 EUR/min after 2 hours"),
    expected: {
      "config.pricing": ok({
        energy: { amount: 0.3, currency: "EUR", per: "kWh" },
        time: { amount: 0.05, currency: "EUR", per: "min", after_hours: 2 },
      }),
    },
  },
  {
    name: "reads we don't want any images as no media",
    mail: outlookEn("We don't want any images on the screens."),
    expected: { "config.media": ok({ none: true }) },
  },
  {
    name: "reads please find attached our logo as media attached",
    mail: appleEn("Please find attached our logo and a short video."),
    expected: { "config.media": ok({ attached: true }) },
  },
  {
    name: "reads not sure about pricing as unclear",
    mail: gmailEn("I'm not sure about pricing yet."),
    expected: { "config.pricing": unclear() },
  },
  {
    name: "reads no idea about the opening hours as unclear",
    mail: outlookEn("No idea about the opening hours, will get back to you."),
    expected: { "config.opening_hours": unclear() },
  },
  {
    name: "reads inline answers between quoted questions of an Apple Mail reply",
    mail: [
      "On 5 Nov 2026, at 10:12, Activations <activations.eu@example.com> wrote:",
      "",
      "> Who may use the stations?",
      "Residents only.",
      "> Opening hours?",
      "24/7",
      "> Pricing?",
      "Free.",
    ].join("\n"),
    expected: { "config.access": ok({ group: "Residents" }), "config.opening_hours": ok("24/7"), "config.pricing": ok({ free: true }) },
  },
  {
    name: "reads a Tuesday-to-Sunday range and leaves the closed Monday out",
    mail: gmailEn("Opening hours: Tuesday to Sunday 8-20, closed on Mondays."),
    expected: { "config.opening_hours": ok([{ days: ["tue", "wed", "thu", "fri", "sat", "sun"], open: "08:00", close: "20:00" }]) },
  },
];

const strip = (answers: ReturnType<typeof readAnswers>): Expected =>
  Object.fromEntries(Object.entries(answers).map(([id, a]) => [id, { status: a.status, value: a.value }]));

const flat = (s: string) => s.replace(/\s+/g, " ").trim();

describe("readAnswers on whole replies", () => {
  it.each(cases)("$name", ({ mail, expected, options }) => {
    const { reply } = extractReply(mail);
    const answers = readAnswers(reply, vocabulary, options);
    // toEqual on the whole record: every expected item, and no other item present.
    expect(strip(answers)).toEqual(expected);
    for (const answer of Object.values(answers)) {
      expect(answer.text.length).toBeGreaterThan(0);
      // The text is the reply's own words (bullets and labels aside), never the quoted mail's.
      for (const word of flat(answer.text).split(" ")) expect(reply).toContain(word);
    }
  });

  it("has at least sixty whole-reply cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });
});

describe("readAnswers details", () => {
  it("keeps the sentence an answer was read from as its text", () => {
    const answers = readAnswers(
      "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.",
      vocabulary,
    );
    expect(answers["account.organisation"]?.text).toBe("Organisation och stationsinformation stämmer.");
    expect(answers["account.flex_billing"]?.text).toBe("Flex-fakturering är konfigurerad.");
  });

  it("never reads lines quoted with > even when given the whole mail", () => {
    expect(readAnswers("Hej!\n> Flex-fakturering är konfigurerad.", vocabulary)).toEqual({});
  });

  it("maps numbered answers to the asked items when the caller knows them", () => {
    const answers = readAnswers("1. Ja\n2. Nej, inte än", vocabulary, {
      asked: ["account.flex_billing", "account.contacts"],
    });
    expect(strip(answers)).toEqual({ "account.flex_billing": ok(), "account.contacts": negative() });
  });

  it("confirms only the asked items with a bare yes", () => {
    expect(strip(readAnswers("Ja!", vocabulary, { asked: ["account.flex_billing"] }))).toEqual({
      "account.flex_billing": ok(),
    });
  });

  it("confirms nothing with a bare yes when no blanket item was asked", () => {
    expect(readAnswers("Ja!", vocabulary, { asked: ["config.pricing"] })).toEqual({});
  });

  it("does not confirm with a bare yes when the lexicon turns blanket replies off", () => {
    const strict = { ...vocabulary, blanket_confirmation: { ...vocabulary.blanket_confirmation, bare_reply: false } };
    expect(readAnswers("Ja", strict)).toEqual({});
  });

  it("returns an empty record for an empty reply", () => {
    expect(readAnswers("", vocabulary)).toEqual({});
  });

  it("reads at most MAX_ANSWER_TEXT characters, quickly", () => {
    const filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ".repeat(2_000);
    const started = performance.now();
    const answers = readAnswers(`${filler}\nFlex-fakturering är klar.`, vocabulary);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(filler.length).toBeGreaterThan(MAX_ANSWER_TEXT);
    expect(answers["account.flex_billing"]).toBeUndefined();
  });

  it("survives hostile text without throwing", () => {
    const hostile = ["a@".repeat(5_000), "1-".repeat(5_000), "kr/kWh ".repeat(2_000), "mån-".repeat(3_000)].join("\n");
    expect(() => readAnswers(hostile, vocabulary)).not.toThrow();
  });
});

describe("AnswerVocabularySchema", () => {
  it("accepts rules/answers.yaml", () => {
    expect(Object.keys(vocabulary.items)).toEqual(
      expect.arrayContaining([
        "account.organisation",
        "account.flex_billing",
        "account.contacts",
        "shipping.received",
        "config.support_contact",
        "config.access",
        "config.opening_hours",
        "config.pricing",
        "config.media",
      ]),
    );
  });

  it("rejects a blanket confirmation of an unknown item", () => {
    const raw = parse(readFileSync(fileURLToPath(new URL("../../rules/answers.yaml", import.meta.url)), "utf8")) as {
      blanket_confirmation: { items: string[] };
    };
    raw.blanket_confirmation.items.push("account.nonexistent");
    expect(AnswerVocabularySchema.safeParse(raw).success).toBe(false);
  });
});

describe("regressions", () => {
  it("reads 'is correct' as a confirmation, not as a typo of 'incorrect'", async () => {
    const a = readAnswers("The organisation and station information is correct.", await vocabularyForRegressions());
    expect(a["account.organisation"]?.status).toBe("ok");
  });

  it("does not take a helpdesk acknowledgement for a shipping receipt", async () => {
    const a = readAnswers("Tack, vi har tagit emot ditt mejl och återkommer.", await vocabularyForRegressions());
    expect(a["shipping.received"]).toBeUndefined();
  });

  it("does not take an operational contact's admin permission for the support contact", async () => {
    const a = readAnswers("Operativa kontakter och behörigheter är utsedda: Kalle Drift (kalle@kund.se) har admin.", await vocabularyForRegressions());
    expect(a["account.contacts"]?.status).toBe("ok");
    expect(a["config.support_contact"]).toBeUndefined();
  });
});

async function vocabularyForRegressions() {
  const { repoRules } = await import("../support/rules.js");
  return (await repoRules()).answers;
}
