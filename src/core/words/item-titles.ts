/**
 * Checklist items named by their titles in a set of words: the core's words name an item by its id
 * (`account.contacts`), as the CLI, the JSON API and the logs keep it; a person reads the item's title
 * in her language ("Kontaktpersoner"). `withItemTitles` swaps every item id in the parameters — an
 * `item`, a `requires`, a list of `items`, the items of `steps` and `fixes`, and the words inside words —
 * for what `title` gives it (the desk passes the rules' titles; an id of older rules comes back as it is).
 *
 * Which codes name items is read from the parameters' types (`ItemCode`): a code added with an item in
 * its parameters does not compile until it has its swap here. Pure.
 */
import type { FixWords, WordCode, WordParams, Words } from "./params.js";

/** A checklist item's title from its id; an unknown id as it is. */
export type ItemTitle = (id: string) => string;

/** Parameter keys that hold item ids, or words or fixes that may. */
type ItemKey = "item" | "requires" | "steps" | "fixes" | "words" | "howWords" | "stillWords";
type ListedItems<P> = P extends { items: readonly (infer E)[] } ? ([E] extends [string] ? true : "item" extends keyof E ? true : false) : false;
type NamesItems<P> = string extends keyof P ? false : [Extract<keyof P, ItemKey>] extends [never] ? ListedItems<P> : true;

/** The codes whose parameters name checklist items. */
export type ItemCode = { [K in WordCode]: NamesItems<WordParams[K]> extends true ? K : never }[WordCode];

type Swap<K extends WordCode> = (p: WordParams[K], title: ItemTitle) => WordParams[K];

const fix = (f: FixWords, title: ItemTitle): FixWords => (f.kind === "answer" || f.kind === "stage_photos_in" ? { ...f, item: title(f.item) } : f);
const item = <P extends { item: string }>(p: P, title: ItemTitle): P => ({ ...p, item: title(p.item) });

const SWAPS: { [K in ItemCode]: Swap<K> } = {
  unclear_answer: (p, t) => ({ ...p, items: p.items.map((i) => item(i, t)) }),
  item_conflict: (p, t) => ({ ...p, item: t(p.item), requires: t(p.requires) }),
  team_step_overdue: (p, t) => ({ ...p, items: p.items.map(t) }),
  team_step_waiting: item,
  not_a_checklist_item: (p, t) => ({ ...p, item: t(p.item), items: p.items.map(t) }),
  not_a_team_step: (p, t) => ({ ...p, item: t(p.item), steps: p.steps.map((s) => item(s, t)) }),
  no_override_to_undo: item,
  not_an_item_of: item,
  team_own_step: item,
  stage_advanced: (p, t) => (p.item === undefined ? p : { ...p, item: t(p.item) }),
  flagged: (p, t) => (p.words ? { ...p, words: withItemTitles(p.words, t) } : p),
  flag_resolved: (p, t) => (p.howWords ? { ...p, howWords: withItemTitles(p.howWords, t) } : p),
  flag_narrowed: (p, t) => ({ ...p, fixes: p.fixes.map((f) => fix(f, t)), ...(p.stillWords ? { stillWords: withItemTitles(p.stillWords, t) } : {}) }),
  resolved_fixed: (p, t) => ({ ...p, fixes: p.fixes.map((f) => fix(f, t)) }),
  item_failed: (p, t) => ({ ...p, item: t(p.item), ...(p.words ? { words: withItemTitles(p.words, t) } : {}) }),
  item_state: item,
  item_confirmed: item,
  item_sent_back: item,
  another_receipt: item,
  answer_unclear: item,
  item_overridden: item,
  override_undone: item,
  asked_again: (p, t) => ({ ...p, items: p.items.map(t) }),
};

/** The words with each checklist item's id swapped for its title; words without items come back as they are. */
export function withItemTitles(w: Words, title: ItemTitle): Words {
  if (!Object.hasOwn(SWAPS, w.code)) return w;
  const swap = SWAPS[w.code as ItemCode] as (p: Words["params"], title: ItemTitle) => Words["params"];
  try {
    return { code: w.code, params: swap(w.params, title) } as Words;
  } catch {
    // Parameters of another shape than this version's (stored by another version): shown as they are.
    return w;
  }
}
