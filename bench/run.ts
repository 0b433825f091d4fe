/**
 * `npm run bench`: the bot on the real local servers (Dovecot, Redis, an SMTP relay on loopback), one
 * JSON line of figures on stdout at the end, progress on stderr. BENCH_QUICK=1 shrinks the counts.
 *
 * Arrival is the end of the IMAP APPEND that puts a person's reply into the desk's INBOX (what an MTA's
 * delivery does); an answer is "out" when the SMTP relay has accepted it (relay `received[].at`). The
 * bot's share starts at `seenAt`, the moment IDLE announced the mail, read back from the bot's ingest
 * job in Redis (src/adapters/queue/queues.ts keeps completed jobs). Phases:
 *   latency      network-manager replies one at a time, a fresh case each (the loop guard would hold
 *                a fourth no-progress answer in one case), each answered before the next is appended
 *   backlog      replies to N cases appended while the bot is stopped, then `run` started; beside it the
 *                parse-only rate of the same mails (parseMail into a blob store) as the floor
 *   photos       measurePhoto per 12 MP photo (photo-bench.ts), the contractor's four-photo reply one at
 *                a time, a backlog of photo mails beside decode + checks alone on the same photos
 *   big mail     peak RSS of the bot while it handles a 30 MB mail, sampled every 5 ms
 *
 * Every phase runs the bot as deployed, `activation-bot run` in a process of its own (lib.ts botCommand:
 * dist/, else the sources under tsx), so it shares no thread or heap with the relay and the mail building
 * here. Memory figures are that process's (/proc); the bench's own are reported apart.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { resourceUsage } from "node:process";
import { createFileBlobStore } from "../src/adapters/blob/file-blob-store.js";
import { measurePhoto } from "../src/adapters/image/measure-photo.js";
import { parseMail } from "../src/adapters/mime/parse-mail.js";
import { withImap } from "../src/demo/local-mail.js";
import type { Attachment, BenchCase, Desk, JobTimes } from "./lib.js";
import {
  appender,
  botCommand,
  botCpuSeconds,
  botRss,
  botTuning,
  buildReply,
  cleanupAll,
  isAnswerTo,
  jobTimes,
  log,
  mb,
  messageIdOf,
  onCleanup,
  openBenchCase,
  openBenchCases,
  outboxJobsByMessageId,
  percentile,
  round1,
  RssSampler,
  sleep,
  startDesk,
  summary,
  unexpectedOutcomes,
  until,
} from "./lib.js";
import { benchPhotos, benchViewer } from "./photo-bench.js";
import { pickupPhase } from "./pickup-bench.js";
import { phonePhoto, photoVariant } from "./photos.js";
import { oauthPhase } from "./oauth-bench.js";
import { gapPhase } from "./gap-bench.js";
import { overviewBench } from "./overview.js";

const QUICK = /^(1|true|yes)$/i.test(process.env.BENCH_QUICK ?? "");
const N = {
  latency: QUICK ? 20 : 100,
  backlog: QUICK ? 100 : 1000,
  fourPhoto: QUICK ? 5 : 30,
  photoBacklog: QUICK ? 20 : 200,
  pickup: QUICK ? 10 : 20,
  oauth: QUICK ? 10 : 30,
  /** Seconds of mail across planned token reconnects (one about every 2 s). */
  gapSeconds: QUICK ? 15 : 30,
  warmup: 2,
};
/** Photos in each mail of the photo backlog (the four-photo figure covers the contractor's full reply). */
const PHOTOS_PER_BACKLOG_MAIL = 1;
const BIG_MAIL_BYTES = 30 * 1024 * 1024;
/**
 * Quiet time after each one-at-a-time sample: longer than Dovecot's IDLE notification delay (500 ms,
 * NOTIFY_DELAY_MSECS in its index-mailbox-check.c), so the previous mail's MOVE out of INBOX has been
 * announced and every reply arrives in a quiet mailbox, as a real one does.
 */
const SETTLE_MS = 600;
const ANSWER_TIMEOUT_MS = 60_000;
const BACKLOG_TIMEOUT_MS = 600_000;

const TARGETS = {
  reply_ms_p95: "<= 700",
  bot_share_ms_p95: "<= 50",
  backlog_mails_per_s: ">= 200",
  photo_check_ms_p95: "<= 250",
  four_photo_reply_ms_p95: "<= 2000",
  photo_backlog_vs_floor: ">= 0.8",
  big_mail_peak_rss_mb: "<= 200",
  pickup_no_idle_ms_p95: "<= 15000",
  oauth_vs_password_reply_p95: "<= 1.1",
  token_reconnect_pickup_gap_ms_max: "<= 1000",
  token_reconnect_mails_missed: "== 0",
};

const NM = { name: "Nina Nätansvarig" };
const NM_TEXT = "Hej!\nOrganisation och stationsinformation stämmer. Flex-fakturering är konfigurerad.\n\nMvh Nina";
const CONTRACTOR = { name: "Carl Entreprenör" };
const FOUR_PHOTOS = ["betongplatta.jpg", "kabeldragning.jpg", "elcentral.jpg", "oversikt-parkering.jpg"];

