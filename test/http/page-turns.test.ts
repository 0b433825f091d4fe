/**
 * Pages take turns for their synchronous part (src/http/page-turns.ts): pages whose data came in at
 * once render in passes of the event loop of their own, so timers (the watcher lock's renewal) and
 * /healthz are served between them.
 */
import { describe, expect, it } from "vitest";
import { pageTurn } from "../../src/http/page-turns.js";

describe("page turns", () => {
  it("renders pages that are ready together in successive passes of the event loop, in the order asked", async () => {
    // Counts the passes of the event loop: one setImmediate callback per pass.
    let pass = 0;
    let counting = true;
    const tick = () => {
      pass++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const rendered: { page: number; pass: number }[] = [];
    await Promise.all([1, 2, 3, 4, 5].map(async (page) => {
      await pageTurn();
      rendered.push({ page, pass });
    }));
    counting = false;
    expect(rendered.map((r) => r.page)).toEqual([1, 2, 3, 4, 5]);
    const passes = rendered.map((r) => r.pass);
    for (let i = 1; i < passes.length; i++) expect(passes[i]).toBeGreaterThan(passes[i - 1] ?? Infinity);
  });

  it("lets a timer due meanwhile run before the next page renders", async () => {
    const order: string[] = [];
    const first = pageTurn().then(() => {
      order.push("page 1");
      setTimeout(() => order.push("timer"), 0);
      // The page's own synchronous work: long enough for the timer to be due when it ends.
      const until = Date.now() + 5;
      while (Date.now() < until);
    });
    const second = pageTurn().then(() => order.push("page 2"));
    const third = pageTurn().then(() => order.push("page 3"));
    await Promise.all([first, second, third]);
    expect(order.indexOf("timer")).toBeGreaterThan(order.indexOf("page 1"));
    expect(order.indexOf("timer")).toBeLessThan(order.indexOf("page 3"));
  });
});
