/** The frame of every review UI page: head, the one stylesheet, the top bar. */
import type { Html } from "../html.js";
import { html, raw } from "../html.js";
import { STYLES } from "./styles.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

/** Words of the top bar added since the desk speaks per team member. */
const TOP_TEXT = { en: { overview: "Overview" }, sv: { overview: "Översikt" } } satisfies Record<UiLanguage, unknown>;

export interface Notice {
  kind: "good" | "bad";
  text: string;
}

/**
 * `login`: the signed-in team member when the UI has its own logins (server.ts), shown in the top bar
 * with `signOut`, its sign-out button. `lang`: the team member's desk language, for the words that have one.
 */
export function layout(title: string, body: Html, notice?: Notice, login?: string | null, signOut?: Html, lang: UiLanguage = "en"): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · Activation desk</title>
<style>${raw(STYLES)}</style>
</head>
<body>
<header class="top"><span class="brand">Activation desk</span><a href="/work">Work queue</a><a href="/">Flagged queue</a><a href="/#cases">All cases</a><a href="/overview">${uiText(TOP_TEXT, lang).overview}</a><form class="search" method="get" action="/search" role="search"><input type="search" name="q" maxlength="200" placeholder="Case, site, MAC, e-mail, name, Message-ID" aria-label="Search cases"></form>${login && html`<span class="who">Signed in as ${login}</span>`}${signOut}</header>
<main>
${notice && html`<div class="notice ${notice.kind}" role="status">${notice.text}</div>`}
${body}
</main>
</body>
</html>
`;
}
