/**
 * SPF, DKIM and DMARC checked by the bot itself (mailauth), for mailboxes where no trusted MTA adds
 * Authentication-Results (SPEC §4, AUTH_VERIFY=true). The client IP and HELO come from the newest
 * Received header (the desk's own MTA wrote it). DNS is injected: production uses the system
 * resolver, tests a table. A temporary failure is `unknown` — held mail is for a real fail only.
 */
import type { Readable } from "node:stream";
import type { DNSResolver } from "mailauth";
import type { AuthVerdict } from "../../app/ports.js";

/** mailauth is loaded on first use: it adds about 14 MB to every `run` that does not verify. */
let mailauth: Promise<typeof import("mailauth")> | null = null;

export function createAuthVerifier(opts: { mta: string; resolver?: DNSResolver }): (raw: Buffer | Readable) => Promise<AuthVerdict> {
  return async (raw) => {
    try {
      mailauth ??= import("mailauth");
      const { authenticate } = await mailauth;
      const r = await authenticate(raw, { trustReceived: true, mta: opts.mta, ...(opts.resolver ? { resolver: opts.resolver } : {}) });
      const result = r.dmarc ? String(r.dmarc.status.result) : "none";
      const dmarc = result === "pass" ? "pass" : result === "fail" ? "fail" : result === "none" ? "none" : "unknown";
      return { dmarc, header: r.headers.replace(/\s+/g, " ").trim() };
    } catch (err) {
      return { dmarc: "unknown", header: `mailauth: ${err instanceof Error ? err.message : String(err)}` };
    }
  };
}