const rssSampler = new RssSampler();

// ---------------------------------------------------------------------------------------------------

interface Sample {
  arrived: number;
  appendMs: number;
  answerAt: number;
  jobId: string;
  answerId: string;
}

/**
 * Replies appended one at a time, each to its own case, each waited for until answered, handled
 * (its ingest job finished: the mail was moved to Processed) and the answer filed in Sent (the outbox
 * settled: nothing pending, no outbox job left), then SETTLE_MS of quiet.
 */
async function oneAtATime(desk: Desk, cases: BenchCase[], makeReply: (c: BenchCase, i: number) => Promise<{ raw: Buffer; messageId: string }>): Promise<Sample[]> {
  const app = await appender(desk);
  const samples: Sample[] = [];
  try {
    for (const [i, c] of cases.entries()) {
      const reply = await makeReply(c, i);
      const start = Date.now();
      const { jobId } = await app.append(reply.raw);
      const arrived = Date.now();
      const answer = await desk.guard(desk.relay.waitFor((m) => isAnswerTo(m, reply.messageId), ANSWER_TIMEOUT_MS));
      await until(
        async () => {
          desk.checkBot();
          return (await desk.mailHandled(jobId)) && (await desk.outboxSettled());
        },
        ANSWER_TIMEOUT_MS,
        `case ${c.id} handled`,
        5,
      );
      await unexpectedOutcomes(desk, [reply.messageId]);
      samples.push({ arrived, appendMs: arrived - start, answerAt: answer.at, jobId, answerId: messageIdOf(answer) });
      await sleep(SETTLE_MS);
    }
  } finally {
    await app.close();
  }
  return samples;
}

interface Breakdown {
  reply: number[];
  botShare: number[];
  parts: Record<string, number[]>;
}

/** Arrival-to-reply, the bot's share and where the time goes, from the samples and the bot's jobs. */
async function breakdown(desk: Desk, samples: Sample[]): Promise<Breakdown> {
  const outboxTimes = await outboxJobsByMessageId(desk);
  const parts: Record<string, number[]> = {
    append: [],
    idle_notify: [],
    watcher_fetch_enqueue: [],
    ingest_queue_wait: [],
    process_mail: [],
    outbox_queue_wait: [],
    smtp_send: [],
  };
  const botShare: number[] = [];
  for (const s of samples) {
    const ingest = jobTimes(await desk.queues.ingest.getJob(s.jobId));
    const out: JobTimes | undefined = outboxTimes.get(s.answerId);
    if (!ingest || !out) {
      log(`no job times for ${s.jobId} / ${s.answerId}`);
      continue;
    }
    botShare.push(s.answerAt - ingest.seenAt);
    parts.append?.push(s.appendMs);
    parts.idle_notify?.push(ingest.seenAt - s.arrived);
    parts.watcher_fetch_enqueue?.push(ingest.enqueuedAt - ingest.seenAt);
    parts.ingest_queue_wait?.push(ingest.processedOn - ingest.enqueuedAt);
    parts.process_mail?.push(out.enqueuedAt - ingest.processedOn);
    parts.outbox_queue_wait?.push(out.processedOn - out.enqueuedAt);
    parts.smtp_send?.push(s.answerAt - out.processedOn);
  }
  return { reply: samples.map((s) => s.answerAt - s.arrived), botShare, parts };
}

const p50s = (parts: Record<string, number[]>) => Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round1(percentile(v, 50))]));
const p95s = (parts: Record<string, number[]>) => Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round1(percentile(v, 95))]));

// ---------------------------------------------------------------------------------------------------

async function latencyPhase() {
  rssSampler.phase("latency");
  log(`latency: ${N.latency} network-manager replies one at a time (+${N.warmup} warm-up)`);
  const desk = await startDesk("latency");
  const cases = await openBenchCases(desk, N.latency + N.warmup);
  const samples = await oneAtATime(desk, cases, (c) => buildReply(c.request, { ...NM, address: c.nm }, NM_TEXT));
  const b = await breakdown(desk, samples.slice(N.warmup));
  await desk.close();
  const reply = summary(b.reply);
  const share = summary(b.botShare);
  log(`latency: reply p50 ${reply.p50} p95 ${reply.p95} max ${reply.max} ms; bot share p50 ${share.p50} p95 ${share.p95} ms`);
  return { n: b.reply.length, reply, share, parts_p50: p50s(b.parts), parts_p95: p95s(b.parts) };
}

/**
 * Appends every mail while the bot is stopped, starts the bot process, and times until all are answered
 * and handled. The clock starts when the bot is at work (it took the watcher lock); its process start-up
 * before that is `bot_start_ms`.
 */
