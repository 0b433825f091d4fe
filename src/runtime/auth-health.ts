/**
 * Makes a failing mailbox login loud: wraps the credential source so that every refusal is counted
 * (activation_bot_auth_failures_total{provider,code}), logged with the provider's code and a hint,
 * and kept for /readyz until a credential is had again; a good one sets the token-expiry gauge.
 */
import type { Logger } from "pino";
import type { CredentialSource } from "../adapters/auth/credential.js";
import { AuthError } from "../adapters/auth/credential.js";
import type { Metrics } from "./metrics.js";

export interface AuthHealth {
  source: CredentialSource;
  /** null while credentials are had; else what failed and what to do. */
  problem(): { code: string; message: string; hint: string } | null;
}

export function watchAuth(source: CredentialSource, metrics: Metrics, log: Logger): AuthHealth {
  let problem: { code: string; message: string; hint: string } | null = null;
  return {
    problem: () => problem,
    source: {
      provider: source.provider,
      async get() {
        try {
          const c = await source.get();
          if ("accessToken" in c) metrics.authTokenExpiry.set({ provider: source.provider }, c.expiresAt / 1000);
          if (problem) log.info({ provider: source.provider }, "mailbox credential obtained again");
          problem = null;
          return c;
        } catch (err) {
          const e = err instanceof AuthError ? err : new AuthError(source.provider, "credential_failed", String(err), "see the log line's error");
          metrics.authFailures.inc({ provider: e.provider, code: e.code });
          log.error({ provider: e.provider, code: e.code, hint: e.hint }, e.message);
          problem = { code: e.code, message: e.message, hint: e.hint };
          throw e;
        }
      },
    },
  };
}
