/**
 * `activation-bot inspect FILE.eml [--case ID] [--json]`: what the bot reads from one mail, without
 * acting. Its JSON is a contract (README "inspect JSON"): `class`, `answers` keyed by checklist item,
 * `bounce`, `forms`, `photos`, `macs`, `match`, `trust`. Without --case no Redis is needed: the mail's
 * Date stands in for the case's opening and duplicates are judged within the mail.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFileBlobStore } from "../adapters/blob/file-blob-store.js";
import { loadRules } from "../adapters/files/load-rules.js";
import { parseMail } from "../adapters/mime/parse-mail.js";
import { inspectMail } from "../app/inspect-mail.js";
import { loadConfig } from "../config.js";
import { evidenceTools, systemClock } from "../main.js";
import { UsageError } from "./usage-error.js";
import { withContext } from "./context.js";

export async function inspectCommand(file: string, o: { case?: string; json?: boolean }): Promise<void> {
  await stat(file).catch(() => {
    throw new UsageError(`cannot read ${file}`);
  });
  if (o.case) {
    const caseId = o.case;
    await withContext(async (ctx) => {
      const c = await ctx.store.getCase(caseId);
      if (!c) throw new UsageError(`no case ${caseId}`);
      const mail = await parseMail(createReadStream(file), { blobs: ctx.blobs }, { maxAttachmentBytes: ctx.config.MAX_ATTACHMENT_BYTES });
      const report = await inspectMail({ rules: ctx.rules, blobs: ctx.blobs, clock: ctx.clock, tools: evidenceTools, compose: ctx.compose, store: ctx.store, trustedAuthservIds: ctx.config.trustedAuthservIds }, mail, c);
      output(report, o.json);
    });
    return;
  }
  const config = loadConfig();
  const rules = await loadRules(config.RULES_DIR);
  const dir = await mkdtemp(join(tmpdir(), "ab-inspect-"));
  try {
    const blobs = createFileBlobStore(dir);
    const mail = await parseMail(createReadStream(file), { blobs }, { maxAttachmentBytes: config.MAX_ATTACHMENT_BYTES });
    const report = await inspectMail({ rules, blobs, clock: systemClock, tools: evidenceTools, trustedAuthservIds: config.trustedAuthservIds, mailFromAddress: config.mailFromAddress, mailDomain: config.mailDomain }, mail, null);
    output(report, o.json);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function output(report: Awaited<ReturnType<typeof inspectMail>>, json?: boolean): void {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  const lines = [`class: ${report.class}${report.reason ? ` (${report.reason})` : ""}`, `from: ${report.mail.from ?? "-"}   subject: ${report.mail.subject}`];
  if (report.match) lines.push(`match: ${JSON.stringify(report.match)}`);
  if (report.trust) lines.push(`trust: ${JSON.stringify(report.trust)}`);
  if (report.bounce) lines.push(`bounce: ${report.bounce.recipient ?? "?"} ${report.bounce.status ?? ""} (message ${report.bounce.message_id ?? "?"})`);
  for (const [item, a] of Object.entries(report.answers)) lines.push(`answer ${item}: ${a.status} ${JSON.stringify(a.value)} — “${a.text}”`);
  for (const f of report.forms) lines.push(`form ${f.form ?? "?"} (${f.file}): ${f.status}${f.reason ? ` — ${f.reason}` : ""}`);
  for (const p of report.photos) lines.push(`photo ${p.file}: ${p.category ?? "unassigned"} ${p.status}${p.reasons.length ? ` [${p.reasons.join(", ")}]` : ""}`);
  for (const m of report.macs) lines.push(`mac ${m.raw}: ${m.mac ?? "-"} ${m.status}${m.reasons.length ? ` [${m.reasons.join(", ")}]` : ""}`);
  if (report.problems.length) lines.push(`problems: ${report.problems.join("; ")}`);
  console.log(lines.join("\n"));
}
