/**
 * Reply latency with OAuth2 on both sides against password login, in the same run (issue 17's figure:
 * within 10 %). Two desks, each a bot of its own in this process (runBot, as the end-to-end tests run
 * it): one on the project's Dovecot with a password and the local relay; one on a Dovecot whose only
 * login is `passdb oauth2` (tokens introspected at a loopback Entra-style token endpoint, msal-node's
 * client-credentials flow) and an XOAUTH2-only submission server. Replies go one at a time, to a fresh
 * case each, alternating between the desks; each is timed from the end of its IMAP APPEND to the
 * submission server accepting the answer. Tokens live 10 minutes, so the IMAP and SMTP sessions log in
 * with a token and then keep their connections, as they would in production.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImapFlow } from "imapflow";
import { simpleParser } from "mailparser";
import { openCaseCommand } from "../src/app/case-commands.js";
import { loadConfig } from "../src/config.js";
import { createMailUser, imapUrl, servicesDir, startLocalRelay, withImap } from "../src/demo/local-mail.js";
import type { Context } from "../src/main.js";
import { buildContext, caseCommandDeps, createLogger } from "../src/main.js";
import { credentialSource } from "../src/runtime/credentials.js";
import type { RunningBot } from "../src/runtime/run.js";
import { runBot } from "../src/runtime/run.js";
import { startOAuthMailDesk } from "../test/support/oauth-mail-desk.js";
import { deleteRedisPrefix, inProcessBotEnv, log, sleep, summary, until } from "./lib.js";
import { plainReply } from "../test/support/reply-mail.js";

/** Not the tests' OAuth Dovecots (31145, 31147): a bench may run beside them. */
const OAUTH_DOVECOT_PORT = 31148;
const SETTLE_MS = 600;

export interface OAuthFigures {
  n: number;
  oauth: { p50: number; p95: number; max: number };
  password: { p50: number; p95: number; max: number };
  /** oauth p95 / password p95. */
  p95_ratio: number;
}

interface Desk {
  name: "oauth" | "password";
  ctx: Context;
  bot: RunningBot;
  address: string;
  append(raw: string): Promise<void>;
  /** When the relay accepted a mail whose In-Reply-To (or, for a first mail, subject) matches. */
  accepted(match: (raw: string) => boolean): Promise<{ at: number; raw: string }>;
  latencies: number[];
}

