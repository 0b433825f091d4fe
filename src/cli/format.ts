/** Plain-text views of cases for the CLI (the `--json` forms print the same data as JSON). */
import type { Checklist } from "../core/case/checklist.js";
import type { Case, CaseEvent, Flag, ItemState } from "../core/types.js";
import { formatValue } from "../core/reply/format-value.js";

export function stateText(s: ItemState): string {
  switch (s.status) {
    case "missing":
      return "missing";
    case "ok":
      return "ok";
    case "failed":
      return `failed (${s.reason})`;
    case "overridden":
      return `overridden (by ${s.by}: ${s.why})`;
  }
}

export function caseText(c: Case, checklist: Checklist, events: CaseEvent[], title: (id: string) => string): string {
  const lines = [
    `${c.id}  ${c.site}`,
    `stage: ${c.stage}   locale: ${c.locale}   stations: ${c.stations}   install service: ${c.installService ? "yes" : "no"}   make: ${c.make ?? "(default)"}   owner: ${c.owner?.name ?? "unassigned"}`,
    `participants: ${c.participants.map((p) => `${p.email} (${p.role}${p.undeliverable ? ", undeliverable" : ""})`).join(", ")}`,
  ];
  const open = c.flags.filter((f) => !f.resolved);
  if (open.length) lines.push(`flagged: ${open.map(flagText).join("; ")}`);
  lines.push("", `checklist (rules ${checklist.rulesVersion}):`);
  let stage = "";
  for (const item of checklist.items) {
    if (item.stage !== stage) lines.push(`  [${(stage = item.stage)}]`);
    const value = item.state.status === "ok" && item.state.value !== undefined && item.state.value !== true ? ` — ${formatValue(item.state.value, c.locale)}` : "";
    lines.push(`    ${item.id.padEnd(26)} ${stateText(item.state)}${value}   ${title(item.id)}`);
  }
  lines.push("", "timeline:");
  for (const e of events) lines.push(`  ${e.at}  ${e.kind.padEnd(14)} ${e.by}: ${e.summary}`);
  return lines.join("\n");
}

export function flagText(f: Flag): string {
  return `${f.code}: ${f.reason}`;
}
