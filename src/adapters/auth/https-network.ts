/**
 * msal-node's network module over node:https, for a token endpoint whose certificate a private CA
 * signed (a national-cloud proxy, a TLS-inspecting corporate proxy, the tests' loopback authority):
 * msal's own client is Node's fetch, which trusts only Node's CA list. Node's list stays trusted;
 * the extra CAs are added to it.
 */
import { request } from "node:https";
import { rootCertificates } from "node:tls";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import type { TlsTrust } from "../tls/tls-trust.js";

/** A token endpoint's answer larger than this is not a token answer. */
const MAX_RESPONSE_BYTES = 256 * 1024;
const DEFAULT_TIMEOUT_MS = 15_000;

export function httpsNetwork(tls: TlsTrust): INetworkModule {
  const ca = tls.ca ? [...rootCertificates, tls.ca] : undefined;
  function send<T>(method: "GET" | "POST", url: string, options: NetworkRequestOptions | undefined, timeoutMs: number): Promise<NetworkResponse<T>> {
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          headers: { ...(options?.headers ?? {}), ...(options?.body !== undefined ? { "content-length": String(Buffer.byteLength(options.body)) } : {}) },
          rejectUnauthorized: tls.rejectUnauthorized,
          ...(ca ? { ca } : {}),
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_RESPONSE_BYTES) req.destroy(new Error(`answer from ${url} larger than ${MAX_RESPONSE_BYTES} bytes`));
            else chunks.push(c);
          });
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let body: unknown;
            try {
              body = text ? JSON.parse(text) : {};
            } catch {
              return reject(new Error(`answer from ${url} is not JSON (HTTP ${res.statusCode ?? 0})`));
            }
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
            resolve({ headers, body: body as T, status: res.statusCode ?? 0 });
          });
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.end(options?.body);
    });
  }
  return {
    sendGetRequestAsync: (url, options, timeout) => send("GET", url, options, timeout ?? DEFAULT_TIMEOUT_MS),
    sendPostRequestAsync: (url, options) => send("POST", url, options, DEFAULT_TIMEOUT_MS),
  };
}
