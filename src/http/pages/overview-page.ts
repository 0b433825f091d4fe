/**
 * `GET /overview`: the desk at a glance — cases per stage with their median and oldest time in stage,
 * cases opened and activated per week, open flags per cause, reply lag. Charts are inline SVG with the
 * same numbers in tables beneath (screen readers, phones); no script.
 */
import type { OverviewFigures } from "../../core/case/overview.js";
import { durationParts } from "../../core/case/overview.js";
import type { FlagCode, StageId } from "../../core/types.js";
import type { Html } from "../html.js";
import { html, raw } from "../html.js";
import type { DeskSession } from "./desk-session.js";
import { stageLabel, when } from "./format.js";
import { deskLayout } from "./layout.js";
import { FLAG_WORDS } from "./flag-words.js";
import { CHART_COLOURS, barChart, pairedColumns } from "./overview-charts.js";
import type { UiLanguage } from "./ui-language.js";
import { uiText } from "./ui-language.js";

const SV_STAGES: Record<StageId, string> = {
  open: "öppen",
  site_readiness: "platsförberedelse",
  site_ready: "platsen klar",
  commissioning: "driftsättning",
  configuration: "konfiguration",
  ready_for_activation: "klar för aktivering",
  activated: "aktiverad",
  closed: "stängd",
};


const TEXT = {
  en: {
    title: "Overview",
    asOf: "Figures as of",
    stages: "Cases per stage",
    stagesDesc: (n: number) => `Bar chart of the ${n} cases in the store by stage; the numbers are in the table below.`,
    stage: "Stage",
    cases: "Cases",
    median: "Median in stage",
    oldest: "Longest in stage",
    notTimed: "Closed cases are not timed: they only wait for the archive.",
    weeks: "Cases opened and activated per week",
    weeksDesc: (n: number) => `Column chart of the last ${n} ISO weeks: cases opened and cases activated each week; the numbers are in the table below.`,
    week: "Week",
    opened: "Opened",
    activated: "Activated",
    flags: "Open flags per cause",
    flagsDesc: "Bar chart of the cases with an open flag, by cause; the numbers are in the table below.",
    cause: "Cause",
    noFlags: "No open flags.",
    lag: "Reply lag",
    lagIntro: (days: number) => `From a participant's mail taken in to the bot's answer accepted by the mail relay, over the last ${days} days.`,
    lagMedian: "Median",
    lagP95: "95th percentile",
    lagReplies: "Replies",
    noReplies: "No replies sent in that time.",
    stageName: (s: StageId) => stageLabel(s),
    units: { s: "s", min: "min", h: "h", d: "d" },
    number: "en-GB",
  },
  sv: {
    title: "Översikt",
    asOf: "Siffror per",
    stages: "Ärenden per steg",
    stagesDesc: (n: number) => `Stapeldiagram över de ${n} ärendena per steg; siffrorna står i tabellen nedanför.`,
    stage: "Steg",
    cases: "Ärenden",
    median: "Median i steget",
    oldest: "Längst i steget",
    notTimed: "Stängda ärenden mäts inte: de väntar bara på arkivet.",
    weeks: "Öppnade och aktiverade ärenden per vecka",
    weeksDesc: (n: number) => `Stapeldiagram över de senaste ${n} ISO-veckorna: öppnade och aktiverade ärenden varje vecka; siffrorna står i tabellen nedanför.`,
    week: "Vecka",
    opened: "Öppnade",
    activated: "Aktiverade",
    flags: "Öppna flaggor per orsak",
    flagsDesc: "Stapeldiagram över ärenden med en öppen flagga, per orsak; siffrorna står i tabellen nedanför.",
    cause: "Orsak",
    noFlags: "Inga öppna flaggor.",
    lag: "Svarstid",
    lagIntro: (days: number) => `Från att en deltagares mejl togs emot till att botens svar godtogs av e-postservern, de senaste ${days} dagarna.`,
    lagMedian: "Median",
    lagP95: "95:e percentilen",
    lagReplies: "Svar",
    noReplies: "Inga svar skickade under den tiden.",
    stageName: (s: StageId) => SV_STAGES[s],
    units: { s: "s", min: "min", h: "tim", d: "d" },
    number: "sv-SE",
  },
} satisfies Record<UiLanguage, unknown>;

/** Page-own rules: two columns on a desk, one on a phone; tables scroll rather than overflow. */
const STYLE = raw(`<style>
.overview-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.overview-grid > section.card { margin: 0; min-width: 0; }
.overview-chart { width: 100%; height: auto; display: block; margin: 4px 0 10px; }
.overview-table { overflow-x: auto; }
.overview-table th.num { text-align: right; }
.overview-table td.num { text-align: right; white-space: nowrap; }
.overview-table tbody th { text-transform: none; letter-spacing: normal; font-size: inherit; font-weight: 500; color: var(--ink); }
@media (max-width: 520px) { .overview-grid > section.card { padding: 12px 10px; } .overview-table th, .overview-table td { padding: 6px 3px; font-size: 14px; } .overview-table thead th { font-size: 10px; letter-spacing: 0; } .overview-table tbody th { hyphens: auto; overflow-wrap: anywhere; } }
dl.lag { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 8px; margin: 8px 0; }
dl.lag dt { color: var(--muted); font-size: 13px; }
dl.lag dd { margin: 0; font-size: 22px; font-weight: 600; }
@media (max-width: 860px) { .overview-grid { grid-template-columns: 1fr; } }
</style>`);

