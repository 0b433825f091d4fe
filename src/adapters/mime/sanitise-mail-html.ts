/**
 * A mail's HTML made safe to show on the desk (sanitize-html): an allow-list of formatting tags and
 * attributes, so scripts, event handlers, forms, frames, objects, `<style>` blocks and `<base>` go; links
 * keep http(s) and mailto only. Images: `cid:` references become the URL of that part on the desk
 * (`partUrl`, or a placeholder when the part is unknown), small `data:` images stay, and every remote
 * image becomes a placeholder, so opening a mail never fetches a sender's tracking pixel.
 *
 * This is one of two walls: the route serves the result in a sandboxed iframe under its own CSP
 * (`default-src 'none'; img-src 'self' data:`), so a bypass here still runs nothing and loads nothing.
 */
import sanitizeHtml from "sanitize-html";

/** A `data:` image longer than this is dropped (inline images of a real mail come as cid: parts). */
const MAX_DATA_IMAGE_CHARS = 512 * 1024;
const DATA_IMAGE = /^data:image\/(png|jpeg|gif|webp);base64,[a-z0-9+/=\s]+$/i;

/** Styles kept in `style` attributes: colours and text layout; no url(), no positioning. */
const COLOUR = [/^#[0-9a-f]{3,8}$/i, /^rgba?\([\d\s.,%]+\)$/i, /^[a-z]{3,20}$/i];
const LENGTH = [/^[\d.]+(px|em|rem|%|pt)?$/i];
const ALLOWED_STYLES: Record<string, RegExp[]> = {
  color: COLOUR,
  "background-color": COLOUR,
  "text-align": [/^(left|right|center|justify)$/],
  "font-weight": [/^(normal|bold|[1-9]00)$/],
  "font-style": [/^(normal|italic)$/],
  "text-decoration": [/^(none|underline|line-through)$/],
  "font-size": LENGTH,
  width: LENGTH,
  padding: [/^[\d.\spx%em]+$/i],
  margin: [/^[\d.\spx%em]+$/i],
  border: [/^[\d.]+px (solid|dashed|dotted) (#[0-9a-f]{3,8}|[a-z]{3,20})$/i],
};

export interface SanitiseOptions {
  /** The desk's URL of the inline part a `cid:` names, or null when the mail has no such part. */
  partUrl(contentId: string): string | null;
  /** The words shown where an image was not loaded ("remote image not loaded"). */
  placeholder: string;
}

export function sanitiseMailHtml(html: string, opts: SanitiseOptions): string {
  const placeholder = (): sanitizeHtml.Attributes => ({ class: "image-placeholder", title: opts.placeholder });
  return sanitizeHtml(html, {
    allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "font", "center", "span"],
    allowedAttributes: {
      a: ["href", "title"],
      img: ["src", "alt", "width", "height", "title", "class"],
      span: ["class", "title"],
      font: ["color", "size"],
      td: ["colspan", "rowspan", "align", "valign", "width"],
      th: ["colspan", "rowspan", "align", "valign", "width"],
      table: ["width", "cellpadding", "cellspacing", "border"],
      "*": ["style", "dir", "lang"],
    },
    allowedStyles: { "*": ALLOWED_STYLES },
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["data"] },
    allowProtocolRelative: false,
    transformTags: {
      img: (_tagName, attribs) => {
        const src = (attribs.src ?? "").trim();
        const alt = attribs.alt ?? "";
        if (/^cid:/i.test(src)) {
          const url = opts.partUrl(decodeURIComponent(src.slice(4)).replace(/^<|>$/g, ""));
          if (url) return { tagName: "img", attribs: { src: url, alt } };
        } else if (src.length <= MAX_DATA_IMAGE_CHARS && DATA_IMAGE.test(src)) {
          return { tagName: "img", attribs: { src, alt } };
        }
        return { tagName: "span", attribs: placeholder(), text: `[${opts.placeholder}${alt ? `: ${alt}` : ""}]` };
      },
    },
  });
}
