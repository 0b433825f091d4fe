/**
 * `activation-bot run`: the watcher (one per mailbox, behind a leader lock), the ingest and outbox
 * workers, the outbox sweep and the web server, with graceful shutdown. Mail leaves the inbox only
 * after its effects are committed; a mail that keeps failing is quarantined and flagged, never lost.
 */
import { DelayedError, Worker } from "bullmq";
import type { Job } from "bullmq";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { hostname } from "node:os";
import { closeHeicWorker } from "../adapters/image/heic-worker.js";
import { loadSharp } from "../adapters/image/load-sharp.js";
import { MailboxOps } from "../adapters/imap/mailbox-ops.js";
import { MailboxWatcher } from "../adapters/imap/mailbox-watcher.js";
import type { PickupState } from "../adapters/imap/pickup-poller.js";
import type { IngestJob, OutboxJob } from "../adapters/queue/queues.js";
import {
  INGEST_QUEUE,
  OUTBOX_QUEUE,
  createQueues,
  enqueueOutbox,
  enqueueReleasedDrafts,
  handOnJobsOfDeadWorkers,
  ingestJobId,
  outboxBackoff,
  reclaimIngest,
  requeuePendingOutbox,
} from "../adapters/queue/queues.js";
import { StoreEpoch } from "../adapters/redis/store-epoch.js";
import { createSmtpSender } from "../adapters/smtp/smtp-sender.js";
import { passwordSource } from "../adapters/auth/password.js";
import { RecipientBudget } from "../adapters/redis/recipient-budget.js";
import { createAlertMailer } from "./alert-mailer.js";
import { admitRecipients } from "./smtp-budget.js";
import { watchAuth } from "./auth-health.js";
import { credentialSource, smtpDailyRecipients, smtpPoolSize } from "./credentials.js";
import { untilMailboxLogin } from "./login-hold.js";
import { OperatorAlerts } from "./operator-alerts.js";
import { configuredExpiries, watchSecretExpiry } from "./secret-expiry.js";
import { fileUnfiledSentCopies } from "../app/file-sent-copies.js";
import type { ProcessMailDeps } from "../app/process-mail.js";
import { processMail, settleLooseFlag } from "../app/process-mail.js";
import { sendOutboxEntry } from "../app/send-outbox.js";
import { sentCopyWithRecord } from "../app/sent-copy.js";
import type { BlobRecoveryDeps } from "../app/recover-blobs.js";
import { recoverHeldMail, recoverOutboxBlobs } from "../app/recover-blobs.js";
import type { OutboxEntry } from "../core/case/outbox-entry.js";
import { connectRedis } from "../adapters/redis/connect.js";
import type { Config } from "../config.js";
import { ConfigError, requireConfig } from "../config.js";
import type { Case, Flag } from "../core/types.js";
import type { Context } from "../main.js";
import { caseCommandDeps, processMailDeps } from "../main.js";
import { openCaseChecked, teamCommand } from "../app/case-commands.js";
import { deskSpeech } from "../app/desk-speech.js";
import { deskDrafts } from "../app/drafts.js";
import { deskSettings } from "../app/desk-settings.js";
import { createLogins, parseUsersFile, type Logins } from "../http/logins.js";
import { createHttpServer } from "../http/server.js";
import { ByteBudget } from "./byte-budget.js";
import { KeyBatch } from "./key-batch.js";
import { createLeaderLock, workerIsDead } from "./leader-lock.js";
import { startArchiveTimer } from "./archive-timer.js";
import { needsReindex, reindexStore } from "./reindex.js";
import { createMetrics } from "./metrics.js";
import { withDeadline } from "./job-deadline.js";
import { watchWorkers } from "./worker-watchdog.js";
import { CommitJournal, restoreAfterRestart } from "./commit-journal.js";
import { registerStoreMetrics } from "./store-metrics.js";
import { OverviewStore } from "../adapters/redis/overview-store.js";
import { guardedCommits, openStore, storeWhere, watchStore } from "./store-guard.js";
import { attachmentViews } from "./attachment-views.js";
import { dispatchCommitted, scheduleReminders, startReminderWorker } from "./reminders.js";
import { botFilesSentCopy, checkMailSettings, folderNames, imapTls, smtpTls } from "./mail-settings.js";
import { said } from "../core/words/english.js";
import { words } from "../core/words/words.js";

/**
 * How often pending outbox entries are re-enqueued (covers a crash between commit and enqueue), and
 * the leader files the Sent copies a dead process left unfiled.
 */
const OUTBOX_SWEEP_MS = 30_000;
/** How soon after a mail found handled already its pending answers are queued again (requeueSoon). */
const REQUEUE_SOON_MS = 250;

/**
 * How long a worker waits to fetch or finish again after a Redis error (BullMQ's runRetryDelay, 15 s by
 * default): a Redis failover costs each step of a job in flight one such wait, and 15 s each made a
 * burst of 200 mails take 46-57 s to settle after the master was killed (redis_failover).
 */
const RUN_RETRY_MS = 1000;

