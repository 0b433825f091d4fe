/**
 * The desk's one script: keyboard use, served as a file (`GET /assets/desk-keys.js`) so that the CSP
 * keeps `script-src 'self'` and no page carries inline script. It only moves focus and follows links
 * and forms the page already has; every page works without it.
 *
 *   /        focus the search box
 *   j / k    next / previous row of the work queue (its case link takes the focus)
 *   Enter    on a focused row: open its case (the link's own behaviour)
 *   r        on a flagged row: open its case at the flag's resolve form; on a case page: the first
 *            open flag's resolve form. Typing how and Enter submits that form as a click would.
 *   ?        show or hide the key help (rendered in the member's language by layout.ts)
 */
export const KEYS_SCRIPT_URL = "/assets/desk-keys.js";

export const KEYS_SCRIPT = `"use strict";
(function () {
  function typing(el) {
    if (!el || !el.tagName) return false;
    var tag = el.tagName.toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || el.isContentEditable;
  }
  function rows() { return Array.prototype.slice.call(document.querySelectorAll("table.work tbody tr[data-row]")); }
  function current() {
    var all = rows();
    for (var i = 0; i < all.length; i++) if (all[i].classList.contains("current")) return i;
    return -1;
  }
  function select(i) {
    var all = rows();
    if (all.length === 0) return;
    i = Math.max(0, Math.min(all.length - 1, i));
    all.forEach(function (r) { r.classList.remove("current"); r.removeAttribute("aria-current"); });
    var row = all[i];
    row.classList.add("current");
    row.setAttribute("aria-current", "true");
    var link = row.querySelector("a[data-open]");
    if (link) link.focus(); else row.scrollIntoView({ block: "nearest" });
  }
  function focusResolve(code) {
    var forms = document.querySelectorAll(".flag-row form[data-resolve]");
    for (var i = 0; i < forms.length; i++) {
      if (!code || forms[i].getAttribute("data-resolve") === code) {
        var how = forms[i].querySelector("input[name=how]");
        if (how) { how.focus(); how.scrollIntoView({ block: "center" }); return true; }
      }
    }
    return false;
  }
  function toggleHelp(show) {
    var help = document.getElementById("keys-help");
    if (!help) return;
    help.hidden = show === undefined ? !help.hidden : !show;
    if (!help.hidden) { var b = help.querySelector("button"); if (b) b.focus(); }
  }
  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") { toggleHelp(false); return; }
    if (typing(e.target)) return;
    if (e.key === "/") {
      var q = document.querySelector("header input[name=q]");
      if (q) { e.preventDefault(); q.focus(); }
    } else if (e.key === "?") {
      e.preventDefault(); toggleHelp();
    } else if (e.key === "j" || e.key === "k") {
      var i = current();
      e.preventDefault();
      select(i < 0 ? 0 : i + (e.key === "j" ? 1 : -1));
    } else if (e.key === "r") {
      var at = current();
      var row = at >= 0 ? rows()[at] : null;
      var resolve = row ? row.querySelector("a[data-resolve]") : null;
      if (resolve) { e.preventDefault(); window.location.href = resolve.getAttribute("href"); }
      else if (!row && focusResolve(null)) e.preventDefault();
    }
  });
  document.addEventListener("click", function (e) {
    if (e.target && e.target.closest && e.target.closest("[data-close-help]")) toggleHelp(false);
  });
  document.addEventListener("DOMContentLoaded", function () {
    var m = /^#resolve-([a-z_]+)$/.exec(window.location.hash);
    if (m) focusResolve(m[1]);
  });
})();
`;
