/**
 * An RFC 3463 status for bounces that give none, or only the catch-all `X.0.0`: many servers (Exim,
 * Gmail, qmail, older Postfix, Domino) write a plain SMTP reply ("550 …", "552 …") and words. The
 * subject and detail come from the words, the class from the SMTP reply code (or, without one, from
 * whether the report says the server gave up). Pure; the table is the documentation:
 *
 * | the words say                                   | status | RFC 3463 meaning                      |
 * |-------------------------------------------------|--------|---------------------------------------|
 * | host or domain not found, no MX, NXDOMAIN       | X.1.2  | bad destination system address        |
 * | user unknown, no such user/mailbox, not found,  | X.1.1  | bad destination mailbox address       |
 * | has no … account, not listed in the directory   |        |                                       |
 * | mailbox disabled, account inactive or suspended | X.2.1  | mailbox disabled                      |
 * | mailbox full, over quota, insufficient storage, | X.2.2  | mailbox full                          |
 * | mailbox limit, exceeded storage allocation      |        |                                       |
 * | message too large, size exceeds                 | X.3.4  | message too big for system            |
 * | no route, connection refused or timed out       | 4.4.1  | no answer from host                   |
 * | expired, retry timeout, too long in the queue,  | 4.4.7  | delivery time expired                 |
 * | too many retries, failed N attempts             |        |                                       |
 * | relaying denied                                 | 5.7.1  | delivery not authorized               |
 * | policy, spam, blocked, blacklisted, denied      | X.7.1  | delivery not authorized, message refused |
 */

interface TextStatus {
  words: RegExp;
  subjectDetail: string;
  /** A fixed class for meanings that are one class whatever the reply code says. */
  fixedClass?: "4" | "5";
}

/** First match wins: the specific meanings before the broad ones ("rejected" and "address not found"
 *  are in many texts; a domain that does not exist is said with them). */
const TABLE: readonly TextStatus[] = [
  { words: /\b(?:message|delivery time) expired|retry (?:timeout|time (?:not reached|exceeded))|too long in (?:the )?queue|could not be delivered (?:for|within) \d+ (?:days|hours)|giving up on it|too many (?:retries|delivery attempts)|(?:failed|after) \d{1,4} (?:delivery )?attempts|no longer trying/i, subjectDetail: "4.7", fixedClass: "4" },
  { words: /mailbox (?:is )?full|over ?quota|quota exceeded|exceed(?:s|ed)? (?:its|the|their) (?:storage|quota)|exceeded storage allocation|insufficient (?:storage|disk space)|mailbox (?:size )?limit(?: exceeded| reached)?/i, subjectDetail: "2.2" },
  { words: /message (?:is )?too (?:large|big)|size (?:limit )?exceed|exceeds? (?:the )?(?:maximum|max) (?:message )?size/i, subjectDetail: "3.4" },
  { words: /(?:mailbox|account) (?:is )?(?:disabled|inactive|suspended|deactivated|locked)|(?:disabled|inactive|suspended) (?:mailbox|account)/i, subjectDetail: "2.1" },
  { words: /host (?:or domain name )?not found|(?:unknown|unrouteable|unroutable) (?:host|domain)|domain(?: name)? (?:not found|does not exist)|domain \S{1,255} (?:couldn't|could not) be found|\bNXDOMAIN\b|no (?:mx|mail exchanger)|name service error|host unknown|no such domain/i, subjectDetail: "1.2" },
  { words: /user (?:is )?unknown|unknown (?:user|recipient|local part|mailbox)|no such (?:user|mailbox|recipient|address|person)|(?:recipient|address|user|mailbox) (?:address )?(?:rejected|not found|does not exist|doesn't exist|unknown|invalid)|invalid (?:recipient|mailbox|address)|(?:does not|doesn't) have an? (?:[\w.-]{1,255} )?account|not listed in (?:the )?(?:[\w.-]{1,64} )?directory|not (?:a )?valid (?:recipient|mailbox|user)|account (?:does not|doesn't) exist|mailbox unavailable|address not found/i, subjectDetail: "1.1" },
  { words: /relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited)|not permitted to relay/i, subjectDetail: "7.1", fixedClass: "5" },
  { words: /connection (?:refused|timed out)|no route to host|network is unreachable|could not connect/i, subjectDetail: "4.1", fixedClass: "4" },
  { words: /\bpolicy\b|\bspam\b|\bblock(?:ed|list)\b|black ?list|\bdenied\b|\bblacklisted\b|\bDMARC\b|\bSPF\b|reputation|content rejected/i, subjectDetail: "7.1" },
];

/** The RFC 5321 reply code at the start of a reply line ("550 …", "550-5.1.1 …"), its class digit. */
const SMTP_REPLY_CODE = /(?<![\w.])([45])[0-5]\d(?=[ -]|$)/;

/**
 * The status the words and the reply code give, or undefined when they say nothing specific.
 * `permanent` is the report's own judgement (did the server give up), used when no code says it.
 */
export function statusFromText(text: string, permanent: boolean): string | undefined {
  const row = TABLE.find((r) => r.words.test(text));
  const replyClass = SMTP_REPLY_CODE.exec(text)?.[1];
  const klass = row?.fixedClass ?? replyClass ?? (permanent ? "5" : "4");
  if (row) return `${klass}.${row.subjectDetail}`;
  return replyClass ? `${replyClass}.0.0` : undefined;
}
