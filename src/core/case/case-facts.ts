/**
 * The case facts a mail may contradict (issue 21, part 3): the station count ordered, the MAC
 * addresses shipped or already given, and the installation service. A contradiction is never taken
 * silently: the sender is asked back in the reply and the desk sees a `fact_mismatch` flag; the
 * case's facts stay as they are until the team changes them. Pure.
 *
 * One table, one entry per fact: what the mail states is read elsewhere (the reply text by
 * answers/station-count.ts and answers/install-service.ts with the words of rules/answers.yaml, the
 * MACs by the evidence check); each entry compares it with the case. A new fact is one more entry,
 * one more line in `templates/<locale>/partials/open-items.md`.
 */
import type { StatedFacts } from "../answers/stated-facts.js";
import { macIdentity } from "../evidence/mac.js";
import type { Case, MacEvidence, Participant, Role } from "../types.js";
import { englishText } from "../words/english.js";
import type { Words } from "../words/words.js";
import { words } from "../words/words.js";

export const FACTS = ["stations", "install_service", "mac_count", "mac_station", "mac_shipped"] as const;
export type FactId = (typeof FACTS)[number];

export interface Contradiction {
  fact: FactId;
  /** What the mail says: a count, a MAC address, bought or not. */
  stated: number | string | boolean;
  /** What the case holds. */
  expected: number | string | boolean;
  /** The sentence (or the MACs as written) it was read from. */
  text: string;
  /** The station a MAC was given for (a form's row). */
  station?: number;
}

interface FactRule {
  fact: FactId;
  /**
   * Where the sender is asked: in the reply's "is this right?" section, or already by the evidence
   * check's own line (a MAC not shipped for the case is explained with the MAC problems).
   */
  askedIn: "contradictions" | "problems";
  /** Whose word counts, when not everyone's: the order is the network manager's, and a contractor's
   *  "vi har beställt installationen av elcentralen" is about other work. */
  from?: readonly Role[];
  find(c: Case, stated: StatedFacts, macs: readonly MacEvidence[]): Contradiction[];
}

/** MACs accepted earlier: identity → the MAC and the station it was given for. */
function earlierMacs(c: Case): Map<string, { mac: string; station?: number }> {
  const out = new Map<string, { mac: string; station?: number }>();
  for (const m of c.evidence.flatMap((e) => e.macs)) {
    if (m.status === "ok" && m.mac) out.set(macIdentity(m.mac), { mac: m.mac, ...(m.station ? { station: m.station } : {}) });
  }
  return out;
}

const notShipped = (m: MacEvidence) => m.reasons.includes("not_shipped");

/** This mail's MACs given for a station that already has another MAC on the case. */
function stationConflicts(c: Case, macs: readonly MacEvidence[]): Contradiction[] {
  const byStation = new Map<number, string>();
  for (const e of earlierMacs(c).values()) if (e.station) byStation.set(e.station, e.mac);
  const out: Contradiction[] = [];
  for (const m of macs) {
    const had = m.station ? byStation.get(m.station) : undefined;
    if (!m.mac || !m.station || !had || notShipped(m) || macIdentity(had) === macIdentity(m.mac)) continue;
    out.push({ fact: "mac_station", stated: m.mac, expected: had, text: m.raw, station: m.station });
  }
  return out;
}

