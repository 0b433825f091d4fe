/**
 * The case page's "Write in the thread" card (issue 18 §6–8): ask for a retake of named photos, ask
 * again about named items, send the reminder now, write a line of one's own — each previewed before it
 * is sent — pause the reminders until a date, replace an address that bounces (and send the last mail
 * again), and read the mails held on the case. Only for those who may act.
 */
import type { CaseDetail } from "../case-views.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import { caseUrl } from "./urls.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import { photoProblemText } from "./core-words.js";
import { participantRole, stateWord, when } from "./format.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT = {
  en: {
    title: "Write in the thread",
    intro: (locale: string) => `Every mail is shown before it is sent, goes out in the case's language (${locale}) in this thread, and the timeline names you.`,
    closed: "The case is closed: nothing is mailed from it.",
    retake: "Ask for a retake",
    noPhoto: "No photo has come in.",
    photosToTake: "Photos to take again",
    failed: (reasons: string) => `failed: ${reasons}`,
    passed: "passed",
    from: "from",
    retakeWhy: "Why (mailed, beside the advice for the photo's fault)",
    previewRetake: "Preview retake request",
    askAgain: "Ask again",
    allDone: "Every item the participants answer is done.",
    itemsToAsk: "Items to ask about",
    unclear: (words: string) => `unclear: “${words}”`,
    question: "Your question (optional, mailed)",
    previewQuestion: "Preview question",
    remind: "Remind now",
    nothingToRemind: "Nothing to remind of in this stage.",
    remindTo: (to: string) => `To ${to}; the bot's own reminders then count from today.`,
    remindLine: "A line for the reminder (optional, mailed)",
    previewReminder: "Preview reminder",
    message: "Write a message",
    to: "To",
    bounces: ", bounces",
    messageLabel: "Message (mailed as written, with greeting and the checklist)",
    previewMessage: "Preview message",
    pause: "Pause reminders",
    paused: "Paused",
    reminded: "Reminded",
    by: "by",
    planFrom: "the plan counts from",
    noReminderBefore: "No reminder before",
    whyTimeline: "Why (timeline only)",
    planAgain: "The reminder plan starts again that day.",
    bouncesTitle: "Bounces",
    newAddress: (whom: string) => `New address for ${whom}`,
    nameOptional: "Name (optional)",
    resend: "Send the last mail again to the new address",
    replace: "Replace address",
    heldMail: "Held mail",
    readHeld: "Read the held mail",
  },
  sv: {
    title: "Skriv i tråden",
    intro: (locale: string) => `Varje mejl visas innan det skickas, går ut på ärendets språk (${locale}) i den här tråden, och tidslinjen visar ditt namn.`,
    closed: "Ärendet är avslutat: inget mejlas från det.",
    retake: "Be om nya foton",
    noPhoto: "Inga foton har kommit in.",
    photosToTake: "Foton att ta om",
    failed: (reasons: string) => `underkänt: ${reasons}`,
    passed: "godkänt",
    from: "från",
    retakeWhy: "Varför (mejlas, bredvid rådet för fotots fel)",
    previewRetake: "Förhandsgranska begäran om nya foton",
    askAgain: "Fråga igen",
    allDone: "Alla punkter som deltagarna svarar på är klara.",
    itemsToAsk: "Punkter att fråga om",
    unclear: (words: string) => `otydligt: ”${words}”`,
    question: "Din fråga (valfri, mejlas)",
    previewQuestion: "Förhandsgranska frågan",
    remind: "Påminn nu",
    nothingToRemind: "Inget att påminna om i det här steget.",
    remindTo: (to: string) => `Till ${to}; botens egna påminnelser räknas sedan från i dag.`,
    remindLine: "En rad till påminnelsen (valfri, mejlas)",
    previewReminder: "Förhandsgranska påminnelsen",
    message: "Skriv ett meddelande",
    to: "Till",
    bounces: ", studsar",
    messageLabel: "Meddelande (mejlas som det står, med hälsning och checklistan)",
    previewMessage: "Förhandsgranska meddelandet",
    pause: "Pausa påminnelser",
    paused: "Pausat",
    reminded: "Påmint",
    by: "av",
    planFrom: "planen räknas från",
    noReminderBefore: "Ingen påminnelse före",
    whyTimeline: "Varför (bara i tidslinjen)",
    planAgain: "Påminnelseplanen börjar om den dagen.",
    bouncesTitle: "Studsar",
    newAddress: (whom: string) => `Ny adress för ${whom}`,
    nameOptional: "Namn (valfritt)",
    resend: "Skicka det senaste mejlet igen till den nya adressen",
    replace: "Ersätt adressen",
    heldMail: "Kvarhållna mejl",
    readHeld: "Läs det kvarhållna mejlet",
  },
} satisfies Record<UiLanguage, unknown>;

