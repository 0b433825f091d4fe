/**
 * Issue 20, a lost store rebuilt from the mailbox (`activation-bot rebuild`), on the real Dovecot,
 * Redis and SMTP relay: two case threads run, the store is wiped with the bot stopped, a mail comes
 * in meanwhile, the CLI rebuilds the store from Sent, Processed and INBOX, and the bot starts again.
 * The rebuilt cases match the lost ones as far as the mail shows, nothing is answered twice, the mail
 * that came in is answered once, and no case id or Message-ID is handed out again.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RebuildReport } from "../../src/app/rebuild-store.js";
import type { MailActor, ReceivedMail } from "../../src/demo/actor.js";
import type { Case } from "../../src/core/types.js";
import { REPO_ROOT } from "../support/rules.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";
import { confirmTeamStep, folderCounts, outboxDrained } from "./helpers.js";

const run = promisify(execFile);

/** What a case is, as far as its mail can show (times and versions aside). */
function shape(c: Case | null) {
  if (!c) return null;
  return {
    id: c.id,
    site: c.site,
    stage: c.stage,
    nonce: c.nonce,
    openedAt: c.openedAt,
    rootMessageId: c.rootMessageId,
    participants: c.participants,
    messageIds: [...c.messageIds].sort(),
    evidence: c.evidence.map((e) => ({ mail: e.mail, answers: e.answers })),
    flags: c.flags.map((f) => f.id).sort(),
  };
}