async function drainBacklog(desk: Desk, n: number, appendAll: (append: (raw: Buffer) => Promise<unknown>) => Promise<void>) {
  await desk.stopBot();
  const app = await appender(desk);
  const appendStart = Date.now();
  try {
    await appendAll((raw) => app.append(raw));
  } finally {
    await app.close();
  }
  const appendS = (Date.now() - appendStart) / 1000;
  const fileCreateUs = await fileCreateProbe();
  log(`${desk.name}: ${n} mails appended in ${round1(appendS)} s; making a file takes ${fileCreateUs} µs; starting the bot`);
  const base = desk.relay.received.length;
  const handledBefore = await desk.ingestFinished();
  if (process.env.BENCH_TRACE) log(`trace: drain start hrtime_us ${process.hrtime.bigint() / 1000n}`);
  const bot = await desk.startBot();
  const start = bot.readyAt;
  const cpuStart = process.cpuUsage();
  const botCpuStart = await botCpuSeconds(bot.pid);
  await until(
    async () => {
      desk.checkBot();
      return desk.relay.received.length - base >= n && (await desk.ingestFinished()) - handledBefore >= n;
    },
    BACKLOG_TIMEOUT_MS,
    `${n} answers`,
    20,
  );
  const end = Date.now();
  const cpu = process.cpuUsage(cpuStart);
  const botCpuEnd = await botCpuSeconds(bot.pid);
  const answers = desk.relay.received.slice(base);
  const last = Math.max(...answers.map((m) => m.at));
  const first = Math.min(...answers.map((m) => m.at));
  const wallS = (last - start) / 1000;
  if (process.env.BENCH_TRACE) log(`trace: drain end hrtime_us ${process.hrtime.bigint() / 1000n}`);
  const timeline = await backlogTimeline(desk, start, bot.spawnedAt);
  const cores = (seconds: number) => Math.round((seconds / ((end - start) / 1000)) * 100) / 100;
  return {
    timeline,
    /** CPU of the bot process (all its threads, and its worker processes if any) over the drain, in cores: 1.0 = one core busy throughout. */
    bot_process_cpu_cores: botCpuStart !== null && botCpuEnd !== null ? cores(botCpuEnd - botCpuStart) : null,
    /** CPU of this bench process (relay, polling Redis) over the drain, in cores. */
    bench_process_cpu_cores: cores((cpu.user + cpu.system) / 1e6),
    n,
    answers: answers.length,
    mails_per_s: round1(n / wallS),
    wall_s: round1(wallS),
    /** Spawn of the bot process to its taking the watcher lock (node start-up, loading, connecting). */
    bot_start_ms: start - bot.spawnedAt,
    first_answer_ms: first - start,
    steady_mails_per_s: round1((n - 1) / ((last - first) / 1000)),
    append_s: round1(appendS),
    file_create_us: fileCreateUs,
  };
}

/**
 * Wall time of making one small file beside the bot's blob store just before the drain, median of 100,
 * in µs. About 10 on this machine when it is quiet; up to 900 for minutes after many files were deleted
 * (its ext4 has no journal, and then skips the inodes freed lately one by one), which is when the bot's
 * blob writes and Dovecot's deliveries slow down too. It tells the reader of a slow run why.
 */
