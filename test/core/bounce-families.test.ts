/**
 * One small recogniser per mail-server family (src/core/mail/bounce-families.ts): each family's form
 * read for its failed recipient and its reason, and a text no family marks left to the general reading.
 */
import { describe, expect, it } from "vitest";
import { BOUNCE_FAMILIES, readBounceFamily } from "../../src/core/mail/bounce-families.js";

const CASES: { family: string; text: string; recipient: string; why?: string }[] = [
  { family: "james", text: "Hi. This is the James mail server at j.example.\n\nFailed recipient(s):\nbo@k.example\n\nError message:\n550 5.1.1 Unknown user\n", recipient: "bo@k.example", why: "550 5.1.1 Unknown user" },
  { family: "qmail", text: "Hi. This is the qmail-send program at q.example.\n\n<bo@k.example>:\nSorry, no mailbox here by that name. (#5.1.1)\n", recipient: "bo@k.example", why: "Sorry, no mailbox here by that name. (#5.1.1)" },
  { family: "exim", text: "The following address(es) failed:\n\n  bo@k.example\n    host mx.k.example [192.0.2.1]\n    550 No such user\n\n", recipient: "bo@k.example", why: "host mx.k.example [192.0.2.1] 550 No such user" },
  { family: "postfix", text: "This is the mail system at host mx.example.\n\n<bo@k.example>: host mx.k.example[192.0.2.1] said: 550 5.1.1\n    User unknown (in reply to RCPT TO command)\n", recipient: "bo@k.example", why: "host mx.k.example[192.0.2.1] said: 550 5.1.1 User unknown (in reply to RCPT TO command)" },
  { family: "sendmail", text: "   ----- The following addresses had permanent fatal errors -----\n<bo@k.example>\n    (reason: 550 5.1.1 User unknown)\n", recipient: "bo@k.example", why: "550 5.1.1 User unknown" },
  { family: "groupwise", text: "The message that you sent was undeliverable to the following:\n\tbo@k.example (user not found)\n", recipient: "bo@k.example", why: "user not found" },
  { family: "dragonfly", text: "This is the DragonFly Mail Agent v0.13 at d.example.\n\nThere was an error delivering your mail to <bo@k.example>.\n\nmx.k.example [192.0.2.1] did not like our RCPT TO:\n550 5.1.1 User unknown\n\nMessage headers follow.\n", recipient: "bo@k.example", why: "mx.k.example [192.0.2.1] did not like our RCPT TO: 550 5.1.1 User unknown" },
  { family: "amazon", text: "An error occurred while trying to deliver the mail to the following recipients:\nbo@k.example\n\nTechnical report:\n\nDiagnostic-Code: smtp; 552 Mailbox limit exceeded\n", recipient: "bo@k.example", why: "552 Mailbox limit exceeded" },
  { family: "hotmail", text: "Delivery to the following recipients failed.\n\n       bo@k.example\n\nReason: 552 mailbox is full\n", recipient: "bo@k.example", why: "552 mailbox is full" },
  { family: "exchange", text: "Delivery has failed to these recipients or groups:\n\nBo Ek (bo@k.example)\nThe email address couldn't be found.\n\nRemote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'\n", recipient: "bo@k.example", why: "550 5.1.10 RESOLVER.ADR.RecipientNotFound" },
  { family: "exchange", text: "Your message to bo@k.example [bo@k.example] couldn't\nbe delivered. bo wasn't found at k.example. Remote Server returned '550\n5.1.1 RecipNotFound'\n", recipient: "bo@k.example", why: "550 5.1.1 RecipNotFound" },
  { family: "gmail", text: "** Address not found **\n\nYour message wasn't delivered to bo@k.example because the address couldn't be found.\n\nThe response was:\n\n550 5.1.1 The email account does not exist.\n", recipient: "bo@k.example", why: "550 5.1.1 The email account does not exist." },
  { family: "gmail", text: "Delivery to the following recipient failed permanently:\n\n     bo@k.example\n\nThe error that the other server returned was:\n550 Rejected by policy\n", recipient: "bo@k.example", why: "550 Rejected by policy" },
  { family: "domino", text: "Your message\n\n  Subject: x\n\nwas not delivered to:\n\n  bo@k.example\n\nbecause:\n\n  User bo not listed in Domino Directory\n", recipient: "bo@k.example", why: "User bo not listed in Domino Directory" },
  { family: "opensmtpd", text: "An error has occurred while attempting to deliver a message for\nthe following list of recipients:\n\nbo@k.example: 550 5.1.1 User unknown\n", recipient: "bo@k.example", why: "550 5.1.1 User unknown" },
  { family: "yahoo", text: "Sorry, we were unable to deliver your message to the following address.\n\n<bo@k.example>:\n554: delivery error: dd This user doesn't have a k.example account\n", recipient: "bo@k.example", why: "554: delivery error: dd This user doesn't have a k.example account" },
  { family: "messaging-server", text: "Your message cannot be delivered to the following recipients:\n\n  Recipient address: @relay.example:bo@k.example\n  Reason: Remote SMTP server has rejected address\n  Diagnostic code: smtp;550 5.1.1 unknown alias\n", recipient: "@relay.example:bo@k.example", why: "smtp;550 5.1.1 unknown alias" },
  { family: "courier", text: "This is a delivery status notification from c.example,\nrunning the Courier mail server.\n\n<bo@k.example>:\n    mx.k.example [192.0.2.1]:\n<<< 550 User unknown\n", recipient: "bo@k.example", why: "550 User unknown" },
];

describe("the bounce forms of the mail-server families", () => {
  it.each(CASES)("reads $family's form: $recipient", ({ family, text, recipient, why }) => {
    expect(readBounceFamily(text)).toEqual({ family, recipient, ...(why ? { why } : {}) });
  });

  it("has a case for every family in the table", () => {
    expect(new Set(CASES.map((c) => c.family))).toEqual(new Set(BOUNCE_FAMILIES.map((f) => f.family)));
  });

  it("leaves a text no family marks to the general reading", () => {
    expect(readBounceFamily("Hej! Vi har monterat laddarna. Mvh Ivar")).toBeUndefined();
  });

  it("stays fast on a long hostile text after a marker", () => {
    const text = `The following address(es) failed:\n\n  ${"a".repeat(100_000)}@${"b".repeat(100_000)}\n`;
    const t0 = performance.now();
    readBounceFamily(text);
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