describe("rebuild a lost store from the mailbox", () => {
  let h: Harness;
  let nina: MailActor;
  let olle: MailActor;
  let stranger: MailActor;

  beforeAll(async () => {
    h = await startHarness("rebuild");
    nina = await h.actor("nm-a", "Nina");
    olle = await h.actor("nm-b", "Olle");
    stranger = await h.actor("stranger", "Okänd");
  });
  afterAll(async () => {
    await h?.close();
  });

  it("restores cases, threads, stages and the sent outbox; answers nothing twice and reuses no id", async () => {
    const desk = h.desk.address;
    const botMails = () => h.relay.received.filter((m) => m.envelope.from === desk);
    const messageIdOf = (raw: Buffer) => /^message-id:\s*(\S+)/im.exec(raw.toString("utf8"))?.[1] ?? "";

    // Case A: two answers, then the team verifies the account and the next stage's mail goes out.
    const a = (await h.openCase({ nmEmail: nina.address, nmName: "Nina" })).case.id;
    const a1 = await nina.next();
    await nina.reply(a1, "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.");
    const a2 = await nina.next();
    await nina.reply(a2, "Operativa kontakter och behörigheter är utsedda: Kalle Drift, kalle@example.se.");
    await nina.next();
    await confirmTeamStep(h, a, "account.verified");
    const teamStepMail: ReceivedMail = await nina.next();
    // Case B: one answer; a stranger's mail that matches no case.
    const b = (await h.openCase({ nmEmail: olle.address, nmName: "Olle", site: "Hamngatan 2, Ystad" })).case.id;
    const b1 = await olle.next();
    await olle.reply(b1, "Organisation och stationsinformation stämmer.");
    const b2 = await olle.next();
    await stranger.send(desk, "Fråga om laddbox", "Hej, vad kostar en laddbox?");
    for (const id of [a, b]) await outboxDrained(h, id);
    const sentBefore = botMails().length;
    await eventually(async () => (await folderCounts(h.desk, ["Sent", "INBOX"])).Sent === sentBefore && (await folderCounts(h.desk, ["INBOX"])).INBOX === 0, 20_000, "every copy in Sent, INBOX empty");
    const before = { a: shape(await h.ctx.store.getCase(a)), b: shape(await h.ctx.store.getCase(b)) };
    const looseBefore = (await h.ctx.store.looseFlags()).map((f) => f.id).sort();
    expect(looseBefore).toHaveLength(1);

    // The store is lost with the bot stopped; Olle writes meanwhile.
    await h.stopBot();
    const keys = await h.ctx.redis.keys(`${h.env.REDIS_PREFIX}*`);
    await h.ctx.redis.del(...keys);
    const late = await olle.reply(b2, "Flex-fakturering är konfigurerad.");
    await eventually(async () => (await folderCounts(h.desk, ["INBOX"])).INBOX === 1, 15_000, "Olle's mail in INBOX");

    const rebuilt = await run(join(REPO_ROOT, "node_modules/.bin/tsx"), [join(REPO_ROOT, "src/cli/main.ts"), "rebuild", "--json"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...h.env, LOG_LEVEL: "silent" },
    });
    const report = JSON.parse(rebuilt.stdout) as RebuildReport & { caseCounter: number };
    expect(report.withoutRecord).toEqual([]);
    expect(report.cases.map((c) => c.id).sort()).toEqual([a, b].sort());
    expect(report.mails).toMatchObject({ handled: 5, gone: 0, loose: 1 });

    // B is as it was, plus Olle's new mail (handled by the rebuild; its answer waits for the bot).
    const bNow = shape(await h.ctx.store.getCase(b));
    const known = new Set(before.b?.messageIds);
    expect(bNow && { ...bNow, messageIds: bNow.messageIds.filter((id) => known.has(id)), evidence: bNow.evidence.slice(0, -1) }).toEqual(before.b);
    expect(bNow?.messageIds).toContain(late);
    expect(bNow?.evidence.at(-1)?.mail).toBe(`mid:${late.slice(1, -1)}`);
    // A reaches what its mail shows: the team's step is not in the mailbox, and the report says so.
    const aNow = shape(await h.ctx.store.getCase(a));
    expect(aNow).toEqual({ ...before.a, stage: "open", messageIds: (before.a?.messageIds ?? []).filter((id) => id !== teamStepMail.messageId) });
    expect(report.cases.find((c) => c.id === a)).toMatchObject({ stage: "open", stageInSent: before.a?.stage, withdrawn: [], pending: [] });
    expect((await h.ctx.store.looseFlags()).map((f) => f.id).sort()).toEqual(looseBefore);

    // Every answer that went out is recorded as sent; only the answer to Olle's new mail waits.
    const recorded = new Set<string>();
    for (const id of [a, b]) for (const e of await h.ctx.store.events(id)) if (e.kind === "mail_out" && e.mail) recorded.add(e.mail);
    const wentOut = botMails().map((m) => messageIdOf(m.raw)).filter((id) => id !== teamStepMail.messageId);
    expect([...recorded].sort()).toEqual(wentOut.sort());
    const pending = await h.ctx.store.pendingOutbox();
    expect(pending).toHaveLength(1);
    expect(report.cases.find((c) => c.id === b)?.pending).toEqual(pending);

    // The bot again: it answers Olle's mail once, sends nothing else, and moves it out of INBOX.
    await h.startBot();
    const answer = await olle.next(30_000);
    expect(answer.parsed.inReplyTo).toBe(late);
    await eventually(async () => (await folderCounts(h.desk, ["INBOX"])).INBOX === 0, 20_000, "INBOX empty");
    await outboxDrained(h, b);
    expect(botMails()).toHaveLength(sentBefore + 1);
    const ids = botMails().map((m) => messageIdOf(m.raw));
    expect(new Set(ids).size).toBe(ids.length);

    // A new case continues above the mailbox's case numbers, with Message-IDs of its own.
    const c = (await h.openCase({ nmEmail: stranger.address, site: "Ny gatan 3, Lund" })).case;
    expect(Number(c.id.slice(4))).toBeGreaterThan(Math.max(Number(a.slice(4)), Number(b.slice(4))));
    const first = await stranger.next(30_000, (m) => m.subject.includes(c.id));
    expect(ids).not.toContain(first.messageId);
  }, 240_000);

  it("refuses to rebuild into a store in use", async () => {
    const refused = await run(join(REPO_ROOT, "node_modules/.bin/tsx"), [join(REPO_ROOT, "src/cli/main.ts"), "rebuild"], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...h.env, LOG_LEVEL: "silent" },
    }).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => err,
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("store_in_use");
  }, 120_000);
});
