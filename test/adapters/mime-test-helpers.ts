/**
 * Shared by the MIME, classification, corpus and fuzz tests: a real file blob store in a temp dir,
 * fixture loading, and the classification context of the desk the fixtures were written for.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { parseMail, type MimeLimits } from "../../src/adapters/mime/parse-mail.js";
import type { BlobStore } from "../../src/app/ports.js";
import type { ClassifyContext } from "../../src/core/mail/classify.js";
import type { MailFacts } from "../../src/core/types.js";

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export interface TempBlobs {
  blobs: BlobStore;
  dir: string;
  cleanup(): Promise<void>;
}

export async function tempBlobStore(): Promise<TempBlobs> {
  const dir = await mkdtemp(join(tmpdir(), "activation-bot-blobs-"));
  return { blobs: createFileBlobStore(dir), dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function mailFixture(name: string): Promise<Buffer> {
  return readFile(join(FIXTURES, "mail", name));
}

export async function parseFixture(name: string, blobs: BlobStore, limits: Partial<MimeLimits> = {}): Promise<MailFacts> {
  return parseMail(await mailFixture(name), { blobs }, limits);
}

/** The desk of the fixtures: `activations@activations.example.com`, VERP `activations+bounce-<id>@`. */
export const DESK: ClassifyContext = {
  ownAddresses: ["activations@activations.example.com"],
  ownMessageIdDomain: "activations.example.com",
  verp: /^activations\+bounce-([^@]+)@activations\.example\.com$/i,
};

/** A body-only corpus file as the text/plain part of a mail (corpus README note 2). */
export function wrapBody(body: Buffer): Buffer {
  const head = [
    "From: Someone <someone@kund.example>",
    "To: activations@activations.example.com",
    "Subject: Re: [ACT-123456] Aktivering",
    "Message-ID: <wrapped-body@kund.example>",
    "Date: Mon, 14 Jul 2025 10:00:00 +0200",
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "Content-Transfer-Encoding: 8bit",
    "",
    "",
  ].join("\r\n");
  return Buffer.concat([Buffer.from(head, "utf8"), body]);
}
