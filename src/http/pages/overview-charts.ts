/**
 * The overview's charts as inline SVG, drawn on the server: no script (the desk's CSP allows none), a
 * `<title>` and `<desc>` named by `aria-labelledby` for screen readers, and a viewBox that scales down
 * to a phone's width. Each chart's numbers are also in a table beneath it (overview-page.ts).
 */
import type { Html } from "../html.js";
import { html } from "../html.js";

/** The drawing's own width; the page scales it to the column (CSS width: 100%). */
const WIDTH = 600;
const ROW = 26;
const LABEL_END = 190;
const BAR_START = 198;
const BAR_END = 540;
export const CHART_COLOURS = { first: "#1f5fbf", second: "#17794a", flag: "#b3261e" } as const;

export interface ChartText {
  /** The chart's id on the page (unique), for its title and description. */
  id: string;
  title: string;
  desc: string;
}

function frame(t: ChartText, height: number, body: Html): Html {
  return html`<svg class="overview-chart" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="${t.id}-title ${t.id}-desc" xmlns="http://www.w3.org/2000/svg"><title id="${t.id}-title">${t.title}</title><desc id="${t.id}-desc">${t.desc}</desc>${body}</svg>`;
}

/** Horizontal bars, one per row, the value written beside each bar. */
export function barChart(t: ChartText, rows: { label: string; value: number }[], colour: string = CHART_COLOURS.first): Html {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const height = rows.length * ROW + 8;
  const bars = rows.map((r, i) => {
    const y = 4 + i * ROW;
    const w = r.value > 0 ? Math.max(2, ((BAR_END - BAR_START) * r.value) / max) : 0;
    return html`<g><text x="${LABEL_END}" y="${y + 17}" text-anchor="end" font-size="13" fill="#1d2330">${r.label}</text><rect x="${BAR_START}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW - 8}" rx="3" fill="${colour}"></rect><text x="${(BAR_START + w + 6).toFixed(1)}" y="${y + 17}" font-size="13" fill="#1d2330">${r.value}</text></g>`;
  });
  return frame(t, height, html`${bars}`);
}

/** Two bars per column (e.g. per week), a legend above and the column labels below. */
export function pairedColumns(t: ChartText, columns: { label: string; first: number; second: number }[], legend: { first: string; second: string }): Html {
  const height = 230;
  const top = 34;
  const bottom = 196;
  const left = 36;
  const right = WIDTH - 8;
  const max = niceCeiling(Math.max(1, ...columns.flatMap((c) => [c.first, c.second])));
  const slot = (right - left) / Math.max(1, columns.length);
  const barW = Math.max(2, slot * 0.34);
  const y = (v: number) => bottom - ((bottom - top) * v) / max;
  const grid = [0, max / 2, max].map(
    (v) => html`<line x1="${left}" x2="${right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#dfe3ea"></line><text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#5d6678">${Number.isInteger(v) ? v : v.toFixed(1)}</text>`,
  );
  const bars = columns.map((c, i) => {
    const x = left + i * slot + slot * 0.12;
    return html`<g><rect x="${x.toFixed(1)}" y="${y(c.first).toFixed(1)}" width="${barW.toFixed(1)}" height="${(bottom - y(c.first)).toFixed(1)}" fill="${CHART_COLOURS.first}"></rect><rect x="${(x + barW + 2).toFixed(1)}" y="${y(c.second).toFixed(1)}" width="${barW.toFixed(1)}" height="${(bottom - y(c.second)).toFixed(1)}" fill="${CHART_COLOURS.second}"></rect><text x="${(left + i * slot + slot / 2).toFixed(1)}" y="${bottom + 16}" text-anchor="middle" font-size="11" fill="#5d6678">${c.label}</text></g>`;
  });
  const key = html`<g font-size="12" fill="#1d2330"><rect x="${left}" y="6" width="12" height="12" fill="${CHART_COLOURS.first}"></rect><text x="${left + 18}" y="16">${legend.first}</text><rect x="${left + 190}" y="6" width="12" height="12" fill="${CHART_COLOURS.second}"></rect><text x="${left + 208}" y="16">${legend.second}</text></g>`;
  return frame(t, height, html`${key}${grid}${bars}`);
}

/** The smallest 1, 2 or 5 × 10^n at or above `v`, so the axis reads in round numbers. */
export function niceCeiling(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
