/**
 * `GET /cases/:id/forms/:blob`: a returned PDF form of the case, shown inline beside each field's
 * verdict in words, with a link to download it. A stored form whose bytes are no PDF is only offered
 * as a download (the browser is never asked to show it).
 */
import type { CaseFormEntry } from "../../app/case-attachments.js";
import type { FormsRules } from "../../core/evidence/schema.js";
import type { Case } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { verdictBadge, when } from "./format.js";
import { deskLayout } from "./layout.js";
import { uiText } from "./ui-language.js";
import { caseUrl, formUrl } from "./urls.js";
import { formFieldSentence, formTitle } from "./verdict-words.js";

const TEXT = {
  en: {
    back: "Back to the case",
    received: (file: string) => `${file}, received`,
    from: (who: string) => `from ${who}`,
    download: "Download the PDF",
    notPdf: "This file is not a PDF, so it is not shown here: download it to look at it.",
    frame: (title: string) => `The returned form: ${title}`,
    fields: "Fields and their verdicts",
  },
  sv: {
    back: "Tillbaka till ärendet",
    received: (file: string) => `${file}, mottagen`,
    from: (who: string) => `från ${who}`,
    download: "Ladda ner PDF:en",
    notPdf: "Filen är ingen PDF och visas därför inte här: ladda ner den för att titta på den.",
    frame: (title: string) => `Det returnerade formuläret: ${title}`,
    fields: "Fälten och deras bedömning",
  },
};

const FORM_STYLES = `
.pdf-frame { width: 100%; height: 80vh; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.field-verdicts { margin: 0; padding-left: 0; list-style: none; }
.field-verdicts li { margin: 2px 0; }
`;

export function formPage(c: Case, form: CaseFormEntry, pdf: boolean, forms: FormsRules, timeZone: string, session: DeskSession): Html {
  const t = uiText(TEXT, session.lang);
  const title = formTitle(form, forms, session.lang);
  const body = html`<style>${FORM_STYLES}</style>
<h1><a href="${caseUrl(c.id)}">${c.id}</a> · ${title}</h1>
<p class="photo-nav"><a href="${caseUrl(c.id)}">${t.back}</a> · ${t.received(form.file)} ${when(form.at, timeZone)} ${t.from(form.from)} ·
<a id="form-download" href="${formUrl(c.id, form.blob, "/file?download=1")}" download>${t.download}</a></p>
${pdf ? html`<iframe class="pdf-frame" id="form-pdf" src="${formUrl(c.id, form.blob, "/file")}" title="${t.frame(title)}"></iframe>` : html`<p class="notice bad">${t.notPdf}</p>`}
${
  form.fields.length > 0 &&
  html`<section class="card"><h2>${t.fields}</h2><ul class="field-verdicts">${form.fields.map(
    (f) => html`<li>${verdictBadge(f.verdict)} ${formFieldSentence(f, form, forms, session.lang)}</li>`,
  )}</ul></section>`
}`;
  return deskLayout(`${c.id} ${title}`, body, session);
}
