/**
 * Every bound parse-mail puts on untrusted input (STYLE §7). Each one is a guard against a mail that
 * would otherwise cost unbounded memory, time or storage; the reason for each value is beside it.
 */
export interface MimeLimits {
  /**
   * Raw bytes fed to the MIME parser; the rest is still read and hashed (the mail key stays the digest
   * of the whole mail) but not parsed. 64 MiB is above what Gmail (50 MB) and Exchange Online (35 MB by
   * default) accept. mailparser buffers text parts in memory, so this also caps the largest text part.
   */
  maxMailBytes: number;
  /**
   * Decoded bytes of one stored attachment. A 12-megapixel JPEG is 3–8 MB and a scanned form PDF a few
   * MB; 32 MiB leaves room for HEIC bursts and long PDFs while keeping the blob store sane.
   */
  maxAttachmentBytes: number;
  /**
   * Attachments stored per mail, forwarded and winmail.dat contents included. A commissioning mail
   * carries a form and a few dozen photos; past 200 a mail is a dump, and listing stays cheap.
   */
  maxParts: number;
  /**
   * MIME nodes the splitter accepts (mailsplit's `maxChildNodes`): beyond it the parse stops with a
   * `mime_error`. Above `maxParts` so that a mail with many parts is still listed, not cut off.
   */
  maxMimeNodes: number;
  /** Header block size of one MIME part (mailsplit's `maxHeadSize`); real ones are a few KB. */
  maxHeadBytes: number;
  /** Header lines kept in `MailFacts.headers`; a relayed mail has 20–100. */
  maxHeaderLines: number;
  /** Characters kept of one header value; DKIM signatures and long References are a few KB. */
  maxHeaderValueChars: number;
  /** Addresses kept per address field (To, Cc, Delivered-To …); a desk mail has a handful. */
  maxAddresses: number;
  /**
   * Message-IDs kept from References. Threading needs the root and the newest, so the first one and
   * the newest `maxReferences - 1` are kept.
   */
  maxReferences: number;
  /** Characters of text kept; answers are read from the top of the reply, 200k is ~50 pages. */
  maxTextChars: number;
  /**
   * Characters of one HTML part converted to text (mailparser's `maxHtmlLengthToParse`). html-to-text
   * is superlinear on hostile markup; a real HTML mail is well under 1 MB.
   */
  maxHtmlChars: number;
  /** Report parts (delivery-status, returned headers …) kept per mail; a DSN has two or three. */
  maxReportParts: number;
  /** Bytes read from each report part; returned headers and DSN fields fit in 64 KiB. */
  maxReportPartBytes: number;
  /**
   * Depth of forwarded `message/rfc822` parts opened to list their attachments (the mail itself is
   * depth 0). Deeper ones are stored as one blob. Each level is one more parse of its bytes.
   */
  maxEmbeddedDepth: number;
  /** Bytes of a winmail.dat that are decoded (it is read into memory whole). */
  maxTnefBytes: number;
  /** Attachments taken out of one winmail.dat. */
  maxTnefAttachments: number;
  /** Problem entries kept; past that one more says how many were dropped. */
  maxProblems: number;
}

export const DEFAULT_MIME_LIMITS: Readonly<MimeLimits> = Object.freeze({
  maxMailBytes: 64 * 1024 * 1024,
  maxAttachmentBytes: 32 * 1024 * 1024,
  maxParts: 200,
  maxMimeNodes: 1000,
  maxHeadBytes: 1024 * 1024,
  maxHeaderLines: 500,
  maxHeaderValueChars: 16 * 1024,
  maxAddresses: 100,
  maxReferences: 100,
  maxTextChars: 200_000,
  maxHtmlChars: 1_000_000,
  maxReportParts: 10,
  maxReportPartBytes: 64 * 1024,
  maxEmbeddedDepth: 3,
  maxTnefBytes: 32 * 1024 * 1024,
  maxTnefAttachments: 100,
  maxProblems: 50,
});
