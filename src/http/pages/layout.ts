/**
 * The frame of every review UI page: head, the one stylesheet, the keyboard script, the top bar (in the
 * member's desk language, with the language switch and sign-out) and the keyboard help.
 */
import type { Html } from "../html.js";
import { html, raw } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import { KEYS_SCRIPT_URL } from "./keys-script.js";
import { STYLES } from "./styles.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

export interface Notice {
  kind: "good" | "bad";
  text: string;
}

const TEXT = {
  en: {
    desk: "Activation desk",
    work: "Work queue",
    flagged: "Flagged queue",
    cases: "All cases",
    overview: "Overview",
    users: "Users",
    settings: "Settings",
    searchPlaceholder: "Case, site, MAC, e-mail, name, Message-ID",
    search: "Search cases",
    signedInAs: "Signed in as",
    signOut: "Sign out",
    nav: "Desk pages",
    /** The switch names the other language in that language, so that a member who cannot read this one finds it. */
    switchTo: { lang: "sv", label: "Svenska", title: "Visa desken på svenska" },
    keysTitle: "Keyboard",
    keys: [
      ["/", "search"],
      ["j / k", "next / previous row of the work queue"],
      ["Enter", "open the row's case"],
      ["r", "resolve the row's flag (the case page's resolve form)"],
      ["?", "show or hide this help"],
    ],
    close: "Close",
  },
  sv: {
    desk: "Aktiveringsdesken",
    work: "Arbetskö",
    flagged: "Flaggade",
    cases: "Alla ärenden",
    overview: "Översikt",
    users: "Användare",
    settings: "Inställningar",
    searchPlaceholder: "Ärende, plats, MAC, e-post, namn, Message-ID",
    search: "Sök ärenden",
    signedInAs: "Inloggad som",
    signOut: "Logga ut",
    nav: "Deskens sidor",
    switchTo: { lang: "en", label: "English", title: "Show the desk in English" },
    keysTitle: "Tangentbord",
    keys: [
      ["/", "sök"],
      ["j / k", "nästa / föregående rad i arbetskön"],
      ["Enter", "öppna radens ärende"],
      ["r", "lös radens flagga (ärendesidans formulär för att lösa den)"],
      ["?", "visa eller dölj den här hjälpen"],
    ],
    close: "Stäng",
  },
} satisfies Record<UiLanguage, unknown>;

/**
 * A page in the member's desk language. `session` (desk-session.ts) gives the language, the top bar's
 * name, sign-out and language switch; a page without a session (an error page) passes its language only.
 */
export function deskLayout(title: string, body: Html, who: DeskSession | { lang: UiLanguage }, notice?: Notice): Html {
  const t = uiText(TEXT, who.lang);
  const session = "csrf" in who ? who : null;
  return html`<!doctype html>
<html lang="${who.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · ${t.desk}</title>
<style>${raw(STYLES)}</style>
<script src="${KEYS_SCRIPT_URL}" defer></script>
</head>
<body>
<header class="top"><span class="brand">${t.desk}</span><nav class="top-nav" aria-label="${t.nav}"><a href="/work">${t.work}</a><a href="/">${t.flagged}</a><a href="/#cases">${t.cases}</a><a href="/overview">${t.overview}</a>${session?.mayAdminister && html`<a href="/admin/users">${t.users}</a><a href="/settings">${t.settings}</a>`}</nav><form class="search" method="get" action="/search" role="search"><input type="search" name="q" maxlength="200" placeholder="${t.searchPlaceholder}" aria-label="${t.search}"></form>${
    session?.login && html`<span class="who">${t.signedInAs} ${session.login}</span>`
  }${session && languageSwitch(session, t.switchTo)}${session?.login && html`<form class="inline signout" method="post" action="/logout">${csrfField(session)}<button type="submit" class="secondary">${t.signOut}</button></form>`}</header>
<main>
${notice && html`<div class="notice ${notice.kind}" role="status">${notice.text}</div>`}
${body}
</main>
<aside id="keys-help" class="card keys-help" hidden aria-labelledby="keys-help-title">
<h2 id="keys-help-title">${t.keysTitle}</h2>
<dl class="facts">${t.keys.map(([key, what]) => html`<dt><kbd>${key}</kbd></dt><dd>${what}</dd>`)}</dl>
<button type="button" class="secondary" data-close-help>${t.close}</button>
</aside>
</body>
</html>
`;
}

/** One button naming the other language; it posts (with the CSRF token) and comes back to this page. */
function languageSwitch(session: DeskSession, to: { lang: string; label: string; title: string }): Html {
  return html`<form class="inline lang-switch" method="post" action="/language">${csrfField(session)}<input type="hidden" name="back" value="${session.here ?? "/"}"><button type="submit" class="secondary" name="lang" value="${to.lang}" lang="${to.lang}" title="${to.title}">${to.label}</button></form>`;
}
