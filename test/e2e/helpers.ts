/**
 * Helpers shared by the end-to-end tests beside the harness: reading the sections of a bot mail's text
 * part, a clock the test moves, raw mail dropped into a mailbox the way an MTA delivers it, and
 * waiting on a case's state.
 */
import { teamCommand } from "../../src/app/case-commands.js";
import type { Clock } from "../../src/app/ports.js";
import type { ReceivedMail } from "../../src/demo/actor.js";
import type { MailUser } from "../../src/demo/local-mail.js";
import { withImap } from "../../src/demo/local-mail.js";
import type { Case, CaseEvent, Locale, StageId } from "../../src/core/types.js";
import { caseCommandDeps } from "../../src/main.js";
import type { Harness } from "./harness.js";
import { eventually } from "./harness.js";

/** Section headings of the open-items partial (templates/<locale>/partials/open-items.md). */
export const HEADINGS: Record<Locale, { open: string; unclear: string; problems: string }> = {
  sv: { open: "Det här saknas fortfarande:", unclear: "Vi kunde inte tolka svaret om:", problems: "Det här behöver göras om:" },
  en: { open: "Still missing:", unclear: "We could not read your answer about:", problems: "Please redo:" },
};

/** The text above the checklist summary (the summary repeats every item's title). */
export function body(m: ReceivedMail | string): string {
  const text = typeof m === "string" ? m : m.text;
  return text.split(/\n---\n/)[0] ?? text;
}

/** The `- …` lines of one section of a bot mail (empty when the section is absent). */
export function sectionLines(m: ReceivedMail | string, heading: string): string[] {
  const lines = body(m).split("\n");
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) return [];
  const out: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("- ")) out.push(line.slice(2).trim());
    else if (line.trim() === "" || /^\s/.test(line)) continue;
    else break;
  }
  return out;
}

/**
 * Checks that the "still missing" section of a mail names exactly these items (by their titles in
 * the case's language), and returns the lines for further checks.
 */
export function expectOpenItems(h: Harness, m: ReceivedMail | string, locale: Locale, ids: string[]): string[] {
  const lines = sectionLines(m, HEADINGS[locale].open);
  const titles = ids.map((id) => h.ctx.renderer.itemTitle(locale, id));
  const problems: string[] = [];
  for (const t of titles) if (!lines.some((l) => l === t || l.startsWith(`${t} – `))) problems.push(`missing “${t}”`);
  if (lines.length !== titles.length) problems.push(`${lines.length} open items listed, ${titles.length} expected`);
  if (problems.length) {
    throw new Error(`open items of the mail differ (${problems.join("; ")}):\n${lines.map((l) => `  - ${l}`).join("\n")}\n--- mail:\n${body(m)}`);
  }
  return lines;
}

/** A clock the test moves by hand. */
export interface TestClock extends Clock {
  set(at: Date | string): void;
}

export function testClock(start: Date | string): TestClock {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set(at) {
      now = new Date(at);
    },
  };
}

/** Delivers raw bytes into a user's INBOX, as the local relay (an MTA's local delivery) does. */
export async function deliverRaw(to: MailUser, raw: Buffer | string, trace: { returnPath?: string } = {}): Promise<void> {
  const head = `Return-Path: <${trace.returnPath ?? ""}>\r\nDelivered-To: ${to.address}\r\n`;
  await withImap(to, (c) => c.append("INBOX", Buffer.concat([Buffer.from(head), Buffer.isBuffer(raw) ? raw : Buffer.from(raw)])));
}

/** Message counts of a user's folders (missing folders count 0). */
export async function folderCounts(u: MailUser, folders: string[]): Promise<Record<string, number>> {
  return withImap(u, async (client) => {
    const out: Record<string, number> = {};
    for (const f of folders) {
      const s = await client.status(f, { messages: true }).catch(() => false as const);
      out[f] = s ? (s.messages ?? 0) : 0;
    }
    return out;
  });
}

/** Waits until the case satisfies `pred` and returns it. */
export function caseWhen(h: Harness, id: string, pred: (c: Case) => boolean, what = `case ${id}`): Promise<Case> {
  return eventually(async () => {
    const c = await h.ctx.store.getCase(id);
    return c && pred(c) ? c : undefined;
  }, 15_000, what);
}

export function stageOf(h: Harness, id: string, stage: StageId): Promise<Case> {
  return caseWhen(h, id, (c) => c.stage === stage, `${id} in stage ${stage}`);
}

/** Waits until the timeline has an event that matches and returns it. */
export function eventWhen(h: Harness, id: string, pred: (e: CaseEvent) => boolean, what = `an event of ${id}`): Promise<CaseEvent> {
  return eventually(async () => (await h.ctx.store.events(id)).find(pred), 15_000, what);
}

/**
 * Every mail the bot committed for a case has been sent: nothing of the case is pending in the
 * outbox. Since a decision and its outbox commit together, after a mail's effects are visible this
 * tells whether it caused any mail without waiting for one that should not come.
 */
export async function outboxDrained(h: Harness, id: string): Promise<void> {
  await eventually(async () => !(await h.ctx.store.pendingOutbox()).some((k) => k.startsWith(`${id}.`)), 15_000, `outbox of ${id} drained`);
  await h.relay.settled();
}

/** The bot mails of a case that were sent (the `mail_out` events of its timeline). */
export async function mailsOut(h: Harness, id: string): Promise<CaseEvent[]> {
  return (await h.ctx.store.events(id)).filter((e) => e.kind === "mail_out");
}

/** Mails of one case among those an actor received. */
export function ofCase(mails: ReceivedMail[], id: string): ReceivedMail[] {
  return mails.filter((m) => m.subject.includes(`[${id}]`));
}

/** A team member confirms a team step (issue 22) through the app's use case; its mails are dispatched. */
export async function confirmTeamStep(h: Harness, id: string, item: string, by = "Maja"): Promise<Case> {
  const r = await teamCommand(caseCommandDeps(h.ctx), id, { kind: "team_step", item, verdict: { kind: "confirm" } }, by);
  if (r.kind !== "ok") throw new Error(r.reason);
  await h.bot.dispatch(r.case, r.outbox.map((e) => e.key));
  return r.case;
}

/** The commissioning stage's checklist items that the installer's mails ask for, in order. */
export const COMMISSIONING = [
  "installer.certified",
  "installer.account",
  "commissioning.form",
  "commissioning.macs",
  "commissioning.mac_labels",
  "commissioning.photos",
];
