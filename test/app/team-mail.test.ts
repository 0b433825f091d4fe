// The team's mails and loose-mail triage over the real CaseStore (real Redis, a random prefix), the
// shipped templates and the real mail parser and blob store.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { loadTemplates } from "../../src/adapters/files/templates.js";
import { parseMail } from "../../src/adapters/mime/parse-mail.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import type { CaseCommandDeps } from "../../src/app/case-commands.js";
import { composeOutbox } from "../../src/app/compose-outbox.js";
import { looseMailView, rejectLooseMail } from "../../src/app/loose-mail.js";
import type { BlobStore } from "../../src/app/ports.js";
import { newDraft, previewTeamMail, speakCommand } from "../../src/app/team-mail.js";
import { evaluateChecklist } from "../../src/core/case/checklist.js";
import type { Rules } from "../../src/core/rules/rules.js";
import type { Case } from "../../src/core/types.js";
import { makeCase } from "../support/case.js";
import { repoRules } from "../support/rules.js";
import { randomPrefix, redisUrl } from "../support/services.js";

const NOW = new Date("2026-12-04T10:00:00.000Z");

describe("the team's mails and loose mail, on the real store", () => {
  let redis: Redis;
  let store: CaseStore;
  let rules: Rules;
  let deps: CaseCommandDeps;
  let blobs: BlobStore;
  let dir: string;

  beforeAll(async () => {
    redis = new Redis(redisUrl());
    store = new CaseStore(redis, randomPrefix("team-mail"));
    rules = await repoRules();
    dir = await mkdtemp(path.join(tmpdir(), "ab-team-mail-"));
    blobs = createFileBlobStore(dir);
    deps = {
      store,
      rules,
      clock: { now: () => NOW },
      compose: {
        renderer: await loadTemplates(path.resolve("templates")),
        mailFrom: "Aktiveringar <desk@desk.test>",
        mailFromAddress: "desk@desk.test",
        mailDomain: "desk.test",
        plusAddressing: true,
        secret: "a-test-secret-of-enough-length",
        blankForm: () => Promise.reject(new Error("no form in these mails")),
      },
    };
  });
  afterAll(async () => {
    const keys = await redis.keys(`${store.prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  /** A case whose first mail went out, so the thread has a root. */
  async function caseWithFirstMail(id: string, over: Partial<Case> = {}): Promise<Case> {
    const c = makeCase(id, over);
    const { entries, case: next } = await composeOutbox(deps.compose, c, evaluateChecklist(c, rules), [
      { kind: "stage_request", slot: "first", to: ["nm@customer.example"], cc: [], content: { stage: "open", received: [], open: [{ id: "account.contacts" }], unclear: [], problems: [] }, attachForms: [] },
    ], `open:${id}`, NOW.toISOString());
    expect(await store.commit({ before: null, case: next, events: [], outbox: entries, messageIds: entries.map((e) => e.messageId), looseFlags: [] })).toBe("committed");
    for (const e of entries) await store.markSent(e, "250 ok", NOW.toISOString());
    return (await store.getCase(id)) as Case;
  }

  it("previews a line of the member's own in the thread without committing anything, and sends it once however often Send is pressed", async () => {
    const c = await caseWithFirstMail("ACT-410001");
    const preview = await previewTeamMail(deps, c.id, { kind: "message", to: ["nm@customer.example"], text: "Vi ringer dig i morgon kl 10." }, "maja");
    if (preview.kind !== "ok") throw new Error(preview.reason);
    const [mail] = preview.mails;
    expect(mail?.subject).toMatch(/^Re: \[ACT-410001\]/);
    expect(mail?.inReplyTo).toBe(c.rootMessageId);
    expect(mail?.text).toContain("Vi ringer dig i morgon kl 10.");
    expect((await store.getCase(c.id))?.version).toBe(c.version);
    expect(await store.pendingOutbox()).toEqual([]);

    const send = () => speakCommand(deps, c.id, { kind: "mail", mail: { kind: "message", to: ["nm@customer.example"], text: "Vi ringer dig i morgon kl 10." } }, "maja", preview.draft);
    const first = await send();
    if (first.kind !== "ok") throw new Error(first.reason);
    expect(first.outbox).toHaveLength(1);
    expect(first.outbox[0]?.text).toBe(mail?.text);
    expect(first.outbox[0]?.references).toContain(c.rootMessageId);
    const again = await send();
    expect(again.kind === "ok" && again.outbox).toEqual([]);
    expect(await store.pendingOutbox()).toEqual([first.outbox[0]?.key]);
    const events = await store.events(c.id);
    expect(events.filter((e) => e.kind === "team_mail")).toEqual([expect.objectContaining({ by: "maja" })]);
  });

  it("replaces a bounced address and sends the last mail again to the new one, in the thread, even after its body left Redis", async () => {
    const c = await caseWithFirstMail("ACT-410002");
    const sent = (await store.events(c.id)).find((e) => e.kind === "mail_out");
    const key = (sent?.data as { outbox: string }).outbox;
    await store.markFiled([key]);
    expect((await store.outboxEntry(key))?.text).toBe("");
    const bounced: Case = {
      ...c,
      participants: c.participants.map((p) => (p.role === "network_manager" ? { ...p, undeliverable: { at: NOW.toISOString(), diagnostic: "5.1.1 user unknown" } } : p)),
      flags: [{ id: "bounce:mid:x", code: "bounce", reason: "mail to nm@customer.example bounced: 5.1.1", at: NOW.toISOString(), mail: "mid:x" }],
    };
    expect(await store.commit({ before: c, case: bounced, events: [], outbox: [], messageIds: [], looseFlags: [] })).toBe("committed");

    const r = await speakCommand(deps, c.id, { kind: "replace_address", old: "nm@customer.example", email: "nina@customer.example", resend: true }, "maja");
    if (r.kind !== "ok") throw new Error(r.reason);
    expect(r.case.participants.find((p) => p.role === "network_manager")).toEqual({ email: "nina@customer.example", name: "Nina Manager", role: "network_manager" });
    expect(r.case.flags[0]?.resolved?.by).toBe("maja");
    const [resent] = r.outbox;
    expect(resent).toMatchObject({ kind: "stage_request", to: ["nina@customer.example"], inReplyTo: c.rootMessageId });
    expect(resent?.text).toContain("Hej Nina Manager!");
    expect(resent?.text).toContain(deps.compose.renderer.itemTitle("sv", "account.contacts"));
    expect((await store.searchPage(["email:nina@customer.example"], null, 5)).items.map((s) => s.id)).toEqual([c.id]);
  });

  it("keeps what a sent mail said after its body is filed, and erasing the recipient drops it with the body", async () => {
    const c = await caseWithFirstMail("ACT-410006");
    const key = ((await store.events(c.id)).find((e) => e.kind === "mail_out")?.data as { outbox: string }).outbox;
    await store.markFiled([key]);
    expect((await store.outboxEntry(key))?.content?.open).toEqual([{ id: "account.contacts" }]);
    expect((await store.eraseRecipient("nm@customer.example", () => "erased@erased.invalid")).rewritten).toBeGreaterThan(0);
    expect((await store.outboxEntry(key))?.content).toBeUndefined();
  });

  it("pauses the reminders until a date and records who did", async () => {
    const c = await caseWithFirstMail("ACT-410003");
    const r = await speakCommand(deps, c.id, { kind: "pause", until: "2026-12-21", why: "semester" }, "maja", newDraft());
    if (r.kind !== "ok") throw new Error(r.reason);
    expect((await store.getCase(c.id))?.reminderRestart).toMatchObject({ by: "maja", cause: "paused" });
    expect((await store.events(c.id)).at(-1)).toMatchObject({ kind: "reminder", by: "maja" });
  });

  it("shows a loose mail's text with the cases it may belong to, and rejects it with a reason, deleting nothing", async () => {
    await caseWithFirstMail("ACT-410004", { site: "Kvarngatan 12, Borås", macsShipped: ["00:1A:2B:3C:4D:77"] });
    await caseWithFirstMail("ACT-410005", { site: "Hamnvägen 3, Ystad", participants: [{ email: "olle@hamn.example", role: "network_manager" }] });
    const raw = Buffer.from(
      "From: Olle <olle@hamn.example>\r\nTo: desk@desk.test\r\nSubject: Laddarna på Kvarngatan\r\nMessage-ID: <loose-1@hamn.example>\r\n\r\nHej! Stationen med MAC 001a.2b3c.4d77 lyser rött.\r\n",
    );
    const { id: blob } = await blobs.put(raw);
    const flag = { id: "unmatched:mid:<loose-1@hamn.example>", code: "unmatched" as const, reason: "mail from olle@hamn.example: no case tag", at: NOW.toISOString(), mail: "mid:<loose-1@hamn.example>", blob };
    expect(await store.commit({ before: null, events: [], outbox: [], messageIds: [], looseFlags: [flag] })).toBe("committed");

    const view = await looseMailView({ store, readMail: (b) => parseMail(blobs.stream(b), { blobs }) }, flag.id);
    expect(view?.mail?.subject).toBe("Laddarna på Kvarngatan");
    expect(view?.mail?.text).toContain("lyser rött");
    const byCase = Object.fromEntries((view?.suggestions ?? []).map((s) => [s.caseId, s.why.join(" | ")]));
    expect(byCase["ACT-410004"]).toContain("MAC 00:1A:2B:3C:4D:77");
    expect(byCase["ACT-410004"]).toContain("Kvarngatan");
    expect(byCase["ACT-410005"]).toContain("olle@hamn.example is a participant");
    expect(view?.suggestions[0]?.caseId).toBe("ACT-410004");

    expect(await rejectLooseMail({ store, clock: deps.clock }, flag.id, " ", "maja")).toMatchObject({ kind: "refused", reason: "say why the mail is rejected" });
    expect(await rejectLooseMail({ store, clock: deps.clock }, flag.id, "felskickat, hör till support", "maja")).toEqual({ kind: "ok" });
    expect((await store.looseFlag(flag.id))?.resolved).toEqual({ by: "maja", at: NOW.toISOString(), how: "rejected: felskickat, hör till support" });
    expect(await blobs.has(blob)).toBe(true);
  });
});
