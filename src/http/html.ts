/**
 * The one HTML escape of the review UI (SPEC §7: nothing untrusted is rendered raw). Pages are built
 * with the `html` tagged template: every interpolated value is escaped unless it is already `Html`
 * (the result of another `html` template, or of `raw()` for markup that comes from code, never from
 * mail or users). Arrays are joined; `false`, `null` and `undefined` render as nothing, so
 * `${cond && html`…`}` works.
 */

/** Markup that is safe to emit as is. Only `html` and `raw` make one. */
export class Html {
  readonly #markup: string;
  constructor(markup: string) {
    this.#markup = markup;
  }
  toString(): string {
    return this.#markup;
  }
}

export type Interpolation = Html | string | number | false | null | undefined | readonly Interpolation[];

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Escapes text for element content and for quoted attribute values alike. */
export function escapeHtml(text: string): string {
  // Most values (ids, dates, words of the desk) have nothing to escape: a test is cheaper than a replace.
  return SPECIAL.test(text) ? text.replace(SPECIALS, (ch) => ENTITIES[ch] ?? ch) : text;
}
const SPECIAL = /[&<>"']/;
const SPECIALS = /[&<>"']/g;

function render(value: Interpolation): string {
  if (value instanceof Html) return value.toString();
  if (value === false || value === null || value === undefined) return "";
  if (Array.isArray(value)) {
    let out = "";
    for (const v of value as readonly Interpolation[]) out += render(v);
    return out;
  }
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolation[]): Html {
  let out = strings[0] ?? "";
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] ?? "");
  return new Html(out);
}

/** Trusts `markup` as is: only for constants written in code. */
export function raw(markup: string): Html {
  return new Html(markup);
}
