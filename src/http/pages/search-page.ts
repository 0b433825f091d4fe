/** `GET /search?q=`: the cases a case id, site, MAC, address, name or Message-ID points to. */
import type { SearchResult } from "../../app/search-cases.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { stageBadge } from "./format.js";
import { layout } from "./layout.js";
import { signOutForm } from "./login-page.js";

export function searchPage(result: SearchResult, session: DeskSession): Html {
  const body = html`<h1>Search</h1>
<section class="card">
${
  !result.query
    ? html`<p class="empty">Type a case id, a site, a MAC in any notation, an e-mail address, a name or a Message-ID in the search box.</p>`
    : result.hits.length === 0
      ? html`<p class="empty">No case matches “${result.query}”.</p>`
      : html`<p class="muted small">${result.hits.length}${result.more && "+"} cases match “${result.query}”${result.more && " — showing the first; narrow the search"}</p>
<table class="search"><tbody>${result.hits.map(
          (h) => html`<tr><td><a href="/cases/${encodeURIComponent(h.caseId)}">${h.caseId}</a></td><td>${h.site}</td><td>${stageBadge(h.stage)}${h.archived && html` <span class="badge missing">archived</span>`}</td><td class="small muted">${h.why}</td></tr>`,
        )}</tbody></table>`
}
</section>`;
  return layout(`Search ${result.query}`, body, undefined, session.login, session.login !== null ? signOutForm(session.csrf) : undefined);
}
