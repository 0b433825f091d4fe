/**
 * The desk's own language (its labels, notices and help), chosen per team member: Swedish or English.
 * Not the case's language, which decides the mails the bot and the team send.
 *
 * Every page and action writes its words as one record per language and picks with `uiText`:
 *
 *   const TEXT = { en: { title: "Work queue" }, sv: { title: "Arbetskö" } } satisfies Record<UiLanguage, …>;
 *   const t = uiText(TEXT, session.lang);
 */
export const UI_LANGUAGES = ["sv", "en"] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];

export function isUiLanguage(value: unknown): value is UiLanguage {
  return typeof value === "string" && (UI_LANGUAGES as readonly string[]).includes(value);
}

export function uiText<T>(texts: Record<UiLanguage, T>, lang: UiLanguage): T {
  return texts[lang];
}
