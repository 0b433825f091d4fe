// The mail HTML sanitiser (sanitize-html with the desk's allow-list): what a hostile or tracking mail
// tries is gone, what formats a mail stays.
import { describe, expect, it } from "vitest";
import { sanitiseMailHtml } from "../../src/adapters/mime/sanitise-mail-html.js";

const opts = { partUrl: (cid: string) => (cid === "logo@x" ? "data:image/png;base64,iVBORw0KGgo=" : null), placeholder: "image not loaded" };

describe("sanitising a mail's HTML", () => {
  it("strips scripts, event handlers, forms, frames, styles blocks and script links", () => {
    const out = sanitiseMailHtml(
      `<p onclick="x()" onmouseover="y()">Hej</p><script>document.title='pwned'</script><svg onload="z()"></svg><iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name="pw"><button onclick="go()">Skicka</button></form><style>p{background:url(https://t.example/p)}</style>
<a href="javascript:alert(1)">a</a><a href="vbscript:x">b</a><object data="x.swf"></object><base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example">`,
      opts,
    );
    expect(out).not.toMatch(/script|onclick|onmouseover|onload|<svg|<iframe|<form|<input|<style|url\(|<object|<base|<meta|pwned/i);
    expect(out).toContain("<p>Hej</p>");
    expect(out).toContain("<a>a</a>");
  });

  it("replaces every remote image by a placeholder, keeps cid: parts it knows and small data: images", () => {
    const out = sanitiseMailHtml(
      `<img src="http://127.0.0.1:8/pixel.gif" onerror="x()"><img src="https://cdn.example/logo.png" alt="Logo"><img src="//cdn.example/p.gif"><img src="cid:logo@x" alt="logo"><img src="cid:unknown@x"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">`,
      opts,
    );
    expect(out).not.toMatch(/127\.0\.0\.1|cdn\.example|onerror/);
    expect(out.match(/class="image-placeholder"/g)).toHaveLength(4);
    expect(out).toContain("[image not loaded: Logo]");
    expect(out).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" alt="logo" />');
    expect(out).toContain('<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="" />');
  });

  it("keeps formatting: tables, links to the web and mail, colours, but no url() in a style", () => {
    const out = sanitiseMailHtml(
      `<table width="100%"><tr><td style="color:#c00;background-image:url(https://t.example/x)" colspan="2"><b>Fet</b> <a href="https://ok.example/">webb</a> <a href="mailto:a@b.se">mejl</a></td></tr></table>`,
      opts,
    );
    expect(out).toBe(`<table width="100%"><tr><td style="color:#c00" colspan="2"><b>Fet</b> <a href="https://ok.example/">webb</a> <a href="mailto:a@b.se">mejl</a></td></tr></table>`);
  });
});
