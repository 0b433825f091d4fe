/**
 * Composition root: builds the adapters from the configuration and hands them to the use cases.
 * Nothing else constructs clients; commands take what they need from here.
 */
import { mkdir } from "node:fs/promises";
import { Redis } from "ioredis";
import pino from "pino";
import type { Logger } from "pino";
import { createFileBlobStore } from "./adapters/blob/file-blob-store.js";
import { loadRules } from "./adapters/files/load-rules.js";
import { loadTemplates } from "./adapters/files/templates.js";
import { IN_MEMORY_MAIL_BYTES, parseMail } from "./adapters/mime/parse-mail.js";
import { setSharpThreads } from "./adapters/image/load-sharp.js";
import { measurePhoto } from "./adapters/image/measure-photo.js";
import { createAuthVerifier } from "./adapters/mailauth/verify-auth.js";
import { createBlankForms } from "./adapters/pdf/blank-forms.js";
import { CaseStore } from "./adapters/redis/case-store.js";
import { connectRedis } from "./adapters/redis/connect.js";
import { SettingsStore } from "./adapters/redis/settings-store.js";
import type { SupervisionDeps } from "./app/supervision.js";
import { supervisedStagesReader } from "./app/supervision.js";
import { createEvidenceReader } from "./app/read-evidence.js";
import { warmUpAnswerReader } from "./core/answers/read-answers.js";
import type { CaseCommandDeps } from "./app/case-commands.js";
import type { ComposeDeps } from "./app/compose-outbox.js";
import type { BlobStore, Clock, EvidenceTools, Renderer } from "./app/ports.js";
import type { ProcessMailDeps } from "./app/process-mail.js";
import type { Config } from "./config.js";
import { requireConfig } from "./config.js";
import type { Rules } from "./core/rules/rules.js";

export interface Context {
  config: Config;
  log: Logger;
  redis: Redis;
  store: CaseStore;
  blobs: BlobStore;
  rules: Rules;
  renderer: Renderer;
  clock: Clock;
  compose: ComposeDeps;
  /** Supervised mode's setting: the run-time settings in Redis over SUPERVISED_STAGES (app/supervision.ts). */
  supervision: SupervisionDeps;
  close(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: "activation-bot" } }, pino.destination(2));
}

export async function buildContext(config: Config, opts: { log?: Logger; clock?: Clock } = {}): Promise<Context> {
  // Applied when sharp loads, with the first photo (adapters/image/load-sharp.ts).
  setSharpThreads(config.SHARP_THREADS);
  const log = opts.log ?? createLogger(config.LOG_LEVEL);
  const cfg = requireConfig(config, ["TAG_SECRET"]);
  // The templates and the storage folder are read and made while the rules load (issue 20: a start
  // after a fault waits for all three); a bad rules folder is still the error reported first.
  const templates = loadTemplates(config.TEMPLATES_DIR);
  const storage = mkdir(config.STORAGE_DIR, { recursive: true });
  for (const p of [templates, storage]) p.catch(() => undefined);
  const rules = await loadRules(config.RULES_DIR);
  // The answer lexicon and its grammars' regexes compile on first use (~200 ms): pay that at
  // start-up, not on the first mails.
  warmUpAnswerReader(rules.answers);
  const renderer = await templates;
  await storage;
  const blobs = createFileBlobStore(`${config.STORAGE_DIR}/blobs`);
  const redis = connectRedis(config);
  redis.on("error", (err) => log.warn({ err: err.message }, "redis connection error"));
  const store = new CaseStore(redis, config.REDIS_PREFIX);
  const supervision: SupervisionDeps = { settings: new SettingsStore(redis, config.REDIS_PREFIX), envDefault: config.SUPERVISED_STAGES };
  const compose: ComposeDeps = {
    renderer,
    mailFrom: config.MAIL_FROM,
    mailFromAddress: config.mailFromAddress,
    mailDomain: config.mailDomain,
    plusAddressing: config.PLUS_ADDRESSING,
    secret: cfg.TAG_SECRET,
    blankForm: createBlankForms(config.STORAGE_DIR, blobs, rules.forms.forms),
    supervision: supervisedStagesReader(supervision),
  };
  return {
    config,
    log,
    redis,
    store,
    blobs,
    rules,
    renderer,
    clock: opts.clock ?? systemClock,
    compose,
    supervision,
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * The document and image adapters, as the evidence reader's port. pdf-lib and pdf-parse load with the
 * first form read (sharp with the first photo, adapters/image/load-sharp.ts), not at start-up.
 */
export const evidenceTools: EvidenceTools = {
  measurePhoto,
  readFormPdf: async (bytes, forms) => (await import("./adapters/pdf/form-pdf.js")).readFormPdf(bytes, forms),
};

export function caseCommandDeps(ctx: Context): CaseCommandDeps {
  return { store: ctx.store, rules: ctx.rules, compose: ctx.compose, clock: ctx.clock, mail: { ...processMailDeps(ctx), blobs: ctx.blobs } };
}

export function processMailDeps(ctx: Context): ProcessMailDeps {
  return {
    store: ctx.store,
    rules: ctx.rules,
    compose: ctx.compose,
    clock: ctx.clock,
    evidence: createEvidenceReader({ blobs: ctx.blobs, store: ctx.store, clock: ctx.clock, tools: evidenceTools }),
    parse: async (source) =>
      parseMail("blob" in source ? await ctx.blobs.open(source.blob, IN_MEMORY_MAIL_BYTES) : source, { blobs: ctx.blobs }, { maxAttachmentBytes: ctx.config.MAX_ATTACHMENT_BYTES }),
    trustedAuthservIds: ctx.config.trustedAuthservIds,
    blobs: ctx.blobs,
    ...(ctx.config.AUTH_VERIFY ? { verifyAuth: createAuthVerifier({ mta: ctx.config.mailDomain }) } : {}),
  };
}
