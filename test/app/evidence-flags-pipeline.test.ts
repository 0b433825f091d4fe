// The declared evidence flags through the whole mail pipeline (process-mail with the real parser,
// photo and MAC checks, real Redis): a reply with a blurred photo, a photo that shows nothing named,
// an unshipped MAC and an unclear answer puts the case in the work queue with each reason in words;
// the mail that fixes them (a sharp retake, the unsorted photo sent again under its name, a clear
// answer) has the bot resolve those flags, while the contradicted fact waits for the team.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openCaseCommand } from "../../src/app/case-commands.js";
import { processMail } from "../../src/app/process-mail.js";
import { parseWorkQuery, workQueue } from "../../src/app/work-queue.js";
import { loadConfig } from "../../src/config.js";
import { demoPhoto } from "../../src/demo/documents.js";
import type { Context } from "../../src/main.js";
import { buildContext, caseCommandDeps, createLogger, processMailDeps } from "../../src/main.js";
import { redisUrl } from "../support/services.js";

const NM = "nina@kund.test";

describe("evidence flags through process-mail", () => {
  let ctx: Context;
  let storage: string;
  let caseId = "";
  let asked: { replyTo: string; subject: string; messageId: string } | undefined;

  beforeAll(async () => {
    storage = await mkdtemp(join(tmpdir(), "ab-evflags-"));
    const config = loadConfig({
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: `t:evflags:${randomBytes(4).toString("hex")}:`,
      MAIL_FROM: "Aktiveringar <desk@desk.test>",
      TAG_SECRET: randomBytes(16).toString("hex"),
      STORAGE_DIR: storage,
      LOG_LEVEL: "silent",
    });
    ctx = await buildContext(config, { log: createLogger("silent") });
  });
  afterAll(async () => {
    const keys = await ctx.redis.keys(`${ctx.config.REDIS_PREFIX}*`);
    if (keys.length) await ctx.redis.del(...keys);
    await ctx.close();
    await rm(storage, { recursive: true, force: true });
  });

  it("flags the rejected photo and MAC, the unclear answer and the unassigned photo, and the queue shows them", async () => {
    const opened = await openCaseCommand(
      caseCommandDeps(ctx),
      { site: "Hamngatan 4, Lund", nmEmail: NM, stations: 1, macsShipped: ["00:1A:2B:3C:4D:01"], installService: false, locale: "sv" },
      "test",
    );
    if (opened.kind !== "ok") throw new Error(opened.reason);
    const first = opened.outbox[0];
    if (!first) throw new Error("no first mail");
    caseId = opened.case.id;
    asked = first;
    const raw = await new MailComposer({
      from: `Nina <${NM}>`,
      to: first.replyTo,
      subject: `SV: ${first.subject}`,
      inReplyTo: first.messageId,
      references: [first.messageId],
      messageId: `<evflags-${randomBytes(4).toString("hex")}@kund.test>`,
      text: "Hej!\n\nKontaktpersoner: vet inte ännu.\nStationens MAC är 00:1A:2B:3C:4D:99.\n\nHälsningar Nina",
      attachments: [
        { filename: "elcentral.jpg", content: await demoPhoto(11, { blurred: true }) },
        { filename: "IMG_0001.jpg", content: await demoPhoto(12) },
      ],
    })
      .compile()
      .build();

    const outcome = await processMail(processMailDeps(ctx), raw);
    expect(outcome.kind).toBe("case");
    const c = await ctx.store.getCase(opened.case.id);
    const flags = c?.flags ?? [];
    expect(flags.map((f) => f.code).sort()).toEqual(["evidence_rejected", "fact_mismatch", "unassigned_photo", "unclear_answer"]);
    const reason = (code: string) => flags.find((f) => f.code === code)?.reason ?? "";
    expect(reason("evidence_rejected")).toContain("photo “elcentral.jpg” blurred");
    // A MAC not shipped contradicts a case fact: one fact_mismatch flag, not a second evidence_rejected.
    expect(reason("evidence_rejected")).not.toContain("00:1A:2B:3C:4D:99");
    expect(reason("fact_mismatch")).toContain("gives MAC 00:1A:2B:3C:4D:99, not among those shipped for the case");
    expect(reason("unclear_answer")).toContain("account.contacts");
    expect(reason("unassigned_photo")).toContain("“IMG_0001.jpg”");
    const events = await ctx.store.events(opened.case.id);
    expect(events.filter((e) => e.kind === "flagged").map((e) => e.summary.split(":")[0]).sort()).toEqual(["evidence_rejected", "fact_mismatch", "unassigned_photo", "unclear_answer"]);

    const now = ctx.clock.now().toISOString();
    const page = await workQueue({ store: ctx.store, rules: ctx.rules }, {}, now);
    expect(page.rows.filter((r) => r.caseId === opened.case.id).map((r) => `${r.cause} ${r.subject} ${r.waitingOn}`).sort()).toEqual([
      "evidence_rejected evidence_rejected participants",
      "flag fact_mismatch team",
      "flag unassigned_photo participants",
      "flag unclear_answer participants",
    ]);
    const rejected = await workQueue({ store: ctx.store, rules: ctx.rules }, parseWorkQuery({ cause: "evidence_rejected" }), now);
    expect(rejected.rows.map((r) => r.caseId)).toEqual([opened.case.id]);

    // The same mail again (a retried job): the ledger makes it a no-op, no second flag.
    expect((await processMail(processMailDeps(ctx), raw)).kind).toBe("already_handled");
    expect((await ctx.store.getCase(opened.case.id))?.flags).toHaveLength(4);
  });

  it("resolves the flags the next mail fixes, in its commit, and leaves the contradicted fact to the team", async () => {
    if (!asked) throw new Error("the first test opened no case");
    const raw = await new MailComposer({
      from: `Nina <${NM}>`,
      to: asked.replyTo,
      subject: `SV: ${asked.subject}`,
      inReplyTo: asked.messageId,
      references: [asked.messageId],
      messageId: `<evflags-fix-${randomBytes(4).toString("hex")}@kund.test>`,
      text: "Hej!\n\nKontaktpersoner: ja, de är utsedda i kontot.\n\nHälsningar Nina",
      attachments: [
        { filename: "elcentral-ny.jpg", content: await demoPhoto(13) },
        // The same picture as IMG_0001.jpg, now named for what it shows: sorted, not refused as a copy.
        { filename: "kabeldragning.jpg", content: await demoPhoto(12) },
      ],
    })
      .compile()
      .build();
    expect((await processMail(processMailDeps(ctx), raw)).kind).toBe("case");

    const c = await ctx.store.getCase(caseId);
    const photos = c?.evidence.at(-1)?.photos.map((p) => [p.file, p.category, p.status]);
    expect(photos).toEqual([
      ["elcentral-ny.jpg", "electrical_panel", "ok"],
      ["kabeldragning.jpg", "cable_routing", "ok"],
    ]);
    const state = Object.fromEntries((c?.flags ?? []).map((f) => [f.code, f.resolved?.by ?? "open"]));
    expect(state).toEqual({ evidence_rejected: "bot", unassigned_photo: "bot", unclear_answer: "bot", fact_mismatch: "open" });
    const resolved = (await ctx.store.events(caseId)).filter((e) => e.kind === "flag_resolved");
    expect(resolved.map((e) => [e.by, e.summary.split(" resolved:")[0]]).sort()).toEqual([
      ["bot", "evidence_rejected"],
      ["bot", "unassigned_photo"],
      ["bot", "unclear_answer"],
    ]);
    expect(resolved.find((e) => e.summary.startsWith("evidence_rejected"))?.summary).toContain(`${NM} sent a new photo for “Electrical panel” that passed (“elcentral-ny.jpg”)`);

    const page = await workQueue({ store: ctx.store, rules: ctx.rules }, {}, ctx.clock.now().toISOString());
    expect(page.rows.filter((r) => r.caseId === caseId).map((r) => `${r.cause} ${r.subject}`)).toEqual(["flag fact_mismatch"]);
    const rejected = await workQueue({ store: ctx.store, rules: ctx.rules }, parseWorkQuery({ cause: "evidence_rejected" }), ctx.clock.now().toISOString());
    expect(rejected.rows.map((r) => r.caseId)).toEqual([]);
  });
});
