/**
 * The review UI's whole stylesheet, served inline in one `<style>` block (the CSP allows inline styles,
 * no scripts). A constant from code: it never contains anything from mail or users.
 */
export const STYLES = `
:root {
  --bg: #f5f6f8; --card: #fff; --ink: #1d2330; --muted: #5d6678; --line: #dfe3ea; --accent: #1f5fbf;
  --ok: #17794a; --ok-bg: #e3f4ea; --missing: #5d6678; --missing-bg: #eceff3;
  --failed: #b3261e; --failed-bg: #fbe6e4; --over: #8a5a00; --over-bg: #fdf1d6;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header.top { background: #1d2330; color: #fff; padding: 10px 24px; display: flex; gap: 24px; align-items: baseline; }
header.top .brand { font-weight: 600; letter-spacing: .02em; }
header.top a { color: #cdd6e6; }
header.top .who { margin-left: auto; color: #cdd6e6; font-size: 13px; }
header.top form.signout { margin: 0; }
header.top form.search { margin: 0; flex: 1 1 200px; max-width: 340px; }
header.top { flex-wrap: wrap; }
input[type=search] { font: inherit; padding: 4px 8px; border: 1px solid #c4cad5; border-radius: 5px; width: 100%; }
.narrow-card { max-width: 420px; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 24px 48px; }
h1 { font-size: 22px; margin: 4px 0 12px; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 15px; margin: 14px 0 6px; }
section.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin: 0 0 16px; }
.muted { color: var(--muted); }
.small { font-size: 13px; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
/* Words quoted from outside (a remote server, a header, a participant): verbatim, the marks come from the sentence. */
q.quoted { quotes: none; font-style: italic; }
.empty { color: var(--muted); font-style: italic; margin: 4px 0; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); font-weight: 600; }
tr:last-child td { border-bottom: 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; white-space: nowrap; }
.badge.ok { color: var(--ok); background: var(--ok-bg); }
.badge.missing { color: var(--missing); background: var(--missing-bg); }
.badge.failed { color: var(--failed); background: var(--failed-bg); }
.badge.overridden { color: var(--over); background: var(--over-bg); }
.badge.stage { color: var(--accent); background: #e6eefb; }
.badge.flag { color: var(--failed); background: var(--failed-bg); }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
.facts dt { color: var(--muted); }
.facts dd { margin: 0; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 860px) { .grid2 { grid-template-columns: 1fr; } }
.notice { padding: 10px 14px; border-radius: 6px; margin: 0 0 16px; }
.notice.good { background: var(--ok-bg); color: var(--ok); }
.notice.bad { background: var(--failed-bg); color: var(--failed); }
.flag-row { padding: 8px 0; border-bottom: 1px solid var(--line); }
.flag-row:last-of-type { border-bottom: 0; }
.timeline { list-style: none; margin: 0; padding: 0; }
.timeline li { display: grid; grid-template-columns: 130px 120px 1fr; gap: 8px; padding: 5px 0; border-bottom: 1px solid var(--line); }
.timeline li:last-child { border-bottom: 0; }
.photos { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; }
.form-head { margin-top: 10px; }
figure.photo { margin: 0; }
.photo { border: 1px solid var(--line); border-radius: 6px; padding: 8px; background: #fafbfc; }
.photo img { display: block; width: 100%; height: 150px; object-fit: cover; border-radius: 4px; background: #e9ecf1; }
.photo .noimg { height: 150px; display: flex; align-items: center; justify-content: center; background: #e9ecf1; border-radius: 4px; color: var(--muted); }
.photo dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 8px; margin: 6px 0 0; font-size: 13px; }
.photo dd { margin: 0; overflow-wrap: anywhere; }
form.action { display: grid; gap: 8px; margin: 0; }
form.action label { font-size: 13px; color: var(--muted); display: grid; gap: 3px; }
form.inline { display: flex; gap: 6px; align-items: center; margin-top: 6px; }
input[type=text], select, textarea { font: inherit; padding: 5px 8px; border: 1px solid #c4cad5; border-radius: 5px; background: #fff; width: 100%; }
input.narrow { max-width: 140px; }
textarea { min-height: 54px; resize: vertical; }
label.check { display: flex !important; gap: 6px; align-items: center; }
fieldset.picks { min-width: 0; margin: 0; padding: 4px 8px 6px; border: 1px solid var(--line); border-radius: 5px; display: grid; gap: 4px; }
fieldset.picks label { display: block !important; color: var(--ink); overflow-wrap: anywhere; }
fieldset.picks input { margin: 0 6px 0 0; }
.mail-preview { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; margin: 0 0 12px; background: #f6f8fb; }
.mail-preview dd { overflow-wrap: anywhere; }
.mail-preview .preview-text { margin-top: 10px; border-top: 1px solid var(--line); padding-top: 10px; }
button { font: inherit; font-weight: 600; padding: 6px 14px; border-radius: 5px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; justify-self: start; }
button.secondary { background: #fff; color: var(--accent); }
.actions { display: grid; grid-template-columns: repeat(auto-fit, minmax(250px, 1fr)); gap: 16px; }
.actions > div { border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.stage-group td:first-child { width: 110px; }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; margin-bottom: 8px; }
form.filters label { font-size: 13px; display: grid; gap: 3px; }
input[type=number] { font: inherit; padding: 5px 8px; border: 1px solid #c4cad5; border-radius: 5px; }
.scroll { overflow-x: auto; }
ol.thread { list-style: none; padding: 0; margin: 0; display: grid; gap: 10px; }
li.mail { border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
li.mail.out { background: #f6f8fb; }
.mail-head { display: flex; flex-wrap: wrap; gap: 6px; align-items: baseline; }
.mail-subject { font-weight: 600; margin: 4px 0; overflow-wrap: anywhere; }
.mail-text { white-space: pre-wrap; overflow-wrap: anywhere; }
input[type=password] { font: inherit; padding: 5px 8px; border: 1px solid #c4cad5; border-radius: 5px; width: 100%; }
.operator-alert { padding: 10px 14px; border-radius: 6px; margin: 0 0 12px; border-left: 5px solid; }
.operator-alert.critical { background: var(--failed-bg); color: var(--failed); border-color: var(--failed); }
.operator-alert.warning { background: var(--over-bg); color: var(--over); border-color: var(--over); }
.operator-alert p { margin: 2px 0; }
header.top nav.top-nav { display: flex; gap: 16px; flex-wrap: wrap; }
header.top form.lang-switch { margin: 0; }
header.top button { padding: 3px 10px; }
header.top .who + form.lang-switch, header.top form.lang-switch:first-of-type { margin-left: 0; }
.keys-help { position: fixed; right: 16px; bottom: 16px; max-width: min(420px, calc(100vw - 32px)); box-shadow: 0 4px 18px rgba(0,0,0,.18); z-index: 10; }
kbd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; border: 1px solid var(--line); border-bottom-width: 2px; border-radius: 4px; padding: 0 5px; background: #fff; }
table.work tr.current { outline: 2px solid var(--accent); outline-offset: -2px; background: #eef4fd; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
/* A phone on site: the top bar wraps, tables become stacked rows, nothing is wider than the screen. */
@media (max-width: 640px) {
  header.top { padding: 8px 12px; gap: 8px 12px; }
  header.top .who { margin-left: 0; }
  header.top form.search { max-width: none; flex-basis: 100%; }
  main { padding: 12px 8px 32px; }
  section.card { padding: 12px 10px; }
  table, thead, tbody, tr, th, td { display: block; width: 100%; }
  thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  tr { border-bottom: 1px solid var(--line); padding: 4px 0; }
  td, th { border-bottom: 0; padding: 2px 4px; overflow-wrap: anywhere; }
  .stage-group td:first-child { width: 100%; }
  .timeline li { grid-template-columns: 1fr; gap: 2px; }
  .facts { grid-template-columns: 1fr; }
  .facts dd { margin-bottom: 6px; overflow-wrap: anywhere; }
  form.inline { flex-wrap: wrap; }
  .actions { grid-template-columns: 1fr; }
  .photos { grid-template-columns: 1fr; }
  h1 { font-size: 19px; overflow-wrap: anywhere; }
  .mono { overflow-wrap: anywhere; }
  .badge { white-space: normal; }
}
.field-error { color: var(--failed); font-size: 13px; margin: 0; }
[aria-invalid=true] { border-color: var(--failed); }
fieldset.person { border: 1px solid var(--line); border-radius: 6px; display: grid; gap: 8px; padding: 8px 12px 12px; margin: 0; min-width: 0; }
`;
