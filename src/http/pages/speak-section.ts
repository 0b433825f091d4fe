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
import { when } from "./format.js";

export function speakSection(detail: CaseDetail, timeZone: string, session: DeskSession): Html | false {
  if (!session.mayAct) return false;
  const c = detail.case;
  const s = detail.speak;
  const title = (id: string) => detail.checklist.items.find((i) => i.id === id)?.title ?? id;
  const closed = c.stage === "closed";
  const preview = caseUrl(c.id, "/speak/preview");
  return html`<section class="card" id="speak">
<h2>Write in the thread</h2>
<p class="muted small">Every mail is shown before it is sent, goes out in the case's language (${c.locale}) in this thread, and the timeline names you.</p>
${closed && html`<p class="empty">The case is closed: nothing is mailed from it.</p>`}
<div class="actions">
${
  !closed &&
  html`<div>
<h3>Ask for a retake</h3>
${
  s.photos.length === 0
    ? html`<p class="empty">No photo has come in.</p>`
    : html`<form class="action" id="speak-retake" method="post" action="${preview}">
  ${csrfField(session)}
  <input type="hidden" name="kind" value="retake">
  <fieldset class="picks"><legend class="small muted">Photos to take again</legend>
  ${s.photos.map(
    (p, i) => html`<label><input type="checkbox" name="photo_${i}" value="${p.ref}"${p.status === "failed" && html` checked`}> ${p.file} <span class="small muted">(${p.status === "failed" ? `failed: ${p.reasons.join(", ")}` : "passed"}; from ${p.from})</span></label>`,
  )}
  </fieldset>
  <label>Why (mailed, beside the advice for the photo's fault) <textarea name="text" maxlength="4000"></textarea></label>
  <button type="submit">Preview retake request</button>
</form>`
}
</div>
<div>
<h3>Ask again</h3>
${
  s.askable.length === 0
    ? html`<p class="empty">Every item the participants answer is done.</p>`
    : html`<form class="action" id="speak-ask" method="post" action="${preview}">
  ${csrfField(session)}
  <input type="hidden" name="kind" value="ask_again">
  <fieldset class="picks"><legend class="small muted">Items to ask about</legend>
  ${s.askable.map(
    (a, i) => html`<label><input type="checkbox" name="item_${i}" value="${a.id}"${a.unclear !== undefined && html` checked`}> ${title(a.id)} <span class="small muted">(${a.unclear !== undefined ? `unclear: “${a.unclear}”` : a.state})</span></label>`,
  )}
  </fieldset>
  <label>Your question (optional, mailed) <textarea name="text" maxlength="4000"></textarea></label>
  <button type="submit">Preview question</button>
</form>`
}
</div>
<div>
<h3>Remind now</h3>
${
  s.remindTo.length === 0
    ? html`<p class="empty">Nothing to remind of in this stage.</p>`
    : html`<form class="action" id="speak-remind" method="post" action="${preview}">
  ${csrfField(session)}
  <input type="hidden" name="kind" value="remind">
  <p class="small">To ${s.remindTo.join(", ")}; the bot's own reminders then count from today.</p>
  <label>A line for the reminder (optional, mailed) <textarea name="text" maxlength="4000"></textarea></label>
  <button type="submit">Preview reminder</button>
</form>`
}
</div>
<div>
<h3>Write a message</h3>
<form class="action" id="speak-message" method="post" action="${preview}">
  ${csrfField(session)}
  <input type="hidden" name="kind" value="message">
  <fieldset class="picks"><legend class="small muted">To</legend>
  ${s.recipients.map(
    (r, i) => html`<label><input type="checkbox" name="to_${i}" value="${r.email}"${r.bounces ? html` disabled` : r.role === "network_manager" && html` checked`}> ${r.name ? `${r.name} ` : ""}<span class="mono">${r.email}</span> <span class="small muted">(${r.role.replaceAll("_", " ")}${r.bounces ? ", bounces" : ""})</span></label>`,
  )}
  </fieldset>
  <label>Message (mailed as written, with greeting and the checklist) <textarea name="text" required maxlength="4000"></textarea></label>
  <button type="submit">Preview message</button>
</form>
</div>
<div>
<h3>Pause reminders</h3>
${s.reminderRestart && html`<p class="small">${s.reminderRestart.cause === "paused" ? "Paused" : "Reminded"} by <strong>${s.reminderRestart.by}</strong>: the plan counts from ${when(s.reminderRestart.from, timeZone)}.</p>`}
<form class="action" id="speak-pause" method="post" action="${caseUrl(c.id, "/reminders/pause")}">
  ${csrfField(session)}
  <label>No reminder before <input type="date" name="until" required></label>
  <label>Why (timeline only) <input type="text" name="reason" maxlength="2000"></label>
  <p class="small muted">The reminder plan starts again that day.</p>
  <button type="submit" class="secondary">Pause reminders</button>
</form>
</div>`
}
${s.bounced.map(
  (b) => html`<div>
<h3>Bounces: ${b.email}</h3>
<p class="small muted">${b.diagnostic}</p>
<form class="action" method="post" action="${caseUrl(c.id, "/participants/replace")}">
  ${csrfField(session)}
  <input type="hidden" name="old" value="${b.email}">
  <label>New address for ${b.name ?? b.role.replaceAll("_", " ")} <input type="email" name="email" required maxlength="254"></label>
  <label>Name (optional) <input type="text" name="name" maxlength="80" value="${b.name ?? ""}"></label>
  ${!closed && html`<label class="check"><input type="checkbox" name="resend" value="1" checked> Send the last mail again to the new address</label>`}
  <button type="submit">Replace address</button>
</form>
</div>`,
)}
${
  s.held.length > 0 &&
  html`<div>
<h3>Held mail</h3>
<ul class="small">${s.held.map((f) => html`<li><span class="badge flag">${f.code}</span> <a href="${caseUrl(c.id, `/flags/${encodeURIComponent(f.id)}`)}">Read the held mail</a></li>`)}</ul>
</div>`
}
</div>
</section>`;
}
