#!/usr/bin/env node
/**
 * `activation-bot` (SPEC §6). Reads print text, or JSON with `--json`. Configuration comes from the
 * environment (see README); a bad or missing variable is named in the error.
 */
import { Command, Option } from "commander";
import { RulesError } from "../adapters/files/rules-error.js";
import { FolderError } from "../adapters/imap/folders.js";
import { ImapLoginError } from "../adapters/imap/login-error.js";
import { TlsTrustError } from "../adapters/tls/tls-trust.js";
import { ConfigError, loadConfig } from "../config.js";
import { registerCaseCommands } from "./case-commands.js";
import { registerSpeakCommands } from "./speak-commands.js";
import { UsageError } from "./usage-error.js";

// What is imported above is what every command needs to be declared and to report its errors. Each
// command loads its own modules when it runs (`await import`): `cases list` must not load sharp,
// mailparser, imapflow, fastify or bullmq (issue 19), and `run` loads them all anyway.

const program = new Command("activation-bot")
  .description("Email-driven activation bot for an EV-charger commissioning desk")
  .showHelpAfterError();

program
  .command("run")
  .description("watch the mailbox (IMAP IDLE), process mail, send the outbox, serve the review UI")
  .option("--workers-only", "only take ingest and outbox jobs: no watcher, no HTTP (started by WORKER_PROCESSES)")
  .option("--outbox-only", "only send the outbox: no watcher, no HTTP, no mail taken (started by OUTBOX_PROCESS)")
  .option("--fresh", "begin a new store although the mailbox has history (after a lost store; case numbers continue after the mailbox's highest)")
  .action(async (opts: { workersOnly?: boolean; outboxOnly?: boolean; fresh?: boolean }) => {
    const { runCommand } = await import("./run-command.js");
    await runCommand(opts);
  });

registerCaseCommands(program);
registerSpeakCommands(program);

program
  .command("inspect")
  .description("show what the bot reads from one mail, without acting")
  .argument("<file>", "an .eml file")
  .option("--case <id>", "judge it in the context of this case")
  .option("--json", "print JSON")
  .action(async (file: string, opts: { case?: string; json?: boolean }) => {
    const { inspectCommand } = await import("./inspect.js");
    await inspectCommand(file, opts);
  });

const rules = program.command("rules").description("the process rules under rules/");
rules
  .command("check")
  .argument("[dir]", "rules folder", undefined)
  .option("--json", "print JSON")
  .description("validate a rules folder without starting anything")
  .action(async (dir: string | undefined, opts: { json?: boolean }) => {
    const target = dir ?? loadConfig().RULES_DIR;
    const { loadRules } = await import("../adapters/files/load-rules.js");
    try {
      const r = await loadRules(target);
      const summary = { ok: true, dir: target, version: r.version, stages: r.stages.length, items: r.stages.flatMap((s) => s.items).length, forms: r.forms.forms.map((f) => f.id) };
      console.log(opts.json ? JSON.stringify(summary) : `rules ${r.version} in ${target}: ok (${summary.stages} stages, ${summary.items} checklist items, forms ${summary.forms.join(", ")})`);
    } catch (err) {
      if (!(err instanceof RulesError)) throw err;
      console.log(opts.json ? JSON.stringify({ ok: false, dir: target, problems: err.problems }) : err.message);
      process.exitCode = 1;
    }
  });

program
  .command("demo")
  .description("run the whole process on a local Dovecot and Redis, printing the thread as it happens")
  .addOption(new Option("--keep", "leave the demo services and data in place afterwards"))
  .action(async (opts: { keep?: boolean }) => {
    // Loaded only for the demo: `run` should not carry the demo's SMTP relay and actors.
    const { runDemo } = await import("../demo/demo.js");
    await runDemo({ keep: opts.keep ?? false });
  });

program
  .command("ui-user")
  .description("print a team member's line for UI_USERS_FILE (the review UI's own logins); the password is asked for, or read from a pipe")
  .argument("<name>", "the login name, shown in the case timeline as who acted")
  .action(async (name: string) => {
    const { uiUserCommand } = await import("./ui-user.js");
    await uiUserCommand(name);
  });

const mailbox = program.command("mailbox").description("the desk's mailbox");
mailbox
  .command("check")
  .description("log in as `run` would and check the server, folders, SMTP login (and with --send-test, a mail through the whole path)")
  .option("--send-test <address>", "send a test mail to this address and file it in the Sent folder")
  .option("--json", "print JSON")
  .action(async (opts: { sendTest?: string; json?: boolean }) => {
    const { mailboxCheckCommand } = await import("./mailbox-check.js");
    await mailboxCheckCommand(opts);
  });

program
  .command("rebuild")
  .description("restore a lost store from the mailbox (Sent, Processed, INBOX): cases, threads, stages as far as the mail shows; answers found in Sent are not sent again")
  .option("--json", "print JSON")
  .action(async (opts: { json?: boolean }) => {
    const { rebuildCommand } = await import("./rebuild.js");
    await rebuildCommand(opts);
  });

program
  .command("replay")
  .description("move quarantined mail back to the inbox so it is processed again")
  .action(async () => {
    const { replayQuarantine } = await import("./replay.js");
    await replayQuarantine();
  });

program.parseAsync().catch((err: unknown) => {
  if (err instanceof ConfigError || err instanceof RulesError || err instanceof UsageError) {
    console.error(err.message);
    process.exit(2);
  }
  // A mailbox an operator must fix (a folder the server refuses, a certificate not trusted, a login
  // refused): one line, no stack.
  if (err instanceof FolderError || err instanceof TlsTrustError || err instanceof ImapLoginError) {
    console.error(err.message);
    process.exit(1);
  }
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