async function fileCreateProbe(): Promise<number> {
  const dir = await mkdtemp(path.join(tmpdir(), "ab-bench-probe-"));
  const times: number[] = [];
  try {
    for (let i = 0; i < 100; i++) {
      const before = performance.now();
      writeFileSync(path.join(dir, String(i)), "x");
      times.push((performance.now() - before) * 1000);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return Math.round(percentile(times, 50));
}

/** Where a backlog's time goes, from the bot's completed jobs (ms after the bot was at work). */
async function backlogTimeline(desk: Desk, start: number, spawnedAt: number) {
  const ingest = (await desk.queues.ingest.getJobs(["completed"], 0, -1)).flatMap((j) => jobTimes(j) ?? []).filter((t) => t.processedOn >= spawnedAt);
  const outbox = (await desk.queues.outbox.getJobs(["completed"], 0, -1)).flatMap((j) => jobTimes(j) ?? []).filter((t) => t.processedOn >= spawnedAt);
  const ms = (v: number) => Math.round(v - start);
  const busy = (ts: JobTimes[]) => ts.reduce((sum, t) => sum + (t.finishedOn - t.processedOn), 0);
  const span = (ts: JobTimes[]) => Math.max(...ts.map((t) => t.finishedOn)) - Math.min(...ts.map((t) => t.processedOn));
  return {
    first_seen_ms: ms(Math.min(...ingest.map((t) => t.seenAt))),
    first_enqueued_ms: ms(Math.min(...ingest.map((t) => t.enqueuedAt))),
    first_ingest_done_ms: ms(Math.min(...ingest.map((t) => t.finishedOn))),
    first_outbox_done_ms: ms(Math.min(...outbox.map((t) => t.finishedOn))),
    last_enqueued_ms: ms(Math.max(...ingest.map((t) => t.enqueuedAt))),
    last_ingest_done_ms: ms(Math.max(...ingest.map((t) => t.finishedOn))),
    last_outbox_done_ms: ms(Math.max(...outbox.map((t) => t.finishedOn))),
    ingest_job_ms: summary(ingest.map((t) => t.finishedOn - t.processedOn)),
    ingest_jobs_in_flight: round1(busy(ingest) / span(ingest)),
    outbox_job_ms: summary(outbox.map((t) => t.finishedOn - t.processedOn)),
    outbox_jobs_in_flight: round1(busy(outbox) / span(outbox)),
  };
}

async function backlogPhase() {
  rssSampler.phase("backlog");
  const n = N.backlog;
  log(`backlog: ${n} replies to ${n} cases while the bot is stopped`);
  const desk = await startDesk("backlog");
  const cases = await openBenchCases(desk, n);
  const replies = await Promise.all(cases.map((c) => buildReply(c.request, { ...NM, address: c.nm }, NM_TEXT)));
  const replyIds = new Set(replies.map((r) => r.messageId));
  const drained = await drainBacklog(desk, n, async (append) => {
    for (const r of replies) await append(r.raw);
  });
  const unanswered = [...replyIds].filter((id) => !desk.relay.received.some((m) => isAnswerTo(m, id))).length;
  if (unanswered) log(`backlog: ${unanswered} replies without an answer`);
  const unexpected = await unexpectedOutcomes(desk, [...replyIds]);
  await desk.close();

  // The floor: parseMail alone over the same mails, into a blob store, as many in flight as the bot.
  const dir = await mkdtemp(path.join(tmpdir(), "ab-bench-parse-"));
  const blobs = createFileBlobStore(dir);
  const raws = replies.map((r) => r.raw);
  for (const raw of raws.slice(0, 20)) await parseMail(raw, { blobs }); // warm-up
  const start = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < raws.length) await parseMail(raws[next++] as Buffer, { blobs }, { maxAttachmentBytes: 25 * 1024 * 1024 });
    }),
  );
  const parseRate = raws.length / ((performance.now() - start) / 1000);
  await rm(dir, { recursive: true, force: true });
  log(`backlog: ${drained.mails_per_s} mails/s (parse-only floor ${round1(parseRate)} mails/s)`);
  return { ...drained, unanswered, unexpected_outcomes: unexpected, parse_only_mails_per_s: round1(parseRate) };
}

// ---------------------------------------------------------------------------------------------------

async function photoPhase(scenes: Buffer[]) {
  rssSampler.phase("photos");
  if (!want("photos")) return { check: null, viewer: null, four: null, backlog: await photoBacklog(scenes) };
  log("photos: measurePhoto on 12 MP JPEGs (photo-bench.ts)");
  const check = await benchPhotos();
  log(`photos: check p50 ${check.photo_check_ms_p50} p95 ${check.photo_check_ms_p95} ms, ${check.photo_floor_per_s} photos/s`);
  const viewer = await benchViewer();
  log(`photos: viewer first request p50 ${viewer.viewer_first_ms_p50} ms, kept ${viewer.viewer_kept_ms_p50} ms`);

  // The contractor's four-photo reply in site_readiness, one at a time.
  log(`photos: ${N.fourPhoto} four-photo replies one at a time (+${N.warmup} warm-up)`);
  const desk = await startDesk("photos");
  const cases = await openBenchCases(desk, N.fourPhoto + N.warmup, { siteReadiness: true });
  let mailBytes = 0;
  let lastMail: { raw: Buffer; photos: Buffer[] } | null = null;
  const samples = await oneAtATime(desk, cases, async (c) => {
    const attachments: Attachment[] = FOUR_PHOTOS.map((filename, k) => ({
      filename,
      content: photoVariant(scenes[k] as Buffer),
      contentType: "image/jpeg",
    }));
    const reply = await buildReply(
      c.request,
      { ...CONTRACTOR, address: c.contractor ?? "" },
      "Hej, här är bilderna från platsen. Formuläret kommer när signalstyrkan är uppmätt.\n\n/Carl",
      attachments,
    );
    mailBytes = reply.raw.length;
    lastMail = { raw: reply.raw, photos: attachments.map((a) => a.content) };
    return reply;
  });
  const inProcess = lastMail ? await fourPhotoParts(lastMail) : null;
  const verdicts = await photoVerdicts(desk, cases);
  const b = await breakdown(desk, samples.slice(N.warmup));
  await desk.close();
  const four = summary(b.reply);
  log(`photos: four-photo reply p50 ${four.p50} p95 ${four.p95} max ${four.max} ms (${mb(mailBytes)} MB mails; photos ${JSON.stringify(verdicts)})`);

  const backlog = await photoBacklog(scenes);
  return {
    check,
    viewer,
    four: { n: b.reply.length, ...four, mail_mb: mb(mailBytes), share: summary(b.botShare), parts_p50: p50s(b.parts), in_process_ms: inProcess, verdicts },
    backlog,
  };
}

/**
 * What `process_mail` of a four-photo reply is made of, measured alone on the last mail: the streaming
 * MIME parse into a blob store, and measurePhoto on its four photos one after the other (as
 * src/app/read-evidence.ts does) and two at a time. Median of three.
 */
