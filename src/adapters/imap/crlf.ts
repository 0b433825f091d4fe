/**
 * IMAP wants CRLF line ends in appended messages (RFC 3501 §4.3: a message literal is RFC 5322 text).
 * Dovecot takes bare LF and converts it; Cyrus refuses the APPEND (`NO Message contains bare
 * newlines`). Every APPEND goes through here: a lone LF or a lone CR becomes CRLF.
 */
const CR = 0x0d;
const LF = 0x0a;

/** Whether `raw` has a line end other than CRLF. */
export function hasBareLineEnd(raw: Buffer): boolean {
  for (let i = raw.indexOf(LF); i !== -1; i = raw.indexOf(LF, i + 1)) if (i === 0 || raw[i - 1] !== CR) return true;
  for (let i = raw.indexOf(CR); i !== -1; i = raw.indexOf(CR, i + 1)) if (raw[i + 1] !== LF) return true;
  return false;
}

/** `raw` with every line end CRLF; the same Buffer when it is already so (the usual case, no copy). */
export function toCrlf(raw: Buffer): Buffer {
  if (!hasBareLineEnd(raw)) return raw;
  const out = Buffer.allocUnsafe(raw.length * 2);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i] as number;
    if (b === CR) {
      out[n++] = CR;
      out[n++] = LF;
      if (raw[i + 1] === LF) i++;
    } else if (b === LF) {
      out[n++] = CR;
      out[n++] = LF;
    } else {
      out[n++] = b;
    }
  }
  return Buffer.from(out.subarray(0, n));
}