export async function oauthPhase(n: number): Promise<OAuthFigures> {
  const cleanups: (() => Promise<void>)[] = [];
  try {
    // The password desk: the project's Dovecot and the local relay.
    const pwUser = await createMailUser("bench-pw-desk", { domain: "desk.bench" });
    cleanups.push(async () => {
      await rm(join(servicesDir(), "users.d", pwUser.user), { force: true });
      await rm(join(servicesDir(), "mail", pwUser.user), { recursive: true, force: true });
    });
    const relay = await startLocalRelay();
    cleanups.push(() => relay.close());
    const pwStorage = await mkdtemp(join(tmpdir(), "ab-bench-pw-"));
    cleanups.push(() => rm(pwStorage, { recursive: true, force: true }));
    const pwConfig = loadConfig({ ...inProcessBotEnv("pw", pwStorage), IMAP_URL: imapUrl(pwUser), SMTP_URL: relay.url, MAIL_FROM: `Aktiveringar <${pwUser.address}>` });
    const pwCtx = await buildContext(pwConfig, { log: createLogger("silent") });
    cleanups.push(() => pwCtx.close());
    cleanups.push(() => deleteRedisPrefix(pwCtx, pwConfig.REDIS_PREFIX));

    // The OAuth desk: token endpoint, oauth2-only Dovecot, XOAUTH2-only submission.
    const mailbox = "aktiveringar@oauth.bench";
    const app = { tenantId: "6e3f9a21-8b4c-4d2e-af70-1b2c3d4e5f60", clientId: "8d0e1f2a-bbbb-4ccc-8ddd-eeee00002222", clientSecret: "bench-secret-value", mailbox };
    const oauthDesk = await startOAuthMailDesk(app, { port: OAUTH_DOVECOT_PORT, tokenTtlSeconds: 600 });
    cleanups.push(() => oauthDesk.close());
    const { submission } = oauthDesk;
    const oaStorage = await mkdtemp(join(tmpdir(), "ab-bench-oauth-"));
    cleanups.push(() => rm(oaStorage, { recursive: true, force: true }));
    const oaConfig = loadConfig({ ...inProcessBotEnv("oauth", oaStorage), ...oauthDesk.env });
    const oaCtx = await buildContext(oaConfig, { log: createLogger("silent") });
    cleanups.push(() => oaCtx.close());
    cleanups.push(() => deleteRedisPrefix(oaCtx, oaConfig.REDIS_PREFIX));
    const appendSource = credentialSource(oaConfig);

    const pwBot = await runBot(pwCtx);
    cleanups.push(() => pwBot.stop());
    const oaBot = await runBot(oaCtx);
    cleanups.push(() => oaBot.stop());
    await until(() => pwBot.isWatching() && oaBot.isWatching(), 15_000, "both bots watching");

    const findAccepted = async (list: () => { at: number; raw: string }[], match: (raw: string) => boolean) => {
      let found: { at: number; raw: string } | undefined;
      await until(() => (found = list().find((m) => match(m.raw))) !== undefined, 20_000, "the mail at the relay");
      return found!;
    };
    const desks: Desk[] = [
      {
        name: "password",
        ctx: pwCtx,
        bot: pwBot,
        address: pwUser.address,
        append: (raw) => withImap(pwUser, async (c) => void (await c.append("INBOX", raw))),
        accepted: (match) =>
          findAccepted(() => relay.received.map((m) => ({ at: m.at, raw: m.raw.toString("utf8") })), match),
        latencies: [],
      },
      {
        name: "oauth",
        ctx: oaCtx,
        bot: oaBot,
        address: mailbox,
        async append(raw) {
          const c = await appendSource!.get();
          const client = new ImapFlow({ host: "127.0.0.1", port: OAUTH_DOVECOT_PORT, secure: false, auth: { user: mailbox, accessToken: "accessToken" in c ? c.accessToken : "" }, logger: false });
          await client.connect();
          try {
            await client.append("INBOX", raw);
          } finally {
            await client.logout().catch(() => client.close());
          }
        },
        accepted: (match) => findAccepted(() => submission.received, match),
        latencies: [],
      },
    ];

    log(`oauth: ${n} replies per desk, alternating oauth and password`);
    for (let i = 0; i < n; i++) {
      for (const desk of i % 2 === 0 ? desks : [...desks].reverse()) {
        const nm = `nm-${randomBytes(3).toString("hex")}@kund.bench`;
        const opened = await openCaseCommand(
          caseCommandDeps(desk.ctx),
          { site: "Storgatan 1, Malmö", stations: 2, macsShipped: [], installService: false, locale: "sv", nmEmail: nm, nmName: "Nina" },
          "bench",
        );
        if (opened.kind !== "ok") throw new Error(opened.reason);
        await desk.bot.dispatch(opened.case, opened.outbox.map((e) => e.key));
        const firstRaw = (await desk.accepted((raw) => raw.includes(`X-Activation-Case: ${opened.case.id}`) && !/^In-Reply-To:/im.test(raw))).raw;
        const first = await simpleParser(firstRaw);
        const replyId = `<bench-${randomBytes(6).toString("hex")}@kund.bench>`;
        const reply = plainReply({
          from: `Nina <${nm}>`,
          to: first.replyTo?.value[0]?.address ?? desk.address,
          subject: `Re: ${first.subject ?? ""}`,
          messageId: replyId,
          inReplyTo: first.messageId ?? "",
          date: new Date().toUTCString(),
          text: "Organisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.",
        });
        await desk.append(reply);
        const arrival = Date.now();
        const answer = await desk.accepted((raw) => raw.includes(replyId) && /^In-Reply-To:/im.test(raw));
        desk.latencies.push(answer.at - arrival);
        await sleep(SETTLE_MS);
      }
    }
    const [pw, oa] = [summary(desks[0]!.latencies), summary(desks[1]!.latencies)];
    const out = { n, oauth: oa, password: pw, p95_ratio: Math.round((oa.p95 / pw.p95) * 100) / 100 };
    log(`oauth: ${JSON.stringify(out)}`);
    return out;
  } finally {
    for (const c of cleanups.reverse()) await c().catch((err: unknown) => log(`oauth cleanup: ${err instanceof Error ? err.message : String(err)}`));
  }
}
