/** Small renderers shared by the pages: times, stages, checklist states, values — in the member's desk language. */
import { formatValue } from "../../core/reply/format-value.js";
import type { ItemState, JsonValue, StageId } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

/** Each language's way of writing a date and time ("4 dec. 2026 14:05", "4 Dec 2026, 14:05"). */
const LOCALE_OF: Record<UiLanguage, string> = { sv: "sv-SE", en: "en-GB" };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, lang: UiLanguage | undefined): Intl.DateTimeFormat {
  const key = `${lang ?? "-"} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    // Without a language: sv-SE's ISO-like "2026-11-26 14:05", as pages written before the desk had two languages show it.
    const locale = lang ? LOCALE_OF[lang] : "sv-SE";
    const style: Intl.DateTimeFormatOptions = lang
      ? { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" }
      : { dateStyle: "short", timeStyle: "short" };
    try {
      f = new Intl.DateTimeFormat(locale, { ...style, timeZone });
    } catch {
      f = new Intl.DateTimeFormat(locale, { ...style, timeZone: "UTC" });
    }
    formatters.set(key, f);
  }
  return f;
}

/** Formatted minutes, bounded: a queue page shows the same cases' times to every member, over and over. */
const minuteTexts = new Map<string, string>();
const MAX_MINUTE_TEXTS = 10_000;

/** The shown text of `t` (to the minute, as every format here is): ICU's formatting costs ~10 µs a call. */
function minuteText(t: number, timeZone: string, lang: UiLanguage | undefined): string {
  const minute = Math.floor(t / 60_000);
  const key = `${lang ?? "-"} ${timeZone} ${minute}`;
  let text = minuteTexts.get(key);
  if (text === undefined) {
    if (minuteTexts.size >= MAX_MINUTE_TEXTS) minuteTexts.clear();
    text = formatter(timeZone, lang).format(minute * 60_000);
    minuteTexts.set(key, text);
  }
  return text;
}

/** A `<time>` in the desk's time zone, written the member's way, with the stored ISO time as its machine value. */
export function when(iso: string, timeZone: string, lang?: UiLanguage): Html {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return html`<span class="muted">${iso || "—"}</span>`;
  return html`<time datetime="${iso}" title="${iso}">${minuteText(t, timeZone, lang)}</time>`;
}

const TEXT = {
  en: {
    // English keeps the stage ids' own words, as the README, rules and CLI name them.
    stages: {
      open: "open",
      site_readiness: "site readiness",
      site_ready: "site ready",
      commissioning: "commissioning",
      configuration: "configuration",
      ready_for_activation: "ready for activation",
      activated: "activated",
      closed: "closed",
    },
    states: { missing: "missing", ok: "ok", failed: "failed", overridden: "overridden" },
    workingDays: (n: number) => `${n} working ${n === 1 ? "day" : "days"}`,
    roles: { network_manager: "network manager", contractor: "contractor", installer: "installer", team_added: "team added" } as Record<string, string>,
  },
  sv: {
    // As templates/sv/stages.yaml names them in the mails.
    stages: {
      open: "Konto för nätverksansvarig",
      site_readiness: "Platsförberedelse",
      site_ready: "Platsen är redo",
      commissioning: "Installation, driftsättning och markering",
      configuration: "Aktivering och konfiguration",
      ready_for_activation: "Redo för aktivering",
      activated: "Aktiverad",
      closed: "Avslutat",
    },
    states: { missing: "saknas", ok: "klart", failed: "underkänt", overridden: "godkänt av teamet" },
    workingDays: (n: number) => `${n} ${n === 1 ? "arbetsdag" : "arbetsdagar"}`,
    roles: { network_manager: "nätverksansvarig", contractor: "entreprenör", installer: "installatör", team_added: "tillagd av teamet" } as Record<string, string>,
  },
} satisfies Record<UiLanguage, unknown>;

export function stageLabel(stage: StageId, lang: UiLanguage = "en"): string {
  return uiText(TEXT, lang).stages[stage] ?? stage.replaceAll("_", " ");
}

export function stageBadge(stage: StageId | null, lang: UiLanguage = "en"): Html {
  return stage ? html`<span class="badge stage" data-stage="${stage}">${stageLabel(stage, lang)}</span>` : html`<span class="muted">—</span>`;
}

/** "3 working days" / "3 arbetsdagar". */
export function workingDays(n: number, lang: UiLanguage): string {
  return uiText(TEXT, lang).workingDays(n);
}

/** A participant's role in words (network manager, installer …). */
export function participantRole(role: string, lang: UiLanguage = "en"): string {
  return uiText(TEXT, lang).roles[role] ?? role.replaceAll("_", " ");
}

/** A checklist state's word (missing, ok, failed, overridden) in the member's language. */
export function stateWord(status: ItemState["status"], lang: UiLanguage = "en"): string {
  return uiText(TEXT, lang).states[status];
}

/** A value read from mail as one readable line (the same wording the mails use), escaped by the caller. */
export function valueText(value: JsonValue | undefined, lang: UiLanguage = "en"): string {
  if (value === undefined || value === null) return "—";
  // The values themselves (names, addresses) stay as written; yes/no and lists follow the desk's language.
  return formatValue(value, lang) || "—";
}

export function verdictBadge(verdict: "ok" | "missing" | "failed", lang: UiLanguage = "en"): Html {
  return html`<span class="badge ${verdict}">${uiText(TEXT, lang).states[verdict]}</span>`;
}
