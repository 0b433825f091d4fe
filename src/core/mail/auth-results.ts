/**
 * The DMARC verdict of the receiving side, from `Authentication-Results` (RFC 8601). Only headers
 * whose authserv-id is trusted count: anyone can write such a header into the mail they send. The
 * trusted MX is expected to remove incoming headers that carry its own authserv-id (RFC 8601 §5 asks
 * it to; check that yours does), so the first trusted header with a DMARC result wins.
 *
 * Exchange Online writes its header without an authserv-id; list `""` among the trusted ids to trust
 * id-less headers, and only when the mailbox is behind Exchange Online.
 */
import type { HeaderLine } from "../types.js";

export type DmarcVerdict = "pass" | "fail" | "none" | "unknown";

/** Drops RFC 5322 comments (nested, with `\` escapes), keeping quoted strings intact. Linear. */
function withoutComments(value: string): string {
  let out = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\") {
      if (depth === 0) out += value.slice(i, i + 2);
      i++;
    } else if (quoted) {
      out += c;
      if (c === '"') quoted = false;
    } else if (c === "(") depth++;
    else if (c === ")" && depth > 0) depth--;
    else if (depth === 0) {
      out += c;
      if (c === '"') quoted = true;
    }
  }
  return out;
}

function verdict(result: string): DmarcVerdict {
  switch (result) {
    case "pass":
      return "pass";
    case "fail":
      return "fail";
    case "none":
    case "bestguesspass":
      return "none";
    default:
      return "unknown";
  }
}

export function readAuthResults(
  headers: readonly HeaderLine[],
  trustedAuthservIds: readonly string[],
): { dmarc: DmarcVerdict; header?: string } {
  const trusted = new Set(trustedAuthservIds.map((id) => id.trim().toLowerCase()));
  for (const h of headers) {
    if (h.name !== "authentication-results") continue;
    const [first = "", ...rest] = withoutComments(h.value).split(";");
    const firstToken = first.trim().split(/\s+/)[0] ?? "";
    // Without an authserv-id the first segment is already a result (`spf=pass …`).
    const id = firstToken.includes("=") ? "" : firstToken.toLowerCase();
    if (!trusted.has(id)) continue;
    const results = id === "" ? [first, ...rest] : rest;
    for (const r of results) {
      const m = /^\s*dmarc\s*=\s*([a-z]+)/i.exec(r);
      if (m?.[1]) return { dmarc: verdict(m[1].toLowerCase()), header: h.value };
    }
  }
  return { dmarc: "unknown" };
}
