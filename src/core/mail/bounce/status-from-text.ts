/**
 * An RFC 3463 status for a bounce that gives only a plain SMTP reply ("550 …", "552 …") or words, and a
 * sharper one where the report says only 5.0.0 / 4.0.0. Read top to bottom: the first meaning whose words
 * appear wins, so the specific ones come first. The class (4/5) comes from the reply code when there is
 * one, else from the meaning. Pure data plus one function.
 */

interface Meaning {
  /** Subject and detail of the enhanced code, e.g. "2.2" for mailbox full. */
  detail: string;
  /** Class when the mail gives no reply code: 4 (may work later) or 5. */
  defaultClass: "4" | "5";
  words: RegExp;
}

/** Words of the receiving servers (Exim, Postfix, Sendmail, qmail, Exchange, Gmail, Yahoo, Domino …). */
const MEANINGS: readonly Meaning[] = [
  { detail: "4.7", defaultClass: "4", words: /\b(?:message expired|retry (?:time(?:out)?|timeout) exceeded|retry time not reached for any host after a long failure period|too long in (?:the )?queue|could not be delivered within \d+ (?:days|hours)|delivery time expired|expired after \d+|time ?limit exceeded)\b/i },
  { detail: "2.2", defaultClass: "5", words: /\b(?:mailbox (?:is )?full|over (?:the )?quota|quota exceeded|exceeded (?:the |its |their )?(?:storage )?quota|mailbox has exceeded|insufficient (?:disk )?space|mail ?box size limit|user is over|disk quota)\b/i },
  { detail: "1.2", defaultClass: "5", words: /\b(?:host (?:or domain name )?not found|domain (?:name )?(?:does not exist|not found)|the domain [^\s]+ couldn'?t be found|no such domain|unrouteable (?:mail )?domain|name or service not known|nxdomain|mx (?:record )?(?:lookup )?failed)\b/i },
  { detail: "1.1", defaultClass: "5", words: /\b(?:user unknown|unknown user|no such (?:user|mailbox|recipient|address)|(?:recipient|address|user|mailbox) (?:does not exist|doesn'?t exist|not found|unknown|unavailable)|invalid (?:recipient|mailbox|address)|unknown (?:recipient|local part|mailbox|address)|not a valid (?:recipient|mailbox)|account (?:does not exist|has been disabled|is disabled|inactive)|user doesn't have a .* account|mailbox not found|no mailbox here|recipient rejected|address rejected)\b/i },
  { detail: "3.4", defaultClass: "5", words: /\b(?:message (?:size )?(?:is )?too (?:big|large)|exceeds (?:the )?(?:maximum )?(?:message )?size|size limit exceeded|message length exceeds)\b/i },
  { detail: "7.1", defaultClass: "5", words: /\b(?:spam|blocked|blacklist(?:ed)?|block ?list(?:ed)?|rejected (?:by|due to|for) (?:policy|content)|policy (?:reasons|rejection|violation)|access denied|relay(?:ing)? (?:access )?denied|not permitted|refused by|poor reputation|dmarc|spf (?:check )?fail|content rejected|virus)\b/i },
  { detail: "4.1", defaultClass: "4", words: /\b(?:connection (?:timed out|refused)|no route to host|host unreachable|could not connect)\b/i },
];

const REPLY_CODE = /(?<![\w.])([245])(\d)(\d)(?=[ -]|$)/m;
const GENERIC = /^[45]\.0\.0$/;

/**
 * The status a bounce's text means: `known` kept unless it is missing or generic (x.0.0); otherwise the
 * table's meaning, with the class of the SMTP reply code if one is given; else `x.0.0` from the reply
 * code alone; else undefined.
 */
export function statusFromText(text: string, known?: string): string | undefined {
  if (known && !GENERIC.test(known)) return known;
  const reply = REPLY_CODE.exec(text);
  const replyClass = reply?.[1] === "4" || reply?.[1] === "5" ? reply[1] : undefined;
  const knownClass = known?.[0] === "4" || known?.[0] === "5" ? known[0] : undefined;
  const meaning = MEANINGS.find((m) => m.words.test(text));
  if (meaning) {
    // An expiry is final once reported as a failure, but its code stays 4.4.7 by convention (RFC 3463).
    const cls = meaning.detail === "4.7" ? "4" : (knownClass ?? replyClass ?? meaning.defaultClass);
    return `${cls}.${meaning.detail}`;
  }
  if (known) return known;
  if (replyClass) return `${replyClass}.0.0`;
  return undefined;
}
