/**
 * `activation-bot rebuild`: restores a lost store from the mailbox (app/rebuild-store.ts). Refused on
 * a store in use (it has its epoch marker); a rebuild that stopped half-way can be run again. At the
 * end the store is begun (epoch marker), case numbers continue above the mailbox's highest, each
 * rebuilt case's timeline says what was restored, and its reminders and answers still due are queued
 * for the bot. Run it with the bot stopped.
 */
import { MailboxArchive } from "../adapters/imap/mailbox-archive.js";
import { StoreEpoch } from "../adapters/redis/store-epoch.js";
import { teamCommand } from "../app/case-commands.js";
import type { RebuildReport } from "../app/rebuild-store.js";
import { rebuildStore } from "../app/rebuild-store.js";
import { MAX_NOTE_CHARS } from "../core/case/team-actions.js";
import { requireConfig } from "../config.js";
import { caseCommandDeps, processMailDeps } from "../main.js";
import { credentialSource } from "../runtime/credentials.js";
import { folderNames, imapTls } from "../runtime/mail-settings.js";
import { StoreRefusal, storeWhere } from "../runtime/store-guard.js";
import { print, withContext } from "./context.js";

export async function rebuildCommand(opts: { json?: boolean }): Promise<void> {
  await withContext(async (ctx) => {
    const config = requireConfig(ctx.config, ["IMAP_URL"]);
    const epoch = new StoreEpoch(ctx.redis, config.REDIS_PREFIX);
    const marker = await epoch.read();
    if (marker !== null) {
      throw new StoreRefusal(
        `store_in_use: the store at ${storeWhere(config)} is in use (epoch ${marker}): rebuild only restores a lost store. ` +
          `Point REDIS_URL/REDIS_PREFIX at the empty store to rebuild into.`,
      );
    }
    const archive = await MailboxArchive.open({
      url: config.IMAP_URL,
      mailbox: config.IMAP_MAILBOX,
      folders: folderNames(config),
      tls: imapTls(config),
      credentials: credentialSource(config),
    });
    let report: RebuildReport;
    try {
      const mail = processMailDeps(ctx);
      report = await rebuildStore({
        store: ctx.store,
        rules: ctx.rules,
        compose: ctx.compose,
        blobs: ctx.blobs,
        mailDeps: (at) => ({ ...mail, clock: { now: () => at } }),
        mailbox: archive,
        now: () => ctx.clock.now(),
      });
    } finally {
      await archive.close();
    }
    await epoch.begin();
    const seq = await epoch.raiseCaseFloor(report.highestCaseNumber);
    const deps = caseCommandDeps(ctx);
    for (const c of report.cases) {
      const text =
        `Rebuilt from the mailbox: ${c.mails} mails handled again, ${c.sentFound} answers found in the Sent folder` +
        (c.pending.length ? `, ${c.pending.length} still to send (answers to mail in the inbox)` : "") +
        (c.withdrawn.length ? `, ${c.withdrawn.length} withdrawn, not sent (the Sent folder does not show them; the mail they answer was handled before the loss): ${c.withdrawn.join(", ")}` : "") +
        (c.stageInSent ? `. The Sent folder shows the case in stage ${c.stageInSent}; its mail reaches ${c.stage}: team steps and overrides are not in the mailbox, take them up again` : "") +
        ".";
      const noted = await teamCommand(deps, c.id, { kind: "note", text: text.slice(0, MAX_NOTE_CHARS) }, "rebuild");
      const now = noted.kind === "ok" ? noted.case : await ctx.store.getCase(c.id);
      if (now) await ctx.dispatch(now, c.pending);
    }
    print(opts.json, { ...report, caseCounter: seq }, () =>
      [
        `${report.cases.length} cases rebuilt from ${report.sentMails} mails in Sent and ${report.mails.handled} received (${report.mails.toCases} to cases, ${report.mails.loose} flagged or ignored without a case)`,
        ...report.cases.map(
          (c) =>
            `${c.id}  ${c.stage.padEnd(21)} ${c.mails} mails, ${c.sentFound} found in Sent` +
            (c.pending.length ? `, ${c.pending.length} to send` : "") +
            (c.withdrawn.length ? `, ${c.withdrawn.length} withdrawn` : "") +
            (c.stageInSent ? `  [Sent shows ${c.stageInSent}]` : ""),
        ),
        ...(report.withoutRecord.length ? [`not rebuilt (no case record in their Sent copies): ${report.withoutRecord.join(", ")}; their mail is flagged unmatched`] : []),
        `new case numbers continue after ${report.highestCaseNumber}`,
      ].join("\n"),
    );
  });
}
