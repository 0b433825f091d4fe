/**
 * The free-text forms of the common mail servers' bounces, one small recogniser per family, as the
 * established bounce classifiers organise them: the fixed sentence that marks the family's text, where
 * that text names the failed recipient, and where it says why. Data, read by read-bounce.ts before its
 * general reading (the first address after a bounce phrase, the first code in the text), which stays
 * the fallback for families not listed here. Pure.
 *
 * Written from the forms the servers produce (their documentation and their own sample reports);
 * every pattern is bounded, and runs on a bounded window of text after its marker.
 */

/** An address as these forms write it, bare or in `<>`; a source route before it is dropped later. */
const ADDR = "[^\\s<>()\"',;@]{1,320}@[a-z0-9.-]{1,255}";

export interface BounceFamily {
  family: string;
  /** The family's fixed sentence; its text is read from here on. */
  marker: RegExp;
  /** Where the failed recipient stands (group `rcpt`), and for some forms why (group `why`); the first that matches. */
  entry: readonly RegExp[];
  /** Where the form says why, after the entry; the first that matches, group 1. */
  reason?: readonly RegExp[];
}

export const BOUNCE_FAMILIES: readonly BounceFamily[] = [
  {
    // Apache James (Bounce / DSNBounce mailets): before qmail, whose sentence it borrows.
    family: "james",
    marker: /This is the James mail server at|^(?:Failed|Delayed) recipient\(s\):/m,
    entry: [new RegExp(`(?:Failed|Delayed) recipient\\(s\\):[ \\t]*\\n\\s{0,20}<?(?<rcpt>${ADDR})>?`, "i")],
    reason: [/Error message:[ \t]*\n\s{0,20}([^\n]{1,500})/],
  },
  {
    family: "qmail",
    marker: /This is the qmail-send program at|I'm afraid I wasn't able to deliver your message to the following addresses/,
    entry: [new RegExp(`^<(?<rcpt>${ADDR})>:[ \\t]*\\n(?<why>[^\\n]{1,500})`, "im")],
  },
  {
    family: "exim",
    marker: /The following address\(es\) failed:|The address(?:es)? to which the message has not yet been delivered (?:is|are):/,
    entry: [new RegExp(`(?:failed|delivered (?:is|are)):[ \\t]*\\n\\s{0,40}?\\n?[ \\t]+(?<rcpt>${ADDR})[^\\n]{0,200}\\n(?<why>(?:[ \\t]+[^\\n]{1,300}(?:\\n|$)){1,8})`, "i")],
  },
  {
    family: "postfix",
    marker: /This is the mail system at host/,
    entry: [new RegExp(`^<(?<rcpt>${ADDR})>(?: \\([^)\\n]{0,300}\\))?:[ \\t]*(?<why>[^\\n]{0,300}(?:\\n[ \\t]+[^\\n]{1,300}){0,6})`, "im")],
  },
  {
    family: "sendmail",
    marker: /----- The following addresses had (?:permanent fatal errors|transient non-fatal errors) -----/,
    entry: [new RegExp(`errors -----[ \\t]*\\n<?(?<rcpt>${ADDR})>?[^\\n]{0,200}\\n(?:[ \\t]+\\(reason: (?<why>[^\\n]{1,400})\\))?`, "i")],
  },
  {
    family: "groupwise",
    marker: /The message that you sent was undeliverable to the following:/,
    entry: [new RegExp(`following:[ \\t]*\\n[ \\t]+(?<rcpt>${ADDR})[ \\t]*(?:\\((?<why>[^)\\n]{1,300})\\))?`, "i")],
  },
  {
    family: "dragonfly",
    marker: /There was an error delivering your mail to </,
    entry: [new RegExp(`error delivering your mail to <(?<rcpt>${ADDR})>\\.[ \\t]*\\n[ \\t]*\\n(?<why>[^\\n]{1,500}(?:\\n[^\\n]{1,500}){0,3})`, "i")],
  },
  {
    // Amazon SES and WorkMail.
    family: "amazon",
    marker: /An error occurred while trying to deliver the mail to the following recipients:/,
    entry: [new RegExp(`following recipients:[ \\t]*\\n[ \\t]*<?(?<rcpt>${ADDR})>?`, "i")],
    reason: [/Diagnostic-Code:[ \t]*(?:smtp;)?[ \t]*([^\n]{1,400})/i],
  },
  {
    // Hotmail's older text form.
    family: "hotmail",
    marker: /Delivery to the following recipients? failed\./,
    entry: [new RegExp(`failed\\.[ \\t]*\\n\\s{0,40}?[ \\t]*<?(?<rcpt>${ADDR})>?`, "i")],
    reason: [/^Reason:[ \t]*([^\n]{1,400})/m],
  },
  {
    // Exchange, Office 365 and Outlook.com NDRs, in English and Swedish; the HTML-only form's first line.
    family: "exchange",
    marker: /Delivery has failed to these recipients or groups:|Det gick inte att leverera meddelandet till|Your message to \S{1,600}(?: \[[^\]\n]{0,600}\])?\s{1,4}couldn't\s{1,4}be\s{1,4}delivered/,
    entry: [
      new RegExp(`(?:groups|grupperna|mottagare):[ \\t]*\\n\\s{0,40}?(?:[^\\n(@]{0,100}\\()?(?<rcpt>${ADDR})`, "i"),
      new RegExp(`Your message to (?<rcpt>${ADDR})`, "i"),
    ],
    reason: [/Remote Server returned '([^']{1,400})'/i, /^#?(\d{3}[ -][^\n]{1,400})/m],
  },
  {
    family: "gmail",
    marker: /\*\* (?:Address not found|Message not delivered|Message blocked) \*\*|Your message wasn't delivered to /,
    entry: [new RegExp(`Your message wasn't delivered to (?<rcpt>${ADDR})`, "i")],
    reason: [/The response (?:from the remote server )?was:[ \t]*\n\s{0,40}?([^\n]{1,400})/],
  },
  {
    // Gmail's older form, for failures and delays.
    family: "gmail",
    marker: /Delivery to the following recipients? (?:failed permanently|has been delayed):/,
    entry: [new RegExp(`(?:permanently|delayed):[ \\t]*\\n\\s{0,40}?[ \\t]*<?(?<rcpt>${ADDR})>?`, "i")],
    reason: [/The error that the other server returned was:[ \t]*\n([^\n]{1,400})/, /Technical details of (?:permanent|temporary) failure:[ \t]*\n([^\n]{1,400})/],
  },
  {
    family: "domino",
    marker: /was not delivered to:/,
    entry: [new RegExp(`was not delivered to:[ \\t]*\\n\\s{0,40}?[ \\t]*(?<rcpt>${ADDR})`, "i")],
    reason: [/because:[ \t]*\n\s{0,40}?[ \t]*([^\n]{1,400})/],
  },
  {
    family: "opensmtpd",
    marker: /An error has occurred while attempting to deliver a message for/,
    entry: [new RegExp(`list of recipients:[ \\t]*\\n\\s{0,40}?(?<rcpt>${ADDR}):[ \\t]*(?<why>[^\\n]{0,400})`, "i")],
  },
  {
    family: "yahoo",
    marker: /Sorry, we were unable to deliver your message to the following address/,
    entry: [new RegExp(`following address\\.?[ \\t]*\\n\\s{0,40}?<(?<rcpt>${ADDR})>:[ \\t]*\\n(?<why>[^\\n]{1,400})`, "i")],
  },
  {
    // Sun/Oracle Messaging Server: the address may carry a source route.
    family: "messaging-server",
    marker: /Your message cannot be delivered to the following recipients:/,
    entry: [/Recipient address:[ \t]*(?<rcpt>[^\s]{1,600})/i],
    reason: [/Diagnostic code:[ \t]*([^\n]{1,400})/i, /Reason:[ \t]*([^\n]{1,400})/i],
  },
  {
    family: "courier",
    marker: /running the Courier mail server/,
    entry: [new RegExp(`^<(?<rcpt>${ADDR})>:[ \\t]*$`, "im")],
    reason: [/^<<< ([^\n]{1,400})/m],
  },
];

/** Characters of text after a marker that a family's patterns read. */
const FAMILY_WINDOW = 6000;

export interface FamilyReading {
  family: string;
  /** The text the form gives as the failed recipient (an address, maybe with a source route). */
  recipient?: string;
  /** Why, one line as the form gives it. */
  why?: string;
}

/** The first family whose marker the text carries, with what its form says; undefined for none. */
export function readBounceFamily(text: string): FamilyReading | undefined {
  for (const f of BOUNCE_FAMILIES) {
    const marked = f.marker.exec(text);
    if (!marked) continue;
    const window = text.slice(marked.index, marked.index + FAMILY_WINDOW);
    const entry = f.entry.map((p) => p.exec(window)).find((m) => m !== null);
    const reading: FamilyReading = { family: f.family };
    const recipient = entry?.groups?.rcpt;
    if (recipient) reading.recipient = recipient;
    const after = entry ? window.slice(entry.index) : window;
    const why = entry?.groups?.why?.trim() || f.reason?.map((p) => p.exec(after)?.[1]).find(Boolean);
    if (why) reading.why = why.replace(/\s+/g, " ").trim();
    return reading;
  }
  return undefined;
}
