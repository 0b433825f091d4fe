import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyMail, type MailClass } from "../../src/core/mail/classify.js";
import { DEFAULT_NOISE_VOCABULARY, NoiseVocabularySchema, type NoiseVocabulary } from "../../src/core/mail/noise-vocabulary.js";
import type { HeaderLine, MailFacts } from "../../src/core/types.js";
import { DESK, parseFixture, tempBlobStore, type TempBlobs } from "../adapters/mime-test-helpers.js";

function mail(over: Partial<MailFacts> & { extraHeaders?: HeaderLine[] } = {}): MailFacts {
  const { extraHeaders = [], ...rest } = over;
  return {
    key: "mid:test@kund.example",
    messageId: "<test@kund.example>",
    references: [],
    from: { address: "anna.lind@brf-solgarden.example", name: "Anna Lind" },
    replyTo: [],
    to: [{ address: "activations+act-123456.k7q2m4xa@activations.example.com" }],
    cc: [],
    deliveredTo: [],
    subject: "Re: [ACT-123456] Aktivering av laddplatser",
    headers: [{ name: "subject", value: "Re: [ACT-123456] Aktivering av laddplatser" }, ...extraHeaders],
    text: "Hej! Flex billing är klart.\n",
    textFromHtml: false,
    attachments: [],
    reportParts: [],
    problems: [],
    ...rest,
  };
}

const classify = (m: MailFacts, vocabulary?: NoiseVocabulary) => classifyMail(m, { ...DESK, ...(vocabulary ? { vocabulary } : {}) });
const kind = (c: MailClass) => c.kind;

describe("classifyMail: replies", () => {
  it("takes an ordinary mail for a reply without doubts", () => {
    expect(classify(mail())).toEqual({ kind: "reply", doubts: [] });
  });

  it("does not take X-Auto-Response-Suppress alone for an auto-reply (Outlook sets it on ordinary mail)", () => {
    expect(classify(mail({ extraHeaders: [{ name: "x-auto-response-suppress", value: "All" }] }))).toEqual({ kind: "reply", doubts: [] });
  });

  it("reads Auto-Submitted: no as a person's mail", () => {
    expect(kind(classify(mail({ extraHeaders: [{ name: "auto-submitted", value: "no" }] })))).toBe("reply");
  });

  it("carries the parse problems that may hide what the sender said as doubts", () => {
    const c = classify(mail({ problems: ["no_message_id: none", "text_truncated: text cut at 200000 of 300000 characters"] }));
    expect(c).toEqual({ kind: "reply", doubts: ["text_truncated: text cut at 200000 of 300000 characters"] });
  });

  it("does not mistake the desk's own words for out-of-office", () => {
    for (const text of [
      "Kontaktperson vid frånvaro: Kalle Karlsson, 070-111 22 33.",
      "Vi har öppet dygnet runt, även när jag är på plats ute på siten.",
      "Out of office hours the price is 2,50 kr/kWh.",
    ]) {
      expect(kind(classify(mail({ text })))).toBe("reply");
    }
    expect(kind(classify(mail({ subject: "Re: Out of office hours pricing" })))).toBe("reply");
  });

  it("treats a person's forward of a bounce as a reply", () => {
    const c = classify(
      mail({
        subject: "Fwd: Undeliverable: [ACT-123456] Aktivering",
        text: "Se nedan, adressen verkar fel.\n\nDelivery has failed to these recipients or groups:\n\nkalle@kund.example\n",
      }),
    );
    expect(kind(c)).toBe("reply");
  });
});

