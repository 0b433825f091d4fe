/**
 * `GET /cases/:id`: everything the team needs to judge one case — header, open flags, checklist,
 * actions, extracted fields, photos with their check results, and the timeline.
 */
import type { Participant } from "../../core/types.js";
import { formatValue } from "../../core/reply/format-value.js";
import { STAGES } from "../../core/types.js";
import type { CaseDetail } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { EvidenceRules } from "./evidence-sections.js";
import { extractedFieldsSection, photosSection } from "./evidence-sections.js";
import { participantRole, stageBadge, stageLabel, stateWord, when } from "./format.js";
import { stateCell } from "./state-cell.js";
import type { ViewableBlobs } from "./thread-section.js";
import { threadSection } from "./thread-section.js";
import { ownerSection } from "./owner-section.js";
import { caseEditSection } from "./case-edit-section.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import type { Notice } from "./layout.js";
import { deskLayout } from "./layout.js";
import { speakSection } from "./speak-section.js";
import { draftsSection } from "./drafts-section.js";
import { eventKindText } from "./event-words.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";
import { caseUrl } from "./urls.js";
import { quotedHtml, reasonHtml, wordsHtml } from "./core-words.js";

const TEXT = {
  en: {
    archived: "archived",
    archivedTitle: "Archived",
    archivedAt: "This case was moved to the archive",
    readOnly: ": it is shown read-only.",
    blobsDeleted: " Its mails' originals and its photos were deleted by the retention policy",
    verdictsKept: "; the checks' verdicts are kept.",
    whyReopen: "Why it is reopened",
    reopen: "Reopen",
    stage: "Stage",
    site: "Site",
    subject: "Subject",
    locale: "Locale",
    opened: "Opened",
    lastActivity: "Last activity",
    stations: "Stations",
    shipped: "shipped",
    installService: "Install service",
    bought: "bought (site preparation applies)",
    notBought: "not bought",
    make: "Make",
    thirdParty: "third-party",
    byDefault: "(default)",
    rules: "Rules",
    participants: "Participants",
    none: "None.",
    undeliverable: "undeliverable",
    flags: (n: number) => `Flags (${n} open)`,
    noFlag: "No open flag.",
    mail: "mail",
    how: "How it was resolved",
    resolveFlag: "Resolve flag",
    acceptSender: "Accept sender and process the mail",
    resolved: "Resolved",
    resolvedBy: "resolved by",
    checklist: "Checklist",
    noItem: "No checklist item applies.",
    unclear: "unclear answer",
    toVerify: "To verify",
    waitsOn: (n: number) => `The case waits on the commissioning team for ${n === 1 ? "this step" : "these steps"}.`,
    confirm: "Confirm",
    sendBackReason: "Reason to send it back (mailed)",
    sendBack: "Send back",
    agentConfirms: "An agent confirms or sends back this step.",
    actions: "Actions",
    actAs: "You act as",
    recorded: "; the timeline records it.",
    overrideTitle: "Override checklist item",
    nothingMissing: "No item is missing or failed.",
    item: "Checklist item",
    reason: "Reason",
    overridePlaceholder: "Why the item counts as done",
    override: "Override",
    activateTitle: "Activate stations",
    reasonOptional: "Reason (optional)",
    forceActivate: "Activate even though the case is not ready for activation",
    activate: "Activate",
    undoTitle: "Undo an override",
    overriddenItem: "Overridden item",
    by: "by",
    whyNoLonger: "Why it no longer counts",
    undo: "Undo override",
    noteTitle: "Internal note",
    noteLabel: "Note for the team (never mailed)",
    addNote: "Add note",
    closeTitle: "Close case",
    forceClose: "Close even though the case was never activated",
    close: "Close",
    timeline: (n: number) => `Timeline (${n})`,
    noEvent: "No event yet.",
    deliveries: (n: number) => `Deliveries (${n})`,
    received: "received",
    notReceived: "not received",
    unclearDelivery: "unclear",
    digital: "digital product",
    digitally: "answered: delivered digitally",
  },
  sv: {
    archived: "arkiverat",
    archivedTitle: "Arkiverat",
    archivedAt: "Ärendet flyttades till arkivet",
    readOnly: ": det visas skrivskyddat.",
    blobsDeleted: " Originalen av dess mejl och dess foton raderades enligt lagringspolicyn",
    verdictsKept: "; kontrollernas bedömningar finns kvar.",
    whyReopen: "Varför det återöppnas",
    reopen: "Återöppna",
    stage: "Steg",
    site: "Plats",
    subject: "Ämne",
    locale: "Ärendets språk",
    opened: "Öppnat",
    lastActivity: "Senaste aktivitet",
    stations: "Stationer",
    shipped: "levererade",
    installService: "Installationstjänst",
    bought: "köpt (platsförberedelse gäller)",
    notBought: "inte köpt",
    make: "Fabrikat",
    thirdParty: "tredjepart",
    byDefault: "(standard)",
    rules: "Regler",
    participants: "Deltagare",
    none: "Inga.",
    undeliverable: "går inte att leverera",
    flags: (n: number) => `Flaggor (${n} öppna)`,
    noFlag: "Ingen öppen flagga.",
    mail: "mejl",
    how: "Hur den löstes",
    resolveFlag: "Lös flaggan",
    acceptSender: "Godkänn avsändaren och behandla mejlet",
    resolved: "Lösta",
    resolvedBy: "löst av",
    checklist: "Checklista",
    noItem: "Ingen punkt i checklistan gäller.",
    unclear: "otydligt svar",
    toVerify: "Att verifiera",
    waitsOn: (n: number) => `Ärendet väntar på driftsättningsteamet för ${n === 1 ? "det här steget" : "de här stegen"}.`,
    confirm: "Bekräfta",
    sendBackReason: "Skäl att skicka tillbaka (mejlas)",
    sendBack: "Skicka tillbaka",
    agentConfirms: "En handläggare bekräftar eller skickar tillbaka steget.",
    actions: "Åtgärder",
    actAs: "Du agerar som",
    recorded: "; tidslinjen visar det.",
    overrideTitle: "Godkänn en punkt i checklistan",
    nothingMissing: "Ingen punkt saknas eller är underkänd.",
    item: "Punkt i checklistan",
    reason: "Skäl",
    overridePlaceholder: "Varför punkten räknas som klar",
    override: "Godkänn",
    activateTitle: "Aktivera stationerna",
    reasonOptional: "Skäl (valfritt)",
    forceActivate: "Aktivera fast ärendet inte är redo för aktivering",
    activate: "Aktivera",
    undoTitle: "Ångra ett godkännande",
    overriddenItem: "Godkänd punkt",
    by: "av",
    whyNoLonger: "Varför den inte längre räknas",
    undo: "Ångra godkännandet",
    noteTitle: "Intern anteckning",
    noteLabel: "Anteckning för teamet (mejlas aldrig)",
    addNote: "Lägg till anteckning",
    closeTitle: "Avsluta ärendet",
    forceClose: "Avsluta fast ärendet aldrig aktiverades",
    close: "Avsluta",
    timeline: (n: number) => `Tidslinje (${n})`,
    noEvent: "Inga händelser än.",
    deliveries: (n: number) => `Leveranser (${n})`,
    received: "mottagen",
    notReceived: "inte mottagen",
    unclearDelivery: "oklart",
    digital: "digital produkt",
    digitally: "besvarat: levereras digitalt",
  },
} satisfies Record<UiLanguage, unknown>;

