/**
 * Reminders end to end, with a clock the test moves: opening a case plans a delayed BullMQ job for
 * the first reminder, and each step that fires plans the next; a reminder step fired at its time
 * reaches the network manager through the relay, once however often it fires; a reply cancels the
 * steps planned before it and plans a new first one; the escalation step flags the case for the
 * team. The steps are fired directly with fireReminder and planNextStep (what the reminder worker
 * does when a delayed job comes due), not by waiting days.
 */
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Queues } from "../../src/adapters/queue/queues.js";
import { REMIND_QUEUE, createQueues } from "../../src/adapters/queue/queues.js";
import type { ReminderJobData } from "../../src/app/remind.js";
import { fireReminder } from "../../src/app/remind.js";
import { reminderPlan } from "../../src/core/case/reminders.js";
import type { MailActor, ReceivedMail } from "../../src/demo/actor.js";
import { caseCommandDeps } from "../../src/main.js";
import { planNextStep } from "../../src/runtime/reminders.js";
import type { Harness } from "./harness.js";
import { eventually, startHarness } from "./harness.js";
import type { TestClock } from "./helpers.js";
import { body, caseWhen, confirmTeamStep, expectOpenItems, ofCase, outboxDrained, testClock } from "./helpers.js";

// A Monday, 08:00 in Stockholm.
const OPENED = "2026-03-02T07:00:00.000Z";

