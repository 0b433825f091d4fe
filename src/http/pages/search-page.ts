/** `GET /search?q=`: the cases a case id, site, MAC, address, name or Message-ID points to. */
import type { SearchResult } from "../../app/search-cases.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { stageBadge } from "./format.js";
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT = {
  en: {
    title: "Search",
    hint: "Type a case id, a site, a MAC in any notation, an e-mail address, a name or a Message-ID in the search box.",
    none: (q: string) => `No case matches “${q}”.`,
    match: (n: number, more: boolean, q: string) => `${n}${more ? "+" : ""} cases match “${q}”${more ? " — showing the first; narrow the search" : ""}`,
    archived: "archived",
  },
  sv: {
    title: "Sök",
    hint: "Skriv ett ärendenummer, en plats, en MAC-adress i valfri form, en e-postadress, ett namn eller ett Message-ID i sökrutan.",
    none: (q: string) => `Inget ärende matchar ”${q}”.`,
    match: (n: number, more: boolean, q: string) => `${n}${more ? "+" : ""} ärenden matchar ”${q}”${more ? " – de första visas; smalna av sökningen" : ""}`,
    archived: "arkiverat",
  },
} satisfies Record<UiLanguage, unknown>;

export function searchPage(result: SearchResult, session: DeskSession): Html {
  const t = uiText(TEXT, session.lang);
  const body = html`<h1>${t.title}</h1>
<section class="card">
${
  !result.query
    ? html`<p class="empty">${t.hint}</p>`
    : result.hits.length === 0
      ? html`<p class="empty">${t.none(result.query)}</p>`
      : html`<p class="muted small">${t.match(result.hits.length, result.more, result.query)}</p>
<table class="search"><tbody>${result.hits.map(
          (h) => html`<tr><td><a href="/cases/${encodeURIComponent(h.caseId)}">${h.caseId}</a></td><td>${h.site}</td><td>${stageBadge(h.stage, session.lang)}${h.archived && html` <span class="badge missing">${t.archived}</span>`}</td><td class="small muted">${h.why}</td></tr>`,
        )}</tbody></table>`
}
</section>`;
  return deskLayout(`${t.title} ${result.query}`, body, session);
}
