/**
 * `GET /admin/users` (admins only): the desk's logins as UI_USERS_FILE lists them, each with its role
 * and desk language — never a hash — and, in words, how to add one. Read-only: the file is the truth,
 * read at start-up.
 */
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { LoginListing } from "../logins.js";
import { roleName } from "../security/roles.js";
import type { DeskSession } from "./desk-session.js";
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT = {
  en: {
    title: "Users",
    count: (n: number) => `${n} ${n === 1 ? "login" : "logins"} in UI_USERS_FILE.`,
    name: "Name",
    role: "Role",
    language: "Desk language",
    browser: "the browser's (else the desk's default)",
    languages: { sv: "Swedish", en: "English" },
    proxy: "The desk has no logins of its own (UI_USERS_FILE is not set): the proxy in front signs members in and names them in X-Team-Member, their role in X-Team-Role.",
    addTitle: "Adding a login",
    add: [
      "On the bot's host, run activation-bot ui-user NAME and type the new member's password (at least 12 characters) twice; it prints one line, NAME:scrypt$….",
      "Add that line to the users file (UI_USERS_FILE). After the hash it may name a role — :viewer reads, :agent acts, :admin also sees this page and the settings — and then a desk language, :sv or :en. Without a role the login is an agent; without a language her browser's language decides.",
      "Restart the bot: the file is read at start-up. To remove a login, delete its line and restart.",
    ],
    example: "Example",
  },
  sv: {
    title: "Användare",
    count: (n: number) => `${n} ${n === 1 ? "inloggning" : "inloggningar"} i UI_USERS_FILE.`,
    name: "Namn",
    role: "Roll",
    language: "Deskens språk",
    browser: "webbläsarens (annars deskens standard)",
    languages: { sv: "svenska", en: "engelska" },
    proxy: "Desken har inga egna inloggningar (UI_USERS_FILE är inte satt): proxyn framför loggar in medlemmarna och namnger dem i X-Team-Member, deras roll i X-Team-Role.",
    addTitle: "Lägga till en inloggning",
    add: [
      "Kör activation-bot ui-user NAMN på botens server och skriv den nya medlemmens lösenord (minst 12 tecken) två gånger; den skriver ut en rad, NAMN:scrypt$….",
      "Lägg till raden i användarfilen (UI_USERS_FILE). Efter hashen kan den ange en roll – :viewer läser, :agent agerar, :admin ser också den här sidan och inställningarna – och sedan deskens språk, :sv eller :en. Utan roll är inloggningen handläggare (agent); utan språk avgör webbläsarens språk.",
      "Starta om boten: filen läses vid start. För att ta bort en inloggning, radera dess rad och starta om.",
    ],
    example: "Exempel",
  },
} satisfies Record<UiLanguage, unknown>;

/** `logins`: null when the desk has no logins of its own (a proxy authenticates). */
export function usersPage(logins: LoginListing[] | null, session: DeskSession): Html {
  const t = uiText(TEXT, session.lang);
  const body = html`<h1>${t.title}</h1>
<section class="card" id="users">
${
  logins === null
    ? html`<p>${t.proxy}</p>`
    : html`<p class="muted small">${t.count(logins.length)}</p>
<div class="scroll"><table class="users">
<thead><tr><th>${t.name}</th><th>${t.role}</th><th>${t.language}</th></tr></thead>
<tbody>${logins.map(
        (u) => html`<tr data-login="${u.name}"><td>${u.name}</td><td>${roleName(u.role, session.lang)} <span class="mono muted small">${u.role}</span></td><td>${u.lang ? t.languages[u.lang] : html`<span class="muted">${t.browser}</span>`}</td></tr>`,
      )}</tbody>
</table></div>`
}
</section>
<section class="card">
<h2>${t.addTitle}</h2>
<ol>${t.add.map((step) => html`<li>${step}</li>`)}</ol>
<p class="small">${t.example}: <code class="mono">maja:scrypt$…:agent:sv</code></p>
</section>`;
  return deskLayout(t.title, body, session);
}