/**
 * Job locks: a process that dies holding a job loses it after LOCK ms, and the next stalled check
 * (every STALLED ms, in any live process, and at a process's start) hands it to another worker. BullMQ's
 * 30 s + 30 s left mail in flight at a crash unanswered for a minute; these bound it to about 9 s.
 * The lock is renewed every LOCK/2 ms, so only an event loop blocked for 6 s loses a live job (it is
 * then done twice, which the ledger and the outbox's keys make harmless).
 */
const JOB_LOCKS = { lockDuration: 6000, stalledInterval: 3000, maxStalledCount: 3, runRetryDelay: RUN_RETRY_MS };

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/** Set once a bot in this process has started workers: jobs named by this pid are then its own, alive. */
let workersStartedHere = false;

/** UI_USERS_FILE, read and checked at start-up: a bad file stops the bot, naming the line. */
function readLogins(path: string): Logins {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(`UI_USERS_FILE: cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  try {
    return createLogins(parseUsersFile(text));
  } catch (err) {
    throw new ConfigError(`UI_USERS_FILE ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export interface RunningBot {
  watcher: MailboxWatcher;
  httpPort: number;
  stop(): Promise<void>;
  /** Fires after each mail is handled: for tests and the demo's printout. */
  onHandled(listener: (info: { caseId?: string; mail: string; outcome: string }) => void): void;
  onSent(listener: (info: { caseId: string; kind: string; messageId: string }) => void): void;
  /** Whether this instance holds the watcher lock (one watcher per mailbox across hosts). */
  isWatching(): boolean;
  /** Hands a committed case's outbox entries and reminders to the queues (after CLI/UI commands). */
  dispatch(c: Case, outboxKeys: string[]): Promise<void>;
}

/** The Redis key of the watcher lock: one per mailbox (the URL without its credentials, and the folder). */
export function watcherLockKey(config: Pick<Config, "REDIS_PREFIX" | "IMAP_URL" | "IMAP_MAILBOX">): string {
  return `${config.REDIS_PREFIX}lock:watcher:${(config.IMAP_URL ?? "").replace(/\/\/[^@]*@/, "//")}/${config.IMAP_MAILBOX}`;
}

/**
 * `watch: false` starts only the workers (`run --workers-only`, see worker-processes.ts): no watcher,
 * no outbox sweep, no HTTP.
 */
export async function runBot(
  ctx: Context,
  opts: {
    http?: boolean;
    watch?: boolean;
    fresh?: boolean;
    ingest?: boolean;
    outbox?: boolean;
    /** Ends a start-up held by a failing mailbox login. */
    signal?: AbortSignal;
  } = {},
): Promise<RunningBot> {
  const config = requireConfig(ctx.config, ["IMAP_URL", "SMTP_URL"]);
  const { log } = ctx;
  const watch = opts.watch !== false;
  const serveHttp = watch && opts.http !== false;
  // Only a process that serves the UI reads the logins (not the --workers-only children).
  const logins = serveHttp && config.UI_USERS_FILE ? readLogins(config.UI_USERS_FILE) : undefined;
  checkMailSettings(config, log);
  // Read at scrape time, also while a failing login holds the start (before the watcher exists).
  let watcherMade: MailboxWatcher | null = null;
  const metrics = createMetrics({
    imapConnections: () => ops.connections() + (watcherMade?.connected() ? 1 : 0),
    imapIdleConnected: () => (watcherMade?.connected() && watching && watcherMade.pickup()?.mode === "idle" ? 1 : 0),
  });
  // Failures an operator must act on: the desk's banner, /readyz, a metric, and mail to ALERT_EMAIL.
  // The alert mail's own SMTP connection; with ALERT_SMTP_URL unset, the relay and login the outbox uses.
  const alertMailer = serveHttp ? await createAlertMailer(config, ctx.redis, () => credentials) : null;
  const alerts = new OperatorAlerts({ metrics, log, mailer: alertMailer ?? undefined, intervalMs: config.ALERT_INTERVAL_MS });
  if (serveHttp) alerts.start();
  const tokens = credentialSource(config);
  const imapUser = decodeURIComponent(new URL(config.IMAP_URL).username);
  const mailbox = config.MAIL_USER ?? (imapUser || config.mailFromAddress);
  // Password logins are watched too (a refused password is as loud); only token sources go to the adapters.
  const auth = watchAuth(tokens ?? passwordSource(mailbox, ""), metrics, log, { alerts, mailbox });
  // A date past that a working login contradicts is a warning about the date, not a bot held not ready.
  const secretWatch = serveHttp
    ? watchSecretExpiry(configuredExpiries(config), { alerts, metrics, warnDays: config.ALERT_EXPIRY_WARN_DAYS, lastLoginAt: () => auth.lastLoginAt() })
    : null;
  const credentials = tokens ? auth.source : undefined;
  const ops = new MailboxOps({
    url: config.IMAP_URL,
    mailbox: config.IMAP_MAILBOX,
    folders: folderNames(config),
    tls: imapTls(config),
    credentials,
    log,
  });
  // A login that fails holds the start (serving /readyz and the banner) until it works.
  const folders = await untilMailboxLogin(() => ops.ensureFolders(), {
    auth,
    alerts,
    metrics,
    log,
    http: serveHttp ? { host: config.HTTP_HOST, port: config.HTTP_PORT } : undefined,
    signal: opts.signal,
  }).catch(async (err: unknown) => {
    secretWatch?.stop();
    await alerts.stop();
    throw err;
  });
  auth.loginSucceeded("imap");
  log.info({ folders }, "mailbox folders");
  const fileCopies = botFilesSentCopy(config);
  // After the folders: a mailbox that cannot work stops start-up before anything else is opened.
  const bullConnection = connectRedis(config);
  const queues = createQueues(bullConnection, config.REDIS_PREFIX, config.MAX_INGEST_ATTEMPTS);
  const overview = new OverviewStore(ctx.redis, config.REDIS_PREFIX);
  const storeMetrics = registerStoreMetrics(metrics.registry, {
    store: ctx.store,
    overview,
    stages: ctx.rules.stages.map((s) => s.id),
    queues: { ingest: queues.ingest, outbox: queues.outbox, remind: queues.remind },
  });
  // A lost store is refused at start (unless --fresh) and noticed while running (store-guard.ts).
  const guard = {
    epoch: new StoreEpoch(ctx.redis, config.REDIS_PREFIX),
    history: () => ops.history(),
    log,
    where: storeWhere(config),
  };
  const epoch = watch ? await openStore(guard, { fresh: opts.fresh === true }) : await guard.epoch.read();
  let storeLost: string | null = null;
  const smtp = createSmtpSender(config.SMTP_URL, smtpPoolSize(config), ctx.blobs, smtpTls(config), credentials, {
    onLogin: (err) => (err ? auth.loginFailed("smtp", err) : auth.loginSucceeded("smtp")),
    onTransientRetry: (code) => metrics.smtpTransientRetries.inc({ code }),
  });
  const recipients = smtpDailyRecipients(config) > 0 ? new RecipientBudget(ctx.redis, config.REDIS_PREFIX, smtpDailyRecipients(config)) : null;
  metrics.smtpRecipientBudget.set(recipients?.budget ?? 0);
  // Not awaited: a wrong relay address or login shows in the log at start-up, while answers wait in
  // the outbox; the connection is kept for the first answer.
  smtp.verify().then(
    () => log.info("SMTP relay reachable"),
    (err: Error) => log.warn({ err: err.message }, "SMTP relay not reachable or refused the login: answers wait in the outbox until it is"),
  );
  // Copies stored in the Sent folder, cleared from the store's unfiled list in one command per tick.
  const filedCopies = new KeyBatch((keys) =>
    ctx.store.markFiled(keys).catch((err: unknown) => log.warn({ err }, "could not clear filed Sent copies: they are checked again later")),
  );
  const handled: ((info: { caseId?: string; mail: string; outcome: string }) => void)[] = [];
  const sent: ((info: { caseId: string; kind: string; messageId: string }) => void)[] = [];
  // Blobs another instance stored (STORAGE_DIR not shared), fetched again from the mailbox.
  const recovery: BlobRecoveryDeps = {
    blobs: ctx.blobs,
    receivedMail: (messageId) => ops.receivedByMessageId(messageId),
    sentCopies: (caseId, max) => ops.caseSentCopies(caseId, max),
    storeParts: async (raw) => void (await processMailDeps(ctx).parse(raw)),
    renderForm: async (attachment, c) => {
      const suffix = `-${c.id}.pdf`;
      const formId = attachment.filename.endsWith(suffix) ? attachment.filename.slice(0, -suffix.length) : "";
      if (!ctx.rules.forms.forms.some((f) => f.id === formId)) return false;
      return (await ctx.compose.blankForm(formId, c)).blob === attachment.blob;
    },
  };
  const mailDeps = { ...processMailDeps(ctx), recoverHeldMail: (flag: Flag) => recoverHeldMail(recovery, flag) };
  // The store guard's wait, once it runs (storeWatch below): after the connection to Redis dropped, mail
  // is committed only once the guard has checked the store and restored what a restart lost.
  let beforeWork = (): Promise<void> => Promise.resolve();
  // This process's recent commits and sends, restored should a Redis restart lose them (commit-journal.ts).
  const journal = new CommitJournal();
  /**
   * A job's store: commits wait for the guard, and each mail committed goes into the journal at its
   * commit, in commit order (two mails of one case handled again in another order would be decided
   * otherwise: the later one's answer made from a case without the earlier one's effects).
   */
  const ingestDeps = (blob: string): ProcessMailDeps => ({
    ...mailDeps,
    store: guardedCommits(ctx.store, {
      before: () => beforeWork(),
      committed: (c) => {
        if (c.mail) journal.handled(c.mail.key, blob);
      },
    }),
  });
  /**
   * A mail found handled already (a commit whose reply a crash or an outage lost, a job run again after
   * its lock lapsed) may have left answers pending with no outbox job: they are queued within
   * REQUEUE_SOON_MS, not at the next sweep (up to OUTBOX_SWEEP_MS later). A job already queued is left alone.
   */
  const requeuePending = async (): Promise<void> => requeuePendingOutbox(queues, await ctx.store.pendingOutbox());
  let requeueTimer: NodeJS.Timeout | null = null;
  const requeueSoon = (): void => {
    requeueTimer ??= setTimeout(() => {
      requeueTimer = null;
      requeuePending().catch((err: unknown) => log.warn({ err }, "pending answers not queued again: the next sweep does it"));
    }, REQUEUE_SOON_MS);
  };
  /** An outbox entry's attachments, fetched again when another instance stored them. */
  const withAttachments = async (entry: OutboxEntry): Promise<void> => {
    const recovered = await recoverOutboxBlobs(recovery, entry, () => ctx.store.getCase(entry.caseId));
    if (recovered > 0) {
      metrics.blobsRefetched.inc(recovered);
      log.info({ key: entry.key, attachments: recovered }, "attachments fetched again from the mailbox (stored by an instance that does not share this STORAGE_DIR)");
    }
  };
  // Names this process in each job's `processedBy` (which host and process handled a mail).
  const workerName = `${hostname()}:${process.pid}`;
  const commandDeps = { ...caseCommandDeps(ctx), mail: { ...mailDeps, blobs: ctx.blobs } };


  // Jobs a dead process of this host held (a crash, a SIGKILL, a container restart) go back to wait
  // now, not after their locks lapse: mail in flight at a crash is taken up as soon as this one starts.
  const isDead = (name: string) => workerIsDead(name, !workersStartedHere);
  for (const queue of [queues.ingest, queues.outbox]) {
    const ids = await handOnJobsOfDeadWorkers(queue, bullConnection, isDead).catch((err: unknown) => {
      log.warn({ err, queue: queue.name }, "could not look for jobs of dead processes: they are handed on once their locks lapse");
      return [];
    });
    if (ids.length) log.info({ queue: queue.name, jobs: ids.length }, "jobs a dead process of this host held: handed on at once");
  }
  workersStartedHere = true;

  // Many small mails at once, but only so many megabytes of mail: a photo backlog's mails are
  // each read into memory, decoded and checked.
  const budget = new ByteBudget(config.INGEST_BUDGET_MB * 1024 * 1024);
  const ingestWorker = new Worker<IngestJob>(
    INGEST_QUEUE,
    async (job: Job<IngestJob>) => {
      const { uidValidity, uid } = job.data;
      let blob = job.data.blob;
      if (!(await ctx.blobs.has(blob))) {
        // Stored by another instance whose STORAGE_DIR this one does not share: the mail is still
        // in INBOX (it leaves only once handled), so it is fetched again from there.
        const again = await refetch(uidValidity, uid, blob);
        if (!again) return;
        blob = again;
      }
      try {
        const outcome = await budget.run(job.data.bytes ?? 0, () =>
          withDeadline(processMail(ingestDeps(blob), { blob }), config.JOB_DEADLINE_MS, `mail ${uidValidity}-${uid}`),
        );
        if (outcome.kind === "case") {
          const c = outcome.decision.case;
          await Promise.all([
            enqueueOutbox(queues, outcome.outbox.map((e) => e.key)),
            // Reminders count from the last activity: re-plan only when this mail was activity.
            c.activityAt === outcome.decision.events[0]?.at ? scheduleReminders(queues, ctx, c) : undefined,
          ]);
        }
        if (outcome.kind === "already_handled") requeueSoon();
        metrics.mailsIngested.inc({ outcome: outcome.kind, class: "mailClass" in outcome ? outcome.mailClass.kind : "-" });
        metrics.ingestSeconds.observe((Date.now() - job.data.seenAt) / 1000);
        await moveOut(uidValidity, uid, "processed");
        const caseId = outcome.kind === "case" ? outcome.caseId : undefined;
        handled.forEach((l) => l({ ...(caseId ? { caseId } : {}), mail: outcome.mail, outcome: outcome.kind }));
      } catch (err) {
        if (job.attemptsMade + 1 < config.MAX_INGEST_ATTEMPTS) throw err;
        await quarantine(job, err);
      }
    },
    // `ingest: false`: the outbox's own process (OUTBOX_PROCESS) takes no mail.
    { connection: bullConnection, prefix: queues.prefixes.ingest, concurrency: config.INGEST_CONCURRENCY, name: workerName, ...JOB_LOCKS, autorun: opts.ingest !== false },
  );

  /**
   * A mail whose blob is missing here, fetched from the mailbox and stored: its blob id, or null when
   * the mail is no longer in INBOX (another instance handled it). A mailbox that cannot be
   * reached fails the job with a message that says so, never quarantining the mail: it stays in INBOX
   * and the watcher hands it over again.
   */
  async function refetch(uidValidity: string, uid: number, blob: string): Promise<string | null> {
    let raw: Buffer | null;
    try {
      raw = await ops.fetchRaw(uidValidity, uid);
    } catch (err) {
      metrics.blobsUnreachable.inc();
      throw new Error(
        `blob_unreachable: mail UID ${uid} was stored by another instance (blob ${blob} is not in this STORAGE_DIR) and the mailbox could not be reached to fetch it again (${err instanceof Error ? err.message : String(err)}); it stays in INBOX. Share STORAGE_DIR between instances`,
        { cause: err },
      );
    }
    if (!raw) {
      log.info({ uid }, "mail no longer in INBOX: handled by another instance");
      return null;
    }
    const stored = await ctx.blobs.put(raw);
    if (stored.id !== blob) log.warn({ uid, was: blob, now: stored.id }, "mail fetched again differs from the one first stored: processing the mailbox's copy");
    metrics.blobsRefetched.inc();
    log.info({ uid, blob: stored.id }, "mail fetched again from the mailbox (stored by an instance that does not share this STORAGE_DIR)");
    return stored.id;
  }

  /**
   * The move out of INBOX is its own step: its failure (the server unreachable) does not fail the
   * job, whose effects are committed. The mail stays in INBOX, and the watcher hands it over again
   * at its next look at the mailbox (every reconnect, every RECONCILE_MS): the ledger turns that
   * into the move alone.
   */
  async function moveOut(uidValidity: string, uid: number, to: "processed" | "quarantine"): Promise<boolean> {
    try {
      await ops.move(uidValidity, uid, to);
      return true;
    } catch (err) {
      metrics.movesFailed.inc({ to });
      log.warn({ err: err instanceof Error ? err.message : String(err), uid, to }, "mail handled but not moved out of INBOX: moved at the watcher's next look at the mailbox");
      return false;
    }
  }

  async function quarantine(job: Job<IngestJob>, err: unknown) {
    const { uidValidity, uid } = job.data;
    const key = `imap:${uidValidity}:${uid}`;
    const message = err instanceof Error ? err.message : String(err);
    log.error({ err, uid, attempts: job.attemptsMade + 1 }, "mail failed repeatedly: quarantined");
    // Recorded before the move, so that nothing is lost if the move fails; the reason says so.
    await ctx.store.commit({
      before: null,
      events: [],
      outbox: [],
      mail: { key, outcome: "quarantined" },
      messageIds: [],
      looseFlags: [
        {
          id: `processing_error:${key}`,
          code: "processing_error",
          ...said(words("quarantined", { uid, attempts: job.attemptsMade + 1, error: message, quarantine: config.IMAP_QUARANTINE_FOLDER, mailbox: config.IMAP_MAILBOX })),
          at: ctx.clock.now().toISOString(),
          mail: key,
        },
      ],
    });
    metrics.mailsQuarantined.inc();
    await moveOut(uidValidity, uid, "quarantine");
    handled.forEach((l) => l({ mail: key, outcome: "quarantined" }));
  }

  const outboxWorker = new Worker<OutboxJob>(
    OUTBOX_QUEUE,
    async (job: Job<OutboxJob>, token?: string) => {
      // Sent by this process already: Redis lost the mark (a restart that lost its last writes), or it is being marked.
      if (journal.wasSent(job.data.key)) {
        if (await markSentAgain(job.data.key)) log.warn({ key: job.data.key }, "outbox entry sent before Redis lost its send mark: marked sent, not sent again");
        return;
      }
      const result = await withDeadline(sendOutboxEntry(
        {
          store: ctx.store,
          clock: ctx.clock,
          send: async (entry) => {
            await withAttachments(entry);
            return smtp.send(entry, config.MAIL_FROM);
          },
          fileSentCopy: async (raw, entry) => {
            // The server files its own copy (IMAP_SENT_COPY): nothing to append, nothing left unfiled.
            if (!fileCopies) return void filedCopies.add(entry.key);
            // The copy carries the case record, so the mailbox alone can restore the case (rebuild).
            const copy = await sentCopyWithRecord(ctx.store, ctx.compose.secret, entry.caseId, raw);
            await ops.queueSent(copy, (err) => {
              if (err) log.warn({ err, key: entry.key }, "could not append to the Sent folder: filed again later");
              else filedCopies.add(entry.key);
            });
          },
          sentFolderHas: (messageId) => ops.sentHas(messageId),
          ...(recipients ? { admit: (entry) => admitRecipients(recipients, { metrics, alerts }, entry.key, entry.to.length + entry.cc.length) } : {}),
        },
        job.data.key,
      ), config.JOB_DEADLINE_MS, `outbox entry ${job.data.key}`);
      if (result.kind === "waiting") {
        // Put off, not failed: the attempt is not spent, and the entry goes when the budget allows.
        metrics.outboxWaitingForBudget.inc();
        await job.moveToDelayed(Date.now() + result.waitMs, token);
        throw new DelayedError();
      }
      if (result.kind === "sent" || result.kind === "found_in_sent") journal.sent(result.entry.key);
      if (result.kind === "found_in_sent") {
        filedCopies.add(result.entry.key);
        log.info({ key: result.entry.key, messageId: result.entry.messageId }, "outbox entry found in the Sent folder: not sent again");
      }
      if (result.kind === "sent") {
        metrics.mailsSent.inc({ kind: result.entry.kind });
        storeMetrics.outboxLagSeconds.observe({ kind: result.entry.kind }, (Date.now() - Date.parse(result.entry.createdAt)) / 1000);
        sent.forEach((l) => l({ caseId: result.entry.caseId, kind: result.entry.kind, messageId: result.entry.messageId }));
      }
    },
    {
      connection: bullConnection,
      prefix: queues.prefixes.outbox,
      concurrency: config.OUTBOX_CONCURRENCY,
      name: workerName,
      ...JOB_LOCKS,
      // `outbox: false`: a process of its own sends (OUTBOX_PROCESS).
      autorun: opts.outbox !== false,
      settings: { backoffStrategy: (attemptsMade: number) => outboxBackoff(attemptsMade) },
    },
  );
  for (const w of [ingestWorker, outboxWorker]) {
    w.on("failed", (job, err) => log.warn({ err: err.message, job: job?.id, queue: w.name }, "job failed"));
    w.on("error", (err) => log.error({ err }, "worker error"));
  }
  const reminderWorker = startReminderWorker(queues, ctx, bullConnection);

  /** An entry this process sent, marked sent again if the store holds it unsent (commit-journal.ts). */
  async function markSentAgain(key: string): Promise<boolean> {
    const entry = await ctx.store.outboxEntry(key);
    if (!entry || entry.status === "sent") return false;
    return ctx.store.markSent(entry, "sent by this process before a Redis restart lost the send mark", ctx.clock.now().toISOString());
  }

  /** After a Redis restart: this process's commits and sends the store lost, restored (commit-journal.ts). */
  async function restoreJournal(): Promise<void> {
    const restored = await restoreAfterRestart(journal, {
      ledgerHas: (keys) => Promise.all(keys.map(async (k) => (await ctx.store.mailOutcome(k)) !== null)),
      handleAgain: async (blob) => {
        const outcome = await processMail(mailDeps, { blob });
        journal.handled(outcome.mail, blob);
        log.info({ mail: outcome.mail, outcome: outcome.kind, ...(outcome.kind === "case" ? { caseId: outcome.caseId, outbox: outcome.outbox.map((e) => e.key) } : {}) }, "mail handled again: Redis lost its commit");
        if (outcome.kind !== "case") return [];
        await scheduleReminders(queues, ctx, outcome.decision.case);
        return outcome.outbox.map((e) => e.key);
      },
      markSentAgain,
      // Not a plain enqueue: a job of the same id may have run (and completed unsent) before the entry was made again.
      enqueueOutbox: (keys) => requeuePendingOutbox(queues, keys),
    });
    metrics.commitsRestored.inc({ what: "mail" }, restored.mails);
    metrics.commitsRestored.inc({ what: "send_mark" }, restored.sends);
    if (restored.mails + restored.sends > 0) {
      log.warn(
        { code: "redis_lost_writes", ...restored },
        "Redis restarted without writes it had acknowledged (appendfsync is not always?): this process's mails handled again and answers marked sent again",
      );
    }
  }
  // A worker that stops taking jobs (one after a Redis failover, say) is an operator alert; only the
  // workers this process runs are watched (OUTBOX_PROCESS, --workers-only leave one to another process).
  const workerWatch = watchWorkers(
    [
      ...(opts.ingest !== false ? [{ worker: ingestWorker, queue: queues.ingest }] : []),
      ...(opts.outbox !== false ? [{ worker: outboxWorker, queue: queues.outbox }] : []),
    ],
    { alerts },
  );


  // Set when this instance takes the watcher lock (below).
  let watching = false;
  let filingCopies = false;
  const sweep = async () => {
    try {
      // On a Cluster: changes cut between their case and index steps are finished first, so that an
      // answer they put on the pending list is queued in this same sweep (slot-steps.ts). A repair that
      // fails holds up nothing: the pending answers are queued all the same.
      const finished = await ctx.store.repairSteps().catch((err: unknown) => {
        log.warn({ err }, "store changes cut between their case and index steps: not all finished; tried again at the next sweep");
        return 0;
      });
      if (finished > 0) log.warn({ finished }, "store changes cut between their case and index steps: finished");
      await requeuePending();
    } catch (err) {
      log.warn({ err }, "outbox sweep failed");
    }
    // The leader alone files what others left, one round at a time.
    if (!watching || filingCopies) return;
    filingCopies = true;
    try {
      const copies = await fileUnfiledSentCopies({
        store: ctx.store,
        clock: ctx.clock,
        compose: async (entry) => {
          await withAttachments(entry);
          return sentCopyWithRecord(ctx.store, ctx.compose.secret, entry.caseId, await smtp.compose(entry, config.MAIL_FROM));
        },
        sentFolder: { has: (id) => ops.sentHas(id), append: (raw) => ops.appendSent(raw) },
      });
      if (copies.filed + copies.present > 0) log.info(copies, "Sent copies left unfiled: filed again, or found in the folder");
      if (copies.gone > 0) log.warn(copies, "Sent copies left unfiled whose outbox entry is gone: cannot be filed");
    } catch (err) {
      log.warn({ err }, "filing unfiled Sent copies failed: tried again at the next sweep");
    } finally {
      filingCopies = false;
    }
  };
  // Not awaited: the requeue of pending answers need not hold the watcher and the web server (issue 20).
  if (watch) void sweep();
  // sharp loads with the first photo, not at start (issue 20); loaded here in the background all the
  // same, so an image library that cannot load is an alert minutes before a photo job fails on it.
  if (opts.ingest !== false) {
    loadSharp().catch((err: unknown) =>
      alerts.raise({
        cause: "image_library",
        severity: "critical",
        code: "image_library_unavailable",
        message: `the image library (sharp/libvips) cannot load: ${err instanceof Error ? err.message : String(err)}; every mail with a photo will fail and be quarantined`,
        fix: "install the bot's dependencies for this platform again (npm ci on the machine that runs it, or the published image), then restart the bot",
      }),
    );
  }
  const sweepTimer = watch ? setInterval(() => void sweep(), OUTBOX_SWEEP_MS) : undefined;
  // Closed cases into the archive, blobs past retention deleted: the leader alone, in batches.
  const archiveTimer = watch
    ? startArchiveTimer({ store: ctx.store, blobs: ctx.blobs, clock: ctx.clock, log, archiveAfterDays: config.ARCHIVE_AFTER_DAYS, blobRetentionDays: config.BLOB_RETENTION_DAYS, leads: () => watching })
    : null;

  const watcher = new MailboxWatcher({
    url: config.IMAP_URL,
    mailbox: config.IMAP_MAILBOX,
    idleDelayMs: config.IMAP_IDLE_DELAY_MS,
    pollIntervalMs: config.IMAP_POLL_INTERVAL_MS,
    tls: imapTls(config),
    credentials,
    tokenMarginMs: config.TOKEN_REFRESH_MARGIN_MS,
    log,
    loadState: () => ctx.store.watchState(config.IMAP_MAILBOX),
    saveState: (v, uid) => ctx.store.saveWatchState(config.IMAP_MAILBOX, v, uid),
    reclaim: (v, uids) => reclaimIngest(queues, v, uids),
    async onMails(mails) {
      // The batch's blobs are written side by side, then enqueued in one round trip (a job id that
      // exists already makes its add a no-op).
      const jobs = await Promise.all(
        mails.map(async (mail) => {
          const { id, size } = await ctx.blobs.put(mail.source);
          return {
            name: "mail",
            data: { blob: id, bytes: size, uidValidity: mail.uidValidity, uid: mail.uid, seenAt: mail.seenAt },
            opts: { jobId: ingestJobId(mail.uidValidity, mail.uid) },
          };
        }),
      );
      await queues.ingest.addBulk(jobs);
    },
  });
  // Cases stored before the lists and search index existed are indexed in the background, in batches.
  let indexState = "ok";
  if (serveHttp && (await needsReindex(ctx.store))) {
    indexState = "rebuilding: lists and search may lack older cases until it is done";
    void reindexStore(ctx.store).then(
      (n) => {
        indexState = "ok";
        log.info({ cases: n }, "case lists and search index built");
      },
      (err: unknown) => {
        indexState = "failed: run `activation-bot reindex`";
        log.error({ err }, "could not build the case lists and search index: lists lack older cases; run `activation-bot reindex`");
      },
    );
  }
  watcherMade = watcher;
  watcher.on("connected", () => {
    auth.loginSucceeded("imap");
    secretWatch?.check();
  });
  watcher.on("disconnected", (err: unknown) => auth.loginFailed("imap", err));
  let pollPickups = 0;
  watcher.on("pickup", (p: PickupState) => {
    metrics.imapPickupPolling.set({ reason: "no_idle" }, p.mode === "polling: no IDLE" ? 1 : 0);
    metrics.imapPickupPolling.set({ reason: "idle_silent" }, p.mode === "polling: IDLE does not push" ? 1 : 0);
    metrics.imapPollPickups.inc(p.pollPickups - pollPickups);
    pollPickups = p.pollPickups;
  });
  // The web server listens before this instance takes the watcher lock: readiness is served from the start.
  let httpPort = 0;
  const http =
    !serveHttp
      ? null
      : createHttpServer({
          store: ctx.store,
          blobs: ctx.blobs,
          rules: ctx.rules,
          renderer: ctx.renderer,
          metrics,
          teamCommand: async (caseId, cmd, by) => {
            const result = await teamCommand(commandDeps, caseId, cmd, by);
            if (result.kind === "ok") await dispatchCommitted(queues, ctx, result.case, result.outbox.map((e) => e.key));
            return result;
          },
          openCase: async (req, by) => {
            const result = await openCaseChecked(commandDeps, req, by);
            if (result.kind === "ok") await dispatchCommitted(queues, ctx, result.case, result.outbox.map((e) => e.key));
            return result;
          },
          settleLooseFlag: async (flagId, action, by) => {
            const r = await settleLooseFlag({ ...mailDeps, blobs: ctx.blobs }, flagId, action, by);
            if (r.kind === "ok" && r.outcome?.kind === "case") {
              await dispatchCommitted(queues, ctx, r.outcome.decision.case, r.outcome.outbox.map((e) => e.key));
            }
            return r.kind === "ok" ? { kind: "ok" } : r;
          },
          ...(logins ? { logins } : {}),
          uiDefaultLanguage: config.UI_DEFAULT_LANGUAGE,
          readMail: (blob) => mailDeps.parse({ blob }),
          overview,
          attachments: attachmentViews(ctx.blobs, ctx.rules.photos.limits),
          speech: deskSpeech({ ...commandDeps, mail: { ...mailDeps, blobs: ctx.blobs } }, (c, keys) => dispatchCommitted(queues, ctx, c, keys)),
          drafts: deskDrafts(commandDeps, async (c, keys) => {
            await enqueueReleasedDrafts(queues, keys);
            await dispatchCommitted(queues, ctx, c, []);
          }),
          settings: deskSettings({ ...ctx.supervision, clock: ctx.clock }),
          // Shared by every instance of the desk, so a form served by one is accepted by another.
          ...(config.TAG_SECRET ? { cookieSecret: createHmac("sha256", config.TAG_SECRET).update("desk cookies").digest("base64url") } : {}),
          readiness: async () => {
            const checks: Record<string, string> = {};
            checks.redis = await ctx.redis.ping().then(() => "ok", (e: Error) => e.message);
            checks.watcher = watching ? "ok" : "standby (another instance holds the lock, or connecting)";
            checks.index = indexState;
            const pickup = watcher.pickup();
            // Polling works, so it does not fail readiness; it is said here so an operator sees why mail is slower.
            if (watching && pickup) checks.pickup = pickup.mode === "idle" ? "ok (IDLE)" : `${pickup.mode} (every ${config.IMAP_POLL_INTERVAL_MS} ms)`;
            checks.store = storeLost ?? "ok";
            const login = auth.readiness();
            checks.auth = login.text;
            // Warnings (a secret expiring, the recipient budget) are said here without failing readiness.
            for (const a of alerts.active()) if (a.cause !== "mailbox_login" && a.cause !== "store_lost") checks[`alert:${a.cause}`] = `${a.severity}: ${a.message}; ${a.fix}`;
            return { ok: checks.redis === "ok" && storeLost === null && login.ok && alerts.critical().length === 0, checks };
          },
          alerts: () => alerts.active(),
        });
  if (http) {
    await http.listen({ port: config.HTTP_PORT, host: config.HTTP_HOST });
    const address = http.server.address();
    httpPort = typeof address === "object" && address ? address.port : config.HTTP_PORT;
    log.info({ port: httpPort, team: logins ? `${logins.users} logins (UI_USERS_FILE)` : "named by the proxy (X-Team-Member)" }, "review UI listening");
    if (!logins && !LOOPBACK.has(config.HTTP_HOST)) {
      log.warn(
        { host: config.HTTP_HOST },
        "the review UI listens beyond this host without UI_USERS_FILE: anyone who reaches it acts as the team unless a proxy in front authenticates",
      );
    }
  }

  const lock = createLeaderLock(
    ctx.redis,
    watcherLockKey(config),
    config.WATCHER_LOCK_TTL_MS,
  );
  if (watch) {
    lock.start(
      () => {
        watching = true;
        log.info("this instance holds the watcher lock");
        watcher.start();
      },
      async () => {
        watching = false;
        log.warn("watcher lock lost: another instance watches the mailbox");
        await watcher.stop();
      },
    );
  }

  // Taking mail into a store that lost its state would answer from nothing and hand out case ids
  // again: stop, and say so on every channel (log, /readyz, the metric).
  const storeWatch = epoch
    ? watchStore({ ...guard, connection: ctx.redis }, epoch, (reason) => {
        storeLost = reason;
        metrics.storeLost.set(1);
        log.error({ code: "store_lost" }, reason);
        alerts.raise({
          cause: "store_lost",
          severity: "critical",
          code: "store_lost",
          message: reason.replace(/^store_lost: /, ""),
          fix: "restore Redis from its backup (or fix REDIS_URL / REDIS_PREFIX) and restart the bot; or restart it with `activation-bot run --fresh` to begin a new store (README: What survives what)",
        });
        void (async () => {
          clearInterval(sweepTimer);
          workerWatch.stop();
          await Promise.all([ingestWorker.pause(true), outboxWorker.pause(true), reminderWorker.pause(true)]);
          await lock.stop();
          watching = false;
          await watcher.stop();
        })().catch((err: unknown) => log.error({ err }, "could not stop taking mail after the store was lost"));
      }, restoreJournal)
    : null;
  if (storeWatch) beforeWork = () => storeWatch.beforeWork();

  let stopping: Promise<void> | null = null;
  return {
    watcher,
    httpPort,
    onHandled: (l) => void handled.push(l),
    onSent: (l) => void sent.push(l),
    isWatching: () => watching,
    dispatch: (c, keys) => dispatchCommitted(queues, ctx, c, keys),
    stop() {
      stopping ??= (async () => {
        clearInterval(sweepTimer);
        if (requeueTimer) clearTimeout(requeueTimer);
        workerWatch.stop();
        await archiveTimer?.stop();
        secretWatch?.stop();
        await alerts.stop();
        storeWatch?.stop();
        await lock.stop();
        await watcher.stop();
        // Let running jobs finish so their effects are committed and the mail is moved.
        await Promise.all([ingestWorker.close(), outboxWorker.close(), reminderWorker.close()]);
        await http?.close();
        await ops.close();
        await filedCopies.flush();
        smtp.close();
        await queues.close();
        await bullConnection.quit().catch(() => bullConnection.disconnect());
        await closeHeicWorker();
      })();
      return stopping;
    },
  };
}
