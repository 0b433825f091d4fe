/**
 * A case store on real Redis under a random key prefix and the file blob store in a temp folder, as
 * the adapter and use-case tests open them for each test; `close` deletes the prefix and the folder.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { createFileBlobStore } from "../../src/adapters/blob/file-blob-store.js";
import { CaseStore } from "../../src/adapters/redis/case-store.js";
import type { BlobStore } from "../../src/app/ports.js";
import { randomPrefix, redisUrl } from "./services.js";

export interface StoreAndBlobs {
  redis: Redis;
  store: CaseStore;
  /** The blob store's folder. */
  dir: string;
  blobs: BlobStore;
  close(): Promise<void>;
}

export async function openStoreAndBlobs(name: string): Promise<StoreAndBlobs> {
  const redis = new Redis(redisUrl());
  const store = new CaseStore(redis, randomPrefix(name));
  const dir = await mkdtemp(join(tmpdir(), `${name}-blobs-`));
  return {
    redis,
    store,
    dir,
    blobs: createFileBlobStore(dir),
    async close() {
      const keys = await redis.keys(`${store.prefix}*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
