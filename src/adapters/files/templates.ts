/**
 * Mail texts from `templates/<locale>/` (SPEC §4): one Handlebars-over-Markdown template per mail kind
 * and locale gives both parts — the Markdown is the text part, and its rendering the HTML part.
 * Values are HTML-escaped in the HTML rendering, so text from mails never reaches HTML raw.
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import Handlebars from "handlebars";
import { marked } from "marked";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import type { Renderer } from "../../app/ports.js";
import type { MailKind } from "../../core/case/outbox-intent.js";
import { MAIL_KINDS } from "../../core/case/outbox-intent.js";
import { formatValue } from "../../core/reply/format-value.js";
import type { ItemState, Locale } from "../../core/types.js";
import { LOCALES, STAGES } from "../../core/types.js";

const Strings = z.object({
  subject: z.string(),
  greeting: z.string(),
  greeting_named: z.string(),
  signoff: z.string(),
  status: z.object({ missing: z.string(), ok: z.string(), failed: z.string(), overridden: z.string() }),
  checklist_heading: z.string(),
  footer: z.string(),
  /** Names of the products delivered digitally (rules/answers.yaml digital_delivery.products). */
  products: z.record(z.string(), z.string()).default({}),
});
/** `confirmed`: what a team step's confirmation means to the one it is told to (step_confirmed mails). */
const Items = z.record(z.string(), z.object({ title: z.string(), why: z.string(), confirmed: z.string().optional() }));
const Stages = z.record(z.enum(STAGES), z.object({ name: z.string(), intro: z.string() }));

type Compiled = (ctx: object) => string;

interface LocaleTemplates {
  strings: z.infer<typeof Strings>;
  items: z.infer<typeof Items>;
  stages: z.infer<typeof Stages>;
  text: Record<MailKind, Compiled>;
  html: Record<MailKind, Compiled>;
  subject: Compiled;
}


export async function loadTemplates(dir: string): Promise<Renderer> {
  const byLocale = {} as Record<Locale, LocaleTemplates>;
  for (const locale of LOCALES) byLocale[locale] = await loadLocale(join(dir, locale));

  function itemTitle(locale: Locale, id: string): string {
    return byLocale[locale].items[id]?.title ?? id;
  }

  return {
    itemTitle,
    subject: (c) => byLocale[c.locale].subject({ site: c.site }).trim(),
    render(intent, c, checklist) {
      const t = byLocale[c.locale];
      const nm = c.participants.find((p) => intent.to.includes(p.email) && p.name);
      const item = (id: string) => ({ title: itemTitle(c.locale, id), why: t.items[id]?.why ?? "" });
      const ctx = {
        strings: t.strings,
        greeting: nm?.name ? t.strings.greeting_named.replace("{{name}}", nm.name) : t.strings.greeting,
        caseId: c.id,
        site: c.site,
        stageName: t.stages[intent.content.stage].name,
        stageIntro: t.stages[intent.content.stage].intro,
        advancedFromName: intent.content.advancedFrom ? t.stages[intent.content.advancedFrom].name : undefined,
        reminder: intent.content.reminder,
        notAudience: intent.content.notAudience === true,
        forwarded: intent.attachEvidence?.length ?? 0,
        received: intent.content.received.map((r) => ({
          ...item(r.id),
          value: r.value === undefined || r.value === true ? undefined : formatValue(r.value, c.locale),
        })),
        open: intent.content.open.map((o) => ({ ...item(o.id), failed: o.failed })),
        unclear: intent.content.unclear.map((u) => ({ ...item(u.id), text: u.text })),
        teamPending: (intent.content.teamPending ?? []).map((p) => item(p.id)),
        // `{{#if mac_station}}` in the template picks the fact's sentence.
        contradictions: (intent.content.contradictions ?? []).map((k) => ({ ...k, [k.fact]: true })),
        conflicts: (intent.content.conflicts ?? []).map((k) => ({ ...item(k.id), requires: item(k.requires) })),
        sentBack: intent.content.sentBack ? { ...item(intent.content.sentBack.id), reason: intent.content.sentBack.reason } : undefined,
        confirmed: intent.content.confirmed ? { ...item(intent.content.confirmed.id), told: t.items[intent.content.confirmed.id]?.confirmed ?? "" } : undefined,
        digitalDelivery: intent.content.digitalDelivery
          ? { products: intent.content.digitalDelivery.products.map((p) => t.strings.products[p] ?? p).join(", "), text: intent.content.digitalDelivery.text }
          : undefined,
        problems: intent.content.problems,
        teamNote: intent.content.teamNote,
        checklist: checklist.items.map((i) => ({
          title: itemTitle(c.locale, i.id),
          mark: mark(i.state),
          status: statusText(i.state, t.strings.status),
        })),
      };
      const text = tidy(t.text[intent.kind](ctx)).replace(/\*\*/g, "");
      return { text, html: mailHtml(tidy(t.html[intent.kind](ctx))) };
    },
    renderEdited(text) {
      // As a template's values are: HTML-escaped, then the Markdown rendered, in the same frame.
      const edited = tidy(text.replace(/\r\n?/g, "\n"));
      return { text: edited, html: mailHtml(Handlebars.escapeExpression(edited)) };
    },
  };
}

