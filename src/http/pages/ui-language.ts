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

/** Bound on the Accept-Language header read: a browser sends a few tags, not a page. */
const MAX_ACCEPT_LANGUAGE_CHARS = 500;

/**
 * The first of the desk's languages a browser's `Accept-Language` asks for, by its quality order
 * (`sv-SE,sv;q=0.9,en;q=0.8` → sv; `de,en;q=0.5` → en), or null when it names none of them.
 */
export function uiLanguageOfAcceptLanguage(header: string | undefined): UiLanguage | null {
  if (!header) return null;
  const ranked = header
    .slice(0, MAX_ACCEPT_LANGUAGE_CHARS)
    .split(",")
    .map((part, order) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split("-")[0] ?? "", q: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.q > 0 && !Number.isNaN(r.q))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return ranked.map((r) => r.lang).find(isUiLanguage) ?? null;
}
