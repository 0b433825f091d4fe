/**
 * One bot on the real servers for an end-to-end test: a fresh Dovecot user as the desk's mailbox, a
 * random Redis prefix, the local SMTP relay, and actors with mailboxes of their own.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { CommandResult } from "../../src/app/case-commands.js";
import { openCaseCommand } from "../../src/app/case-commands.js";
import { loadConfig } from "../../src/config.js";
import type { OpenCaseRequest } from "../../src/core/case/open-case.js";
import { MailActor } from "../../src/demo/actor.js";
import type { LocalRelay, MailServer, MailUser } from "../../src/demo/local-mail.js";
import { createMailUser, imapUrl, startLocalRelay } from "../../src/demo/local-mail.js";
import type { Context } from "../../src/main.js";
import { buildContext, caseCommandDeps, createLogger } from "../../src/main.js";
import type { RunningBot } from "../../src/runtime/run.js";
import { runBot } from "../../src/runtime/run.js";
import type { Clock } from "../../src/app/ports.js";

export interface Harness {
  desk: MailUser;
  relay: LocalRelay;
  ctx: Context;
  /** The environment the bot's config was loaded from: a `run` process of its own gets the same desk. */
  env: Record<string, string>;
  bot: RunningBot;
  actor(role: string, name: string): Promise<MailActor>;
  openCase(req: Partial<OpenCaseRequest> & { nmEmail: string }): Promise<Extract<CommandResult, { kind: "ok" }>>;
  restart(): Promise<void>;
  stopBot(): Promise<void>;
  startBot(): Promise<void>;
  close(): Promise<void>;
}

/** `server`: the desk's mailbox on another Dovecot (local-mail.ts otherServer()); actors stay on the project's. */
export async function startHarness(name: string, opts: { env?: Record<string, string>; clock?: Clock; server?: MailServer } = {}): Promise<Harness> {
  const desk = await createMailUser(`desk-${name}`, { domain: "desk.test", ...(opts.server ? { server: opts.server } : {}) });
  const relay = await startLocalRelay();
  relay.addMailbox(desk);
  const storage = await mkdtemp(join(tmpdir(), `ab-${name}-`));
  const env: Record<string, string> = {
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_PREFIX: `t:${name}:${randomBytes(4).toString("hex")}:`,
    IMAP_URL: imapUrl(desk),
    SMTP_URL: relay.url,
    MAIL_FROM: `Aktiveringar <${desk.address}>`,
    TAG_SECRET: randomBytes(16).toString("hex"),
    STORAGE_DIR: storage,
    HTTP_PORT: "0",
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ...opts.env,
  };
  const config = loadConfig(env);
  const log = createLogger(config.LOG_LEVEL);
  const ctx = await buildContext(config, { log, ...(opts.clock ? { clock: opts.clock } : {}) });
  let bot = await runBot(ctx);
  const actors: MailActor[] = [];
  const h: Harness = {
    desk,
    relay,
    ctx,
    env,
    get bot() {
      return bot;
    },
    async actor(role, personName) {
      const a = new MailActor(await createMailUser(`${role}-${name}`), personName, relay);
      actors.push(a);
      return a;
    },
    async openCase(req) {
      const result = await openCaseCommand(
        caseCommandDeps(ctx),
        { site: "Storgatan 1, Malmö", stations: 2, macsShipped: [], installService: false, locale: "sv", ...req },
        "test",
      );
      if (result.kind !== "ok") throw new Error(result.reason);
      await bot.dispatch(result.case, result.outbox.map((e) => e.key));
      return result;
    },
    async stopBot() {
      await bot.stop();
    },
    async startBot() {
      bot = await runBot(ctx);
    },
    async restart() {
      await bot.stop();
      bot = await runBot(ctx);
    },
    async close() {
      await bot.stop();
      actors.forEach((a) => a.close());
      await relay.settled();
      await relay.close();
      await ctx.close();
      await rm(storage, { recursive: true, force: true });
    },
  };
  return h;
}

/** Polls until `fn` returns a value (not undefined/false), or fails after the timeout. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 15_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