async function fourPhotoParts(mail: { raw: Buffer; photos: Buffer[] }) {
  const dir = await mkdtemp(path.join(tmpdir(), "ab-bench-four-"));
  try {
    const blobs = createFileBlobStore(dir);
    const files: string[] = [];
    for (const [k, photo] of mail.photos.entries()) {
      files.push(path.join(dir, `p${k}.jpg`));
      await writeFile(files[k] as string, photo);
    }
    const limits = { max_bytes: 40 * 1024 * 1024, max_pixels: 120_000_000, max_heic_pixels: 50_000_000 };
    const time = async (fn: () => Promise<unknown>) => {
      const t: number[] = [];
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await fn();
        t.push(performance.now() - start);
      }
      return round1(percentile(t, 50));
    };
    return {
      parse_mail: await time(() => parseMail(mail.raw, { blobs }, { maxAttachmentBytes: 25 * 1024 * 1024 })),
      measure_4_photos_one_by_one: await time(async () => {
        for (const f of files) await measurePhoto(f, limits);
      }),
      measure_4_photos_two_at_a_time: await time(async () => {
        await Promise.all([0, 1].map(async (w) => {
          for (let k = w; k < files.length; k += 2) await measurePhoto(files[k] as string, limits);
        }));
      }),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** How the bot judged the photos (a sanity check that the bench photos pass as good photos). */
async function photoVerdicts(desk: Desk, cases: BenchCase[]): Promise<Record<string, number>> {
  const count: Record<string, number> = {};
  for (const c of cases) {
    const kase = await desk.ctx.store.getCase(c.id);
    for (const p of kase?.evidence.flatMap((e) => e.photos) ?? []) {
      const key = p.status === "ok" ? `ok:${p.category ?? "unassigned"}` : `${p.status}:${p.reasons.join("+")}`;
      count[key] = (count[key] ?? 0) + 1;
    }
  }
  return count;
}

async function photoBacklog(scenes: Buffer[]) {
  const n = N.photoBacklog;
  log(`photos: backlog of ${n} photo mails (${PHOTOS_PER_BACKLOG_MAIL} photo each) while the bot is stopped`);
  const desk = await startDesk("photo-backlog");
  const cases = await openBenchCases(desk, n, { siteReadiness: true });
  const dir = await mkdtemp(path.join(tmpdir(), "ab-bench-photos-"));
  onCleanup(() => rm(dir, { recursive: true, force: true }));
  const files: string[] = [];
  const replyIds: string[] = [];
  const names = ["elcentral.jpg", "kabeldragning.jpg", "betongplatta.jpg", "oversikt-parkering.jpg"];
  const drained = await drainBacklog(desk, n, async (append) => {
    // Built and appended one at a time: 200 mails of 5+ MB are not held in memory together.
    for (const [i, c] of cases.entries()) {
      const attachments: Attachment[] = [];
      for (let k = 0; k < PHOTOS_PER_BACKLOG_MAIL; k++) {
        const content = photoVariant(scenes[(i + k) % scenes.length] as Buffer);
        const file = path.join(dir, `${i}-${k}.jpg`);
        await writeFile(file, content);
        files.push(file);
        attachments.push({ filename: names[(i + k) % names.length] as string, content, contentType: "image/jpeg" });
      }
      const text = "Hej, här är en bild från platsen.\n\n/Carl";
      const reply = await buildReply(c.request, { ...CONTRACTOR, address: c.contractor ?? "" }, text, attachments);
      replyIds.push(reply.messageId);
      await append(reply.raw);
    }
  });
  const verdicts = await photoVerdicts(desk, cases);
  const unexpected = await unexpectedOutcomes(desk, replyIds);
  await desk.close();

  // The floor: decode + checks alone (measurePhoto) on the same photo files, 2 and 4 in flight; the faster.
  const limits = { max_bytes: 40 * 1024 * 1024, max_pixels: 120_000_000, max_heic_pixels: 50_000_000 };
  for (const f of files.slice(0, 2)) await measurePhoto(f, limits); // warm-up
  const rates: Record<string, number> = {};
  for (const inFlight of [2, 4]) {
    const start = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < files.length) {
          const r = await measurePhoto(files[next++] as string, limits);
          if (r.kind !== "ok") throw new Error(`bench: photo not measured: ${r.detail}`);
        }
      }),
    );
    rates[`in_flight_${inFlight}`] = round1(files.length / ((performance.now() - start) / 1000));
  }
  await rm(dir, { recursive: true, force: true });
  const floorPhotos = Math.max(...Object.values(rates));
  const floor = floorPhotos / PHOTOS_PER_BACKLOG_MAIL;
  log(`photos: backlog ${drained.mails_per_s} mails/s, floor ${round1(floor)} mails/s (${JSON.stringify(rates)} photos/s); ${JSON.stringify(verdicts)}`);
  return { ...drained, unexpected_outcomes: unexpected, photos_per_mail: PHOTOS_PER_BACKLOG_MAIL, floor_mails_per_s: round1(floor), floor_photos_per_s: rates, verdicts };
}

