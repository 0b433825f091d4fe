/**
 * The team speaks in the thread from the command line, as from the desk (app/desk-speech.ts):
 * `case replace-address`, `case pause-reminders`, `case remind`, `case message`, `case release`, and
 * `flags reject`. `case remind` and `case message` print the mail without sending it with `--preview`.
 */
import type { Command } from "commander";
import type { TeamMail } from "../core/case/team-mail.js";
import { UsageError } from "./usage-error.js";
import type { CliContext } from "./context.js";
import { print, withContext } from "./context.js";

type Opts = Record<string, string | boolean | undefined>;

/** The desk's speech over the context; its modules are loaded when a command runs, not when the CLI starts. */
async function speechOf(ctx: CliContext) {
  const [{ deskSpeech }, { caseCommandDeps }] = await Promise.all([import("../app/desk-speech.js"), import("../main.js")]);
  const deps = caseCommandDeps(ctx);
  if (!deps.mail) throw new UsageError("the mail pipeline is not configured");
  return deskSpeech({ ...deps, mail: deps.mail }, (c, keys) => ctx.dispatch(c, keys));
}

const who = (o: Opts): string => String(o.by ?? process.env.USER ?? "cli");

export function registerSpeakCommands(program: Command): void {
  const kase = program.commands.find((c) => c.name() === "case");
  const flags = program.commands.find((c) => c.name() === "flags");
  if (!kase || !flags) throw new Error("register the case commands first");

  kase
    .command("replace-address")
    .description("replace a participant's address (it bounced, the person changed) and send the last mail to the old one again to the new one")
    .argument("<id>", "case id")
    .argument("<old>", "the address to replace")
    .argument("<new>", "the new address")
    .option("--name <name>", "the person's name, when it changes too")
    .option("--no-resend", "replace only; send nothing")
    .option("--by <name>", "who")
    .option("--json", "print JSON")
    .action(async (id: string, old: string, email: string, o: Opts) => {
      await withContext(async (ctx) => {
        const r = await (await speechOf(ctx)).command(id.toUpperCase(), { kind: "replace_address", old, email, ...(typeof o.name === "string" ? { name: o.name } : {}), resend: o.resend !== false }, who(o));
        if (r.kind === "refused") throw new UsageError(r.reason);
        print(!!o.json, { case: r.case.id, outbox: r.outbox.map((e) => ({ key: e.key, to: e.to, subject: e.subject })) }, () =>
          `${r.case.id}: ${old} replaced by ${email.toLowerCase()}${r.outbox.length ? `; the last mail sent again (${r.outbox.map((e) => e.kind).join(", ")})` : ""}`,
        );
      });
    });

  kase
    .command("pause-reminders")
    .description("no reminder before a date; the reminder plan starts again that day")
    .argument("<id>", "case id")
    .requiredOption("--until <date>", "YYYY-MM-DD, the desk's date")
    .option("--reason <why>", "for the timeline")
    .option("--by <name>", "who")
    .option("--json", "print JSON")
    .action(async (id: string, o: Opts) => {
      await withContext(async (ctx) => {
        const r = await (await speechOf(ctx)).command(id.toUpperCase(), { kind: "pause", until: String(o.until), why: String(o.reason ?? "") }, who(o));
        if (r.kind === "refused") throw new UsageError(r.reason);
        print(!!o.json, { case: r.case.id, reminderRestart: r.case.reminderRestart }, () => `${r.case.id}: reminders paused until ${String(o.until)}`);
      });
    });

  const mailCommand = (name: string, desc: string, build: (o: Opts) => TeamMail, extra: (c: Command) => Command) =>
    extra(kase.command(name).description(desc).argument("<id>", "case id").option("--preview", "print the mail; send nothing").option("--by <name>", "who").option("--json", "print JSON")).action(
      async (id: string, o: Opts) => {
        await withContext(async (ctx) => {
          const speech = await speechOf(ctx);
          const mail = build(o);
          if (o.preview) {
            const p = await speech.preview(id.toUpperCase(), mail, who(o));
            if (p.kind === "refused") throw new UsageError(p.reason);
            print(!!o.json, p, () => p.mails.map((m) => `To: ${m.to.join(", ")}\nSubject: ${m.subject}\n\n${m.text}`).join("\n\n"));
            return;
          }
          const r = await speech.command(id.toUpperCase(), { kind: "mail", mail }, who(o));
          if (r.kind === "refused") throw new UsageError(r.reason);
          print(!!o.json, { case: r.case.id, outbox: r.outbox.map((e) => ({ key: e.key, to: e.to, subject: e.subject })) }, () => `${r.case.id}: ${r.outbox.map((e) => `${e.kind} to ${e.to.join(", ")}`).join("; ")}`);
        });
      },
    );
  mailCommand("remind", "send the stage's reminder now; the bot's own reminders count from now", (o) => ({ kind: "remind", note: String(o.note ?? "") }), (c) => c.option("--note <text>", "a line for the reminder"));
  mailCommand(
    "message",
    "a line of your own to participants, in the thread, in the case's language",
    (o) => ({ kind: "message", to: String(o.to ?? "").split(",").map((a) => a.trim()).filter(Boolean), text: String(o.text ?? "") }),
    (c) => c.requiredOption("--to <addresses>", "participants, comma-separated").requiredOption("--text <text>", "the message"),
  );

  kase
    .command("release")
    .description("release a mail held for a DMARC failure (auth_failed) after checking the sender: it is processed as theirs")
    .argument("<id>", "case id")
    .argument("<flag>", "the auth_failed flag id")
    .option("--by <name>", "who")
    .action(async (id: string, flag: string, o: Opts) => {
      await withContext(async (ctx) => {
        const r = await (await speechOf(ctx)).release(id.toUpperCase(), flag, who(o));
        if (r.kind === "refused") throw new UsageError(r.reason);
        console.log(`${id.toUpperCase()}: ${flag} released`);
      });
    });

  flags
    .command("reject")
    .argument("<flag>", "flag id of a mail tied to no case")
    .requiredOption("--reason <why>", "why it is rejected (the mail stays in the mailbox)")
    .option("--by <name>", "who")
    .action(async (flag: string, o: Opts) => {
      await withContext(async (ctx) => {
        const r = await (await speechOf(ctx)).rejectLoose(flag, String(o.reason ?? ""), who(o));
        if (r.kind === "refused") throw new UsageError(r.reason);
        console.log(`${flag}: rejected`);
      });
    });
}
