/**
 * `GET /cases/new`: open a case from the desk — the facts the CLI's `case open` takes, as a form. A
 * form sent with a problem comes back with what was typed and each problem next to its field.
 */
import type { FieldProblem } from "../../core/case/case-fields.js";
import { MAX_EMAIL_CHARS, MAX_PERSON_NAME_CHARS, MAX_SITE_CHARS, MAX_STATIONS } from "../../core/case/case-fields.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import { fieldErrors } from "./field-problems.js";
import type { Notice } from "./layout.js";
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

/** The form's fields by name, as typed. */
export type NewCaseForm = Partial<Record<NewCaseField, string>>;
export const NEW_CASE_FIELDS = ["site", "stations", "macs", "install_service", "locale", "make", "nm_email", "nm_name", "installer_email", "installer_name", "contractor_email", "contractor_name"] as const;
export type NewCaseField = (typeof NEW_CASE_FIELDS)[number];

/** The request's field (core checkOpenCase) → the form's. */
export const FORM_FIELD_OF: Record<string, NewCaseField> = {
  site: "site",
  stations: "stations",
  macsShipped: "macs",
  locale: "locale",
  make: "make",
  nmEmail: "nm_email",
  nmName: "nm_name",
  installerEmail: "installer_email",
  installerName: "installer_name",
  contractorEmail: "contractor_email",
  contractorName: "contractor_name",
};

const TEXT = {
  en: {
    title: "Open a case",
    intro: "The first activation mail goes to the network manager as soon as the case is opened, as with the CLI's case open.",
    invalid: "The case was not opened: correct the fields marked below.",
    facts: "The site",
    site: "Site (name and address)",
    stations: "Number of stations",
    macs: "MAC addresses shipped (one per line, or separated by commas)",
    installService: "Installation service bought from us (adds site preparation)",
    locale: "Language of the case (its mails)",
    swedish: "Swedish",
    english: "English",
    make: "Make of the stations (optional; e.g. alpitronic)",
    nm: "Network manager",
    installer: "Installer (optional)",
    contractor: "Contractor for site preparation (optional)",
    email: "E-mail",
    name: "Name",
    submit: "Open case and send the first mail",
    notAllowed: "Your login may read cases but not open them.",
  },
  sv: {
    title: "Öppna ett ärende",
    intro: "Det första aktiveringsmejlet går till nätverksansvarig så snart ärendet är öppnat, som med CLI:ts case open.",
    invalid: "Ärendet öppnades inte: rätta fälten som är markerade nedan.",
    facts: "Anläggningen",
    site: "Anläggning (namn och adress)",
    stations: "Antal stationer",
    macs: "MAC-adresser som skickats (en per rad, eller åtskilda med kommatecken)",
    installService: "Installationstjänst köpt av oss (lägger till platsförberedelse)",
    locale: "Ärendets språk (dess mejl)",
    swedish: "Svenska",
    english: "Engelska",
    make: "Stationernas fabrikat (frivilligt; t.ex. alpitronic)",
    nm: "Nätverksansvarig",
    installer: "Installatör (frivilligt)",
    contractor: "Entreprenör för platsförberedelse (frivilligt)",
    email: "E-post",
    name: "Namn",
    submit: "Öppna ärendet och skicka första mejlet",
    notAllowed: "Din inloggning får läsa ärenden men inte öppna dem.",
  },
} satisfies Record<UiLanguage, Record<string, string>>;

export function newCasePage(form: NewCaseForm, problems: readonly FieldProblem[], session: DeskSession, notice?: Notice): Html {
  const t = uiText(TEXT, session.lang);
  const of = (field: NewCaseField) => problems.filter((p) => FORM_FIELD_OF[p.field] === field);
  const v = (field: NewCaseField) => form[field] ?? "";
  const invalid = (field: NewCaseField) => of(field).length > 0 && html` aria-invalid="true" aria-describedby="err-${field}"`;
  const text = (field: NewCaseField, label: string, opts: { type?: string; max: number; required?: boolean }) => html`<label>${label}
  <input type="${opts.type ?? "text"}" name="${field}" value="${v(field)}" maxlength="${opts.max}"${opts.required && " required"}${invalid(field)}>
  ${fieldErrors(`err-${field}`, of(field), session.lang)}</label>`;
  const person = (prefix: "nm" | "installer" | "contractor", legend: string) => html`<fieldset class="person"><legend>${legend}</legend>
  ${text(`${prefix}_email`, `${t.email} (${legend})`, { type: "email", max: MAX_EMAIL_CHARS, required: prefix === "nm" })}
  ${text(`${prefix}_name`, `${t.name} (${legend})`, { max: MAX_PERSON_NAME_CHARS })}
</fieldset>`;
  const locale = v("locale") || "sv";
  const body = session.mayAct
    ? html`<h1>${t.title}</h1>
<section class="card" id="new-case">
<p class="muted small">${t.intro}</p>
${problems.length > 0 && html`<p class="field-error" role="alert">${t.invalid}</p>`}
<form class="action" method="post" action="/cases/new">
  ${csrfField(session)}
  ${text("site", t.site, { max: MAX_SITE_CHARS, required: true })}
  <label>${t.stations} <input type="number" name="stations" min="1" max="${MAX_STATIONS}" required value="${v("stations") || "1"}" class="narrow"${invalid("stations")}>
  ${fieldErrors("err-stations", of("stations"), session.lang)}</label>
  <label>${t.macs} <textarea name="macs" class="mono"${invalid("macs")}>${v("macs")}</textarea>
  ${fieldErrors("err-macs", of("macs"), session.lang)}</label>
  <label class="check"><input type="checkbox" name="install_service" value="1"${v("install_service") && " checked"}> ${t.installService}</label>
  <label>${t.locale} <select name="locale"${invalid("locale")}><option value="sv"${locale === "sv" && " selected"}>${t.swedish}</option><option value="en"${locale === "en" && " selected"}>${t.english}</option></select>
  ${fieldErrors("err-locale", of("locale"), session.lang)}</label>
  ${text("make", t.make, { max: 80 })}
  ${person("nm", t.nm)}
  ${person("installer", t.installer)}
  ${person("contractor", t.contractor)}
  <button type="submit">${t.submit}</button>
</form>
</section>`
    : html`<h1>${t.title}</h1><section class="card"><p>${t.notAllowed}</p></section>`;
  return deskLayout(t.title, body, session, notice);
}
