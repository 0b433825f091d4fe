/** A plain error page (unknown case, unknown page, internal error) in the review UI's frame. */
import type { Html } from "../html.js";
import { html } from "../html.js";
import { layout } from "./layout.js";

export function errorPage(title: string, message: string): Html {
  return layout(title, html`<h1>${title}</h1><section class="card"><p>${message}</p><p><a href="/">Back to the flagged queue</a></p></section>`);
}
