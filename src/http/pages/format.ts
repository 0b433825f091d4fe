/** Small renderers shared by the pages: times, stages, checklist states, values. */
import { formatValue } from "../../core/reply/format-value.js";
import type { ItemState, JsonValue, StageId } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      // sv-SE gives ISO-like "2026-11-26 14:05", unambiguous for the desk.
      f = new Intl.DateTimeFormat("sv-SE", { timeZone, dateStyle: "short", timeStyle: "short" });
    } catch {
      f = new Intl.DateTimeFormat("sv-SE", { timeZone: "UTC", dateStyle: "short", timeStyle: "short" });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** A `<time>` in the desk's time zone, with the stored ISO time as its machine value. */
export function when(iso: string, timeZone: string): Html {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return html`<span class="muted">${iso || "—"}</span>`;
  return html`<time datetime="${iso}" title="${iso}">${formatter(timeZone).format(t)}</time>`;
}

export function stageLabel(stage: StageId): string {
  return stage.replaceAll("_", " ");
}

export function stageBadge(stage: StageId | null): Html {
  return stage ? html`<span class="badge stage">${stageLabel(stage)}</span>` : html`<span class="muted">—</span>`;
}

/** The checklist state in the words of the glossary: missing / ok / failed (reason) / overridden (by whom, why). */
export function stateCell(state: ItemState, timeZone: string): Html {
  switch (state.status) {
    case "missing":
      return html`<span class="badge missing">missing</span>`;
    case "ok":
      return html`<span class="badge ok">ok</span>${state.value !== undefined && state.value !== true && html` <span class="small">${valueText(state.value)}</span>`}`;
    case "failed":
      return html`<span class="badge failed">failed</span> <span class="small">${state.reason}</span>${state.code && html` <span class="muted small mono">${state.code}</span>`}`;
    case "overridden":
      return html`<span class="badge overridden">overridden</span> <span class="small">by <strong>${state.by}</strong>: ${state.why} · ${when(state.at, timeZone)}</span>`;
  }
}

/** A value read from mail as one readable line (the same wording the mails use), escaped by the caller. */
export function valueText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "—";
  // The review UI speaks English; the values themselves (names, addresses) stay as written.
  return formatValue(value, "en") || "—";
}

export function verdictBadge(verdict: "ok" | "missing" | "failed"): Html {
  return html`<span class="badge ${verdict}">${verdict}</span>`;
}
