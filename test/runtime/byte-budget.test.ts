import { describe, expect, it } from "vitest";
import { ByteBudget } from "../../src/runtime/byte-budget.js";

/** A piece of work that runs until the test lets it finish. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return { done, open };
}

const tick = () => new Promise((r) => setImmediate(r));

describe("ByteBudget", () => {
  it("runs work side by side while the sizes fit, and holds the rest until bytes are released", async () => {
    const budget = new ByteBudget(10);
    const started: string[] = [];
    const gates = { a: gate(), b: gate(), c: gate() };
    const run = (name: keyof typeof gates, bytes: number) =>
      budget.run(bytes, async () => {
        started.push(name);
        await gates[name].done;
        return name;
      });
    const a = run("a", 6);
    const b = run("b", 4);
    const c = run("c", 3);
    await tick();
    expect(started).toEqual(["a", "b"]);
    expect(budget.inUse).toBe(10);
    gates.b.open();
    await b;
    await tick();
    expect(started).toEqual(["a", "b", "c"]);
    gates.a.open();
    gates.c.open();
    expect(await Promise.all([a, c])).toEqual(["a", "c"]);
    expect(budget.inUse).toBe(0);
  });

  it("lets a mail larger than the whole budget go alone, and small ones do not overtake it", async () => {
    const budget = new ByteBudget(10);
    const started: string[] = [];
    const small = gate();
    const first = budget.run(2, async () => {
      started.push("small 1");
      await small.done;
    });
    const big = budget.run(50, async () => void started.push("big"));
    const later = budget.run(1, async () => void started.push("small 2"));
    await tick();
    expect(started).toEqual(["small 1"]);
    small.open();
    await Promise.all([first, big, later]);
    expect(started).toEqual(["small 1", "big", "small 2"]);
  });

  it("releases the bytes when the work fails", async () => {
    const budget = new ByteBudget(10);
    await expect(budget.run(8, async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(budget.inUse).toBe(0);
    expect(await budget.run(8, async () => "next")).toBe("next");
  });
});
