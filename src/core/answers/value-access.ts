/**
 * Grammar of "who may see and use the stations": public, private, or a named group ("endast
 * anställda", "only residents of BRF Solen"). A group is the more specific answer and wins; a
 * negation right before public/private turns it over ("inte publik" is private).
 */
import type { JsonValue } from "../types.js";
import type { CompiledItem } from "./compiled-vocabulary.js";
import type { Token } from "./tokens.js";

/** A group name is a short noun phrase; longer runs are the rest of a sentence. */
const MAX_GROUP_TOKENS = 8;
/** Punctuation that ends a group name. */
const GROUP_END = /[.,;:!?()\n]/;

function groupFrom(
  text: string,
  tokens: readonly Token[],
  from: number,
  item: CompiledItem,
  stop: ReadonlySet<number>,
): string | undefined {
  let i = from;
  while (i < tokens.length && item.groupSkip.has(tokens[i]?.norm ?? "")) i++;
  const first = tokens[i];
  if (first === undefined || item.groupEnd.has(first.norm)) return undefined;
  let last = first;
  for (let k = i + 1; k < tokens.length && k < i + MAX_GROUP_TOKENS; k++) {
    const t = tokens[k];
    if (t === undefined || stop.has(k) || item.groupEnd.has(t.norm)) break;
    if (GROUP_END.test(text.slice(last.end, t.start))) break;
    last = t;
  }
  return text.slice(first.start, last.end);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

export function readAccess(text: string, tokens: readonly Token[], item: CompiledItem): JsonValue | undefined {
  const matches = item.values?.findLongest(tokens) ?? [];
  const marker = matches.find((m) => m.cls === "marker");
  const noun = matches.find((m) => m.cls === "noun");
  const markers = new Set(matches.filter((m) => m.cls === "marker").flatMap((m) => range(m.from, m.to)));
  // "Endast boende i BRF Solen" names the group after the marker; "Residents only" before it.
  const group =
    (marker ? groupFrom(text, tokens, marker.to, item, markers) : undefined) ??
    (noun ? groupFrom(text, tokens, noun.from, item, markers) : undefined);
  if (group !== undefined) return { group };

  for (let i = 0; i < matches.length; i++) {
    const m = matches[i];
    if (m === undefined || (m.cls !== "public" && m.cls !== "private")) continue;
    const prev = matches[i - 1];
    const negated = prev?.cls === "negation" && m.from - prev.to <= 1;
    if (m.cls === "public") return negated ? "private" : "public";
    return negated ? "public" : "private";
  }
  return undefined;
}