const RULES: readonly FactRule[] = [
  {
    fact: "stations",
    askedIn: "contradictions",
    find: (c, stated) =>
      stated.stations && stated.stations.count !== c.stations
        ? [{ fact: "stations", stated: stated.stations.count, expected: c.stations, text: stated.stations.text }]
        : [],
  },
  {
    fact: "install_service",
    askedIn: "contradictions",
    from: ["network_manager"],
    find: (c, stated) =>
      stated.installService && stated.installService.bought !== c.installService
        ? [{ fact: "install_service", stated: stated.installService.bought, expected: c.installService, text: stated.installService.text }]
        : [],
  },
  {
    fact: "mac_shipped",
    askedIn: "problems",
    find: (c, _stated, macs) =>
      macs.filter(notShipped).map((m) => ({ fact: "mac_shipped", stated: m.mac ?? m.raw, expected: c.macsShipped.join(", "), text: m.raw })),
  },
  {
    fact: "mac_station",
    askedIn: "contradictions",
    find: (c, _stated, macs) => stationConflicts(c, macs),
  },
  {
    fact: "mac_count",
    askedIn: "contradictions",
    find: (c, _stated, macs) => {
      // A MAC that replaces another station's (mac_station) or was never shipped adds no station.
      const replacing = new Set(stationConflicts(c, macs).map((k) => macIdentity(String(k.stated))));
      const known = new Set(earlierMacs(c).keys());
      const added = macs.filter((m) => m.status === "ok" && m.mac && !known.has(macIdentity(m.mac)) && !replacing.has(macIdentity(m.mac)));
      const total = known.size + new Set(added.map((m) => macIdentity(m.mac as string))).size;
      if (added.length === 0 || total <= c.stations) return [];
      return [{ fact: "mac_count", stated: total, expected: c.stations, text: added.map((m) => m.raw).join(", ") }];
    },
  },
];

export interface FactCheck {
  /** The contradictions the reply asks about in its own section (the rest are asked with the
   *  evidence problems). */
  askBack: Contradiction[];
  /** One line for the `fact_mismatch` flag, or undefined when nothing contradicts the case. */
  reason?: string;
  /** The same as words (core/words), for the desk's language. */
  words?: Words;
}

/**
 * What this mail contradicts. `c` is the case before the mail: MACs are compared with those given
 * earlier, not with the mail's own.
 */
export function checkCaseFacts(c: Case, stated: StatedFacts, macs: readonly MacEvidence[], sender: Participant): FactCheck {
  const askBack: Contradiction[] = [];
  const facts: Contradiction[] = [];
  for (const rule of RULES) {
    if (rule.from && !rule.from.includes(sender.role)) continue;
    for (const k of rule.find(c, stated, macs)) {
      if (rule.askedIn === "contradictions") askBack.push(k);
      facts.push(k);
    }
  }
  if (facts.length === 0) return { askBack };
  const w = words("fact_mismatch", { sender: sender.email, facts });
  return { askBack, reason: englishText(w), words: w };
}

/**
 * Whether a `fact_mismatch` flag's every contradiction is settled by the case's facts as they are now
 * (the team edited them: the MAC is now among those shipped, the station count is what the mail
 * said). Read back from the flag's reason, whose sentences core/words/english.ts `factEnglish` writes: a sentence this
 * does not know (a MAC given for a station that has another) keeps the flag open.
 */
export function mismatchSettled(reason: string, c: Pick<Case, "stations" | "installService" | "macsShipped">): boolean {
  const shipped = new Set(c.macsShipped.map((m) => macIdentity(m.toUpperCase())));
  const settles: [RegExp, (m: RegExpExecArray) => boolean][] = [
    [/writes (\d+) stations, the case has \d+: “[^”]*”/g, (m) => c.stations === Number(m[1])],
    [/writes the installation service was (bought|not bought), the case was ordered (?:with|without) it: “[^”]*”/g, (m) => c.installService === (m[1] === "bought")],
    [/gives MAC ([^\s,]+), not among those shipped for the case \([^)]*\)/g, (m) => shipped.has(macIdentity(m[1] ?? ""))],
    [/gives MACs for (\d+) stations, the case has \d+ \([^)]*\)/g, (m) => c.stations >= Number(m[1])],
  ];
  let rest = reason.replace(/^\S+\s/, "");
  for (const [pattern, settled] of settles) {
    for (const m of rest.matchAll(pattern)) if (!settled(m as RegExpExecArray)) return false;
    rest = rest.replace(pattern, "");
  }
  return /^[\s;]*$/.test(rest);
}
