import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests share one Dovecot and one Redis; files isolate themselves by
    // key prefix and mailbox user, so they may run in parallel, but two cores is the budget.
    maxWorkers: 2,
    // The shared test Redis has no persistence; `run` processes the tests spawn inherit this.
    env: { REDIS_SETTINGS_CHECK: "false" },
  },
});