/** `session`: who looks; a viewer sees no forms, and every form carries the session's CSRF token. */
/** `rules`: the labels and messages that put evidence verdicts into words. */
export function casePage(detail: CaseDetail, timeZone: string, notice: Notice | undefined, session: DeskSession, rules: EvidenceRules): Html {
  const c = detail.case;
  // An archived case is read-only: its only form is Reopen.
  const acting = detail.archived ? { ...session, mayAct: false } : session;
  const lang = session.lang;
  const body = html`
<h1>${c.id} · ${c.site}${detail.archived && html` <span class="badge missing">${uiText(TEXT, lang).archived}</span>`}</h1>
${detail.archived && archivedSection(detail, timeZone, session)}
${headerSection(detail, timeZone, lang)}
${ownerSection(detail, timeZone, acting)}
${caseEditSection(detail, acting)}
${flagsSection(detail, timeZone, acting)}
${draftsSection(c.id, detail.drafts, timeZone, acting)}
${toVerifySection(detail, acting)}
<div class="grid2">
${checklistSection(detail, timeZone, lang)}
${acting.mayAct && actionsSection(detail, acting)}
</div>
${extractedFieldsSection(detail, timeZone, rules, lang)}
${deliveriesSection(detail, timeZone, lang)}
${threadSection(c.id, detail.thread, timeZone, lang, viewableBlobs(detail))}
${speakSection(detail, timeZone, acting)}
${photosSection(detail, rules, lang)}
${timelineSection(detail, timeZone, lang)}`;
  return deskLayout(`${c.id} ${c.site}`, body, session, notice);
}

