/** The watcher lock of a dead process on this host is taken at once, not after its TTL (issue 20). */
import { describe, expect, it } from "vitest";
import { holderIsDead } from "../../src/runtime/leader-lock.js";

describe("holderIsDead", () => {
  const uuid = "0b9c4f7e-1d2a-4c3b-9e8f-7a6b5c4d3e2f";
  it("is true only for a process of this host that no longer runs", () => {
    expect(holderIsDead(`web-1:4242:${uuid}`, "web-1", () => false)).toBe(true);
    expect(holderIsDead(`web-1:4242:${uuid}`, "web-1", () => true)).toBe(false);
    // Another host's holder cannot be seen: its lock runs out on its own.
    expect(holderIsDead(`web-2:4242:${uuid}`, "web-1", () => false)).toBe(false);
    // A token of an older version (a bare UUID) is left to its TTL.
    expect(holderIsDead(uuid, "web-1", () => false)).toBe(false);
  });
  it("takes this process id as an earlier life of the process when no lock here holds that token", () => {
    expect(holderIsDead(`web-1:${process.pid}:${uuid}`, "web-1", () => true)).toBe(true);
  });
});
