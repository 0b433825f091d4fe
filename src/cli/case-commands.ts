/** `case open|show|override|confirm|send-back|activate|close|reopen|assign|resolve-flag` and `cases list` (SPEC §6). */
import type { Command } from "commander";
import { Option } from "commander";
import type { CommandResult, TeamCommand } from "../app/case-commands.js";
import type { LooseFlagAction } from "../app/process-mail.js";
import { listCases, MAX_PAGE_SIZE } from "../app/list-cases.js";
import { searchCases } from "../app/search-cases.js";
import { LOCALES, STAGES } from "../core/types.js";
import type { CaseEdit } from "../core/case/edit-case.js";
import { PARTICIPANT_ROLES, splitMacs } from "../core/case/case-fields.js";
import type { Locale } from "../core/types.js";
import type { CliContext } from "./context.js";
import { print, withContext, withStore } from "./context.js";
import { caseText, flagText } from "./format.js";
import { UsageError } from "./usage-error.js";
import { withoutWords } from "../core/words/words.js";

// Only `cases list` is imported above (with the option lists): each command that changes or shows a
// case loads its use case and the composition root when it runs (`await import`), so that the list
// starts without them (issue 19: ≤ 1 s at 100 000 cases, most of it was module loading).

export function registerCaseCommands(program: Command): void {
  const kase = program.command("case").description("one case");

  kase
    .command("open")
    .description("open a case and send the first activation mail; prints the case id")
    .requiredOption("--site <site>", "site name and address")
    .requiredOption("--nm-email <address>", "network manager's e-mail")
    .option("--nm-name <name>", "network manager's name")
    .option("--installer-email <address>", "installer (O&M partner) e-mail")
    .option("--installer-name <name>", "installer's name")
    .option("--contractor-email <address>", "contractor (site preparation) e-mail")
    .option("--contractor-name <name>", "contractor's name")
    .option("--stations <n>", "number of stations", "1")
    .option("--macs <list>", "MAC addresses shipped, comma-separated", "")
    .option("--install-service", "installation service / CPaaS bought from the vendor (adds site preparation)")
    .option("--make <make>", "the stations' make (rules/makes.yaml, e.g. alpitronic): a third-party make adds its own items")
    .addOption(new Option("--locale <locale>", "language of the case").choices([...LOCALES]).default("sv"))
    .option("--json", "print JSON")
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const stations = Number(o.stations);
      if (!Number.isInteger(stations) || stations < 1 || stations > 500) throw new UsageError("--stations must be a whole number from 1 to 500");
      const email = /^[^@\s]+@[^@\s]+$/;
      for (const k of ["nmEmail", "installerEmail", "contractorEmail"] as const) {
        if (typeof o[k] === "string" && !email.test(o[k])) throw new UsageError(`--${k.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}: not an e-mail address: ${o[k]}`);
      }
      const [{ openCaseCommand }, { caseCommandDeps }, { StoreEpoch }, { requireBegunStore, storeWhere }] = await Promise.all([
        import("../app/case-commands.js"),
        import("../main.js"),
        import("../adapters/redis/store-epoch.js"),
        import("../runtime/store-guard.js"),
      ]);
      await withContext(async (ctx) => {
        // A store that lost the desk's state would hand out case numbers and Message-IDs again.
        await requireBegunStore(new StoreEpoch(ctx.redis, ctx.config.REDIS_PREFIX), storeWhere(ctx.config));
        const result = await openCaseCommand(
          caseCommandDeps(ctx),
          {
            site: String(o.site),
            nmEmail: String(o.nmEmail),
            ...(typeof o.nmName === "string" ? { nmName: o.nmName } : {}),
            ...(typeof o.installerEmail === "string" ? { installerEmail: o.installerEmail } : {}),
            ...(typeof o.installerName === "string" ? { installerName: o.installerName } : {}),
            ...(typeof o.contractorEmail === "string" ? { contractorEmail: o.contractorEmail } : {}),
            ...(typeof o.contractorName === "string" ? { contractorName: o.contractorName } : {}),
            stations,
            macsShipped: String(o.macs ?? "").split(",").map((m) => m.trim()).filter(Boolean),
            installService: o.installService === true,
            locale: o.locale as Locale,
            ...(typeof o.make === "string" ? { make: o.make } : {}),
          },
          process.env.USER ?? "cli",
        );
        await finish(ctx, result, !!o.json, (r) => r.case.id);
      });
    });

  kase
    .command("show")
    .argument("<id>", "case id, ACT-nnnnnn")
    .option("--json", "print JSON")
    .description("stage, checklist and timeline of a case")
    .action(async (id: string, o: { json?: boolean }) => {
      const { evaluateChecklist } = await import("../core/case/checklist.js");
      await withContext(async (ctx) => {
        const hot = await ctx.store.getCase(id);
        // An archived case is shown from its record, marked so (`case reopen` brings it back).
        const archived = hot ? null : await ctx.store.archivedCase(id);
        const c = hot ?? archived?.record.case;
        if (!c) throw new UsageError(`no case ${id}`);
        const checklist = evaluateChecklist(c, ctx.rules);
        const events = archived ? archived.record.events : await ctx.store.events(c.id);
        const mark = archived ? { archivedAt: archived.record.archivedAt, ...(archived.record.blobsDeletedAt ? { blobsDeletedAt: archived.record.blobsDeletedAt } : {}) } : {};
        // JSON in English, as the API: the desk's words left out (a flag's, an event's, a failed item's).
        const english = {
          case: { ...c, flags: c.flags.map((f) => withoutWords(f.resolved ? { ...f, resolved: withoutWords(f.resolved) } : f)) },
          checklist: { ...checklist, items: checklist.items.map((i) => (i.state.status === "failed" ? { ...i, state: withoutWords(i.state) } : i)) },
          events: events.map(withoutWords),
        };
        print(o.json, { ...english, ...mark }, () =>
          [...(archived ? [`ARCHIVED ${archived.record.archivedAt} (read-only; activation-bot case reopen ${c.id})`] : []), caseText(c, checklist, events, (i) => ctx.renderer.itemTitle(c.locale, i))].join("\n"),
        );
      });
    });

  const team = (name: string, desc: string, build: (args: string[], o: Record<string, string | boolean | undefined>) => TeamCommand, extra: (c: Command) => Command) => {
    const cmd = kase.command(name).description(desc).argument("<id>", "case id").option("--json", "print JSON");
    extra(cmd).action(async (...args: unknown[]) => {
      const cmdObj = args[args.length - 1] as Command;
      const o = cmdObj.opts<Record<string, string | boolean | undefined>>();
      const positional = args.slice(0, -2).map(String);
      const [{ teamCommand }, { caseCommandDeps }] = await Promise.all([import("../app/case-commands.js"), import("../main.js")]);
      await withContext(async (ctx) => {
        const [id, ...rest] = positional;
        const command = build(rest, o);
        const result = await teamCommand(caseCommandDeps(ctx), id ?? "", command, String(o.by ?? process.env.USER ?? "cli"));
        // The core says "anyway" in words; on the command line "anyway" is the --force flag.
        const forceable = result.kind === "refused" && command.kind === "action" && !command.force && result.reason.includes("anyway");
        await finish(ctx, forceable ? { ...result, reason: `${result.reason} (--force)` } : result, !!o.json, (r) => `${r.case.id}: stage ${r.case.stage}`);
      });
    });
  };
  team(
    "override",
    "mark a checklist item as overridden (by whom, why)",
    ([item], o) => ({ kind: "override", item: item ?? "", why: String(o.reason ?? "") }),
    (c) => c.argument("<item>", "checklist item id").requiredOption("--reason <why>", "why").option("--by <name>", "who"),
  );
  team(
    "confirm",
    "confirm a team step of the case's stage (account.verified, site.confirmed): the case may go on",
    ([item]) => ({ kind: "team_step", item: item ?? "", verdict: { kind: "confirm" } }),
    (c) => c.argument("<item>", "team step id").option("--by <name>", "who"),
  );
  team(
    "send-back",
    "send a team step back: the reason is mailed to the stage's participant, the case stays",
    ([item], o) => ({ kind: "team_step", item: item ?? "", verdict: { kind: "send_back", reason: String(o.reason ?? "") } }),
    (c) => c.argument("<item>", "team step id").requiredOption("--reason <why>", "what is needed, in words for the mail").option("--by <name>", "who"),
  );
  team(
    "activate",
    "mark the stations activated",
    (_a, o) => ({ kind: "action", action: "activate", why: String(o.reason ?? "stations activated"), force: !!o.force }),
    (c) => c.option("--reason <why>", "note").option("--force", "activate before ready_for_activation").option("--by <name>", "who"),
  );
  team(
    "close",
    "close the case",
    (_a, o) => ({ kind: "action", action: "close", why: String(o.reason ?? "closed"), force: !!o.force }),
    (c) => c.option("--reason <why>", "note").option("--force", "close before activated").option("--by <name>", "who"),
  );
  team(
    "resolve-flag",
    "resolve a flag of the case",
    ([flag], o) => ({ kind: "resolve_flag", flag: flag ?? "", how: String(o.how ?? "") }),
    (c) => c.argument("<flag>", "flag id").requiredOption("--how <text>", "how it was resolved").option("--by <name>", "who"),
  );

  team(
    "assign",
    "assign the case to a team member (--to NAME, or --none to unassign); recorded with who assigned",
    (_a, o) => (o.none ? { kind: "assign", owner: null } : typeof o.to === "string" ? { kind: "assign", owner: o.to } : { kind: "assign", owner: null, toSelf: true }),
    (c) => c.option("--to <name>", "the team member (default: --by, i.e. yourself)").option("--none", "unassign").option("--by <name>", "who"),
  );
  team(
    "reopen",
    "reopen a closed case in the stage it was closed from (an archived case is restored to the hot store first)",
    (_a, o) => ({ kind: "reopen", why: String(o.reason ?? o.why ?? "") }),
    (c) => c.requiredOption("--reason <why>", "why it is reopened (in the timeline)").option("--by <name>", "who"),
  );

  team(
    "edit",
    "change the case's facts (site, stations, MACs shipped, install service, language, participants); the checklist is evaluated again",
    (_a, o) => ({ kind: "edit", edit: editOf(o), resend: o.resend === true }),
    (c) =>
      c
        .option("--site <site>", "site name and address")
        .option("--stations <n>", "number of stations")
        .option("--macs <list>", "MAC addresses shipped, comma-separated: the whole list as it should be")
        .option("--add-macs <list>", "MAC addresses shipped to add to the list, comma-separated")
        .addOption(new Option("--install-service <bought>", "installation service bought").choices(["yes", "no"]))
        .addOption(new Option("--locale <locale>", "language of the case").choices([...LOCALES]))
        .option("--participant <old=new>", "a participant's new address (repeatable)", collect, [])
        .option("--name <email=name>", "a participant's name (empty: none) (repeatable)", collect, [])
        .option("--add <email>", "add a participant (repeatable)", collect, [])
        .addOption(new Option("--add-role <role>", "role of those added").choices(PARTICIPANT_ROLES as string[]).default("team_added"))
        .option("--add-name <name>", "name of the one added")
        .option("--resend", "send the case's last mail again to those added")
        .option("--by <name>", "who"),
  );
  team(
    "accept-sender",
    "accept the mail held for an unknown sender: the sender joins the case and the mail is processed",
    ([flag]) => ({ kind: "accept_sender", flag: flag ?? "" }),
    (c) => c.argument("<flag>", "the unknown_sender flag id").option("--by <name>", "who"),
  );

  const flags = program.command("flags").description("flags tied to no case (unmatched, ambiguous, quarantined mail)");
  const settle = async (flagId: string, action: LooseFlagAction, o: { by?: string; json?: boolean }) => {
    const [{ settleLooseFlag }, { caseCommandDeps }] = await Promise.all([import("../app/process-mail.js"), import("../main.js")]);
    await withContext(async (ctx) => {
      const deps = caseCommandDeps(ctx).mail;
      if (!deps) throw new UsageError("the mail pipeline is not configured");
      const r = await settleLooseFlag(deps, flagId, action, o.by ?? process.env.USER ?? "cli");
      if (r.kind === "refused") throw new UsageError(r.reason);
      if (r.outcome?.kind === "case") await ctx.dispatch(r.outcome.decision.case, r.outcome.outbox.map((e) => e.key));
      print(o.json, { ok: true, flag: flagId, outcome: r.outcome?.kind ?? "resolved" }, () => `${flagId}: ${r.outcome ? `mail processed for ${action.kind === "assign" ? action.caseId : ""}` : "resolved"}`);
    });
  };
  flags
    .command("resolve")
    .argument("<flag>", "flag id (cases list --flagged shows them)")
    .requiredOption("--how <text>", "how it was resolved")
    .option("--by <name>", "who")
    .option("--json", "print JSON")
    .action((flag: string, o: { how: string; by?: string; json?: boolean }) => settle(flag, { kind: "resolve", how: o.how }, o));
  flags
    .command("assign")
    .argument("<flag>", "flag id of an unmatched or ambiguous mail")
    .requiredOption("--case <id>", "the case the mail belongs to")
    .option("--by <name>", "who")
    .option("--json", "print JSON")
    .action((flag: string, o: { case: string; by?: string; json?: boolean }) => settle(flag, { kind: "assign", caseId: o.case }, o));

  const cases = program.command("cases").description("cases, a page at a time, newest first");
  cases
    .command("list")
    .option("--flagged", "only flagged cases and mail tied to no case")
    .option("--stage <stage>", "only cases in this stage")
    .option("--search <words>", "cases matching a case id, site or name words, MAC, e-mail address or Message-ID")
    .option("--limit <n>", "cases per page", (v) => Number(v))
    .option("--cursor <cursor>", "the next page: the cursor a previous page printed")
    .option("--json", "print JSON")
    .action(async (o: { flagged?: boolean; stage?: string; search?: string; limit?: number; cursor?: string; json?: boolean }) => {
      const stage = o.stage === undefined ? undefined : STAGES.find((s) => s === o.stage);
      if (o.stage !== undefined && !stage) throw new UsageError(`--stage: one of ${STAGES.join(", ")}`);
      if ([o.flagged, stage, o.search].filter((x) => x !== undefined).length > 1) throw new UsageError("give one of --flagged, --stage or --search");
      await withStore(async (store) => {
        const page = { limit: o.limit, cursor: o.cursor };
        const r =
          o.search !== undefined
            ? await searchCases(store, o.search, page)
            : await listCases(store, o.flagged ? { kind: "flagged" } : stage ? { kind: "stage", stage } : { kind: "all" }, page);
        if (r.kind === "invalid") throw new UsageError(r.message);
        // The CLI speaks English: a flag's `reason`, without the desk's words.
        const loose = o.flagged && !o.cursor ? (await store.openLooseFlags(MAX_PAGE_SIZE)).flags.map(withoutWords) : [];
        const rows = r.page.items.map((c) => ({ id: c.id, site: c.site, stage: c.stage, flags: c.flags.map(withoutWords), ...(c.archivedAt ? { archivedAt: c.archivedAt } : {}) }));
        print(o.json, { cases: rows, cursor: r.page.cursor, ...(o.flagged ? { unmatched: loose } : {}) }, () =>
          [
            ...rows.map((c) => `${c.id}  ${c.stage.padEnd(21)} ${c.site}${c.flags.length ? `  [flagged: ${c.flags.map((f) => f.code).join(", ")}]` : ""}${c.archivedAt ? "  [archived]" : ""}`),
            ...loose.map((f) => `(no case)  flagged ${flagText(f)}`),
            ...(r.page.cursor ? [`(more: --cursor ${r.page.cursor})`] : []),
          ].join("\n") || "(no cases)",
        );
      });
    });

  program
    .command("erase")
    .description("remove a person's personal data from every case, sent answer and attachment (GDPR art. 17); each case keeps an audit event")
    .requiredOption("--email <address>", "the person's e-mail address")
    .option("--by <name>", "who asked for it (in the audit event)", "team")
    .option("--json", "print JSON")
    .action(async (o: { email: string; by: string; json?: boolean }) => {
      const { erasePersonData } = await import("../app/erase-person.js");
      await withContext(async (ctx) => {
        const r = await erasePersonData({ store: ctx.store, blobs: ctx.blobs, clock: ctx.clock }, o.email, o.by);
        if (r.kind === "refused") throw new UsageError(r.reason);
        print(o.json, r, () =>
          [
            `erased from ${r.cases.length} case(s)${r.cases.length ? ` (${r.cases.join(", ")})` : ""}, ${r.outboxEntries} sent answer(s), ${r.blobs} blob(s) (their mails, forms and photos); ${r.unsentCancelled} answer(s) to them not yet sent were cancelled`,
            ...(r.restored.length ? [`restored from the archive to erase: ${r.restored.join(", ")}`] : []),
            "not erased by this command (do it by hand):",
            ...r.notErased.map((line) => `  - ${line}`),
          ].join("\n"),
        );
      });
    });

  program
    .command("archive")
    .description("move cases closed ARCHIVE_AFTER_DAYS into the archive, and delete the mail and photo blobs of cases archived BLOB_RETENTION_DAYS ago (run does it every 10 minutes)")
    .option("--json", "print JSON")
    .action(async (o: { json?: boolean }) => {
      const { archiveAllDue, dropArchivedBlobs } = await import("../app/archive-cases.js");
      await withContext(async (ctx) => {
        const deps = { store: ctx.store, blobs: ctx.blobs, clock: ctx.clock };
        const archived = await archiveAllDue(deps, ctx.config.ARCHIVE_AFTER_DAYS);
        const blobs = { cases: 0, deleted: 0 };
        for (;;) {
          const round = await dropArchivedBlobs(deps, ctx.config.BLOB_RETENTION_DAYS);
          blobs.cases += round.cases.length;
          blobs.deleted += round.deleted;
          if (round.cases.length === 0) break;
        }
        const r = { archived: archived.archived.length, waiting: [...new Set([...archived.unsettled, ...archived.changed])], blobCases: blobs.cases, blobsDeleted: blobs.deleted, ...(await ctx.store.archiveCounts()) };
        print(o.json, r, () =>
          [
            `archived ${r.archived} case(s) closed ${ctx.config.ARCHIVE_AFTER_DAYS}+ days; ${r.archivedTotal} in the archive, ${r.due} closed case(s) not yet due`,
            ...(r.waiting.length ? [`waiting for their answers to be sent and filed, or changed meanwhile (next run): ${r.waiting.join(", ")}`] : []),
            `deleted ${r.blobsDeleted} blob(s) of ${r.blobCases} case(s) archived ${ctx.config.BLOB_RETENTION_DAYS}+ days; ${r.keepingBlobs} archived case(s) still keep theirs`,
          ].join("\n"),
        );
      });
    });

  program
    .command("reindex")
    .description("build the case lists and search index of cases stored before they existed (run also does it at start-up)")
    .action(async () => {
      const { reindexStore } = await import("../runtime/reindex.js");
      await withContext(async (ctx) => {
        const n = await reindexStore(ctx.store);
        console.log(`reindexed ${n} cases`);
      });
    });
}

