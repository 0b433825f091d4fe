/**
 * The desk's views with each checklist item named by its title in the member's language, not its id
 * (core/words/item-titles.ts): the flags' reasons and their resolutions, the work queue's causes, the
 * checklist's reasons and the timeline, as the use cases in src/app and case-views.ts read them. The
 * pages render what they are given; the JSON API and the CLI keep the ids (machine output). Pure.
 */
import type { WorkPage } from "../app/work-queue.js";
import type { Renderer } from "../app/ports.js";
import type { ItemTitle } from "../core/words/item-titles.js";
import { withItemTitles } from "../core/words/item-titles.js";
import type { Words } from "../core/words/words.js";
import type { CaseDetail } from "./case-views.js";
import type { UiLanguage } from "./pages/ui-language.js";
import type { FlaggedView } from "./queue-view.js";

/** The rules' title of an item in the member's language (an id of older rules as it is). */
export function itemTitles(renderer: Pick<Renderer, "itemTitle">, lang: UiLanguage): ItemTitle {
  return (id) => renderer.itemTitle(lang, id);
}

export function titledWords<W extends Words | undefined>(w: W, title: ItemTitle): W {
  return (w === undefined ? w : withItemTitles(w, title)) as W;
}

/** Anything that carries words: a flag, a summary's flag, a work row, an event, a failed item's state, a refusal. */
function titled<T extends { words?: Words | undefined }>(x: T, title: ItemTitle): T {
  return x.words === undefined ? x : { ...x, words: withItemTitles(x.words, title) };
}

type WithResolution = { words?: Words | undefined; resolved?: { words?: Words | undefined } | undefined };

function titledFlag<F extends WithResolution>(f: F, title: ItemTitle): F {
  const out = titled(f, title);
  return f.resolved ? { ...out, resolved: titled(f.resolved, title) } : out;
}

export function titledDetail(d: CaseDetail, title: ItemTitle): CaseDetail {
  return {
    ...d,
    checklist: { ...d.checklist, items: d.checklist.items.map((i) => (i.state.status === "failed" ? { ...i, state: titled(i.state, title) } : i)) },
    events: d.events.map((e) => titled(e, title)),
    flags: d.flags.map((f) => titledFlag(f, title)),
  };
}

export function titledFlaggedView(v: FlaggedView, title: ItemTitle): FlaggedView {
  return {
    ...v,
    flagged: v.flagged.map((c) => ({ ...c, flags: c.flags.map((f) => titled(f, title)) })),
    loose: v.loose.map((f) => titledFlag(f, title)),
  };
}

export function titledWorkPage(p: WorkPage, title: ItemTitle): WorkPage {
  return { ...p, rows: p.rows.map((r) => titled(r, title)) };
}