function archivedSection({ case: c, archived }: CaseDetail, timeZone: string, session: DeskSession): Html {
  const lang = session.lang;
  const t = uiText(TEXT, lang);
  return html`<section class="card" id="archived">
<h2>${t.archivedTitle}</h2>
<p>${t.archivedAt} ${when(archived?.at ?? "", timeZone, lang)}${t.readOnly}${
    archived?.blobsDeletedAt && html`${t.blobsDeleted} ${when(archived.blobsDeletedAt, timeZone, lang)}${t.verdictsKept}`
  }</p>
${
  session.mayAct &&
  html`<form class="inline" method="post" action="${caseUrl(c.id, "/reopen")}">
  ${csrfField(session)}
  <input type="text" name="reason" maxlength="2000" required placeholder="${t.whyReopen}" aria-label="${t.whyReopen}">
  <button type="submit">${t.reopen}</button>
</form>`
}
</section>`;
}

export { caseUrl } from "./urls.js";

function headerSection(detail: CaseDetail, timeZone: string, lang: UiLanguage): Html {
  const c = detail.case;
  const t = uiText(TEXT, lang);
  return html`<section class="card">
<div class="grid2">
<dl class="facts">
  <dt>${t.stage}</dt><dd>${stageBadge(c.stage, lang)}</dd>
  <dt>${t.site}</dt><dd>${c.site}</dd>
  <dt>${t.subject}</dt><dd>${c.subject}</dd>
  <dt>${t.locale}</dt><dd>${c.locale}</dd>
  <dt>${t.opened}</dt><dd>${when(c.openedAt, timeZone, lang)}</dd>
  <dt>${t.lastActivity}</dt><dd>${c.activityAt ? when(c.activityAt, timeZone, lang) : "—"}</dd>
  <dt>${t.stations}</dt><dd>${c.stations}${c.macsShipped.length > 0 && html` <span class="muted small">(${t.shipped}: <span class="mono">${c.macsShipped.join(", ")}</span>)</span>`}</dd>
  <dt>${t.installService}</dt><dd>${c.installService ? t.bought : t.notBought}</dd>
  <dt>${t.make}</dt><dd>${detail.make.name}${detail.make.thirdParty && html` <span class="badge flag">${t.thirdParty}</span>`}${!detail.make.given && html` <span class="muted small">${t.byDefault}</span>`}</dd>
  <dt>${t.rules}</dt><dd class="mono">${c.rulesVersion}</dd>
</dl>
<div>
<h2>${t.participants}</h2>
${c.participants.length === 0 ? html`<p class="empty">${t.none}</p>` : html`<table><tbody>${c.participants.map((p) => participantRow(p, lang))}</tbody></table>`}
</div>
</div>
</section>`;
}

function participantRow(p: Participant, lang: UiLanguage): Html {
  return html`<tr>
  <td>${p.name && html`${p.name}<br>`}<span class="mono">${p.email}</span></td>
  <td class="small">${participantRole(p.role, lang)}${p.undeliverable && html`<br><span class="badge failed" title="${p.undeliverable.diagnostic}">${uiText(TEXT, lang).undeliverable}</span>`}</td>
</tr>`;
}

function flagsSection({ case: c, flags }: CaseDetail, timeZone: string, session: DeskSession): Html {
  const open = flags.filter((f) => !f.resolved);
  const resolved = flags.filter((f) => f.resolved);
  const lang = session.lang;
  const t = uiText(TEXT, lang);
  return html`<section class="card" id="flags">
<h2>${t.flags(open.length)}</h2>
${open.length === 0 && html`<p class="empty">${t.noFlag}</p>`}
${open.map(
  (f) => html`<div class="flag-row">
  <span class="badge flag">${f.code}</span> ${reasonHtml(f, lang)} <span class="muted small">· ${when(f.at, timeZone, lang)}${f.mail && html` · ${t.mail} <span class="mono">${f.mail}</span>`}</span>
  ${
    session.mayAct &&
    html`<form class="inline" method="post" action="${caseUrl(c.id, `/flags/${encodeURIComponent(f.id)}/resolve`)}" data-resolve="${f.code}">
    ${csrfField(session)}
    <input type="text" name="how" required maxlength="2000" placeholder="${t.how}" aria-label="${t.how}">
    <button type="submit" class="secondary">${t.resolveFlag}</button>
  </form>`
  }
  ${
    session.mayAct &&
    f.code === "unknown_sender" &&
    f.blob &&
    html`<form class="inline" method="post" action="${caseUrl(c.id, `/flags/${encodeURIComponent(f.id)}/accept`)}">
    ${csrfField(session)}
    <button type="submit">${t.acceptSender}</button>
  </form>`
  }
</div>`,
)}
${
  resolved.length > 0 &&
  html`<h3>${t.resolved}</h3>
<ul class="small">${resolved.map(
    (f) => html`<li><span class="badge missing">${f.code}</span> ${reasonHtml(f, lang)} — ${t.resolvedBy} <strong>${f.resolved?.by}</strong>: ${wordsHtml(f.resolved?.words, f.resolved?.how ?? "", lang)} · ${when(f.resolved?.at ?? "", timeZone, lang)}</li>`,
  )}</ul>`
}
</section>`;
}