/** The HTML part of a mail from its Markdown (values in it already escaped). */
function mailHtml(markdown: string): string {
  const body = marked.parse(markdown, { async: false });
  return `<!doctype html><html><head><meta charset="utf-8"></head><body style="font-family:sans-serif;line-height:1.4">${body}</body></html>`;
}

async function loadLocale(dir: string): Promise<LocaleTemplates> {
  const yaml = async <T>(file: string, schema: z.ZodType<T>): Promise<T> => {
    const parsed = schema.safeParse(parseYaml(await readFile(join(dir, file), "utf8")));
    if (!parsed.success) throw new Error(`${join(dir, file)}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  };
  const textEnv = Handlebars.create();
  const htmlEnv = Handlebars.create();
  for (const file of await readdir(join(dir, "partials"))) {
    const source = await readFile(join(dir, "partials", file), "utf8");
    const name = file.replace(/\.md$/, "");
    textEnv.registerPartial(name, source);
    htmlEnv.registerPartial(name, source);
  }
  const text = {} as Record<MailKind, Compiled>;
  const html = {} as Record<MailKind, Compiled>;
  for (const kind of MAIL_KINDS) {
    const file = join(dir, `${kind}.md`);
    const source = await readFile(file, "utf8");
    text[kind] = compileNow(file, () => textEnv.compile(source, { noEscape: true, strict: false }));
    html[kind] = compileNow(file, () => htmlEnv.compile(source, { strict: false }));
  }
  const strings = await yaml("strings.yaml", Strings);
  return {
    strings,
    items: await yaml("items.yaml", Items),
    stages: await yaml("stages.yaml", Stages),
    text,
    html,
    subject: compileNow(`${join(dir, "strings.yaml")} (subject)`, () => textEnv.compile(strings.subject, { noEscape: true })),
  };
}

/**
 * Handlebars compiles a template on its first use: this uses it once, with no values, so that a
 * template that does not parse or names a missing partial stops the start-up with its file's name
 * instead of failing the first mail that needs it.
 */
function compileNow(file: string, compile: () => Compiled): Compiled {
  const template = compile();
  try {
    template({});
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return template;
}

function mark(state: ItemState): string {
  return { missing: "☐", ok: "✓", failed: "✗", overridden: "✓" }[state.status];
}

function statusText(state: ItemState, labels: z.infer<typeof Strings>["status"]): string {
  if (state.status === "failed") return `${labels.failed}: ${state.reason}`;
  if (state.status === "overridden") return `${labels.overridden} (${state.by})`;
  return labels[state.status];
}

/** Collapses the blank lines that template conditionals leave behind. */
function tidy(markdown: string): string {
  return markdown.replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim() + "\n";
}