export function overviewPage(f: OverviewFigures, timeZone: string, session: DeskSession): Html {
  const t = uiText(TEXT, session.lang);
  const flagWords = uiText(FLAG_WORDS, session.lang);
  const num = (n: number) => n.toLocaleString(t.number);
  const duration = (seconds: number | null) => {
    if (seconds === null) return "—";
    const d = durationParts(seconds);
    return `${d.value.toLocaleString(t.number)} ${t.units[d.unit]}`;
  };
  const total = f.stages.reduce((a, s) => a + s.cases, 0);
  const flags = [...f.flags.filter((x) => x.cases > 0).map((x) => ({ label: flagWords[x.code as FlagCode] ?? x.code, value: x.cases })), ...(f.looseFlags > 0 ? [{ label: flagWords.loose, value: f.looseFlags }] : [])];

  const body = html`${STYLE}<div class="overview" lang="${session.lang}"><h1>${t.title}</h1>
<p class="muted small">${t.asOf} ${when(f.at, timeZone)}</p>
<div class="overview-grid">
<section class="card" aria-labelledby="ov-stages-h"><h2 id="ov-stages-h">${t.stages}</h2>
${barChart({ id: "ov-stages", title: t.stages, desc: t.stagesDesc(total) }, f.stages.map((s) => ({ label: t.stageName(s.stage), value: s.cases })))}
<div class="overview-table"><table class="overview-stages"><thead><tr><th scope="col">${t.stage}</th><th scope="col" class="num">${t.cases}</th><th scope="col" class="num">${t.median}</th><th scope="col" class="num">${t.oldest}</th></tr></thead><tbody>${f.stages.map(
    (s) =>
      html`<tr data-stage="${s.stage}"><th scope="row">${t.stageName(s.stage)}</th><td class="num cases">${num(s.cases)}</td><td class="num median">${duration(s.medianSeconds)}</td><td class="num oldest">${duration(s.oldestSeconds)}</td></tr>`,
  )}</tbody></table></div>
<p class="muted small">${t.notTimed}</p>
</section>
<section class="card" aria-labelledby="ov-weeks-h"><h2 id="ov-weeks-h">${t.weeks}</h2>
${pairedColumns({ id: "ov-weeks", title: t.weeks, desc: t.weeksDesc(f.weeks.length) }, f.weeks.map((w) => ({ label: w.week.slice(5), first: w.opened, second: w.activated })), { first: t.opened, second: t.activated })}
<div class="overview-table"><table class="overview-weeks"><thead><tr><th scope="col">${t.week}</th><th scope="col" class="num">${t.opened}</th><th scope="col" class="num">${t.activated}</th></tr></thead><tbody>${[...f.weeks].reverse().map(
    (w) => html`<tr data-week="${w.week}"><th scope="row">${w.week}</th><td class="num opened">${num(w.opened)}</td><td class="num activated">${num(w.activated)}</td></tr>`,
  )}</tbody></table></div>
</section>
<section class="card" aria-labelledby="ov-flags-h"><h2 id="ov-flags-h">${t.flags}</h2>
${
  flags.length === 0
    ? html`<p class="empty">${t.noFlags}</p>`
    : html`${barChart({ id: "ov-flags", title: t.flags, desc: t.flagsDesc }, flags, CHART_COLOURS.flag)}
<div class="overview-table"><table class="overview-flags"><thead><tr><th scope="col">${t.cause}</th><th scope="col" class="num">${t.cases}</th></tr></thead><tbody>${flags.map((x) => html`<tr><th scope="row">${x.label}</th><td class="num">${num(x.value)}</td></tr>`)}</tbody></table></div>`
}
</section>
<section class="card overview-lag" aria-labelledby="ov-lag-h"><h2 id="ov-lag-h">${t.lag}</h2>
<p class="muted small">${t.lagIntro(f.replyLag.windowDays)}</p>
${
  f.replyLag.replies === 0
    ? html`<p class="empty">${t.noReplies}</p>`
    : html`<dl class="lag"><div><dt>${t.lagMedian}</dt><dd class="lag-median">${duration(f.replyLag.medianSeconds)}</dd></div><div><dt>${t.lagP95}</dt><dd class="lag-p95">${duration(f.replyLag.p95Seconds)}</dd></div><div><dt>${t.lagReplies}</dt><dd class="lag-replies">${num(f.replyLag.replies)}</dd></div></dl>`
}
</section>
</div></div>`;
  return deskLayout(t.title, body, session);
}
