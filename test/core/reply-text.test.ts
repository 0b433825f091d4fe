import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { MAX_REPLY_TEXT, extractReply } from "../../src/core/mail/reply-text.js";

const corpus = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../fixtures/corpus/${path}`, import.meta.url)), "utf8");

interface Case {
  name: string;
  text: string;
  reply: string;
  signature?: string;
  /** A line that must be in the quoted part. */
  quotedHas?: string;
}

const cases: Case[] = [
  {
    name: "cuts a Swedish Outlook reply at its Från/Skickat/Till/Ämne block and the rule above it",
    text: [
      "Hej,",
      "",
      "Flex-fakturering är konfigurerad.",
      "",
      "________________________________",
      "Från: Aktiveringar <activations.eu@example.com>",
      "Skickat: den 5 november 2026 10:12",
      "Till: Anna Andersson <anna@brf-solen.se>",
      "Ämne: [ACT-123456] Aktivering av laddplats",
      "",
      "Hej Anna! Konfigurera Flex-fakturering och svara på detta mejl.",
    ].join("\n"),
    reply: "Hej,\n\nFlex-fakturering är konfigurerad.",
    quotedHas: "Från: Aktiveringar <activations.eu@example.com>",
  },
  {
    name: "cuts an English Outlook reply at -----Original Message-----",
    text: "Yes, all done.\n\n-----Original Message-----\nFrom: Activations <activations.eu@example.com>\nSent: Thursday, November 5, 2026 10:12 AM\nTo: Anna\nSubject: RE: [ACT-123456] Activation\n\nPlease confirm.",
    reply: "Yes, all done.",
    quotedHas: "-----Original Message-----",
  },
  {
    name: "cuts a Swedish Outlook reply at -----Ursprungligt meddelande-----",
    text: "Allt stämmer.\r\n\r\n-----Ursprungligt meddelande-----\r\nFrån: Aktiveringar\r\nSkickat: den 5 november 2026 10:12\r\nÄmne: Aktivering\r\n\r\nBekräfta organisation.",
    reply: "Allt stämmer.",
    quotedHas: "-----Ursprungligt meddelande-----",
  },
  {
    name: "cuts a Gmail reply whose Swedish attribution wraps over two lines",
    text: "Öppettider: dygnet runt.\n\nDen tors 5 nov. 2026 kl 10:12 skrev Aktiveringar ChargePoint <\nactivations.eu@example.com>:\n\n> Vilka öppettider ska gälla?\n",
    reply: "Öppettider: dygnet runt.",
    quotedHas: "> Vilka öppettider ska gälla?",
  },
  {
    name: "cuts a Gmail reply at its English attribution",
    text: "Pricing: 3.50 SEK/kWh\n\nOn Thu, Nov 5, 2026 at 10:12 AM Activations <activations.eu@example.com> wrote:\n\n> What pricing policy do you want?\n",
    reply: "Pricing: 3.50 SEK/kWh",
    quotedHas: "> What pricing policy do you want?",
  },
  {
    name: "cuts an Apple Mail reply at its Swedish attribution and keeps the iPhone footer as signature",
    text: "Inga bilder, tack.\n\nSkickat från min iPhone\n\n5 nov. 2026 kl. 10:12 skrev Aktiveringar <activations.eu@example.com>:\n\n> Vill ni visa bilder eller videor på stationerna?\n",
    reply: "Inga bilder, tack.",
    signature: "Skickat från min iPhone",
    quotedHas: "> Vill ni visa bilder eller videor på stationerna?",
  },
  {
    name: "keeps inline answers written between quoted questions",
    text: [
      "On Thu, Nov 5, 2026 at 10:12 AM Activations <activations.eu@example.com> wrote:",
      "> 1. Who may use the stations?",
      "",
      "Only employees.",
      "",
      "> 2. Opening hours?",
      "",
      "Around the clock.",
    ].join("\n"),
    reply: "Only employees.\n\nAround the clock.",
    quotedHas: "> 2. Opening hours?",
  },
  {
    name: "takes a -- line and what follows as the signature",
    text: "Kontakter är utsedda.\n\n-- \nAnna Andersson\nBRF Solen\n070-123 45 67",
    reply: "Kontakter är utsedda.",
    signature: "--\nAnna Andersson\nBRF Solen\n070-123 45 67",
  },
  {
    name: "takes a Med vänliga hälsningar sign-off with its name block as the signature",
    text: "Hej!\n\nOrganisationen stämmer.\n\nMed vänliga hälsningar\nAnna Andersson\nFastighetschef, BRF Solen",
    reply: "Hej!\n\nOrganisationen stämmer.",
    signature: "Med vänliga hälsningar\nAnna Andersson\nFastighetschef, BRF Solen",
  },
  {
    name: "takes Mvh with the name on the same line as the signature",
    text: "Flex är klart.\nMvh Anna",
    reply: "Flex är klart.",
    signature: "Mvh Anna",
  },
  {
    name: "takes Best regards and Thanks, as English sign-offs",
    text: "The stations arrived today.\n\nThanks,\nJohn\n\nBest regards\nJohn Smith",
    reply: "The stations arrived today.",
    signature: "Thanks,\nJohn\n\nBest regards\nJohn Smith",
  },
  {
    name: "keeps a reply that opens with Tack! whole",
    text: "Tack!\nJa, allt stämmer.",
    reply: "Tack!\nJa, allt stämmer.",
  },
  {
    name: "does not take Tack followed by a sentence for a sign-off",
    text: "Hej,\nTack, Flex-fakturering är klar nu.",
    reply: "Hej,\nTack, Flex-fakturering är klar nu.",
  },
  {
    name: "takes Skickat från Outlook för Android as a footer",
    text: "Priset blir 2 kr/kWh.\n\nSkickat från Outlook för Android\n________________________________\nFrån: Aktiveringar <activations.eu@example.com>\nSkickat: torsdag 5 november 2026 10:12\nTill: Anna\nÄmne: Aktivering",
    reply: "Priset blir 2 kr/kWh.",
    signature: "Skickat från Outlook för Android",
  },
  {
    name: "takes Get Outlook for iOS as a footer",
    text: "Yes.\n\nGet Outlook for iOS<https://aka.ms/o0ukef>\n________________________________\nFrom: Activations\nSent: Thursday, November 5, 2026 10:12 AM\nSubject: Activation",
    reply: "Yes.",
    signature: "Get Outlook for iOS<https://aka.ms/o0ukef>",
  },
  {
    name: "keeps a sentence that starts like a footer but names no mail client",
    text: "Skickat från lagret igår, 3 lådor har kommit.",
    reply: "Skickat från lagret igår, 3 lådor har kommit.",
  },
  {
    name: "keeps Från/Till opening hours that are no header block",
    text: "Öppettider:\nFrån: 07:00\nTill: 18:00",
    reply: "Öppettider:\nFrån: 07:00\nTill: 18:00",
  },
  {
    name: "does not take a sentence with skrev for an attribution",
    text: "Som jag skrev i förra mejlet:\nPriset är 3 kr/kWh.",
    reply: "Som jag skrev i förra mejlet:\nPriset är 3 kr/kWh.",
  },
  {
    name: "cuts a Gmail forward marker",
    text: "Se nedan.\n\n---------- Forwarded message ---------\nFrån: Installatör <inst@example.com>\nDate: Thu, Nov 5, 2026\nSubject: Foton\n\nHär är fotona.",
    reply: "Se nedan.",
    quotedHas: "---------- Forwarded message ---------",
  },
  {
    name: "cuts a Swedish forward marker",
    text: "Vidarebefordrar från vår installatör.\n\n-------- Vidarebefordrat meddelande --------\nÄmne: Foton\nDatum: 2026-11-05\n\nFlex-fakturering är konfigurerad.",
    reply: "Vidarebefordrar från vår installatör.",
    quotedHas: "Flex-fakturering är konfigurerad.",
  },
  {
    name: "cuts an Apple Mail Swedish forward marker",
    text: "FYI\n\nBörjan av vidarebefordrat meddelande:\n\nFrån: Per <per@example.com>\nÄmne: Laddare\nDatum: 5 november 2026 10:12:00 CET\n\nText",
    reply: "FYI",
  },
  {
    name: "cuts German Outlook headers (Von/Gesendet/An/Betreff)",
    text: "Alles erledigt.\n\nVon: Aktivierung <activations.eu@example.com>\nGesendet: Donnerstag, 5. November 2026 10:12\nAn: Max\nBetreff: Aktivierung",
    reply: "Alles erledigt.",
  },
  {
    name: "cuts Danish Outlook headers (Fra/Sendt/Til/Emne)",
    text: "Ja tak.\n\nFra: Aktivering <activations.eu@example.com>\nSendt: 5. november 2026 10:12\nTil: Lars\nEmne: Aktivering",
    reply: "Ja tak.",
  },
  {
    name: "cuts a Norwegian Gmail attribution",
    text: "Alt er klart.\n\nman. 5. nov. 2026 kl. 10:12 skrev Aktivering <activations.eu@example.com>:\n\n> Hei",
    reply: "Alt er klart.",
  },
  {
    name: "cuts a Finnish Gmail attribution",
    text: "Kiitos.\n\nto 5. marrask. 2026 klo 10.12 Aktivointi <activations.eu@example.com> kirjoitti:\n\n> Hei",
    reply: "Kiitos.",
  },
  {
    name: "cuts a Dutch Apple Mail attribution",
    text: "Klopt.\n\nOp 5 nov. 2026 om 10:12 heeft Activatie <activations.eu@example.com> het volgende geschreven:\n\n> Hallo",
    reply: "Klopt.",
  },
  {
    name: "never keeps a quoted line in the reply even when the answer repeats it",
    text: "Flex-fakturering är inte klar än.\n\n> Flex-fakturering är konfigurerad.\n",
    reply: "Flex-fakturering är inte klar än.",
    quotedHas: "> Flex-fakturering är konfigurerad.",
  },
  {
    name: "returns empty parts for an empty text",
    text: "",
    reply: "",
    signature: "",
  },
];

describe("extractReply", () => {
  it.each(cases)("$name", ({ text, reply, signature, quotedHas }) => {
    const parts = extractReply(text);
    expect(parts.reply).toBe(reply);
    if (signature !== undefined) expect(parts.signature).toBe(signature);
    if (quotedHas !== undefined) expect(parts.quoted).toContain(quotedHas);
  });

  it("reads at most MAX_REPLY_TEXT characters of a huge text", () => {
    const parts = extractReply("a".repeat(MAX_REPLY_TEXT * 3));
    expect(parts.reply.length).toBe(MAX_REPLY_TEXT);
  });

  it("stays linear on a long line of attribution-like noise", () => {
    const noise = "On 5 Nov 2026 10:12 <a@b.se> skrev wrote ".repeat(5_000);
    const started = performance.now();
    extractReply(`${noise}\n`.repeat(2));
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

/** Real reply-quote bodies from other projects' test suites (test/fixtures/corpus, MIT). */
interface CorpusCase {
  file: string;
  /** The first real sentence of the new text. */
  first: string;
  /** The quote header line that must be gone from the reply. */
  header: string;
}

const LOREM = "Fusce bibendum, quam hendrerit sagittis tempor";
const corpusCases: CorpusCase[] = [
  { file: "crisp-email-reply-parser/test/fixtures/email_danish_dash_separator.txt", first: LOREM, header: "Oprindelig besked" },
  { file: "crisp-email-reply-parser/test/fixtures/email_finnish.txt", first: LOREM, header: "kirjoitti:" },
  { file: "crisp-email-reply-parser/test/fixtures/email_german_outlook.txt", first: LOREM, header: "Nachricht-----" },
  { file: "crisp-email-reply-parser/test/fixtures/email_ios_outlook.txt", first: LOREM, header: "From: The Hiring Engine" },
  { file: "crisp-email-reply-parser/test/fixtures/email_norwegian_gmail.txt", first: LOREM, header: "skrev Test user" },
  { file: "crisp-email-reply-parser/test/fixtures/email_original_message.txt", first: LOREM, header: "-----original message-----" },
  { file: "crisp-email-reply-parser/test/fixtures/email_outlook_split_line_from.txt", first: LOREM, header: "From: Human Resources" },
  { file: "crisp-email-reply-parser/test/fixtures/email_tricky_17_forward_header.txt", first: "See the forwarded message below.", header: "Forwarded message" },
  { file: "crisp-email-reply-parser/test/fixtures/email_tricky_5_mixed_languages.txt", first: LOREM, header: "a écrit" },
  { file: "discourse-email-reply-trimmer/test/emails/dual_embedded.txt", first: "This is the 3rd email.", header: "wrote:" },
  { file: "discourse-email-reply-trimmer/test/emails/email_headers_1.txt", first: "This is a reply from Outlook!", header: "*From:* Outlook user" },
  { file: "discourse-email-reply-trimmer/test/emails/email_headers_2.txt", first: "This is a reply from Outlook!", header: "From: Discourse" },
  { file: "discourse-email-reply-trimmer/test/emails/email_headers_3.txt", first: "This is the actual reply.", header: "From: Some One" },
  { file: "discourse-email-reply-trimmer/test/emails/email_headers_4.txt", first: "test", header: "Da: Sally54721" },
  { file: "discourse-email-reply-trimmer/test/emails/email_headers_5.txt", first: "Hi Erlend,", header: "From: Erlend Sogge Heggen" },
  { file: "discourse-email-reply-trimmer/test/emails/embedded_ception.txt", first: "This is the reply.", header: "Jeff Atwood" },
  { file: "discourse-email-reply-trimmer/test/emails/embedded_email_dutch_1.txt", first: "Nice of you to pick it up!", header: "het volgende geschreven" },
  { file: "discourse-email-reply-trimmer/test/emails/embedded_email_german_1.txt", first: "alright, no big deal", header: "schrieb:" },
  { file: "discourse-email-reply-trimmer/test/emails/embedded_email_norwegian.txt", first: "Thanx :-)", header: "skrev Jeff Atwood" },
  { file: "discourse-email-reply-trimmer/test/emails/embedded_email_swedish.txt", first: "Hi everyone!", header: "Från: Foo Bar" },
  { file: "discourse-email-reply-trimmer/test/emails/forwarded_apple.txt", first: "This email has been forwarded from Apple Mail.", header: "Begin forwarded message" },
  { file: "discourse-email-reply-trimmer/test/emails/forwarded_gmail.txt", first: "This email has been forwarded from Gmail.", header: "Forwarded message" },
  { file: "fredrikankarang-emailreplyparser/tests/Fixtures/Swedish/gmail.txt", first: "Tack för du hörde av dig.", header: "skrev Fredrik" },
  { file: "fredrikankarang-emailreplyparser/tests/Fixtures/Swedish/gmail2.txt", first: "Coolt tack för inbjudan.", header: "skrev Fredrik" },
  { file: "fredrikankarang-emailreplyparser/tests/Fixtures/Swedish/gmail3.txt", first: "Ja jag hör gärna mer om rollen.", header: "skrev Heeman" },
  { file: "fredrikankarang-emailreplyparser/tests/Fixtures/Swedish/iphoneSig.txt", first: "Här är ett nytt mejl", header: "Skickat från min iPhone" },
  { file: "fredrikankarang-emailreplyparser/tests/Fixtures/Swedish/kth.txt", first: "Det låter intressant. Skicka avtalet.", header: "Från: Fredrik" },
  { file: "fredrikankarang-emailreplyparser/tests/Fixtures/Swedish/yahoo.txt", first: "Hej igen, Här kommer ytterligare ett test.", header: "skrev:" },
  { file: "fredrikankarang-emailreplyparser/tests/Fixtures/Swedish/yahoo2.txt", first: "Ok det ska jag göra.", header: "skrev:" },
  { file: "github-email-reply-parser/test/emails/email_1_2.txt", first: "Hi,", header: "Abhishek Kona wrote:" },
  { file: "github-email-reply-parser/test/emails/email_2_1.txt", first: "Outlook with a reply", header: "*From:* Google Apps Sync Team" },
  { file: "github-email-reply-parser/test/emails/email_BlackBerry.txt", first: "Here is another email", header: "Sent from my BlackBerry" },
  { file: "github-email-reply-parser/test/emails/email_iPhone.txt", first: "Here is another email", header: "Sent from my iPhone" },
  { file: "github-email-reply-parser/test/emails/email_one_is_not_on.txt", first: "Thank, this is really helpful.", header: "Dave Tapley wrote:" },
  { file: "github-email-reply-parser/test/emails/greedy_on.txt", first: "On your remote host you can run:", header: "George Plymale wrote:" },
  { file: "github-email-reply-parser/test/emails/pathological.txt", first: "I think you're onto something.", header: "John Sullivan" },
];

describe("extractReply on real reply-quote bodies", () => {
  it.each(corpusCases)("removes the quoted history of $file", ({ file, first, header }) => {
    const parts = extractReply(corpus(file));
    expect(parts.reply).toContain(first);
    expect(parts.reply).not.toContain(header);
    expect(parts.reply).not.toMatch(/^\s*>/m);
  });

  it("keeps the interleaved answer of a bottom-posted reply and drops its quotes", () => {
    const parts = extractReply(corpus("github-email-reply-parser/test/emails/email_1_2.txt"));
    expect(parts.reply).toContain("You can list the keys for the bucket");
    expect(parts.reply).not.toContain("What is the best way to clear a Riak bucket");
    expect(parts.quoted).toContain("What is the best way to clear a Riak bucket");
  });

  it("takes a forward with nothing above it as all history", () => {
    expect(extractReply(corpus("discourse-email-reply-trimmer/test/emails/forwarded_message.txt")).reply).toBe("");
  });

  it("separates the signature written below the quotes of a Gmail reply", () => {
    const parts = extractReply(corpus("discourse-email-reply-trimmer/test/emails/embedded_ception.txt"));
    expect(parts.reply).toBe("This is the reply.");
    expect(parts.signature).toContain("Community Manager");
  });
});
