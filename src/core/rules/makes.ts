/**
 * Station makes (rules/makes.yaml, issue 22): which makes the desk knows, which are third-party, and
 * the MAC vendor prefixes the desk vouches for. A case's make is a case fact (`Case.make`); items and
 * photo categories that only some makes need name them (`makes:` in stages.yaml and photos.yaml).
 * Pure.
 */
import { z } from "zod";
import { normaliseMac } from "../evidence/mac.js";
import { foldText } from "../evidence/schema.js";
import type { Words } from "../words/words.js";
import { words } from "../words/words.js";

const MakeId = z.string().regex(/^[a-z][a-z0-9_]*$/, "lower_snake_case id");

/** An IEEE block prefix: 6 (MA-L), 7 (MA-M) or 9 (MA-S) hex digits, any separators. */
const Prefix = z
  .string()
  .transform((p) => p.replace(/[\s:.\-_]/g, "").toUpperCase())
  .refine((p) => /^[0-9A-F]+$/.test(p) && [6, 7, 9].includes(p.length), "a MAC prefix has 6, 7 or 9 hex digits (MA-L, MA-M, MA-S)");

const Make = z.strictObject({
  id: MakeId,
  name: z.string().trim().min(1),
  third_party: z.boolean().default(false),
  words: z.array(z.string().trim().min(1)).min(1),
});

export const MakesFileSchema = z
  .strictObject({
    version: z.number().int().positive(),
    /** The make of a case that has none: the desk's own stations. */
    default: MakeId,
    makes: z.array(Make).min(1),
    mac_prefixes: z.array(z.strictObject({ prefix: Prefix, make: MakeId })).default([]),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    file.makes.forEach((m, i) => {
      if (ids.has(m.id)) ctx.addIssue({ code: "custom", path: ["makes", i, "id"], message: `make ${m.id} twice` });
      ids.add(m.id);
    });
    if (!ids.has(file.default)) ctx.addIssue({ code: "custom", path: ["default"], message: `no make ${file.default}` });
    const prefixes = new Set<string>();
    file.mac_prefixes.forEach((p, i) => {
      if (!ids.has(p.make)) ctx.addIssue({ code: "custom", path: ["mac_prefixes", i, "make"], message: `no make ${p.make}` });
      if (prefixes.has(p.prefix)) ctx.addIssue({ code: "custom", path: ["mac_prefixes", i, "prefix"], message: `prefix ${p.prefix} twice` });
      prefixes.add(p.prefix);
    });
  });

export type MakesFile = z.infer<typeof MakesFileSchema>;
export type MakeRule = MakesFile["makes"][number];

/** The case's make, or the desk's default for a case that has none. */
export function makeOf(makes: MakesFile, make: string | undefined): MakeRule {
  return makes.makes.find((m) => m.id === make) ?? (makes.makes.find((m) => m.id === makes.default) as MakeRule);
}

/**
 * The make a person wrote (`case open --make "Alpitronic HYC300"`): its id, one of its words, or a
 * text that contains one of its words. Undefined when none matches, or when two makes do.
 */
export function findMake(makes: MakesFile, written: string): MakeRule | undefined {
  const text = foldText(written).trim();
  if (!text) return undefined;
  const exact = makes.makes.find((m) => m.id === text || foldText(m.name) === text);
  if (exact) return exact;
  const hits = makes.makes.filter((m) => m.words.some((w) => new RegExp(`(?<![\\p{L}\\d])${escape(foldText(w))}(?![\\p{L}\\d])`, "u").test(text)));
  return hits.length === 1 ? hits[0] : undefined;
}

/**
 * The make the desk's prefix table tells for these MAC addresses: the longest listed prefix of each
 * address decides it; undefined when no address is listed, or when the addresses tell two makes.
 */
export function makeFromMacs(makes: MakesFile, macs: readonly string[]): { make: string; mac: string; prefix: string } | undefined {
  const told = new Map<string, { mac: string; prefix: string }>();
  for (const raw of macs) {
    const n = normaliseMac(raw);
    if (n.kind !== "ok") continue;
    const hex = n.mac.replace(/:/g, "");
    const hit = makes.mac_prefixes.filter((p) => hex.startsWith(p.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
    if (hit && !told.has(hit.make)) told.set(hit.make, { mac: n.mac, prefix: hit.prefix });
  }
  if (told.size !== 1) return undefined;
  const [make, at] = [...told.entries()][0] as [string, { mac: string; prefix: string }];
  return { make, ...at };
}

/** Whether a rule limited to some makes (`makes:` in stages.yaml / photos.yaml) applies to a case's make. */
export function appliesToMake(limited: readonly string[] | undefined, makes: MakesFile, make: string | undefined): boolean {
  return !limited || limited.includes(makeOf(makes, make).id);
}

/** The timeline's words for a make told by a MAC prefix. */
/** The words of the timeline event that says so. */
export function makeSummary(makes: MakesFile, told: { make: string; mac: string; prefix: string }): Words {
  const name = makes.makes.find((m) => m.id === told.make)?.name ?? told.make;
  return words("make_from_mac", { make: name, prefix: told.prefix, mac: told.mac });
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
