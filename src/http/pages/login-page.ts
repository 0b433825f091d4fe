/** `GET /login`: the desk's sign-in form (when it has its own logins, UI_USERS_FILE). */
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import type { Notice } from "./layout.js";
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT = {
  en: { title: "Sign in", name: "Name", password: "Password", signIn: "Sign in", signOut: "Sign out" },
  sv: { title: "Logga in", name: "Namn", password: "Lösenord", signIn: "Logga in", signOut: "Logga ut" },
} satisfies Record<UiLanguage, unknown>;

/** Before signing in the session has no login: the language is the browser's or the desk's default. */
export function loginPage(session: DeskSession, notice?: Notice): Html {
  const t = uiText(TEXT, session.lang);
  const body = html`<h1>${t.title}</h1>
<section class="card narrow-card">
<form class="action" method="post" action="/login">
  ${csrfField(session)}
  <label>${t.name} <input type="text" name="name" required maxlength="80" autocomplete="username" autofocus></label>
  <label>${t.password} <input type="password" name="password" required maxlength="1024" autocomplete="current-password"></label>
  <button type="submit">${t.signIn}</button>
</form>
</section>`;
  return deskLayout(t.title, body, session, notice);
}

/** The header's sign-out button: a form, so that a link cannot sign anyone out. (layout.ts draws its own; kept for pages built the old way.) */
export function signOutForm(csrf: string, lang: UiLanguage = "en"): Html {
  return html`<form class="inline signout" method="post" action="/logout"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">${uiText(TEXT, lang).signOut}</button></form>`;
}