describe("classifyMail: auto-replies", () => {
  it.each<[string, HeaderLine]>([
    ["Auto-Submitted: auto-replied", { name: "auto-submitted", value: "auto-replied" }],
    ["Auto-Submitted: auto-generated", { name: "auto-submitted", value: "auto-generated" }],
    ["X-Autoreply", { name: "x-autoreply", value: "yes" }],
    ["X-Autorespond", { name: "x-autorespond", value: "vacation" }],
    ["Precedence: bulk", { name: "precedence", value: "bulk" }],
    ["Precedence: junk", { name: "precedence", value: "junk" }],
    ["Precedence: list", { name: "precedence", value: "list" }],
    ["Precedence: auto_reply", { name: "precedence", value: "auto_reply" }],
    ["List-Id", { name: "list-id", value: "<news.kund.example>" }],
    ["List-Unsubscribe", { name: "list-unsubscribe", value: "<mailto:unsub@kund.example>" }],
    ["X-Loop", { name: "x-loop", value: "crm@kund.example" }],
  ])("recognises %s", (_label, header) => {
    expect(kind(classify(mail({ extraHeaders: [header] })))).toBe("auto_reply");
  });

  it.each(["noreply@kund.example", "no-reply@crm.kund.example", "donotreply@kund.example", "MAILER-DAEMON@kund.example", "postmaster@kund.example"])(
    "recognises the automatic sender %s",
    (address) => {
      expect(classify(mail({ from: { address: address.toLowerCase() } }))).toEqual({
        kind: "auto_reply",
        reason: `automatic sender ${address.toLowerCase()}`,
      });
    },
  );

  it.each([
    "Autosvar: Re: [ACT-123456] Aktivering",
    "Automatiskt svar: Re: [ACT-123456] Aktivering",
    "Frånvaro: Re: [ACT-123456] Aktivering",
    "Frånvarande t.o.m. 4/8",
    "Out of Office: Re: [ACT-123456]",
    "Automatic reply: Re: [ACT-123456]",
    "Auto-Reply: Re: [ACT-123456]",
    "[EXTERNAL] Automatic reply: Re: [ACT-123456]",
    "AUTOMATISKT SVAR: RE: [ACT-123456]",
  ])("recognises the subject %j", (subject) => {
    expect(kind(classify(mail({ subject })))).toBe("auto_reply");
  });

  it.each([
    "Hej! Jag är frånvarande till och med 4 augusti.",
    "Hej,\n\njag är på semester till 11/8 med begränsad tillgång till e-post.",
    "Tack för ditt mejl. Jag är föräldraledig.",
    "I am out of the office until Monday.",
    "Thank you for your email. I'm on vacation until 4 August.",
  ])("recognises the text %j when it brings nothing else", (text) => {
    expect(kind(classify(mail({ text })))).toBe("auto_reply");
    const withPhoto = mail({ text, attachments: [{ filename: "IMG_1.jpg", contentType: "image/jpeg", size: 10, inline: false, blob: "sha256-x" }] });
    expect(kind(classify(withPhoto))).toBe("reply");
  });

  it("ignores the text signal past the window", () => {
    const text = `${"Bilder på elcentralen och fundamentet kommer i nästa mejl. ".repeat(10)}\nJag är på semester sedan.`;
    expect(kind(classify(mail({ text })))).toBe("reply");
  });

  it("takes read receipts and success reports for noise", () => {
    const mdn = mail({
      headers: [{ name: "content-type", value: "multipart/report; report-type=disposition-notification; boundary=x" }],
      reportParts: [{ contentType: "message/disposition-notification", text: "Disposition: manual-action/MDN-sent-manually; displayed\n" }],
    });
    expect(classify(mdn)).toEqual({ kind: "auto_reply", reason: "read receipt" });
    const delivered = mail({
      reportParts: [{ contentType: "message/delivery-status", text: "Reporting-MTA: dns; mx\n\nFinal-Recipient: rfc822; a@b.example\nAction: delivered\nStatus: 2.0.0\n" }],
    });
    expect(classify(delivered)).toEqual({ kind: "auto_reply", reason: "delivery report (delivered)" });
  });

  it("uses the vocabulary it is given", () => {
    const vocabulary: NoiseVocabulary = {
      ...DEFAULT_NOISE_VOCABULARY,
      auto_reply: { ...DEFAULT_NOISE_VOCABULARY.auto_reply, subject_prefixes: ["Poissaolo"] },
    };
    expect(kind(classify(mail({ subject: "Poissaolo: Re: [ACT-123456]" }), vocabulary))).toBe("auto_reply");
    expect(kind(classify(mail({ subject: "Autosvar: Re: [ACT-123456]" }), vocabulary))).toBe("reply");
  });
});

describe("classifyMail: the bot's own mail", () => {
  it("recognises the bot's address, plus-addressed or not", () => {
    expect(classify(mail({ from: { address: "activations@activations.example.com" } }))).toEqual({
      kind: "own",
      reason: "from the bot's address activations@activations.example.com",
    });
    expect(kind(classify(mail({ from: { address: "activations+act-123456.k7q2m4xa@activations.example.com" } })))).toBe("own");
  });

  it("recognises a Message-ID the bot minted, before any auto-reply header", () => {
    const c = classify(
      mail({
        from: { address: "someone@kund.example" },
        messageId: "<act-123456.r1.k7q2m4xa@activations.example.com>",
        extraHeaders: [{ name: "auto-submitted", value: "auto-replied" }],
      }),
    );
    expect(c).toEqual({ kind: "own", reason: "Message-ID minted by the bot (activations.example.com)" });
  });

  it("still reads a bounce from an MTA on the bot's own domain as a bounce", async () => {
    const c = classify(
      mail({
        from: { address: "mailer-daemon@activations.example.com" },
        messageId: "<20250719.4C1B@activations.example.com>",
        returnPath: "",
        subject: "Undelivered Mail Returned to Sender",
        text: "I'm sorry to have to inform you that your message could not be delivered.\n\n<nm@kund.example>: 550 5.1.1 User unknown\n",
      }),
    );
    expect(c).toMatchObject({ kind: "bounce", bounce: { recipient: "nm@kund.example", status: "5.1.1", permanent: true } });
  });
});

