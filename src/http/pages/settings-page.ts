/**
 * `GET /settings`: the desk's run-time settings, for an admin — supervised mode (all stages, some, or
 * off), where the value in force comes from (SUPERVISED_STAGES or an admin's choice, whose, when), and
 * the log of changes.
 */
import type { SupervisionState } from "../../app/supervision.js";
import type { SettingChange } from "../../app/ports.js";
import type { SupervisedStages } from "../../core/case/drafts.js";
import type { StageId } from "../../core/types.js";
import { STAGES } from "../../core/types.js";
import type { Html } from "../html.js";
import { html } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { csrfField } from "./desk-session.js";
import { stageLabel, when } from "./format.js";
import type { Notice } from "./layout.js";
import { deskLayout } from "./layout.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const TEXT = {
  en: {
    title: "Settings",
    supervised: "Supervised mode",
    intro:
      "While a stage is supervised, the mails the bot composes on its own in it (answers, progress mails, reminders) wait as drafts until a team member sends, edits or discards them. The team's own mails always go at once.",
    now: "Now",
    off: "off: the bot's mails go out at once",
    all: "every stage is supervised",
    some: (stages: string) => `supervised stages: ${stages}`,
    fromEnv: (value: string) => `from SUPERVISED_STAGES (${value || "empty"}): no admin has changed it`,
    fromDesk: (by: string) => `set by ${by} on`,
    envDefault: (value: string) => `SUPERVISED_STAGES says ${value || "off"}.`,
    mode: "Supervise",
    modeOff: "No stage (off)",
    modeAll: "All stages",
    modeSome: "These stages:",
    save: "Save supervised mode",
    turnOff: "Turn supervised mode off",
    turnOn: "Supervise every stage",
    log: "Changes",
    noLog: "No admin has changed a setting yet.",
    logRow: (c: SettingChange) => `${c.setting} = ${c.value || "off"} by ${c.by}`,
  },
  sv: {
    title: "Inställningar",
    supervised: "Övervakat läge",
    intro:
      "Medan ett steg är övervakat väntar de mejl som boten själv skriver i det (svar, lägesbesked, påminnelser) som utkast tills någon i teamet skickar, redigerar eller kastar dem. Teamets egna mejl går alltid iväg direkt.",
    now: "Nu",
    off: "av: botens mejl går iväg direkt",
    all: "alla steg är övervakade",
    some: (stages: string) => `övervakade steg: ${stages}`,
    fromEnv: (value: string) => `från SUPERVISED_STAGES (${value || "tom"}): ingen administratör har ändrat det`,
    fromDesk: (by: string) => `satt av ${by}`,
    envDefault: (value: string) => `SUPERVISED_STAGES säger ${value || "av"}.`,
    mode: "Övervaka",
    modeOff: "Inget steg (av)",
    modeAll: "Alla steg",
    modeSome: "De här stegen:",
    save: "Spara övervakat läge",
    turnOff: "Stäng av övervakat läge",
    turnOn: "Övervaka alla steg",
    log: "Ändringar",
    noLog: "Ingen administratör har ändrat någon inställning än.",
    logRow: (c: SettingChange) => `${c.setting} = ${c.value || "av"} av ${c.by}`,
  },
};

function described(stages: SupervisedStages, t: (typeof TEXT)["en"], lang: UiLanguage): string {
  return stages === "all" ? t.all : stages.length === 0 ? t.off : t.some(stages.map((s) => stageLabel(s, lang)).join(", "));
}

export function settingsPage(state: SupervisionState, log: SettingChange[], timeZone: string, session: DeskSession, notice?: Notice): Html {
  const t = uiText(TEXT, session.lang);
  const env = state.envDefault === "all" ? "all" : state.envDefault.join(",");
  const picked = (s: StageId) => state.stages === "all" || state.stages.includes(s);
  const mode = state.stages === "all" ? "all" : state.stages.length === 0 ? "off" : "some";
  const body = html`<h1>${t.title}</h1>
<section class="card" id="supervision">
<h2>${t.supervised}</h2>
<p class="muted small">${t.intro}</p>
<p><strong>${t.now}:</strong> <span id="supervision-now">${described(state.stages, t, session.lang)}</span>
<span class="small muted">(${state.source === "desk" && state.change ? html`${t.fromDesk(state.change.by)} ${when(state.change.at, timeZone)}; ${t.envDefault(env)}` : t.fromEnv(env)})</span></p>
<div class="draft-actions">
<form class="inline" method="post" action="/settings/supervision">${csrfField(session)}<input type="hidden" name="mode" value="off"><button type="submit"${mode === "off" && " disabled"}>${t.turnOff}</button></form>
<form class="inline" method="post" action="/settings/supervision">${csrfField(session)}<input type="hidden" name="mode" value="all"><button type="submit" class="secondary"${mode === "all" && " disabled"}>${t.turnOn}</button></form>
</div>
<form class="action" method="post" action="/settings/supervision">
  ${csrfField(session)}
  <fieldset class="picks"><legend>${t.mode}</legend>
  <label><input type="radio" name="mode" value="off"${mode === "off" && " checked"}> ${t.modeOff}</label>
  <label><input type="radio" name="mode" value="all"${mode === "all" && " checked"}> ${t.modeAll}</label>
  <label><input type="radio" name="mode" value="some"${mode === "some" && " checked"}> ${t.modeSome}</label>
  ${STAGES.map((s) => html`<label><input type="checkbox" name="stage_${s}" value="1"${mode === "some" && picked(s) && " checked"}> ${stageLabel(s)}</label>`)}
  </fieldset>
  <button type="submit" class="secondary">${t.save}</button>
</form>
</section>
<section class="card" id="settings-log">
<h2>${t.log}</h2>
${log.length === 0 ? html`<p class="empty">${t.noLog}</p>` : html`<ul class="small">${log.map((c) => html`<li>${when(c.at, timeZone)} · ${t.logRow(c)}</li>`)}</ul>`}
</section>`;
  return deskLayout(t.title, body, session, notice);
}
