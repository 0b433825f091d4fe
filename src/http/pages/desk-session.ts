/** Who is looking at a page, as far as the page needs it: shown in forms and the top bar. */
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { UiLanguage } from "./ui-language.js";

export interface DeskSession {
  /** The signed-in team member when the UI has its own logins, else null (the proxy names them). */
  login: string | null;
  /** False for a viewer: the page shows no forms. */
  mayAct: boolean;
  /** The per-session CSRF token every form carries (server.ts checks it on each form POST). */
  csrf: string;
  /** The language the desk speaks to this team member (ui-language.ts). */
  lang: UiLanguage;
  /** True for an admin: the top bar links the admin pages. */
  mayAdminister?: boolean;
  /** The page's own address (a GET's path and query), where the language switch comes back to. */
  here?: string;
}

export function csrfField(session: DeskSession): Html {
  return html`<input type="hidden" name="_csrf" value="${session.csrf}">`;
}
