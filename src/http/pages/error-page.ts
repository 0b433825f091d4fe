/** A plain error page (unknown case, unknown page, internal error) in the review UI's frame. */
import type { Html } from "../html.js";
import { html } from "../html.js";
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT = {
  en: { back: "Back to the flagged queue" },
  sv: { back: "Tillbaka till flaggade" },
} satisfies Record<UiLanguage, unknown>;

/** `title` and `message` come in the member's language (`lang`), picked by the caller. */
export function errorPage(title: string, message: string, lang: UiLanguage = "en"): Html {
  const t = uiText(TEXT, lang);
  return deskLayout(title, html`<h1>${title}</h1><section class="card"><p>${message}</p><p><a href="/">${t.back}</a></p></section>`, { lang });
}