describe("reminders with a clock the test controls", () => {
  let h: Harness;
  let nm: MailActor;
  let clock: TestClock;
  let queue: Queue<ReminderJobData>;
  let queues: Queues;

  beforeAll(async () => {
    clock = testClock(OPENED);
    h = await startHarness("reminders", { clock });
    nm = await h.actor("nm", "Nina Nätansvarig");
    queue = new Queue<ReminderJobData>(REMIND_QUEUE, { connection: h.ctx.redis, prefix: `${h.ctx.config.REDIS_PREFIX}bull` });
    queues = createQueues(h.ctx.redis, h.ctx.config.REDIS_PREFIX, 5);
  });
  afterAll(async () => {
    await queue?.close();
    await queues?.close();
    await h?.close();
  });

  const delayedOf = async (caseId: string, plannedFrom: string) =>
    (await queue.getDelayed())
      .filter((j) => j.data.caseId === caseId && j.data.plannedFrom === plannedFrom)
      .sort((a, b) => a.data.n - b.data.n);

  /** What the reminder worker does with a step that comes due. */
  const fire = async (job: ReminderJobData) => {
    const outcome = await fireReminder(caseCommandDeps(h.ctx), job);
    await planNextStep(queues, h.ctx, job, outcome);
    return outcome;
  };
  const plannedSteps = async (caseId: string, plannedFrom: string) => (await delayedOf(caseId, plannedFrom)).map((j) => j.data.n);

  it("reminds once per step, lets a reply cancel the plan, and escalates a silent case", async () => {
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina" });
    const id = opened.case.id;
    const inCase = (m: ReceivedMail) => m.subject.includes(`[${id}]`);
    const first = await nm.next(15_000, inCase);

    // The plan: after 3 and 7 working days, escalation after 10, at 09:00 in the desk's time zone.
    const plan = reminderPlan(OPENED, h.ctx.rules.reminders);
    expect(plan).toEqual([
      { n: 1, kind: "reminder", at: "2026-03-05T08:00:00.000Z" },
      { n: 2, kind: "reminder", at: "2026-03-11T08:00:00.000Z" },
      { n: 3, kind: "escalation", at: "2026-03-16T08:00:00.000Z" },
    ]);
    // …of which only the first step is a delayed job, due when the step is (counted from the test's clock).
    const jobs = await delayedOf(id, OPENED);
    expect(jobs.map((j) => ({ n: j.data.n, kind: j.data.kind, stage: j.data.stage, delay: j.opts.delay }))).toEqual(
      plan.slice(0, 1).map((s) => ({ n: s.n, kind: s.kind, stage: "open", delay: Date.parse(s.at) - Date.parse(OPENED) })),
    );

    // Reminder 1 comes due: it is sent to the network manager, listing what is still missing.
    const step = (n: number, plannedFrom: string): ReminderJobData => {
      const s = reminderPlan(plannedFrom, h.ctx.rules.reminders).find((x) => x.n === n);
      if (!s) throw new Error(`no step ${n}`);
      return { caseId: id, stage: "open", n: s.n, kind: s.kind, plannedFrom };
    };
    clock.set(plan[0]?.at ?? "");
    const fired = await fire(step(1, OPENED));
    expect(fired.kind).toBe("done");
    if (fired.kind !== "done") return;
    expect(fired.outbox).toHaveLength(1);
    // Having fired, step 1 planned step 2, due when the plan says (the clock is at step 1 now).
    const second = (await delayedOf(id, OPENED)).find((j) => j.data.n === 2);
    expect(second?.opts.delay).toBe(Date.parse(plan[1]?.at ?? "") - Date.parse(plan[0]?.at ?? ""));
    await h.bot.dispatch((await h.ctx.store.getCase(id))!, fired.outbox);
    const reminder = await nm.next(15_000, inCase);
    expect(body(reminder)).toContain("En påminnelse (1) om ärendet för Storgatan 1, Malmö");
    expect(reminder.parsed.headers.get("auto-submitted")).toBe("auto-generated");
    expect(reminder.parsed.inReplyTo).toBe(first.messageId);
    expectOpenItems(h, reminder, "sv", ["account.organisation", "account.flex_billing", "account.contacts"]);

    // Fired again (a retried job, a second worker): nothing more is sent.
    const again = await fire(step(1, OPENED));
    expect(again).toEqual({ kind: "already_fired" });
    expect(await plannedSteps(id, OPENED)).toEqual([1, 2]);
    await outboxDrained(h, id);
    expect(ofCase(await nm.all(), id)).toHaveLength(2);
    expect((await h.ctx.store.events(id)).filter((e) => e.kind === "reminder")).toHaveLength(1);

    // The network manager answers part of it: the steps planned before the answer cancel themselves…
    await nm.reply(reminder, "Organisation och stationsinformation stämmer.\n\nMvh Nina");
    await nm.next(15_000, inCase);
    const answered = await caseWhen(h, id, (c) => c.activityAt !== OPENED, "activity recorded");
    expect(answered.activityAt).toBe(plan[0]?.at);
    expect(answered.stage).toBe("open");
    clock.set(plan[1]?.at ?? "");
    expect(await fire(step(2, OPENED))).toEqual({ kind: "cancelled", reason: "activity since the reminder was planned" });
    // A cancelled step plans nothing after it: the old plan is over.
    expect(await plannedSteps(id, OPENED)).toEqual([1, 2]);
    clock.set(plan[2]?.at ?? "");
    expect(await fire(step(3, OPENED))).toEqual({ kind: "cancelled", reason: "activity since the reminder was planned" });
    await outboxDrained(h, id);
    expect(ofCase(await nm.all(), id)).toHaveLength(3);
    expect((await h.ctx.store.getCase(id))?.flags).toEqual([]);

    // …and a new plan starts from the answer.
    const replan = reminderPlan(answered.activityAt, h.ctx.rules.reminders);
    expect(await plannedSteps(id, answered.activityAt)).toEqual([1]);
    expect(replan[2]).toEqual({ n: 3, kind: "escalation", at: "2026-03-19T08:00:00.000Z" });

    // Nobody answers the new plan's reminders; its escalation flags the case for the team, sends nothing.
    clock.set(replan[2]?.at ?? "");
    const escalated = await fire(step(3, answered.activityAt));
    expect(escalated).toEqual({ kind: "done", outbox: [] });
    const flagged = await h.ctx.store.getCase(id);
    expect(flagged?.flags.map((f) => f.code)).toEqual(["no_reply_escalation"]);
    expect(flagged?.flags[0]?.reason).toContain("no answer in stage open");
    expect(flagged?.stage).toBe("open");
    expect((await h.ctx.store.events(id)).some((e) => e.kind === "flagged" && e.summary.startsWith("no_reply_escalation"))).toBe(true);
    // Escalating twice raises one flag.
    expect(await fire(step(3, answered.activityAt))).toEqual({ kind: "already_fired" });
    // The escalation is the plan's last step: nothing comes after it.
    expect(await plannedSteps(id, answered.activityAt)).toEqual([1]);
    await outboxDrained(h, id);
    expect(ofCase(await nm.all(), id)).toHaveLength(3);
  });

  it("flags a case whose account has waited on the team too long (issue 22), once, and never when the team acted", async () => {
    clock.set(OPENED);
    const opened = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site: "Teamgatan 1" });
    const id = opened.case.id;
    const inCase = (m: ReceivedMail) => m.subject.includes(`[${id}]`);
    const first = await nm.next(15_000, inCase);
    // Nothing waits on the team yet: no team escalation is planned at opening.
    expect((await queue.getDelayed()).filter((j) => j.data.caseId === id && j.data.kind === "team_escalation")).toEqual([]);

    // The network manager answers everything an hour later: only the team's verification holds the case now.
    clock.set("2026-03-02T08:00:00.000Z");
    await nm.reply(first, "Ja, allt stämmer: organisationen, Flex-fakturering är klar och operativa kontakter är utsedda.\n\nMvh Nina");
    await nm.next(15_000, inCase);
    const waiting = await caseWhen(h, id, (c) => c.activityAt !== OPENED, "the answer recorded");
    // Planned in the reminder queue, two working days on (Monday → Wednesday 09:00 Stockholm).
    const planned = await eventually(async () => (await queue.getDelayed()).find((j) => j.data.caseId === id && j.data.kind === "team_escalation"), 15_000, "the team escalation job");
    expect(planned.data).toMatchObject({ stage: "open", plannedFrom: waiting.activityAt });
    expect(Date.parse(waiting.activityAt) + (planned.opts.delay ?? 0)).toBe(Date.parse("2026-03-04T08:00:00.000Z"));

    clock.set("2026-03-04T08:00:00.000Z");
    expect(await fire(planned.data)).toEqual({ kind: "done", outbox: [] });
    const flagged = await h.ctx.store.getCase(id);
    expect(flagged?.flags.map((f) => [f.code, f.reason])).toEqual([
      ["team_step_overdue", `account.verified has waited on the commissioning team for 2 working days (since ${waiting.activityAt})`],
    ]);
    // Fired again (a retried job): one flag still; nobody was mailed.
    expect(await fire(planned.data)).toEqual({ kind: "cancelled", reason: "already flagged" });
    expect((await h.ctx.store.getCase(id))?.flags).toHaveLength(1);
    await outboxDrained(h, id);
    expect(ofCase(await nm.all(), id)).toHaveLength(2);

    // A second case whose team verified in time is not flagged when its escalation comes due.
    clock.set(OPENED);
    const other = await h.openCase({ nmEmail: nm.address, nmName: "Nina", site: "Teamgatan 2" });
    const otherFirst = await nm.next(15_000, (m) => m.subject.includes(`[${other.case.id}]`));
    clock.set("2026-03-02T08:00:00.000Z");
    await nm.reply(otherFirst, "Ja, allt stämmer.\n\nMvh Nina");
    const answered = await caseWhen(h, other.case.id, (c) => c.activityAt !== OPENED, "the answer recorded");
    clock.set("2026-03-03T10:00:00.000Z");
    await confirmTeamStep(h, other.case.id, "account.verified");
    clock.set("2026-03-04T08:00:00.000Z");
    expect(await fire({ caseId: other.case.id, stage: "open", n: 0, kind: "team_escalation", plannedFrom: answered.activityAt })).toMatchObject({ kind: "cancelled" });
    expect((await h.ctx.store.getCase(other.case.id))?.flags).toEqual([]);
  });
});