// ---------------------------------------------------------------------------------------------------

/**
 * Peak RSS of `activation-bot run` (the desk's bot process) while it handles one 30 MB mail: its
 * /proc status sampled every 5 ms from here (not paused by the bot's event loop), and the kernel's
 * high-water mark, reset (clear_refs 5) just before the mail arrives.
 */
async function bigMailPhase(scenes: Buffer[]) {
  rssSampler.phase("big-mail");
  log("big mail: one 30 MB contractor reply to `activation-bot run` in a process of its own");
  const desk = await startDesk("big-mail");
  const bot = desk.bot;
  if (!bot) throw new Error("bench: big mail: no bot process");
  const pid = bot.pid;
  const c = await openBenchCase(desk, 0, { siteReadiness: true });
  await until(
    async () => {
      desk.checkBot();
      return desk.outboxSettled();
    },
    ANSWER_TIMEOUT_MS,
    "the bot's first mails",
    50,
  );
  await desk.guard(desk.relay.waitFor((m) => isAnswerTo(m, c.request.messageId), ANSWER_TIMEOUT_MS));

  // Five 12 MP photos and a video clip: about 30 MB as delivered (base64).
  const photos: Attachment[] = ["betongplatta.jpg", "kabeldragning.jpg", "elcentral.jpg", "signalstyrka.jpg", "oversikt-parkering.jpg"].map(
    (filename, k) => ({ filename, content: photoVariant(scenes[k % scenes.length] as Buffer), contentType: "image/jpeg" }),
  );
  const text = "Hej, platsen är förberedd. Bilderna och en film av kabeldragningen bifogas.\n\n/Carl";
  const from = { ...CONTRACTOR, address: c.contractor ?? "" };
  const probe = await buildReply(c.request, from, text, photos);
  const videoBytes = Math.max(0, Math.floor((BIG_MAIL_BYTES - probe.raw.length) / 1.37));
  const video: Attachment = { filename: "kabeldragning.mp4", content: randomBytes(videoBytes), contentType: "video/mp4" };
  const big = await buildReply(c.request, from, text, [...photos, video]);
  await sleep(1000); // the bot settles: watcher in IDLE, start-up garbage collected or not, as in service
  const startup = await botRss(pid);
  if (!startup) throw new Error("bench: the bot process is gone");
  // The high-water mark is exact for one process; with worker processes (WORKER_PROCESSES > 1) the
  // summed VmRSS samples are the figure.
  const hwmReset =
    startup.processes === 1 &&
    (await writeFile(`/proc/${pid}/clear_refs`, "5").then(
      () => true,
      () => false,
    ));
  const baseline = await botRss(pid);
  log(`big mail: ${mb(big.raw.length)} MB (5 photos, ${mb(videoBytes)} MB video); ${bot.label} at ${mb(baseline?.rss ?? 0)} MB RSS (start-up high-water ${mb(startup.hwm)} MB)`);

  let peak = baseline?.rss ?? 0;
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const r = await botRss(pid);
      if (r) peak = Math.max(peak, r.rss);
      samples++;
      await sleep(5);
    }
  })();
  const app = await appender(desk);
  const arrived = Date.now();
  await app.append(big.raw);
  await app.close();
  const answer = await desk.guard(desk.relay.waitFor((m) => isAnswerTo(m, big.messageId), 120_000));
  // Handled = moved out of INBOX (after the commit) and the answer filed in Sent.
  await until(
    async () => {
      desk.checkBot();
      const status = await withImap(desk.user, (cl) => cl.status(desk.config.IMAP_MAILBOX, { messages: true }));
      return status !== false && status.messages === 0 && (await desk.outboxSettled());
    },
    120_000,
    "the big mail to leave INBOX",
    100,
  );
  await sleep(500);
  const after = await botRss(pid);
  sampling = false;
  await sampler;
  await desk.stopBot();
  const verdicts = await photoVerdicts(desk, [c]);
  await desk.close();
  const out = {
    process: bot.label,
    processes: startup.processes,
    mail_mb: mb(big.raw.length),
    reply_ms: answer.at - arrived,
    idle_rss_mb: mb(baseline?.rss ?? 0),
    startup_hwm_mb: mb(startup.hwm),
    sampled_peak_rss_mb: mb(peak),
    /** The kernel's high-water mark since the reset just before the mail (null if it could not be reset, or several processes). */
    hwm_during_mail_mb: hwmReset && after?.processes === 1 ? mb(after.hwm) : null,
    peak_rss_mb: mb(Math.max(peak, hwmReset && after?.processes === 1 ? after.hwm : 0)),
    rss_after_mb: mb(after?.rss ?? 0),
    rss_samples: samples,
    verdicts,
  };
  log(`big mail: ${JSON.stringify(out)}`);
  return out;
}

// ---------------------------------------------------------------------------------------------------

/**
 * BENCH_ONLY=latency,backlog,photos,big-mail,pickup,oauth,gap runs a subset (figures of the others are null);
 * photo-backlog runs only the last part of photos.
 */