describe("classifyMail: bounces and delays", () => {
  const dsn = (action: string, status: string) =>
    mail({
      from: { address: "mailer-daemon@mx.kund.example" },
      returnPath: "",
      subject: "Delivery Status Notification",
      headers: [{ name: "content-type", value: "multipart/report; report-type=delivery-status; boundary=x" }],
      text: "This is an automatically generated Delivery Status Notification.\n",
      reportParts: [
        {
          contentType: "message/delivery-status",
          text: `Reporting-MTA: dns; mx.kund.example\n\nFinal-Recipient: rfc822; nm@kund.example\nAction: ${action}\nStatus: ${status}\nDiagnostic-Code: smtp; 550 ${status} mailbox unavailable\n`,
        },
        { contentType: "text/rfc822-headers", text: "From: activations@activations.example.com\nMessage-ID: <act-123456.r3.k7q2m4xa@activations.example.com>\n" },
      ],
    });

  it("reads an RFC 3464 failure: recipient, status, diagnostic, returned Message-ID", () => {
    expect(classify(dsn("failed", "5.1.1"))).toEqual({
      kind: "bounce",
      bounce: {
        recipient: "nm@kund.example",
        status: "5.1.1",
        diagnostic: "550 5.1.1 mailbox unavailable",
        originalMessageId: "<act-123456.r3.k7q2m4xa@activations.example.com>",
        permanent: true,
      },
    });
  });

  it("marks a 4.x.x failure as not permanent", () => {
    expect(classify(dsn("failed", "4.2.2"))).toMatchObject({ kind: "bounce", bounce: { permanent: false, status: "4.2.2" } });
  });

  it("reads Action: delayed as a delivery delay, not a bounce", () => {
    expect(classify(dsn("delayed", "4.4.7"))).toEqual({ kind: "delivery_delay", recipient: "nm@kund.example", status: "4.4.7" });
  });

  it("reads a free-text delay warning as a delivery delay", () => {
    const c = classify(
      mail({
        from: { address: "mailer-daemon@mx.kund.example" },
        subject: "Warning: could not send message for past 4 hours",
        text: "THIS IS A WARNING MESSAGE ONLY. YOU DO NOT NEED TO RESEND YOUR MESSAGE.\n<nm@kund.example>... Deferred\n",
      }),
    );
    expect(c).toEqual({ kind: "delivery_delay", recipient: "nm@kund.example" });
  });

  it("reads a Swedish free-text NDR without report parts", () => {
    const c = classify(
      mail({
        from: { address: "postmaster@brf-solgarden.example" },
        subject: "Olevererbart: [ACT-123456] Aktivering",
        text:
          "Det gick inte att leverera till de här mottagarna eller grupperna:\n\n" +
          "kalle.karlsson@brf-solgarden.example\nE-postadressen hittades inte.\n\n" +
          "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'\n",
      }),
    );
    expect(c).toEqual({
      kind: "bounce",
      bounce: {
        recipient: "kalle.karlsson@brf-solgarden.example",
        status: "5.1.10",
        diagnostic: "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'",
        permanent: true,
      },
    });
  });

  it("takes the original Message-ID from the VERP address when nothing was returned", () => {
    const c = classify(
      mail({
        from: { address: "mailer-daemon@mx.kund.example" },
        deliveredTo: ["activations+bounce-act-123456.r4@activations.example.com"],
        subject: "failure notice",
        text: "I'm afraid I wasn't able to deliver your message to the following addresses.\n\n<nm@kund.example>:\n550 no such user\n",
      }),
    );
    expect(c).toMatchObject({ kind: "bounce", bounce: { recipient: "nm@kund.example", originalMessageId: "act-123456.r4", permanent: true } });
  });

  it("reads a bounce without any detail as a bounce without recipient", () => {
    const c = classify(
      mail({ from: { address: "mailer-daemon@mx.kund.example" }, headers: [{ name: "content-type", value: "multipart/report; report-type=delivery-status" }], text: "" }),
    );
    expect(c).toEqual({ kind: "bounce", bounce: { permanent: true } });
  });

  it("reads an ARF report as a complaint", () => {
    const c = classify(
      mail({
        from: { address: "feedback@arf.mail.example" },
        headers: [{ name: "content-type", value: 'multipart/report; report-type="feedback-report"; boundary=x' }],
        reportParts: [
          { contentType: "message/feedback-report", text: "Feedback-Type: abuse\nUser-Agent: SomeGenerator/1.0\nVersion: 1\n" },
          { contentType: "message/rfc822", text: "From: activations@activations.example.com\nMessage-ID: <act-123456.r5.k7q2m4xa@activations.example.com>\n" },
        ],
      }),
    );
    expect(c).toEqual({ kind: "complaint", feedbackType: "abuse", originalMessageId: "<act-123456.r5.k7q2m4xa@activations.example.com>" });
  });
});

