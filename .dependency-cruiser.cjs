/**
 * Import direction (STYLE §9): the core is pure and imports no adapter, app uses cases see adapters
 * only through ports, and nothing imports the composition root or the CLI.
 */
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment: "src/core holds pure domain code: no adapters, app, runtime, http, cli, config",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/(adapters|app|runtime|http|cli|demo|main|config)" },
    },
    {
      name: "core-does-no-io",
      comment: "the core never touches files, network, processes or the clock's sources",
      severity: "error",
      from: { path: "^src/core/" },
      to: { dependencyTypes: ["core"], pathNot: "^(node:)?(crypto|util)$" },
    },
    {
      name: "app-uses-ports",
      comment: "use cases get adapters passed in (app/ports.ts), they do not import them",
      severity: "error",
      from: { path: "^src/app/" },
      to: { path: "^src/(adapters|runtime|http|cli|demo|main)" },
    },
    {
      name: "adapters-do-not-reach-up",
      severity: "error",
      from: { path: "^src/adapters/" },
      to: { path: "^src/(runtime|http|cli|demo|main)" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
