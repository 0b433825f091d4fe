/**
 * A checklist item's state in the words of the glossary, in the member's language: missing / ok /
 * failed (why, from the core's words; a participant's own words quoted) / overridden (by whom, why).
 */
import type { ItemState } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { wordsHtml } from "./core-words.js";
import { stateWord, valueText, when } from "./format.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT = {
  en: { by: "by" },
  sv: { by: "av" },
} satisfies Record<UiLanguage, unknown>;

export function stateCell(state: ItemState, timeZone: string, lang: UiLanguage = "en"): Html {
  const badge = html`<span class="badge ${state.status}">${stateWord(state.status, lang)}</span>`;
  switch (state.status) {
    case "missing":
      return badge;
    case "ok":
      return html`${badge}${state.value !== undefined && state.value !== true && html` <span class="small">${valueText(state.value, lang)}</span>`}`;
    case "failed":
      // A state evaluated by an older version has no words: its reason is in the case's language.
      return html`${badge} <span class="small" data-reason>${wordsHtml(state.words, state.reason, lang)}</span>${state.code && html` <span class="muted small mono">${state.code}</span>`}`;
    case "overridden":
      return html`${badge} <span class="small">${uiText(TEXT, lang).by} <strong>${state.by}</strong>: ${state.why} · ${when(state.at, timeZone, lang)}</span>`;
  }
}