describe("classifyMail on the scenario fixtures", () => {
  let store: TempBlobs;
  beforeAll(async () => {
    store = await tempBlobStore();
  });
  afterAll(async () => {
    await store.cleanup();
  });

  it("Swedish Exchange out-of-office → auto_reply", async () => {
    expect(classifyMail(await parseFixture("sv-exchange-ooo.eml", store.blobs), DESK)).toEqual({
      kind: "auto_reply",
      reason: "Auto-Submitted: auto-replied",
    });
  });

  it("Swedish 'Frånvaro' reply without any auto-reply header → auto_reply from its text", async () => {
    expect(classifyMail(await parseFixture("sv-franvaro-body-only.eml", store.blobs), DESK)).toEqual({
      kind: "auto_reply",
      reason: 'text "Jag är frånvarande"',
    });
  });

  it("Swedish Exchange NDR → bounce with recipient and the bot's Message-ID", async () => {
    expect(classifyMail(await parseFixture("sv-exchange-ndr.eml", store.blobs), DESK)).toEqual({
      kind: "bounce",
      bounce: {
        recipient: "kalle.karlsson@brf-solgarden.example",
        status: "5.1.10",
        diagnostic: "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        originalMessageId: "<act-123456.r2.k7q2m4xa@activations.example.com>",
        permanent: true,
      },
    });
  });

  it("Gmail-style English bounce → bounce, original from In-Reply-To", async () => {
    expect(classifyMail(await parseFixture("gmail-bounce-en.eml", store.blobs), DESK)).toEqual({
      kind: "bounce",
      bounce: {
        recipient: "installer@wrong-domain.example",
        originalMessageId: "<act-654321.r1.p3n8w2qe@activations.example.com>",
        // No enhanced code in Gmail's text: the status is read from "the domain … couldn't be found".
        status: "5.1.2",
        // Gmail's form gives the reason after "The response from the remote server was:".
        diagnostic: "DNS Error: 27164 DNS type 'mx' lookup of wrong-domain.example responded with code NXDOMAIN",
        permanent: true,
      },
    });
  });

  it("Postfix DSN → bounce with the returned message's Message-ID", async () => {
    expect(classifyMail(await parseFixture("postfix-dsn.eml", store.blobs), DESK)).toMatchObject({
      kind: "bounce",
      bounce: { recipient: "nm@kund.example", status: "5.1.1", originalMessageId: "<act-123456.abc@activations.example.com>", permanent: true },
    });
  });

  it("Outlook reply with only X-Auto-Response-Suppress → reply", async () => {
    expect(classifyMail(await parseFixture("outlook-reply-xars.eml", store.blobs), DESK)).toEqual({ kind: "reply", doubts: [] });
  });

  it("HTML mail with scripts → reply", async () => {
    expect(classifyMail(await parseFixture("html-xss.eml", store.blobs), DESK)).toEqual({ kind: "reply", doubts: [] });
  });

  it("winmail.dat, zero-byte part and nested forwards → reply", async () => {
    for (const name of ["tnef-winmail.eml", "zero-byte-attachment.eml", "forwarded-three-deep.eml"]) {
      expect(classifyMail(await parseFixture(name, store.blobs), DESK)).toEqual({ kind: "reply", doubts: [] });
    }
  });

  it("500 attachments → reply with a doubt", async () => {
    expect(classifyMail(await parseFixture("many-attachments-500.eml", store.blobs), DESK)).toEqual({
      kind: "reply",
      doubts: ["too_many_parts: attachments past the first 200 were not stored"],
    });
  });
});

describe("rules/noise.yaml", () => {
  it("is valid and the same as the built-in default", async () => {
    const file = parse(await readFile(join(import.meta.dirname, "..", "..", "rules", "noise.yaml"), "utf8")) as unknown;
    expect(NoiseVocabularySchema.parse(file)).toEqual(DEFAULT_NOISE_VOCABULARY);
  });
});
