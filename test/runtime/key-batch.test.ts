/** KeyBatch: keys added in one turn of the event loop reach the handler in one call. */
import { describe, expect, it } from "vitest";
import { KeyBatch } from "../../src/runtime/key-batch.js";

describe("KeyBatch", () => {
  it("hands on the keys of one turn together, and later ones in a call of their own", async () => {
    const calls: string[][] = [];
    const batch = new KeyBatch(async (keys) => void calls.push(keys));
    batch.add("a");
    batch.add("b");
    batch.add("c");
    expect(calls).toEqual([]);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(calls).toEqual([["a", "b", "c"]]);
    batch.add("d");
    await batch.flush();
    expect(calls).toEqual([["a", "b", "c"], ["d"]]);
    await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(2);
  });
});
