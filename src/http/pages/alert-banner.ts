/**
 * The operator-alert banner at the top of every review-desk page: what failed, its code, since when,
 * and what to do. The team sees why answers stop before anyone asks.
 */
import type { OperatorAlert } from "../../app/ports.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

/** The banner's own words; the alert's message and fix are the operator's (ALERT_LOCALE) and shown as they are. */
const TEXT = {
  en: { critical: "The bot needs an operator", warning: "Warning", since: "since", fix: "Fix" },
  sv: { critical: "Boten behöver en driftansvarig", warning: "Varning", since: "sedan", fix: "Åtgärd" },
} satisfies Record<UiLanguage, unknown>;

export function alertBanner(alerts: readonly OperatorAlert[], lang: UiLanguage = "en"): Html | null {
  if (alerts.length === 0) return null;
  const t = uiText(TEXT, lang);
  return html`<div class="operator-alerts" role="alert">${alerts.map(
    (a) =>
      html`<div class="operator-alert ${a.severity}" data-cause="${a.cause}"><p><strong>${a.severity === "critical" ? t.critical : t.warning}:</strong> ${a.message} <span class="muted">(${a.code}, ${t.since} ${a.since.slice(0, 16).replace("T", " ")} UTC)</span></p><p><strong>${t.fix}:</strong> ${a.fix}</p></div>`,
  )}</div>`;
}

/** The page with the banner placed first in its `<main>` (layout.ts writes exactly one), in the page's language. */
export function withAlertBanner(page: string, alerts: readonly OperatorAlert[], lang: UiLanguage = "en"): string {
  const banner = alertBanner(alerts, lang);
  if (!banner) return page;
  const at = page.indexOf("<main>");
  if (at < 0) return page;
  const end = at + "<main>".length;
  return `${page.slice(0, end)}\n${banner.toString()}${page.slice(end)}`;
}