export function speakSection(detail: CaseDetail, timeZone: string, session: DeskSession): Html | false {
  if (!session.mayAct) return false;
  const c = detail.case;
  const s = detail.speak;
  const title = (id: string) => detail.checklist.items.find((i) => i.id === id)?.title ?? id;
  const closed = c.stage === "closed";
  const preview = caseUrl(c.id, "/speak/preview");
  const lang = session.lang;
  const t = uiText(TEXT, lang);
  return html`<section class="card" id="speak">
<h2>${t.title}</h2>
<p class="muted small">${t.intro(c.locale)}</p>
${closed && html`<p class="empty">${t.closed}</p>`}
<div class="actions">
${
  !closed &&
  html`<div>
<h3>${t.retake}</h3>
${
  s.photos.length === 0
    ? html`<p class="empty">${t.noPhoto}</p>`
    : html`<form class="action" id="speak-retake" method="post" action="${preview}">
  ${csrfField(session)}
  <input type="hidden" name="kind" value="retake">
  <fieldset class="picks"><legend class="small muted">${t.photosToTake}</legend>
  ${s.photos.map(
    (p, i) => html`<label><input type="checkbox" name="photo_${i}" value="${p.ref}"${p.status === "failed" && html` checked`}> ${p.file} <span class="small muted">(${p.status === "failed" ? t.failed(p.reasons.map((r) => photoProblemText(r, lang)).join(", ")) : t.passed}; ${t.from} ${p.from})</span></label>`,
  )}
  </fieldset>
  <label>${t.retakeWhy} <textarea name="text" maxlength="4000"></textarea></label>
  <button type="submit">${t.previewRetake}</button>
</form>`
}
</div>
<div>
<h3>${t.askAgain}</h3>
${
  s.askable.length === 0
    ? html`<p class="empty">${t.allDone}</p>`
    : html`<form class="action" id="speak-ask" method="post" action="${preview}">
  ${csrfField(session)}
  <input type="hidden" name="kind" value="ask_again">
  <fieldset class="picks"><legend class="small muted">${t.itemsToAsk}</legend>
  ${s.askable.map(
    (a, i) => html`<label><input type="checkbox" name="item_${i}" value="${a.id}"${a.unclear !== undefined && html` checked`}> ${title(a.id)} <span class="small muted">(${a.unclear !== undefined ? t.unclear(a.unclear) : stateWord(a.state, lang)})</span></label>`,
  )}
  </fieldset>
  <label>${t.question} <textarea name="text" maxlength="4000"></textarea></label>
  <button type="submit">${t.previewQuestion}</button>
</form>`
}
</div>
<div>
<h3>${t.remind}</h3>
${
  s.remindTo.length === 0
    ? html`<p class="empty">${t.nothingToRemind}</p>`
    : html`<form class="action" id="speak-remind" method="post" action="${preview}">
  ${csrfField(session)}
  <input type="hidden" name="kind" value="remind">
  <p class="small">${t.remindTo(s.remindTo.join(", "))}</p>
  <label>${t.remindLine} <textarea name="text" maxlength="4000"></textarea></label>
  <button type="submit">${t.previewReminder}</button>
</form>`
}
</div>
<div>
<h3>${t.message}</h3>
<form class="action" id="speak-message" method="post" action="${preview}">
  ${csrfField(session)}
  <input type="hidden" name="kind" value="message">
  <fieldset class="picks"><legend class="small muted">${t.to}</legend>
  ${s.recipients.map(
    (r, i) => html`<label><input type="checkbox" name="to_${i}" value="${r.email}"${r.bounces ? html` disabled` : r.role === "network_manager" && html` checked`}> ${r.name ? `${r.name} ` : ""}<span class="mono">${r.email}</span> <span class="small muted">(${participantRole(r.role, lang)}${r.bounces ? t.bounces : ""})</span></label>`,
  )}
  </fieldset>
  <label>${t.messageLabel} <textarea name="text" required maxlength="4000"></textarea></label>
  <button type="submit">${t.previewMessage}</button>
</form>
</div>
<div>
<h3>${t.pause}</h3>
${s.reminderRestart && html`<p class="small">${s.reminderRestart.cause === "paused" ? t.paused : t.reminded} ${t.by} <strong>${s.reminderRestart.by}</strong>: ${t.planFrom} ${when(s.reminderRestart.from, timeZone, lang)}.</p>`}
<form class="action" id="speak-pause" method="post" action="${caseUrl(c.id, "/reminders/pause")}">
  ${csrfField(session)}
  <label>${t.noReminderBefore} <input type="date" name="until" required></label>
  <label>${t.whyTimeline} <input type="text" name="reason" maxlength="2000"></label>
  <p class="small muted">${t.planAgain}</p>
  <button type="submit" class="secondary">${t.pause}</button>
</form>
</div>`
}
${s.bounced.map(
  (b) => html`<div>
<h3>${t.bouncesTitle}: ${b.email}</h3>
<p class="small muted">${b.diagnostic}</p>
<form class="action" method="post" action="${caseUrl(c.id, "/participants/replace")}">
  ${csrfField(session)}
  <input type="hidden" name="old" value="${b.email}">
  <label>${t.newAddress(b.name ?? participantRole(b.role, lang))} <input type="email" name="email" required maxlength="254"></label>
  <label>${t.nameOptional} <input type="text" name="name" maxlength="80" value="${b.name ?? ""}"></label>
  ${!closed && html`<label class="check"><input type="checkbox" name="resend" value="1" checked> ${t.resend}</label>`}
  <button type="submit">${t.replace}</button>
</form>
</div>`,
)}
${
  s.held.length > 0 &&
  html`<div>
<h3>${t.heldMail}</h3>
<ul class="small">${s.held.map((f) => html`<li><span class="badge flag">${f.code}</span> <a href="${caseUrl(c.id, `/flags/${encodeURIComponent(f.id)}`)}">${t.readHeld}</a></li>`)}</ul>
</div>`
}
</div>
</section>`;
}
