/**
 * One fill process of the scale bench (bench/scale-fill.ts): its share of the cases, in a context of its
 * own. SCALE_FILL_SHARD is `shard/shards/n`; progress goes to the parent over IPC.
 */
import { loadConfig } from "../src/config.js";
import { buildContext } from "../src/main.js";
import { fillShard } from "./scale-fill.js";

const [shard, shards, n] = (process.env.SCALE_FILL_SHARD ?? "").split("/").map(Number);
if (shard === undefined || !shards || !n) throw new Error("bench: SCALE_FILL_SHARD must be shard/shards/n");
const ctx = await buildContext(loadConfig({ ...process.env, LOG_LEVEL: "silent" }));
try {
  await fillShard(ctx, n, shard, shards, (made) => process.send?.({ made, rss: process.memoryUsage.rss() }));
} finally {
  await ctx.close();
}
