/**
 * Start-up until the mailbox login works. From the first moment /readyz is served (not ready: "waiting
 * for the first token", a token endpoint that does not answer included), with /metrics and the desk's
 * banner (http/waiting-server.ts). A wrong secret, a revoked client or a refused login is for an
 * operator to fix, and a bot that exits cannot say what is wrong: it raises the operator alert (mailed
 * to ALERT_EMAIL) and tries again with backoff until the login works; then start-up goes on.
 * Any other failure (a wrong host, a folder error, TLS) still stops the start at once, with its message.
 */
import type { Logger } from "pino";
import { AuthError } from "../adapters/auth/credential.js";
import { createWaitingServer } from "../http/waiting-server.js";
import type { AuthHealth } from "./auth-health.js";
import type { Metrics } from "./metrics.js";
import type { OperatorAlerts } from "./operator-alerts.js";

/** Waits between login attempts: quick at first (a secret just fixed), then once a minute. */
const RETRY_MS = [2_000, 5_000, 15_000, 30_000, 60_000];

export interface LoginHoldDeps {
  auth: AuthHealth;
  alerts: OperatorAlerts;
  metrics: Metrics;
  log: Logger;
  /** Where to serve while waiting; absent: no HTTP (the --workers-only children). */
  http?: { host: string; port: number } | undefined;
  /** Ends the wait (the process is stopping): the promise rejects. */
  signal?: AbortSignal | undefined;
  retryMs?: readonly number[];
  /** Hears the waiting server's port (HTTP_PORT 0 picks one). */
  onListening?: (port: number) => void;
}

/** A failure of the login itself: no credential, or the server refused it. */
function isLoginFailure(err: unknown, auth: AuthHealth): boolean {
  return err instanceof AuthError || auth.problem() !== null;
}

/** Runs `attempt` (the first connect to the mailbox) until it works; holds the start while the login fails. */
export async function untilMailboxLogin<T>(attempt: () => Promise<T>, deps: LoginHoldDeps): Promise<T> {
  let server: ReturnType<typeof createWaitingServer> | null = null;
  try {
    if (deps.http) {
      server = createWaitingServer({
        readiness: () => ({ ok: false, checks: { auth: deps.auth.readiness().text, startup: "waiting for the mailbox login" } }),
        alerts: () => deps.alerts.active(),
        metrics: deps.metrics,
      });
      await server.listen({ host: deps.http.host, port: deps.http.port });
      const address = server.server.address();
      deps.onListening?.(typeof address === "object" && address ? address.port : deps.http.port);
    }
    for (let n = 0; ; n++) {
      try {
        return await attempt();
      } catch (err) {
        deps.auth.loginFailed("imap", err);
        if (!isLoginFailure(err, deps.auth)) throw err;
        if (deps.signal?.aborted) throw err;
        if (n === 0) deps.log.warn({ port: deps.http?.port }, "mailbox login failed at start-up: serving /readyz and the desk's banner while retrying");
        const retry = deps.retryMs ?? RETRY_MS;
        const wait = retry[Math.min(n, retry.length - 1)] ?? 60_000;
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, wait);
          deps.signal?.addEventListener("abort", () => (clearTimeout(t), reject(new Error("stopped while waiting for the mailbox login"))), { once: true });
        });
      }
    }
  } finally {
    await server?.close();
  }
}