const ONLY = (process.env.BENCH_ONLY ?? "").split(",").map((x) => x.trim()).filter(Boolean);
const want = (phase: "latency" | "backlog" | "photos" | "photo-backlog" | "big-mail" | "pickup" | "oauth" | "gap" | "overview") =>
  ONLY.length === 0 || ONLY.includes(phase) || (phase === "photo-backlog" && ONLY.includes("photos"));

async function main() {
  const started = Date.now();
  const loadStart = loadavg()[0] ?? 0;
  log(`${QUICK ? "quick" : "full"} run: ${JSON.stringify(N)}${ONLY.length ? ` only ${ONLY.join(",")}` : ""}`);
  const latency = want("latency") ? await latencyPhase() : null;
  const backlog = want("backlog") ? await backlogPhase() : null;
  const scenes: Buffer[] = [];
  if (want("photo-backlog") || want("big-mail")) {
    rssSampler.phase("photo-generation");
    log("photos: rendering five 12 MP scenes");
    for (let seed = 101; seed <= 105; seed++) scenes.push(await phonePhoto(seed));
    log(`photos: ${scenes.map((x) => mb(x.length)).join(", ")} MB`);
  }
  const photos = want("photo-backlog") ? await photoPhase(scenes.slice(0, 4)) : null;
  const bigMail = want("big-mail") ? await bigMailPhase(scenes) : null;
  const pickup = want("pickup") ? await pickupPhase(N.pickup) : null;
  const oauth = want("oauth") ? await oauthPhase(N.oauth) : null;
  const gap = want("gap") ? await gapPhase(N.gapSeconds * 1000) : null;
  // The overview page at 1 000 and 10 000 cases of one store (bench/overview.ts), in this process.
  const overview = want("overview") ? await overviewBench(QUICK ? 200 : 1000, QUICK ? 2000 : 10000) : null;
  rssSampler.stop();

  const figures = {
    reply_ms_p50: latency?.reply.p50 ?? null,
    reply_ms_p95: latency?.reply.p95 ?? null,
    reply_ms_max: latency?.reply.max ?? null,
    bot_share_ms_p50: latency?.share.p50 ?? null,
    bot_share_ms_p95: latency?.share.p95 ?? null,
    bot_share_ms_max: latency?.share.max ?? null,
    backlog_mails_per_s: backlog?.mails_per_s ?? null,
    backlog_parse_only_mails_per_s: backlog?.parse_only_mails_per_s ?? null,
    peak_rss_mb: mb(rssSampler.peak),
    peak_rss_mb_mail_phases: mb(Math.max(rssSampler.peaks.latency ?? 0, rssSampler.peaks.backlog ?? 0)),
    photo_check_ms_p50: photos?.check?.photo_check_ms_p50 ?? null,
    photo_check_ms_p95: photos?.check?.photo_check_ms_p95 ?? null,
    four_photo_reply_ms_p50: photos?.four?.p50 ?? null,
    four_photo_reply_ms_p95: photos?.four?.p95 ?? null,
    photo_backlog_mails_per_s: photos?.backlog.mails_per_s ?? null,
    photo_backlog_floor_mails_per_s: photos?.backlog.floor_mails_per_s ?? null,
    photo_backlog_vs_floor: photos ? Math.round((photos.backlog.mails_per_s / photos.backlog.floor_mails_per_s) * 100) / 100 : null,
    big_mail_peak_rss_mb: bigMail?.peak_rss_mb ?? null,
    pickup_no_idle_ms_p95: pickup?.p95 ?? null,
    oauth_reply_ms_p95: oauth?.oauth.p95 ?? null,
    oauth_password_reply_ms_p95: oauth?.password.p95 ?? null,
    oauth_vs_password_reply_p95: oauth?.p95_ratio ?? null,
    token_reconnect_pickup_gap_ms_max: gap?.pickup_ms.max ?? null,
    token_reconnect_pickup_ms_p50: gap?.pickup_ms.p50 ?? null,
    token_reconnect_pickup_ms_p95: gap?.pickup_ms.p95 ?? null,
    token_reconnects_planned: gap?.planned_reconnects ?? null,
    token_reconnect_mails_missed: gap?.missed ?? null,
    overview_page_ms_p95_small: overview?.overview_page_ms_small.p95 ?? null,
    overview_page_ms_p95_large: overview?.overview_page_ms_large.p95 ?? null,
    overview_p95_ratio_large_vs_small: overview?.overview_p95_ratio_large_vs_small ?? null,
  };
  const atMost = (v: number | null, t: number) => (v === null ? null : v <= t);
  const atLeast = (v: number | null, t: number) => (v === null ? null : v >= t);
  const met = {
    reply_ms_p95: atMost(figures.reply_ms_p95, 700),
    bot_share_ms_p95: atMost(figures.bot_share_ms_p95, 50),
    backlog_mails_per_s: atLeast(figures.backlog_mails_per_s, 200),
    photo_check_ms_p95: atMost(figures.photo_check_ms_p95, 250),
    four_photo_reply_ms_p95: atMost(figures.four_photo_reply_ms_p95, 2000),
    photo_backlog_vs_floor: atLeast(figures.photo_backlog_vs_floor, 0.8),
    big_mail_peak_rss_mb: atMost(figures.big_mail_peak_rss_mb, 200),
    pickup_no_idle_ms_p95: atMost(figures.pickup_no_idle_ms_p95, 15_000),
    oauth_vs_password_reply_p95: atMost(figures.oauth_vs_password_reply_p95, 1.1),
    token_reconnect_pickup_gap_ms_max: atMost(figures.token_reconnect_pickup_gap_ms_max, 1000),
    token_reconnect_mails_missed: atMost(figures.token_reconnect_mails_missed, 0),
  };
  const result = {
    bench: "activation-bot",
    quick: QUICK,
    at: new Date(started).toISOString(),
    ...figures,
    targets: TARGETS,
    met,
    notes: {
      arrival: "end of the IMAP APPEND of the reply into the desk's INBOX; out = the SMTP relay accepted the answer",
      bot_share: "relay acceptance minus IngestJob.seenAt (IDLE announced the mail), read from the bot's BullMQ job in Redis",
      peak_rss_mb: "the bot process (detail.bot_process, one per desk) over the run: /proc VmRSS sampled every 20 ms and VmHWM when it stops; the bench's own in detail.bench_process_peak_rss_mb",
      big_mail_peak_rss_mb: "the bot process while it handles the 30 MB mail (detail.big_mail.process): /proc VmRSS every 5 ms and VmHWM reset before the mail",
      photo_backlog_floor: "measurePhoto alone on the same photo files, 2 and 4 in flight, the faster",
    },
    detail: {
      overview,
      counts: { latency: latency?.n ?? 0, backlog: backlog?.n ?? 0, four_photo: photos?.four?.n ?? 0, photo_backlog: photos?.backlog.n ?? 0 },
      reply_breakdown_ms_p50: latency?.parts_p50 ?? null,
      reply_breakdown_ms_p95: latency?.parts_p95 ?? null,
      backlog,
      photo_floor_per_s: photos?.check?.photo_floor_per_s ?? null,
      /** The viewer's full-size photo of a 12 MP JPEG: the first request converts, later ones read the kept conversion. */
      viewer: photos?.viewer ?? null,
      four_photo: photos?.four ?? null,
      photo_backlog: photos?.backlog ?? null,
      big_mail: bigMail,
      /** Without IDLE (the second Dovecot) at the default IMAP_POLL_INTERVAL_MS: APPEND end to the watcher's hand-over. */
      pickup_no_idle: pickup,
      /** Replies with OAuth2 on both sides (Entra flow, oauth2-only Dovecot, XOAUTH2) against password login, alternating, bots in the bench process. */
      oauth_vs_password: oauth,
      /** Mail every 100–200 ms across planned token reconnects (oauth2-only Dovecot, short tokens, bot in the bench process): APPEND end to the ingest job's seenAt. */
      token_reconnect_gap: gap,
      /** The command the bots ran as ("node dist/cli/main.js run", or from the sources under tsx when dist/ is stale). */
      bot_process: botCommand().label,
      peak_rss_mb_by_phase: Object.fromEntries(Object.entries(rssSampler.peaks).map(([k, v]) => [k, mb(v)])),
      /** This bench process (relay, mail building, photo rendering, bookkeeping, under tsx), apart from the bot. */
      bench_process_peak_rss_mb: mb(rssSampler.benchPeak),
      bench_process_peak_rss_mb_by_phase: Object.fromEntries(Object.entries(rssSampler.benchPeaks).map(([k, v]) => [k, mb(v)])),
      max_rss_mb: mb(resourceUsage().maxRSS * 1024),
      /** Other work on the machine disturbs the figures: the 1-minute load average at start and end. */
      loadavg: { start: round1(loadStart), end: round1(loadavg()[0] ?? 0), cores: availableParallelism() },
      bot_tuning: botTuning(),
      bot_malloc_arena_max: process.env.MALLOC_ARENA_MAX ?? "2",
      bot_node_options: process.env.BOT_NODE_OPTIONS ?? "--max-semi-space-size=8",
      duration_s: round1((Date.now() - started) / 1000),
      node: process.version,
    },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// Interrupted: stop the bot processes and remove the desks before leaving (lib.ts kills any bot process
// still alive when the bench exits). A Ctrl-C reaches this process twice (from the terminal, and passed
// on by tsx): the repeat must not end it half-way through the cleanup.
let interrupted = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping the bots and removing the desks`);
    setTimeout(() => process.exit(130), 45_000).unref();
    void cleanupAll().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (err) {
  if (interrupted) log(`interrupted: ${err instanceof Error ? err.message : String(err)}`);
  else log(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exitCode = 1;
  // A phase that failed half-way may leave a connection open: do not hang after the cleanup (which gives
  // a bot process up to 30 s to stop).
  setTimeout(() => process.exit(1), 45_000).unref();
} finally {
  rssSampler.stop();
  await cleanupAll();
}