function checklistSection({ checklist }: CaseDetail, timeZone: string, lang: UiLanguage): Html {
  const stages = STAGES.filter((s) => checklist.items.some((i) => i.stage === s));
  const t = uiText(TEXT, lang);
  return html`<section class="card">
<h2>${t.checklist}</h2>
${checklist.items.length === 0 && html`<p class="empty">${t.noItem}</p>`}
${stages.map(
  (stage) => html`<h3>${stageLabel(stage, lang)}</h3>
<table><tbody>${checklist.items
    .filter((i) => i.stage === stage)
    .map(
      (i) => html`<tr>
  <td>${i.title}${checklist.unclear[i.id] !== undefined && html`<div class="small muted">${t.unclear}: ${quotedHtml(checklist.unclear[i.id] ?? "", lang)}</div>`}</td>
  <td>${stateCell(i.state, timeZone, lang)}</td>
</tr>`,
    )}</tbody></table>`,
)}
<p class="muted small">${t.rules} ${checklist.rulesVersion}</p>
</section>`;
}

/**
 * The team's own steps of the current stage (rules/stages.yaml, `evidence: team`): the case waits on
 * them. Each is one button to confirm, or a reason to send it back (mailed to the stage's participant).
 */
function toVerifySection({ case: c, toVerify }: CaseDetail, session: DeskSession): Html | false {
  if (toVerify.length === 0) return false;
  const t = uiText(TEXT, session.lang);
  return html`<section class="card to-verify">
<h2>${t.toVerify}</h2>
<p class="muted small">${t.waitsOn(toVerify.length)}</p>
${toVerify.map(
  (step) => html`<div class="team-step">
<h3>${step.title}</h3>
${
  session.mayAct
    ? html`<form class="inline" method="post" action="${caseUrl(c.id, "/confirm")}">
  ${csrfField(session)}
  <input type="hidden" name="item" value="${step.id}">
  <button type="submit">${t.confirm}</button>
</form>
<form class="action" method="post" action="${caseUrl(c.id, "/send-back")}">
  ${csrfField(session)}
  <input type="hidden" name="item" value="${step.id}">
  <label>${t.sendBackReason} <textarea name="reason" required maxlength="2000"></textarea></label>
  <button type="submit" class="secondary">${t.sendBack}</button>
</form>`
    : html`<p class="muted small">${t.agentConfirms}</p>`
}
</div>`,
)}
</section>`;
}

