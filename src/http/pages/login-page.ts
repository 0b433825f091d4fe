/** `GET /login`: the desk's sign-in form (when it has its own logins, UI_USERS_FILE). */
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { Notice } from "./layout.js";
import { layout } from "./layout.js";

export function loginPage(csrf: string, notice?: Notice): Html {
  const body = html`<h1>Sign in</h1>
<section class="card narrow-card">
<form class="action" method="post" action="/login">
  <input type="hidden" name="_csrf" value="${csrf}">
  <label>Name <input type="text" name="name" required maxlength="80" autocomplete="username" autofocus></label>
  <label>Password <input type="password" name="password" required maxlength="1024" autocomplete="current-password"></label>
  <button type="submit">Sign in</button>
</form>
</section>`;
  return layout("Sign in", body, notice);
}

/** The header's sign-out button: a form, so that a link cannot sign anyone out. */
export function signOutForm(csrf: string): Html {
  return html`<form class="inline signout" method="post" action="/logout"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">Sign out</button></form>`;
}
