/**
 * The operator-alert banner at the top of every review-desk page: what failed, its code, since when,
 * and what to do. The team sees why answers stop before anyone asks.
 */
import type { OperatorAlert } from "../../app/ports.js";
import type { Html } from "../html.js";
import { html } from "../html.js";

export function alertBanner(alerts: readonly OperatorAlert[]): Html | null {
  if (alerts.length === 0) return null;
  return html`<div class="operator-alerts" role="alert">${alerts.map(
    (a) =>
      html`<div class="operator-alert ${a.severity}" data-cause="${a.cause}"><p><strong>${a.severity === "critical" ? "The bot needs an operator" : "Warning"}:</strong> ${a.message} <span class="muted">(${a.code}, since ${a.since.slice(0, 16).replace("T", " ")} UTC)</span></p><p><strong>Fix:</strong> ${a.fix}</p></div>`,
  )}</div>`;
}

/** The page with the banner placed first in its `<main>` (layout.ts writes exactly one). */
export function withAlertBanner(page: string, alerts: readonly OperatorAlert[]): string {
  const banner = alertBanner(alerts);
  if (!banner) return page;
  const at = page.indexOf("<main>");
  if (at < 0) return page;
  const end = at + "<main>".length;
  return `${page.slice(0, end)}\n${banner.toString()}${page.slice(end)}`;
}
