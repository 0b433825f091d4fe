/**
 * The case page's "Fix the case's facts" section: the site, stations, MACs shipped, installation
 * service, language and participants as a form filled with what the case holds, and a form to add a
 * participant (optionally sending them the case's last mail again). For agents, on a case that is not
 * archived; each posts to actions/edit-case-routes.ts.
 */
import type { Role } from "../../core/types.js";
import { MAX_EMAIL_CHARS, MAX_PERSON_NAME_CHARS, MAX_SITE_CHARS, MAX_STATIONS, PARTICIPANT_ROLES } from "../../core/case/case-fields.js";
import type { CaseDetail } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { caseUrl } from "./urls.js";

const TEXT = {
  en: {
    heading: "Fix the case's facts",
    intro: "Changes are recorded in the timeline under your name, from → to; the checklist is evaluated again (a MAC now shipped counts).",
    site: "Site",
    stations: "Number of stations",
    macs: "MAC addresses shipped (one per line)",
    installService: "Installation service bought (adds site preparation)",
    locale: "Language of the case",
    swedish: "Swedish",
    english: "English",
    participants: "Participants",
    address: (who: string) => `Address of ${who}`,
    name: (who: string) => `Name of ${who}`,
    save: "Save facts",
    addHeading: "Add a participant",
    email: "E-mail of the new participant",
    newName: "Name (optional)",
    role: "Role",
    resend: "Send the case's last mail again to them",
    add: "Add participant",
    roles: { network_manager: "network manager", installer: "installer", contractor: "contractor", team_added: "other (added by the team)" } as Record<Role, string>,
  },
  sv: {
    heading: "Rätta ärendets uppgifter",
    intro: "Ändringarna förs in i tidslinjen under ditt namn, från → till; checklistan bedöms på nytt (en MAC som nu är skickad räknas).",
    site: "Anläggning",
    stations: "Antal stationer",
    macs: "MAC-adresser som skickats (en per rad)",
    installService: "Installationstjänst köpt (lägger till platsförberedelse)",
    locale: "Ärendets språk",
    swedish: "Svenska",
    english: "Engelska",
    participants: "Deltagare",
    address: (who: string) => `Adress till ${who}`,
    name: (who: string) => `Namn på ${who}`,
    save: "Spara uppgifterna",
    addHeading: "Lägg till en deltagare",
    email: "Den nya deltagarens e-post",
    newName: "Namn (frivilligt)",
    role: "Roll",
    resend: "Skicka ärendets senaste mejl igen till deltagaren",
    add: "Lägg till deltagare",
    roles: { network_manager: "nätverksansvarig", installer: "installatör", contractor: "entreprenör", team_added: "annan (tillagd av teamet)" } as Record<Role, string>,
  },
} satisfies Record<UiLanguage, unknown>;

export function caseEditSection({ case: c, archived }: CaseDetail, session: DeskSession): Html | false {
  if (!session.mayAct || archived) return false;
  const t = uiText(TEXT, session.lang);
  return html`<details class="card" id="edit-facts">
<summary><h2 style="display:inline">${t.heading}</h2></summary>
<p class="muted small">${t.intro}</p>
<div class="actions">
<div>
<form class="action" method="post" action="${caseUrl(c.id, "/edit")}" id="edit-facts-form">
  ${csrfField(session)}
  <label>${t.site} <input type="text" name="site" required maxlength="${MAX_SITE_CHARS}" value="${c.site}"></label>
  <label>${t.stations} <input type="number" name="stations" min="1" max="${MAX_STATIONS}" required value="${c.stations}" class="narrow"></label>
  <label>${t.macs} <textarea name="macs" class="mono">${c.macsShipped.join("\n")}</textarea></label>
  <label class="check"><input type="checkbox" name="install_service" value="1"${c.installService && " checked"}> ${t.installService}</label>
  <label>${t.locale} <select name="locale"><option value="sv"${c.locale === "sv" && " selected"}>${t.swedish}</option><option value="en"${c.locale === "en" && " selected"}>${t.english}</option></select></label>
  <fieldset class="person"><legend>${t.participants}</legend>
  ${c.participants.map((p, i) => {
    const who = `${p.name ?? p.email} (${t.roles[p.role]})`;
    return html`<input type="hidden" name="p_${i}_email" value="${p.email}">
  <label>${t.address(who)} <input type="email" name="p_${i}_new" required maxlength="${MAX_EMAIL_CHARS}" value="${p.email}"></label>
  <label>${t.name(who)} <input type="text" name="p_${i}_name" maxlength="${MAX_PERSON_NAME_CHARS}" value="${p.name ?? ""}"></label>`;
  })}
  </fieldset>
  <button type="submit">${t.save}</button>
</form>
</div>
<div>
<h3>${t.addHeading}</h3>
<form class="action" method="post" action="${caseUrl(c.id, "/participants/add")}" id="add-participant">
  ${csrfField(session)}
  <label>${t.email} <input type="email" name="email" required maxlength="${MAX_EMAIL_CHARS}"></label>
  <label>${t.newName} <input type="text" name="name" maxlength="${MAX_PERSON_NAME_CHARS}"></label>
  <label>${t.role} <select name="role">${PARTICIPANT_ROLES.map((r) => html`<option value="${r}"${r === "team_added" && " selected"}>${t.roles[r]}</option>`)}</select></label>
  ${c.stage !== "closed" && html`<label class="check"><input type="checkbox" name="resend" value="1" checked> ${t.resend}</label>`}
  <button type="submit" class="secondary">${t.add}</button>
</form>
</div>
</div>
</details>`;
}