function actionsSection({ case: c, checklist }: CaseDetail, session: DeskSession): Html {
  const overridable = checklist.items.filter((i) => i.state.status === "missing" || i.state.status === "failed");
  // The same stages the core accepts these actions in (core/case/stages.ts teamTransition).
  const canActivate = c.stage !== "activated" && c.stage !== "closed";
  const canClose = c.stage !== "closed";
  const { login } = session;
  const standing = c.overrides.filter((o, i) => !o.undone && !c.overrides.slice(i + 1).some((later) => later.item === o.item && !later.undone));
  const titleOf = (item: string): string => checklist.items.find((i) => i.id === item)?.title ?? item;
  const t = uiText(TEXT, session.lang);
  return html`<section class="card">
<h2>${t.actions}</h2>
${login && html`<p class="muted small">${t.actAs} <strong>${login}</strong>${t.recorded}</p>`}
<div class="actions">
<div>
<h3>${t.overrideTitle}</h3>
${
  overridable.length === 0
    ? html`<p class="empty">${t.nothingMissing}</p>`
    : html`<form class="action" method="post" action="${caseUrl(c.id, "/override")}">
  <label>${t.item} <select name="item" required>${overridable.map((i) => html`<option value="${i.id}">${i.title} (${stateWord(i.state.status, session.lang)})</option>`)}</select></label>
  <label>${t.reason} <textarea name="reason" required maxlength="2000" placeholder="${t.overridePlaceholder}"></textarea></label>
  ${csrfField(session)}
  <button type="submit">${t.override}</button>
</form>`
}
</div>
${
  canActivate &&
  html`<div>
<h3>${t.activateTitle}</h3>
<form class="action" method="post" action="${caseUrl(c.id, "/activate")}">
  <label>${t.reasonOptional} <input type="text" name="reason" maxlength="2000"></label>
  ${c.stage !== "ready_for_activation" && html`<label class="check"><input type="checkbox" name="force" value="1"> ${t.forceActivate}</label>`}
  ${csrfField(session)}
  <button type="submit">${t.activate}</button>
</form>
</div>`
}
${
  standing.length > 0 &&
  html`<div>
<h3>${t.undoTitle}</h3>
<form class="action" method="post" action="${caseUrl(c.id, "/overrides/undo")}">
  ${csrfField(session)}
  <label>${t.overriddenItem} <select name="item" required>${standing.map((o) => html`<option value="${o.item}">${titleOf(o.item)} (${t.by} ${o.by})</option>`)}</select></label>
  <label>${t.whyNoLonger} <textarea name="reason" required maxlength="2000"></textarea></label>
  <button type="submit" class="secondary">${t.undo}</button>
</form>
</div>`
}
<div>
<h3>${t.noteTitle}</h3>
<form class="action" method="post" action="${caseUrl(c.id, "/notes")}">
  ${csrfField(session)}
  <label>${t.noteLabel} <textarea name="text" required maxlength="4000"></textarea></label>
  <button type="submit" class="secondary">${t.addNote}</button>
</form>
</div>
${
  canClose &&
  html`<div>
<h3>${t.closeTitle}</h3>
<form class="action" method="post" action="${caseUrl(c.id, "/close")}">
  <label>${t.reasonOptional} <input type="text" name="reason" maxlength="2000"></label>
  ${c.stage !== "activated" && html`<label class="check"><input type="checkbox" name="force" value="1"> ${t.forceClose}</label>`}
  ${csrfField(session)}
  <button type="submit" class="secondary">${t.close}</button>
</form>
</div>`
}
</div>
</div>
</section>`;
}

function timelineSection({ events }: CaseDetail, timeZone: string, lang: UiLanguage): Html {
  const t = uiText(TEXT, lang);
  return html`<section class="card">
<h2>${t.timeline(events.length)}</h2>
${
  events.length === 0
    ? html`<p class="empty">${t.noEvent}</p>`
    : html`<ol class="timeline">${events.map(
        (e) => html`<li>
  <span class="small">${when(e.at, timeZone, lang)}</span>
  <span class="small"><span class="badge missing">${eventKindText(e, lang)}</span></span>
  <span data-summary>${wordsHtml(e.words, e.summary, lang)} <span class="muted small">— ${e.by}${e.stage && html` · ${stageLabel(e.stage, lang)}`}${e.mail && html` · <span class="mono">${e.mail}</span>`}</span></span>
</li>`,
      )}</ol>`
}
</section>`;
}

/** Every receipt of stations and every parcel question about a digital product (issue 22); none holds the case. */
function deliveriesSection({ deliveries, case: c }: CaseDetail, timeZone: string, lang: UiLanguage): Html {
  if (deliveries.length === 0) return html``;
  const t = uiText(TEXT, lang);
  return html`<section class="card">
<h2>${t.deliveries(deliveries.length)}</h2>
<table><tbody>${deliveries.map(
    (d) => html`<tr>
  <td class="small">${when(d.at, timeZone, lang)}</td>
  <td class="small">${d.from}</td>
  <td>${d.kind === "receipt" ? html`<span class="badge ${d.status === "ok" ? "ok" : "failed"}">${d.status === "ok" ? t.received : d.status === "negative" ? t.notReceived : t.unclearDelivery}</span> ${d.value !== null && d.value !== true && d.value !== false ? formatValue(d.value, c.locale) : ""}` : html`<span class="badge flag">${t.digital}: ${d.products.join(", ")}</span> ${t.digitally}`}</td>
  <td class="small muted">${quotedHtml(d.text, lang)}</td>
</tr>`,
  )}</tbody></table>
</section>`;
}

/** The evidence blobs the thread links to: the photos (viewer) and forms (PDF) the desk can open. */
function viewableBlobs(detail: CaseDetail): ViewableBlobs {
  const photos = new Set<string>();
  const forms = new Set<string>();
  for (const r of detail.evidence) {
    for (const p of r.photos) if (p.blob) photos.add(p.blob);
    for (const f of r.forms) if (f.blob) forms.add(f.blob);
  }
  return { photos, forms };
}
