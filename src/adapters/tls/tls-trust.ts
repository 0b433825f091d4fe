/**
 * Which certificates the bot trusts for IMAP and SMTP, and the one-line message when a server's
 * certificate is not trusted (a private CA, a self-signed certificate, an expired one): the operator
 * learns the server and the setting that fixes it, not a stack trace.
 */
import { readFileSync } from "node:fs";

export interface TlsTrust {
  /** PEM of the CAs to trust besides Node's; undefined: Node's list only. */
  ca?: string;
  /** false only by an explicit setting (TLS_VERIFY=false), which warns on every start. */
  rejectUnauthorized: boolean;
}

/** Reads a CA file named by `setting`; a file that cannot be read or holds no PEM is a one-line error. */
export function readCaFile(path: string, setting: string): string {
  let pem: string;
  try {
    pem = readFileSync(path, "utf8");
  } catch (err) {
    throw new TlsTrustError(`${setting}: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new TlsTrustError(`${setting}: ${path} holds no PEM certificate`);
  return pem;
}

export class TlsTrustError extends Error {
  readonly code = "tls_untrusted";
  constructor(message: string) {
    super(message);
    this.name = "TlsTrustError";
  }
}

/** Node's codes for a certificate chain it does not trust (tls.TLSSocket's authorizationError). */
const UNTRUSTED = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_HAS_EXPIRED",
  "CERT_NOT_YET_VALID",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);

/**
 * A TlsTrustError for `err` when it is an untrusted certificate, naming the server (`host:port`) and
 * the settings to use; null for any other error.
 */
export function untrustedCertificate(err: unknown, server: string, caSetting: string): TlsTrustError | null {
  // nodemailer files the TLS code under `originalCode` and puts its own (ESOCKET) in `code`.
  const e = err as { code?: unknown; originalCode?: unknown } | null;
  const code = [e?.code, e?.originalCode].find((c): c is string => typeof c === "string" && UNTRUSTED.has(c));
  if (code === undefined) return null;
  const why =
    code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID"
      ? "its certificate is outside its validity dates"
      : code === "ERR_TLS_CERT_ALTNAME_INVALID"
        ? "its certificate is for another host name"
        : "its certificate is not signed by a CA this machine trusts";
  return new TlsTrustError(
    `${server}: TLS certificate not trusted (${code}): ${why}. Set ${caSetting} (or TLS_CA_FILE) to the PEM file of the CA that signed it; ` +
      `TLS_VERIFY=false turns checking off (not for production).`,
  );
}