async function finish(ctx: CliContext, result: CommandResult, json: boolean, text: (r: Extract<CommandResult, { kind: "ok" }>) => string) {
  if (result.kind === "refused") throw new UsageError(result.reason);
  await ctx.dispatch(result.case, result.outbox.map((e) => e.key));
  print(json, { case: result.case, outbox: result.outbox.map((e) => ({ key: e.key, to: e.to, subject: e.subject })) }, () => text(result));
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `case edit`'s options as the edit the core applies; what is not given stays as it is. */
function editOf(o: Record<string, unknown>): CaseEdit {
  const pairs = (v: unknown): [string, string][] =>
    (Array.isArray(v) ? v.map(String) : []).map((p) => {
      const at = p.indexOf("=");
      if (at < 1) throw new UsageError(`give ${p} as address=value`);
      return [p.slice(0, at).trim(), p.slice(at + 1).trim()];
    });
  const list = (v: unknown) => (typeof v === "string" ? splitMacs(v) : undefined);
  const participants = new Map<string, { email: string; newEmail?: string; name?: string }>();
  for (const [email, newEmail] of pairs(o.participant)) participants.set(email, { ...participants.get(email), email, newEmail });
  for (const [email, name] of pairs(o.name)) participants.set(email, { ...participants.get(email), email, name });
  const adds = Array.isArray(o.add) ? o.add.map(String) : [];
  const role = PARTICIPANT_ROLES.find((r) => r === o.addRole) ?? "team_added";
  if (typeof o.addName === "string" && adds.length !== 1) throw new UsageError("--add-name names one participant added with --add");
  const macs = list(o.macs);
  const extra = list(o.addMacs);
  if (extra && macs) throw new UsageError("--add-macs adds to the case's list: use it without --macs, or give the whole list with --macs");
  return {
    ...(typeof o.site === "string" ? { site: o.site } : {}),
    ...(typeof o.stations === "string" ? { stations: Number(o.stations) } : {}),
    ...(macs ? { macsShipped: macs } : {}),
    ...(extra ? { addMacs: extra } : {}),
    ...(o.installService === "yes" || o.installService === "no" ? { installService: o.installService === "yes" } : {}),
    ...(typeof o.locale === "string" ? { locale: o.locale as Locale } : {}),
    ...(participants.size ? { participants: [...participants.values()] } : {}),
    ...(adds.length ? { add: adds.map((email) => ({ email, role, ...(typeof o.addName === "string" ? { name: o.addName } : {}) })) } : {}),
  };
}
